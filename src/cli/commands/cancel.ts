import { defineCommand } from 'citty';
import { COMMAND_META } from './index.js';
import { homeArgs, runIdArg } from '../shared-args.js';

export default defineCommand({
  meta: COMMAND_META.cancel,
  args: { run_id: { ...runIdArg.run_id, description: 'Run id (default: the newest running run)' }, ...homeArgs },
  async run({ args }) {
    const { cancelRun } = await import('../cancel-run.js');
    process.exitCode = await cancelRun(args.run_id, args.home);
  },
});
