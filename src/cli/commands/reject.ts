import { defineCommand } from 'citty';
import { COMMAND_META } from './index.js';
import { homeArgs } from '../shared-args.js';

export default defineCommand({
  meta: COMMAND_META.reject,
  args: {
    run_id: { type: 'positional', required: false, description: 'Run id (default: the newest run where the task waits for approval); alone, it is the task' },
    task: { type: 'positional', required: false, description: 'The task waiting for approval' },
    by: { type: 'string', description: 'Who rejects (default: your login name)', valueHint: 'NAME' },
    reason: { type: 'string', description: "Why (recorded in the journal, and the task's reason: `rejected by NAME: TEXT`)', valueHint: 'TEXT" },
    rollback: { type: 'boolean', description: "Reject the task's rollback (`rollback_approval`): it is skipped, the workspace left as the task left it" },
    ...homeArgs,
  },
  async run({ args }) {
    const { answerApproval } = await import('../approve-run.js');
    process.exitCode = await answerApproval({ action: 'reject', words: [args.run_id, args.task].filter((w): w is string => typeof w === 'string'), by: args.by, reason: args.reason, rollback: args.rollback === true, home: args.home });
  },
});
