import { defineCommand } from 'citty';
import { COMMAND_META } from './index.js';
import { homeArgs } from '../shared-args.js';

export default defineCommand({
  meta: COMMAND_META.selfcheck,
  args: {
    json: { type: 'boolean', description: 'Print {ok, checks: [{name, ok, ms, detail}], workdir} on stdout instead of the lines' },
    'json-out': { type: 'string', description: 'Also write that JSON to FILE (the lines still go to the console)', valueHint: 'FILE' },
    home: { ...homeArgs.home, description: 'Keep the checks\' runs in this folder (default: a temporary home, removed with the rest; $AAD_HOME is not used)' },
  },
  async run({ args }) {
    const { selfcheck } = await import('../selfcheck.js');
    process.exitCode = await selfcheck({ home: args.home, json: args.json === true, jsonOut: args['json-out'] });
  },
});
