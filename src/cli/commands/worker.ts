import { defineCommand } from 'citty';
import { COMMAND_META } from './index.js';

export default defineCommand({
  meta: COMMAND_META.worker,
  args: {
    redis: { type: 'string', description: 'The Redis the runners dispatch to (redis://[user:password@]host[:port][/db], rediss:// for TLS, unix:///path); default $AAD_REDIS_URL', valueHint: 'URL' },
    concurrency: { type: 'string', description: 'How many tasks at once (default: 1)', valueHint: 'N' },
    queue: { type: 'string', description: 'The queue to take tasks from (default: aad)', valueHint: 'NAME' },
    workdir: { type: 'string', description: "Where the tasks' cwds are resolved: the same checkout as the runner's (default: the current directory)", valueHint: 'DIR' },
  },
  async run({ args }) {
    const { runWorker } = await import('../worker.js');
    process.exitCode = await runWorker({ redis: args.redis, concurrency: args.concurrency, queue: args.queue, workdir: args.workdir });
  },
});
