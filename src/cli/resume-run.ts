import { readFileSync } from 'node:fs';
import { DamagedRunError, RunStateError, UsageError } from '../errors.js';
import { connectWorkers, leftoverJobs, recordedWorkers } from './workers-option.js';
import { printErr, printOut } from '../report/print.js';
import { resumePreviewJson, resumePreviewText } from '../report/resume-preview.js';
import type { RunEvent, RunEventBody } from '../run/events.js';
import { countLeftovers, reapLeftovers } from '../run/reap.js';
import { reduce, reduceAll, type RunState } from '../run/reduce.js';
import { readEvents } from '../store/journal.js';
import { resolveHome } from '../store/paths.js';
import { selfOwner } from '../store/proc.js';
import { loadRun, resolveRunId, writeRunnerFile, type LoadedRun } from '../store/runs.js';
import { consoleMode, drive } from './drive.js';
import { workTreesOf } from './work-trees.js';
import { isolationOf } from './isolation.js';
import { parseMaxParallel } from './options.js';
import { interpolateEnv, loadPlanText } from './plan-file.js';
import { warnUnknownEvents } from './unknown-events.js';
import { restrictPlan, type Plan } from '../plan/compile.js';
import { growFromJournal } from '../plan/grow.js';

/** Options of `aad resume`. */
export interface ResumeArgs {
  runId?: string;
  failedOnly: boolean;
  maxParallel?: string;
  failFast: boolean;
  /** Show which tasks would run, and change nothing. */
  dryRun?: boolean;
  json?: boolean;
  quiet?: boolean;
  home?: string;
  /** `--redis URL` / `--queue NAME`: the tasks run on workers (and what the dead session left on them is killed first). */
  redis?: string;
  queue?: string;
}

/** `aad resume`: claim the run, reap what a dead runner left, reset the tasks to re-run, drive it (`--dry-run`: only say which). */
export async function resumeRun(a: ResumeArgs): Promise<number> {
  const mode = consoleMode(a);
  const maxParallelFlag = parseMaxParallel(a.maxParallel);
  const home = resolveHome(a.home);
  const runId = resolveRunId(home, a.runId);
  const run = loadRun(home, runId);
  warnUnknownEvents([run]);
  if (run.live === 'running') {
    throw new RunStateError(`run ${runId} is still running (pid ${run.state.owner.pid} on ${run.state.owner.hostname}); cancel it first with \`aad cancel ${runId}\``);
  }
  if (run.live === 'succeeded') {
    if (mode !== 'json') printOut(`run ${runId} already succeeded: nothing to resume`);
    return 0;
  }
  const planText = readPlanCopy(run);
  const loaded = loadPlanText(planText, run.paths.plan);
  const full = loaded.plan;
  const written = restrictPlan(full, run.state.order.filter((id) => full.byId.has(id)));
  // The plan as run: the plan file's tasks, then the children the journal says they added.
  const selected = growFromJournal(written, run.events);
  warnIfPlanChanged(run.state.planPath, planText, mode === 'json');

  const reset = tasksToReset(selected, run.state, a.failedOnly, failFastCancels(run.events));
  if (a.dryRun) {
    // Nothing is claimed, written or reaped: the leftovers are only counted.
    const leftovers = run.live === 'interrupted' ? countLeftovers(run.state) : null;
    printOut(mode === 'json' ? JSON.stringify(resumePreviewJson(run.state, run.live, a.failedOnly, reset, leftovers), null, 2) : resumePreviewText(run.state, run.live, a.failedOnly, reset, leftovers));
    return 0;
  }
  const plan = growFromJournal(interpolateEnv(loaded, written, process.env), run.events);
  const { holds } = await workTreesOf(plan, run.state.workdir);
  const isolation = await isolationOf(plan, run.state.workdir, home);
  const integ = run.state.integration;
  if (isolation && integ && integ.root !== isolation.repo.root) {
    throw new RunStateError(`run ${runId} isolated its tasks in the repository ${integ.root}, but its workdir is now in ${isolation.repo.root}`);
  }
  // Attempts a dead runner left on workers: their workers must stop them first, so the resume needs their Redis.
  const recorded = recordedWorkers(run.events);
  const onWorkers = leftoverJobs(run.state, recorded);
  const workers = await connectWorkers(a, recorded?.queue);
  if (!workers && onWorkers.length > 0) {
    throw new UsageError(
      `run ${runId} had ${onWorkers.length} task(s) sent to workers (${onWorkers.join(', ')}) through ${recorded!.redis}, queue ${recorded!.queue}: resume it with --redis URL (or AAD_REDIS_URL) so that their workers stop them first`,
    );
  }
  // drive closes the workers' connection; this is for a resume refused before it drives.
  try {
    const owner = selfOwner();
    const maxParallel = maxParallelFlag ?? run.state.maxParallel;
    const graceMs = Math.max(1000, ...plan.tasks.map((t) => t.killGraceMs));
    const claimedAt = new Date().toISOString();
    const shown = workers && { redis: workers.target.shown, queue: workers.queue };
    return await drive({
      workers,
      plan,
      paths: run.paths,
      workdir: run.state.workdir,
      maxParallel,
      mode,
      state: run.state,
      holds,
      isolation,
      scope: a.failedOnly ? new Set(reset) : undefined,
      opening: [{ event: 'run_claimed', purpose: 'resume', base: run.events.length, owner, failed_only: a.failedOnly, max_parallel: maxParallel, fail_fast: a.failFast, ...(shown ? { workers: shown } : {}) }],
      afterOpening: async () => {
        // Another resume (or cancel) may have claimed the run at the same moment: the journal decides.
        const now = reduceAll(readEvents(run.paths.events))!;
        const mine = now.owner.pid === owner.pid && now.owner.hostname === owner.hostname && now.owner.proc_start === owner.proc_start;
        if (!mine || now.claimIndex < run.events.length) {
          throw new RunStateError(`run ${runId} was claimed by another process (pid ${now.owner.pid} on ${now.owner.hostname}) at the same moment`);
        }
        // Only the winner says it drives the run: a loser writing first would leave runner.json naming it.
        writeRunnerFile(run.paths, owner, claimedAt);
        await reapLeftovers(run.state, graceMs);
        // What the dead session still runs on workers is killed (and its queued jobs refused) before anything starts again.
        if (workers) await workers.killLeftovers(runId, onWorkers, graceMs);
        const reset_: RunEventBody = { event: 'tasks_reset', tasks: reset };
        // Approvals and rejections given while the runner was dead: recorded now, after the reset they apply to.
        const { pendingAnswers } = await import('./approve-run.js');
        const answers = pendingAnswers(run.paths, plan, run.state, (m) => {
          if (mode !== 'json') printErr(`aad: ${m}`);
        });
        // A run made before its plan had isolated tasks cannot be (its plan is its own copy); a journal cut short before the base was recorded can.
        if (isolation && !integ) return [{ event: 'integration_branch', root: isolation.repo.root, branch: `aad/${runId}`, base: isolation.repo.head }, reset_, ...answers];
        return [reset_, ...answers];
      },
    });
  } finally {
    await workers?.close();
  }
}

/** The run's own copy of its plan; a DamagedRunError when it is missing or unreadable. */
function readPlanCopy(run: LoadedRun): string {
  try {
    return readFileSync(run.paths.plan, 'utf8');
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    throw new DamagedRunError(run.runId, e.code === 'ENOENT' ? 'plan.yaml is missing' : `cannot read plan.yaml: ${e.message}`, { cause: err });
  }
}

/**
 * Plain resume: every task that did not succeed. --failed-only: failed and blocked tasks, tasks a dead runner
 * left running (interrupted) or waiting for their approval, tasks a fail-fast cancelled (`failFastCancelled`), and the skipped tasks
 * downstream of them; tasks cancelled by `aad cancel` or Ctrl-C, and pending ones, stay. A parent goes with
 * its children: a chosen child brings its parent (which waits for it again, `decomposed`), and a chosen or
 * unfinished parent brings its children that did not succeed (finished children never run again).
 */
export function tasksToReset(plan: Plan, state: RunState, failedOnly: boolean, failFastCancelled: ReadonlySet<string>): string[] {
  const ids = plan.tasks.map((t) => t.id).filter((id) => state.tasks.has(id));
  if (!failedOnly) return ids.filter((id) => state.tasks.get(id)!.state !== 'succeeded');
  const rerun = new Set(['failed', 'blocked', 'running', 'retrying', 'decomposed', 'awaiting_approval']);
  const chosen = new Set(ids.filter((id) => {
    const s = state.tasks.get(id)!.state;
    return rerun.has(s) || (s === 'cancelled' && failFastCancelled.has(id));
  }));
  // A chosen task brings its parent and its children that did not succeed, transitively (the set grows as it is walked).
  const withFamilies = () => {
    const add = (x: string) => {
      if (state.tasks.get(x)?.state !== 'succeeded') chosen.add(x);
    };
    for (const id of chosen) {
      const t = state.tasks.get(id)!;
      if (t.parent !== null) add(t.parent);
      t.children?.forEach(add);
    }
  };
  withFamilies();
  // Skipped (and, after a crash, never-started) dependents of a chosen task, transitively (plan.order is topological).
  for (const i of plan.order) {
    const t = plan.tasks[i]!;
    const s = state.tasks.get(t.id)?.state;
    if ((s === 'skipped' || s === 'pending') && t.deps.some((d) => chosen.has(d))) chosen.add(t.id);
  }
  withFamilies();
  return ids.filter((id) => chosen.has(id));
}

/**
 * The tasks whose latest cancel came from a fail-fast: a task_cancelled folded while its session's cancel
 * was a fail-fast one (`cancel_requested {fail_fast: true}`); a later cancel of another kind takes the task out.
 */
export function failFastCancels(events: readonly RunEvent[]): Set<string> {
  const out = new Set<string>();
  let state: RunState | undefined;
  for (const e of events) {
    state = reduce(state, e);
    if (e.event !== 'task_cancelled') continue;
    if (state?.cancel?.failFast) out.add(e.task);
    else out.delete(e.task);
  }
  return out;
}

function warnIfPlanChanged(planPath: string, copy: string, quiet: boolean): void {
  let onDisk: string | undefined;
  try {
    onDisk = readFileSync(planPath, 'utf8');
  } catch {
    onDisk = undefined;
  }
  if (onDisk === copy || quiet) return;
  printErr(
    onDisk === undefined
      ? `aad: the plan file ${planPath} is gone; resuming with the run's own copy`
      : `aad: the plan file ${planPath} changed since the run started; resuming with the run's own copy (start a new run to use the new plan)`,
  );
}
