import { defineCommand } from 'citty';
import { COMMAND_META } from './index.js';
import { homeArgs, runIdArg } from '../shared-args.js';

export default defineCommand({
  meta: COMMAND_META.logs,
  args: {
    ...runIdArg,
    task: { type: 'string', description: 'Task id', valueHint: 'ID' },
    attempt: { type: 'string', description: 'Attempt number, or "rollback" (default: the latest attempt)', valueHint: 'N' },
    tail: { type: 'string', description: 'Only the last N lines', valueHint: 'N' },
    follow: { type: 'boolean', alias: ['f'], description: 'Keep printing until the attempt ends' },
    ...homeArgs,
  },
  async run({ args }) {
    const { showLogs } = await import('../logs.js');
    await showLogs({ runId: args.run_id, home: args.home, task: args.task, attempt: args.attempt, tail: args.tail, follow: args.follow === true });
  },
});
