import { readFileSync } from 'node:fs';
import { RunStateError } from '../errors.js';
import { printErr, printOut } from '../report/print.js';
import type { RunEventBody } from '../run/events.js';
import { reapLeftovers } from '../run/reap.js';
import { reduceAll, type RunState } from '../run/reduce.js';
import { readEvents } from '../store/journal.js';
import { resolveHome } from '../store/paths.js';
import { selfOwner } from '../store/proc.js';
import { loadRun, resolveRunId, writeRunnerFile } from '../store/runs.js';
import { consoleMode, drive } from './drive.js';
import { parseMaxParallel } from './options.js';
import { interpolateEnv, loadPlanText } from './plan-file.js';
import { restrictPlan, type Plan } from '../plan/compile.js';

/** Options of `aad resume`. */
export interface ResumeArgs {
  runId?: string;
  failedOnly: boolean;
  maxParallel?: string;
  failFast: boolean;
  json?: boolean;
  quiet?: boolean;
  home?: string;
}

/** `aad resume`: claim the run, reap what a dead runner left, reset the tasks to re-run, drive it. */
export async function resumeRun(a: ResumeArgs): Promise<number> {
  const mode = consoleMode(a);
  const maxParallelFlag = parseMaxParallel(a.maxParallel);
  const home = resolveHome(a.home);
  const runId = resolveRunId(home, a.runId);
  const run = loadRun(home, runId);
  if (run.live === 'running') {
    throw new RunStateError(`run ${runId} is still running (pid ${run.state.owner.pid} on ${run.state.owner.hostname}); cancel it first with \`aad cancel ${runId}\``);
  }
  if (run.live === 'succeeded') {
    if (mode !== 'json') printOut(`run ${runId} already succeeded: nothing to resume`);
    return 0;
  }
  const planText = readFileSync(run.paths.plan, 'utf8');
  const loaded = loadPlanText(planText, run.paths.plan);
  const full = loaded.plan;
  const plan = interpolateEnv(loaded, restrictPlan(full, run.state.order.filter((id) => full.byId.has(id))), process.env);
  warnIfPlanChanged(run.state.planPath, planText, mode === 'json');

  const reset = tasksToReset(plan, run.state, a.failedOnly);
  const owner = selfOwner();
  const maxParallel = maxParallelFlag ?? run.state.maxParallel;
  const graceMs = Math.max(1000, ...plan.tasks.map((t) => t.killGraceMs));
  const claimedAt = new Date().toISOString();
  return drive({
    plan,
    paths: run.paths,
    workdir: run.state.workdir,
    maxParallel,
    mode,
    state: run.state,
    scope: a.failedOnly ? new Set(reset) : undefined,
    opening: [{ event: 'run_claimed', purpose: 'resume', base: run.events.length, owner, failed_only: a.failedOnly, max_parallel: maxParallel, fail_fast: a.failFast }],
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
      return [{ event: 'tasks_reset', tasks: reset } satisfies RunEventBody];
    },
  });
}

/**
 * Plain resume: every task that did not succeed. --failed-only: failed tasks, tasks a dead runner left
 * running (interrupted), and the skipped tasks downstream of them; cancelled and pending tasks stay.
 */
export function tasksToReset(plan: Plan, state: RunState, failedOnly: boolean): string[] {
  const ids = plan.tasks.map((t) => t.id).filter((id) => state.tasks.has(id));
  if (!failedOnly) return ids.filter((id) => state.tasks.get(id)!.state !== 'succeeded');
  const rerun = new Set(['failed', 'running', 'retrying']);
  const chosen = new Set(ids.filter((id) => rerun.has(state.tasks.get(id)!.state)));
  // Skipped (and, after a crash, never-started) dependents of a chosen task, transitively (plan.order is topological).
  for (const i of plan.order) {
    const t = plan.tasks[i]!;
    const s = state.tasks.get(t.id)?.state;
    if ((s === 'skipped' || s === 'pending') && t.deps.some((d) => chosen.has(d))) chosen.add(t.id);
  }
  return ids.filter((id) => chosen.has(id));
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
