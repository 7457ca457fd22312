import { defineCommand } from 'citty';
import { COMMAND_META } from './index.js';
import { driveArgs, planArg, onlyArgs, runArgsOf } from '../shared-args.js';

export default defineCommand({
  meta: COMMAND_META.orchestrate,
  args: {
    plan: { ...planArg.plan, description: 'Plan file; or task ids of ./aad.yaml (`aad orchestrate build` runs as `--specs build`)' },
    ...onlyArgs('Run only'),
    resume: { type: 'boolean', description: "Continue the plan's latest run (with --specs, the latest run of those tasks) in place, as `aad resume` does" },
    'dry-run': { type: 'boolean', description: 'Show what would run (as `aad run --dry-run`; with --resume, as `aad resume --dry-run`) and run nothing' },
    workdir: { type: 'string', description: "Folder where task cwds, outputs and artifacts_dir are resolved (default: the plan file's folder; not with --resume)", valueHint: 'DIR' },
    approve: { type: 'string', description: 'Approve these tasks ahead (comma-separated ids of tasks with `approval`, or `all`; not with --resume)', valueHint: 'ID,ID|all' },
    force: { type: 'string', description: 'Run tasks even when their `sources` are up to date: every task (`--force`) or these (`--force ID,ID`); not with --resume', valueHint: 'ID,ID|all' },
    ...driveArgs,
  },
  async run({ args }) {
    const { orchestrate } = await import('../orchestrate-run.js');
    process.exitCode = await orchestrate({ ...runArgsOf(args), resume: args.resume === true });
  },
});
