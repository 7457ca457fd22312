import type { RunArgs } from './run-plan.js';
import type { ArgsDef } from 'citty';
import { UsageError } from '../errors.js';

/** Flags shared by the commands that read a run home. */
export const homeArgs = {
  home: { type: 'string', description: 'Folder holding the runs (default: $AAD_HOME, else ./.aad)', valueHint: 'DIR' },
} as const satisfies ArgsDef;

/** The plan file argument. */
export const planArg = {
  plan: { type: 'positional', required: false, default: 'aad.yaml', description: 'Plan file' },
} as const satisfies ArgsDef;

/** Flags of the commands that drive a run (`run`, `resume`). */
export const driveArgs = {
  'max-parallel': { type: 'string', description: 'How many tasks at once (default: plan max_parallel, else the number of CPUs)', valueHint: 'N' },
  'fail-fast': { type: 'boolean', description: 'Stop starting tasks after the first failure and cancel the running ones' },
  json: { type: 'boolean', description: 'Print the run events as JSON lines on stdout, nothing else' },
  quiet: { type: 'boolean', description: 'Print only the final summary' },
  redis: { type: 'string', description: 'Run the tasks on `aad worker`s through this Redis (redis://[user:password@]host[:port][/db], rediss:// for TLS, unix:///path); default $AAD_REDIS_URL. Tasks with `local: true` (and isolated ones, those with a rollback or sources) run here. Needs $AAD_WORKER_KEY', valueHint: 'URL' },
  queue: { type: 'string', description: 'The workers\' queue with --redis (default: aad)', valueHint: 'NAME' },
  ...homeArgs,
} as const satisfies ArgsDef;

/** The run id argument (latest run when omitted). */
export const runIdArg = {
  run_id: { type: 'positional', required: false, description: 'Run id (default: the latest run)' },
} as const satisfies ArgsDef;

/** `--only` and its alias `--specs` (declared apart so that the help shows `--specs` as it is typed). */
export const onlyArgs = (what: string) =>
  ({
    only: { type: 'string', description: `${what} these tasks (comma-separated) and what they depend on`, valueHint: 'ID,ID' },
    specs: { type: 'string', description: 'Same as --only', valueHint: 'ID,ID' },
  }) as const satisfies ArgsDef;

/** The --only selection, from either spelling; both at once is a usage error. */
export function onlyOf(args: { only?: string; specs?: string }): string | undefined {
  if (args.only !== undefined && args.specs !== undefined) throw new UsageError('--only and --specs are the same flag: give one');
  return args.only ?? args.specs;
}

/** `run`'s flags as RunArgs (`orchestrate` takes them all, and --resume). */
export function runArgsOf(args: {
  plan: string;
  workdir?: string;
  only?: string;
  specs?: string;
  'dry-run'?: boolean;
  'max-parallel'?: string;
  'fail-fast'?: boolean;
  json?: boolean;
  quiet?: boolean;
  home?: string;
  redis?: string;
  queue?: string;
  approve?: string;
  force?: string;
}): Omit<RunArgs, 'onStart'> {
  return {
    plan: args.plan,
    workdir: args.workdir,
    only: onlyOf(args),
    dryRun: args['dry-run'] === true,
    maxParallel: args['max-parallel'],
    failFast: args['fail-fast'] === true,
    json: args.json,
    quiet: args.quiet,
    home: args.home,
    redis: args.redis,
    queue: args.queue,
    approve: args.approve,
    force: args.force,
  };
}
