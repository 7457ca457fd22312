import { defineCommand } from 'citty';
import { homeArgs, runIdArg } from '../shared-args.js';

export default defineCommand({
  meta: { name: 'cancel', description: 'Stop a running run from any terminal: its tasks are killed and it ends cancelled (exit 0 once stopped, 2 if it was not running)' },
  args: { ...runIdArg, ...homeArgs },
  async run({ args }) {
    const { cancelRun } = await import('../cancel-run.js');
    process.exitCode = await cancelRun(args.run_id, args.home);
  },
});
