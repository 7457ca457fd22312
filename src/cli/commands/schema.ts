import { defineCommand } from 'citty';
import { readFileSync } from 'node:fs';
import { packageRoot } from '../package-files.js';
import { COMMAND_META } from './index.js';

export default defineCommand({
  meta: COMMAND_META.schema,
  args: {},
  run() {
    process.stdout.write(readFileSync(new URL('schema/aad.schema.json', packageRoot), 'utf8'));
  },
});
