import { realpathSync } from 'node:fs';
import { resolve } from 'node:path';
import { AadError, NotFoundError, UsageError } from '../errors.js';
import { restrictPlan } from '../plan/compile.js';
import { orchestrateSummary } from '../report/orchestrate-summary.js';
import { printOut } from '../report/print.js';
import { colorEnabled, painter } from '../report/style.js';
import { resolveHome } from '../store/paths.js';
import { listRunIds, loadRun } from '../store/runs.js';
import { parseOnly } from './options.js';
import { resolvePlanArg } from './plan-arg.js';
import { loadPlanFile } from './plan-file.js';
import { resumeRun } from './resume-run.js';
import { runPlan, type RunArgs } from './run-plan.js';

/** Options of `aad orchestrate`: those of `aad run`, and `--resume`. */
export interface OrchestrateArgs extends Omit<RunArgs, 'onStart'> {
  /** Continue the latest run of the plan (of the same --specs selection, when given) instead of starting one. */
  resume: boolean;
}

/**
 * `aad orchestrate`: `aad run` (or, with `resume`, `aad resume` of the plan's latest run), then a summary of the
 * succeeded and failed tasks and the time it took (not with --json, whose stdout is the events alone, nor with
 * --dry-run, which runs nothing). Returns the exit code of the run.
 */
export async function orchestrate(a: OrchestrateArgs): Promise<number> {
  const started = Date.now();
  let runId: string | undefined;
  let code: number;
  if (a.resume) {
    if (a.workdir !== undefined) throw new UsageError('--workdir is for a new run: a resumed run keeps the workdir it started with');
    if (a.approve !== undefined) throw new UsageError('--approve is for a new run: approve the waiting tasks of a resumed run with `aad approve`');
    if (a.force !== undefined) throw new UsageError('--force is for a new run: a resumed run keeps what its start said');
    runId = latestRunOf(a.plan, a.only, resolveHome(a.home));
    code = await resumeRun({ runId, failedOnly: false, maxParallel: a.maxParallel, failFast: a.failFast, dryRun: a.dryRun, json: a.json, quiet: a.quiet, home: a.home, redis: a.redis, queue: a.queue });
  } else {
    code = await runPlan({ ...a, onStart: (id) => (runId = id) });
  }
  if (a.dryRun || a.json || runId === undefined) return code;
  const { state } = loadRun(resolveHome(a.home), runId);
  printOut('\n' + orchestrateSummary(state, code, Date.now() - started, painter(colorEnabled(process.stdout))));
  return code;
}

/**
 * The newest run in `home` of the plan file `planArg` (the same file, by its real path); with `only`, the newest
 * whose tasks were that selection (the --specs ids and what they depend on). None: a NotFoundError saying so.
 */
function latestRunOf(planArg: string, onlyArg: string | undefined, home: string): string {
  const arg = resolvePlanArg(planArg, onlyArg);
  let planPath: string;
  try {
    planPath = realpathSync(resolve(arg.plan));
  } catch {
    throw new NotFoundError(`--resume: no plan file ${arg.plan}, whose latest run it would continue`);
  }
  let wanted: Set<string> | undefined;
  if (arg.only !== undefined) {
    const { plan } = loadPlanFile(arg.plan);
    const only = parseOnly(arg.only, plan);
    if (only) wanted = new Set(restrictPlan(plan, only).tasks.map((t) => t.id));
  }
  let ofPlan: string | undefined;
  for (const id of listRunIds(home).reverse()) {
    let run;
    try {
      run = loadRun(home, id);
    } catch (err) {
      if (err instanceof AadError) continue; // damaged, or being created this instant: not one to continue
      throw err;
    }
    if (run.state.planPath !== planPath) continue;
    ofPlan ??= id;
    const roots = [...run.state.tasks.values()].filter((t) => t.parent === null).map((t) => t.id);
    if (!wanted || (roots.length === wanted.size && roots.every((t) => wanted.has(t)))) return id;
  }
  const specs = wanted ? ` with the tasks ${[...wanted].join(', ')}` : '';
  const hint = ofPlan ? `; its latest run, ${ofPlan}, ran other tasks (\`aad resume ${ofPlan}\` continues it)` : '';
  throw new NotFoundError(`--resume: no run of ${arg.plan}${specs} in ${home}${hint}; start one with \`aad orchestrate\` without --resume`);
}
