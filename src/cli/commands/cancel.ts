import { defineCommand } from 'citty';
import { COMMAND_META } from './index.js';
import { homeArgs, runIdArg } from '../shared-args.js';

export default defineCommand({
  meta: COMMAND_META.cancel,
  args: { ...runIdArg, ...homeArgs },
  async run({ args }) {
    const { cancelRun } = await import('../cancel-run.js');
    process.exitCode = await cancelRun(args.run_id, args.home);
  },
});
