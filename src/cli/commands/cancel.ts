import { defineCommand } from 'citty';
import { COMMAND_META } from './index.js';
import { homeArgs, runIdArg } from '../shared-args.js';

export default defineCommand({
  meta: COMMAND_META.cancel,
  args: {
    run_id: { ...runIdArg.run_id, description: 'Run id (default: the newest running run)' },
    redis: { type: 'string', description: "For a run whose runner died: the workers' Redis, so that they stop what it left running on them (default $AAD_REDIS_URL)", valueHint: 'URL' },
    queue: { type: 'string', description: 'With --redis: the workers\' queue (default: aad)', valueHint: 'NAME' },
    ...homeArgs,
  },
  async run({ args }) {
    const { cancelRun } = await import('../cancel-run.js');
    process.exitCode = await cancelRun(args.run_id, args.home, { redis: args.redis, queue: args.queue });
  },
});
