import { defineCommand } from 'citty';
import { COMMAND_META } from './index.js';
import { driveArgs, planArg, onlyArgs, runArgsOf } from '../shared-args.js';

export default defineCommand({
  meta: COMMAND_META.run,
  args: {
    plan: { ...planArg.plan, description: 'Plan file; or task ids of ./aad.yaml (`aad run build` runs as `--only build`)' },
    workdir: { type: 'string', description: 'Folder where task cwds, outputs and artifacts_dir are resolved (default: the plan file\'s folder)', valueHint: 'DIR' },
    ...onlyArgs('Run only'),
    approve: { type: 'string', description: 'Approve these tasks ahead (comma-separated ids of tasks with `approval`, or `all`): they start without waiting, as in CI', valueHint: 'ID,ID|all' },
    force: { type: 'string', description: 'Run tasks even when their `sources` are up to date: every task (`--force`, `--force all`) or these (`--force ID,ID`)', valueHint: 'ID,ID|all' },
    'dry-run': { type: 'boolean', description: 'Show what would run (as `aad graph`; with --json, as `aad graph --json`) and run nothing' },
    ...driveArgs,
  },
  async run({ args }) {
    const { runPlan } = await import('../run-plan.js');
    process.exitCode = await runPlan(runArgsOf(args));
  },
});
