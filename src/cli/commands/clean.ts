import { defineCommand } from 'citty';
import { COMMAND_META } from './index.js';
import { homeArgs, runIdArg } from '../shared-args.js';

export default defineCommand({
  meta: COMMAND_META.clean,
  args: {
    run_id: { ...runIdArg.run_id, description: 'Run id (default: the latest run)' },
    all: { type: 'boolean', description: 'Every run of the home that is not running' },
    branches: { type: 'boolean', description: "Also delete the run's task branches and refs/aad/<run_id>/ refs, and its integration branch aad/<run_id> once one of your branches holds it" },
    ...homeArgs,
  },
  async run({ args }) {
    const { cleanRun } = await import('../clean-run.js');
    process.exitCode = await cleanRun({ runId: args.run_id, all: args.all === true, branches: args.branches === true, home: args.home });
  },
});
