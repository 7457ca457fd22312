import { defineCommand } from 'citty';
import { COMMAND_META } from './index.js';
import { homeArgs, runIdArg } from '../shared-args.js';

export default defineCommand({
  meta: COMMAND_META.status,
  args: { ...runIdArg, json: { type: 'boolean', description: 'Print the status as JSON' }, ...homeArgs },
  async run({ args }) {
    const { showStatus } = await import('../inspect.js');
    showStatus(args.run_id, args.home, args.json === true);
  },
});
