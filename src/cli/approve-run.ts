import { existsSync } from 'node:fs';
import { hostname, userInfo } from 'node:os';
import { NotFoundError, RunStateError, UsageError } from '../errors.js';
import { didYouMean } from '../plan/suggest.js';
import type { Plan } from '../plan/compile.js';
import { printErr, printOut } from '../report/print.js';
import type { RunEventBody } from '../run/events.js';
import type { RunState } from '../run/reduce.js';
import { resolveHome, runsDir, type RunPaths } from '../store/paths.js';
import { dropRequest, readRequests, writeRequest } from '../store/requests.js';
import { loadRun, resolveRunId, scanRuns, type LoadedRun } from '../store/runs.js';
import { warnUnknownEvents } from './unknown-events.js';

/** Options of `aad approve` and `aad reject`. */
export interface AnswerArgs {
  action: 'approve' | 'reject';
  /** The positionals: `[RUN_ID] TASK`. */
  words: string[];
  by?: string;
  reason?: string;
  rollback?: boolean;
  home?: string;
}

/** How long the command waits for the live runner to record the answer. */
const TAKEN_WITHIN_MS = 10_000;

/**
 * `aad approve` / `aad reject`: leaves the answer in the run directory for its runner, which records it
 * (one writer of the journal), signals the runner so that it looks at once, and waits until it has. A run
 * whose runner is gone keeps the answer for the next `aad resume`.
 */
export async function answerApproval(a: AnswerArgs): Promise<number> {
  if (a.words.length === 0) throw new UsageError(`aad ${a.action} needs the task: aad ${a.action} [RUN_ID] TASK`);
  if (a.words.length > 2) throw new UsageError(`aad ${a.action} takes [RUN_ID] TASK, got ${a.words.length} words: ${a.words.join(' ')}`);
  const home = resolveHome(a.home);
  const [runArg, taskId] = a.words.length === 2 ? [a.words[0], a.words[1]!] : [undefined, a.words[0]!];
  const runId = runArg === undefined ? newestWaiting(home, taskId) : resolveRunId(home, runArg);
  const run = loadRun(home, runId);
  warnUnknownEvents([run]);
  const what = a.rollback ? `the rollback of ${taskId}` : taskId;
  if (run.live !== 'running' && run.live !== 'interrupted') {
    throw new RunStateError(`run ${runId} is over (it ${run.live === 'succeeded' ? 'succeeded' : run.live === 'failed' ? 'failed' : 'was cancelled'}): nothing in it waits for approval`);
  }
  const t = run.state.tasks.get(taskId);
  if (!t) throw new NotFoundError(`run ${runId} has no task "${taskId}"${didYouMean(taskId, [...run.state.tasks.keys()])}`);
  if (a.rollback) {
    if (t.rollback?.state !== 'awaiting_approval') throw new RunStateError(`the rollback of ${taskId} is not awaiting approval (${t.rollback ? `it is ${t.rollback.state}` : `none was asked for; the task is ${t.state}`})`);
    if (run.live === 'interrupted') {
      throw new RunStateError(`run ${runId}'s runner is gone, so the rollback of ${taskId} cannot run now: \`aad resume ${runId}\` runs the task again (its git snapshot, if any, is kept), or roll back by hand`);
    }
  } else if (t.state !== 'awaiting_approval') {
    throw new RunStateError(`task ${taskId} of run ${runId} is not awaiting approval (it is ${t.state.replace('_', ' ')})`);
  }
  const by = nameOf(a.by);
  const file = writeRequest(run.paths, { action: a.action, task: taskId, by, ...(a.reason ? { reason: a.reason } : {}), ...(a.rollback ? { rollback: true } : {}), at: new Date().toISOString() });
  const done = a.action === 'approve' ? 'approved' : 'rejected';
  if (run.live === 'interrupted') {
    printOut(`${what} ${done} (by ${by}); run ${runId}'s runner is gone: \`aad resume ${runId}\` honours it`);
    return 0;
  }
  nudge(run);
  const deadline = Date.now() + TAKEN_WITHIN_MS;
  while (existsSync(file) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  if (existsSync(file)) {
    printErr(`aad: the runner of run ${runId} did not take the answer within ${TAKEN_WITHIN_MS / 1000}s; it stays in ${file} and is taken when the runner looks`);
    return 1;
  }
  const now = loadRun(home, runId).state.tasks.get(taskId)!;
  const taken = a.rollback ? now.rollback?.state !== 'awaiting_approval' : now.state !== 'awaiting_approval';
  if (!taken) throw new RunStateError(`the runner of run ${runId} did not take the answer: ${what} is ${a.rollback ? now.rollback?.state : now.state}`);
  printOut(`${what} ${done} (by ${by})`);
  return 0;
}

/** Tells the live runner to look at its requests now (same host); elsewhere it finds them within half a second. */
function nudge(run: LoadedRun): void {
  if (run.state.owner.hostname !== hostname()) return;
  try {
    process.kill(run.state.owner.pid, 'SIGUSR2');
  } catch {
    /* it looks every half second anyway */
  }
}

/** Who answers: --by, else the login name. */
function nameOf(by: string | undefined): string {
  if (by !== undefined) {
    if (by.trim() === '') throw new UsageError('--by needs a name');
    return by.trim();
  }
  try {
    return process.env.USER || userInfo().username || 'unknown';
  } catch {
    return 'unknown';
  }
}

/** The newest run (running, or interrupted) where `task` waits for approval; a RunStateError that says so when none does. */
function newestWaiting(home: string, task: string): string {
  const runs = scanRuns(home);
  for (const r of runs) {
    if ('damaged' in r || (r.live !== 'running' && r.live !== 'interrupted')) continue;
    const t = r.state.tasks.get(task);
    if (t && (t.state === 'awaiting_approval' || t.rollback?.state === 'awaiting_approval')) return r.runId;
  }
  if (runs.length === 0) throw new NotFoundError(`no runs in ${runsDir(home)}: nothing waits for approval`);
  throw new RunStateError(`no run in ${runsDir(home)} has a task "${task}" waiting for approval: name the run, \`aad approve RUN_ID ${task}\` (\`aad status RUN_ID\` shows its tasks)`);
}

/**
 * Answers left while the runner was dead, as events for `resume` to record after its tasks_reset: an approval
 * of a task that asks for one, a rejection of a task that did not succeed. A rollback's answer cannot wait for
 * a resume (the task runs again), and a stale answer is dropped; both with a notice. The request files are removed.
 */
export function pendingAnswers(paths: RunPaths, plan: Plan, state: RunState, notice: (m: string) => void): RunEventBody[] {
  const out: RunEventBody[] = [];
  for (const { file, request: r } of readRequests(paths)) {
    const t = state.tasks.get(r.task);
    const task = plan.byId.get(r.task);
    if (r.rollback) notice(`the answer to the rollback of ${r.task} given while the runner was gone is dropped: the task runs again`);
    else if (!t || !task?.approval || t.state === 'succeeded' || t.approved) notice(`the ${r.action === 'approve' ? 'approval' : 'rejection'} of ${r.task} given while the runner was gone is dropped: it ${t ? `is ${t.state}${t.approved ? ' and approved already' : ''}` : 'is not a task of the run'}`);
    else if (r.action === 'approve') out.push({ event: 'task_approved', task: r.task, by: r.by, ...(r.reason ? { reason: r.reason } : {}) });
    else out.push({ event: 'task_rejected', task: r.task, by: r.by, reason: r.reason ?? '' });
    dropRequest(file);
  }
  return out;
}

/**
 * `aad run --approve ID,ID|all`: the tasks approved ahead (CI), as the events that record it. An id that is
 * not a task of the run, or a task without `approval`, is a usage error that says so.
 */
export function preApprovals(flag: string | undefined, plan: Plan): RunEventBody[] {
  if (flag === undefined) return [];
  const gated = plan.tasks.filter((t) => t.approval !== undefined).map((t) => t.id);
  const ids = flag.trim() === 'all' ? gated : flag.split(',').map((s) => s.trim()).filter(Boolean);
  if (ids.length === 0 && flag.trim() !== 'all') throw new UsageError('--approve needs task ids (comma-separated) or `all`');
  for (const id of ids) {
    if (!plan.byId.has(id)) throw new UsageError(`--approve ${id}: no such task in the run${didYouMean(id, plan.tasks.map((t) => t.id))}`);
    if (!gated.includes(id)) throw new UsageError(`--approve ${id}: this task does not ask for approval (it has no \`approval\`)`);
  }
  return [...new Set(ids)].map((task) => ({ event: 'task_approved', task, by: 'aad run --approve' }));
}
