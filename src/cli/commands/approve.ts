import { defineCommand } from 'citty';
import { COMMAND_META } from './index.js';
import { homeArgs } from '../shared-args.js';

export default defineCommand({
  meta: COMMAND_META.approve,
  args: {
    run_id: { type: 'positional', required: false, description: 'Run id (default: the newest run where the task waits for approval); alone, it is the task' },
    task: { type: 'positional', required: false, description: 'The task waiting for approval' },
    by: { type: 'string', description: 'Who approves (default: your login name)', valueHint: 'NAME' },
    reason: { type: 'string', description: 'Why (recorded in the journal)', valueHint: 'TEXT' },
    rollback: { type: 'boolean', description: "Approve the task's rollback (`rollback_approval`), not its start" },
    ...homeArgs,
  },
  async run({ args }) {
    const { answerApproval } = await import('../approve-run.js');
    process.exitCode = await answerApproval({ action: 'approve', words: [args.run_id, args.task].filter((w): w is string => typeof w === 'string'), by: args.by, reason: args.reason, rollback: args.rollback === true, home: args.home });
  },
});
