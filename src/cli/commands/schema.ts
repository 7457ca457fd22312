import { defineCommand } from 'citty';

export default defineCommand({
  meta: { name: 'schema', description: 'Print the JSON Schema of plan files (for editors: save it and point the modeline at it)' },
  args: {},
  async run() {
    const { readFileSync } = await import('node:fs');
    const { packageRoot } = await import('../package-files.js');
    process.stdout.write(readFileSync(new URL('schema/aad.schema.json', packageRoot), 'utf8'));
  },
});
