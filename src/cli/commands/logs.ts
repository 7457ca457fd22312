import { defineCommand } from 'citty';
import { COMMAND_META } from './index.js';
import { homeArgs, runIdArg } from '../shared-args.js';

export default defineCommand({
  meta: COMMAND_META.logs,
  args: {
    ...runIdArg,
    task: { type: 'string', description: 'Task id', valueHint: 'ID' },
    attempt: { type: 'string', description: 'Attempt number, "rollback", or "rollback-verify" (the `rollback_verify` check) (default: the latest attempt)', valueHint: 'N' },
    tail: { type: 'string', description: 'Only the last N lines (a line over 64 KiB shows its last 64 KiB; 0: none)', valueHint: 'N' },
    follow: {
      type: 'boolean',
      alias: ['f'],
      description: "Keep printing as the logs grow: the task's attempts and rollback until it has ended for good (with --attempt, that log alone); without --task, the whole run, prefixed, until it ends",
    },
    ...homeArgs,
  },
  async run({ args }) {
    const { showLogs } = await import('../logs.js');
    await showLogs({ runId: args.run_id, home: args.home, task: args.task, attempt: args.attempt, tail: args.tail, follow: args.follow === true });
  },
});
