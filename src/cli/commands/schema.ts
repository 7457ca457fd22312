import { defineCommand } from 'citty';
import { COMMAND_META } from './index.js';

export default defineCommand({
  meta: COMMAND_META.schema,
  args: {},
  async run() {
    const { readFileSync } = await import('node:fs');
    const { packageRoot } = await import('../package-files.js');
    process.stdout.write(readFileSync(new URL('schema/aad.schema.json', packageRoot), 'utf8'));
  },
});
