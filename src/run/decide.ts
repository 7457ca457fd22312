import { dependentsOf } from '../graph/dag.js';
import type { Plan, Task } from '../plan/compile.js';
import type { FinalRunState, TaskState } from './events.js';
import { rollbackUnderWay, type RunState, type TaskRun } from './reduce.js';
import { TreeGate, type HeldTask, type TreeHolds } from './tree-holds.js';
import { childFailedReason, parentEnd } from './decompose-rules.js';

/** What the runner should do next. */
export type Action =
  /** Spawn the task's next attempt. */
  | { kind: 'start'; task: string; attempt: number }
  /** Mark a pending task skipped: a dependency did not succeed. */
  | { kind: 'skip'; task: string; reason: string }
  /** Mark a task that is not running (pending or waiting to retry) cancelled. */
  | { kind: 'cancel'; task: string; reason: string }
  /** Stop a running task: SIGTERM to its group, SIGKILL after its grace. */
  | { kind: 'stop'; task: string }
  /** Fail-fast: a task failed, so the run stops. */
  | { kind: 'cancel_run'; by: string }
  /** A ready task waits for its `approval` instead of starting (it enters `awaiting_approval`). */
  | { kind: 'await_approval'; task: string; text: string }
  /** A task's approval did not come within its `approval_timeout_sec`: it is rejected. */
  | { kind: 'reject'; task: string; reason: string }
  /** A parent's children have all ended: it ends too (succeeded when all of them did). */
  | { kind: 'settle'; task: string; end: 'succeeded' | 'failed' | 'cancelled'; reason: string }
  /** Nothing can progress any more. */
  | { kind: 'finish'; state: FinalRunState; exitCode: 0 | 3 | 4 };

/** The actions to take now, and when to look again if nothing happens before (a retry falling due). */
export interface Decision {
  actions: Action[];
  wakeAtMs: number | null;
  /** Ready tasks that wait for a free slot, next in line (at most maxParallel): the runner prepares their logs ahead. */
  upcoming: string[];
  /** Ready tasks that wait because another task holds their git work tree (only with `holds`). */
  held?: HeldTask[];
  /** Decide again as soon as these actions are recorded (a parent ended, or a skip may end one). */
  again?: boolean;
}

const DONE: ReadonlySet<TaskState> = new Set(['succeeded', 'failed', 'blocked', 'skipped', 'cancelled']);

/**
 * Decides, from the plan and the journal's state alone, which tasks to start, skip or cancel, and whether
 * the run is over. Ready tasks start by the longest remaining path first (critical path), then plan order.
 */
export function decide(plan: Plan, state: RunState, nowMs: number, maxParallel: number, scope?: ReadonlySet<string>, holds?: TreeHolds): Decision {
  const early = decidedByRun(state) ?? settleParents(state);
  if (early) return early;
  const f = scope || state.cancel ? undefined : frontier(plan, state);
  return (f && decideFromFrontier(plan, state, f, nowMs, maxParallel, holds)) || decideByScan(plan, state, nowMs, maxParallel, scope, holds);
}

/**
 * decide, by a scan of every task in topological order: for a cancel, a --failed-only scope, and the tick
 * after a task ended without succeeding (its dependents are skipped in this one pass). Exported for tests,
 * which hold decide to it.
 */
export function decideByScan(plan: Plan, state: RunState, nowMs: number, maxParallel: number, scope?: ReadonlySet<string>, holds?: TreeHolds): Decision {
  const early = decidedByRun(state) ?? settleParents(state);
  if (early) return early;
  const actions: Action[] = [];
  const tasks = state.tasks;
  // States as they will be once this decision's skips and cancels are recorded, so skips cascade in one pass
  // (made only when a skip or cancel needs them).
  let next: Map<string, TaskState> | undefined;
  let rootCause: Map<string, string> | undefined;
  const stateOf = (id: string): TaskState => next?.get(id) ?? tasks.get(id)!.state;
  const settle = (id: string, s: TaskState) => (next ??= new Map()).set(id, s);

  const running = state.counts.running;

  /** Plan indices of the tasks that could start now. */
  const ready: number[] = [];
  let wakeAtMs: number | null = null;
  const runs = runsByIndex(plan, state);
  const depsOf = plan.dag.deps;
  const order = plan.order;
  for (let o = 0; o < order.length; o++) {
    const i = order[o]!;
    const run = runs[i];
    if (!run) continue;
    if (run.state !== 'pending' && run.state !== 'retrying' && run.state !== 'awaiting_approval') {
      if (run.state === 'running' && state.cancel && !run.killed && (!scope || scope.has(run.id))) actions.push({ kind: 'stop', task: run.id });
      continue;
    }
    if (scope && !scope.has(run.id)) continue;
    // One pass over the dependencies: the first that will never succeed (in this session) blocks the task;
    // otherwise any that has not succeeded yet makes it wait.
    let blocker: string | undefined;
    let waiting = false;
    const deps = depsOf[i]!;
    for (let k = 0; k < deps.length; k++) {
      const dep = runs[deps[k]!];
      if (!dep) continue;
      const ds = next?.get(dep.id) ?? dep.state;
      if (ds === 'succeeded') continue;
      // A dependency outside the scope of a --failed-only resume will not run in this session either.
      if (DONE.has(ds) || (scope !== undefined && !scope.has(dep.id))) {
        blocker = dep.id;
        break;
      }
      waiting = true;
    }
    if (blocker !== undefined) {
      const root = rootCause?.get(blocker) ?? blocker;
      (rootCause ??= new Map()).set(run.id, root);
      const rs = stateOf(root);
      const how = rs === 'cancelled' ? 'was cancelled' : rs === 'skipped' ? 'was skipped' : rs === 'failed' ? 'failed' : rs === 'blocked' ? 'is blocked' : 'did not run';
      if (state.cancel && !(state.cancel.failFast && rs === 'failed')) {
        actions.push({ kind: 'cancel', task: run.id, reason: cancelReason(state) });
        settle(run.id, 'cancelled');
      } else {
        actions.push({ kind: 'skip', task: run.id, reason: `dependency ${root} ${how}` });
        settle(run.id, 'skipped');
      }
      continue;
    }
    if (state.cancel) {
      actions.push({ kind: 'cancel', task: run.id, reason: cancelReason(state) });
      settle(run.id, 'cancelled');
      continue;
    }
    if (waiting) continue;
    const gate = approvalGate(plan.tasks[i]!, run, nowMs, actions);
    if (gate !== 'open') {
      if (gate === 'rejected') settle(run.id, 'failed');
      else if (gate !== null) wakeAtMs = wakeAtMs === null ? gate : Math.min(wakeAtMs, gate);
      continue;
    }
    if (run.state === 'retrying' && run.retryAtMs !== null && run.retryAtMs > nowMs) {
      wakeAtMs = wakeAtMs === null ? run.retryAtMs : Math.min(wakeAtMs, run.retryAtMs);
      continue;
    }
    ready.push(i);
  }

  const { startCount, upcoming, held } = pickStarts(plan, runs, ready, actions, running, maxParallel, holds);

  // A resume with --failed-only leaves the tasks outside its scope as they are, a rollback that a dead
  // runner left "running" included: only the scope's own tasks and rollbacks keep the run open.
  let open = startCount > 0;
  if (scope) for (const id of scope) open ||= tasks.has(id) && (!DONE.has(stateOf(id)) || rollbackUnderWay(tasks.get(id)!.rollback));
  else if (state.rollbacksRunning > 0) open = true;
  else if (!open) {
    let closing = 0;
    if (next) for (const s of next.values()) if (DONE.has(s)) closing++;
    open = openTasks(state) - closing > 0;
  }
  if (!open) {
    const final = finalState(state, stateOf);
    actions.push({ kind: 'finish', ...final });
  }
  // A child skipped or cancelled now may end its parent: decide again once it is recorded.
  const again = next !== undefined && state.counts.decomposed > 0;
  return again ? { actions, wakeAtMs, upcoming, held, again } : { actions, wakeAtMs, upcoming, held };
}

/** Tasks that keep the run open: waiting, running, waiting for their approval or for their children. */
function openTasks(state: RunState): number {
  const c = state.counts;
  return c.pending + c.running + c.retrying + c.decomposed + c.awaiting_approval;
}

/**
 * A ready task's `approval`: 'open' when it has none or it was given; else it waits (an `await_approval`
 * action the first time), until its `approval_timeout_sec` rejects it ('rejected', with a `reject` action).
 * A number is when the timeout falls due; null: no timeout.
 */
function approvalGate(task: Task, run: TaskRun, nowMs: number, actions: Action[]): 'open' | 'rejected' | number | null {
  if (task.approval === undefined || run.approved) return 'open';
  if (run.state !== 'awaiting_approval') {
    actions.push({ kind: 'await_approval', task: run.id, text: task.approval });
    return task.approvalTimeoutMs === undefined ? null : nowMs + task.approvalTimeoutMs;
  }
  if (task.approvalTimeoutMs === undefined || run.awaitingSinceMs === null) return null;
  const due = run.awaitingSinceMs + task.approvalTimeoutMs;
  if (due > nowMs) return due;
  actions.push({ kind: 'reject', task: run.id, reason: `no approval within ${task.approvalTimeoutMs / 1000}s` });
  return 'rejected';
}

/** The decision that no task changes: none once the run is over; the run's cancel once fail-fast saw a failure. */
function decidedByRun(state: RunState): Decision | undefined {
  if (state.state !== 'running') return { actions: [], wakeAtMs: null, upcoming: [] };
  if (state.failFast && !state.cancel && state.counts.failed + state.counts.blocked > 0) return { actions: [{ kind: 'cancel_run', by: 'fail-fast' }], wakeAtMs: null, upcoming: [] };
  return undefined;
}

/**
 * The parents whose children have all ended (or one did not succeed): each ends now, succeeded, failed
 * ("child <id> failed"), or cancelled when the run is being cancelled; decided before anything else, so
 * that the next decision skips or starts the parent's dependents.
 */
function settleParents(state: RunState): Decision | undefined {
  if (state.counts.decomposed === 0 || state.settle.size === 0) return undefined;
  const actions: Action[] = [];
  for (const id of state.settle) {
    const run = state.tasks.get(id);
    if (run?.state !== 'decomposed') continue;
    const end = parentEnd(state, run);
    if (!end) continue;
    if (end.kind === 'succeeded') actions.push({ kind: 'settle', task: id, end: 'succeeded', reason: 'succeeded' });
    else if (state.cancel && !state.cancel.failFast) actions.push({ kind: 'settle', task: id, end: 'cancelled', reason: cancelReason(state) });
    else actions.push({ kind: 'settle', task: id, end: 'failed', reason: childFailedReason(end.child, end.state) });
  }
  return actions.length > 0 ? { actions, wakeAtMs: null, upcoming: [], again: true } : undefined;
}

/**
 * Starts the ready tasks by longest remaining path, then plan order, as capacity allows (and, with `holds`,
 * as their git work trees allow); the next ones are upcoming.
 */
function pickStarts(
  plan: Plan,
  runs: readonly (TaskRun | undefined)[],
  ready: number[],
  actions: Action[],
  running: number,
  maxParallel: number,
  holds?: TreeHolds,
): { startCount: number; upcoming: string[]; held?: HeldTask[] } {
  const remaining = plan.remaining;
  if (ready.length > 1) ready.sort((a, b) => remaining[b]! - remaining[a]! || a - b);
  const capacity = Math.max(0, maxParallel - running);
  const gate = holds && ready.length > 0 ? new TreeGate(holds, runs) : undefined;
  let startCount = 0;
  let r = 0;
  const upcoming: string[] = [];
  for (; r < ready.length && startCount < capacity; r++) {
    const run = runs[ready[r]!]!;
    if (gate && !gate.take(ready[r]!)) continue;
    actions.push({ kind: 'start', task: run.id, attempt: run.attempts + 1 });
    startCount++;
  }
  for (; r < ready.length && upcoming.length < maxParallel; r++) upcoming.push(runs[ready[r]!]!.id);
  return gate ? { startCount, upcoming, held: gate.held } : holds ? { startCount, upcoming, held: [] } : { startCount, upcoming };
}

/**
 * What decide keeps between ticks of one run (a cache: the decision is the scan's, which tests check): the
 * dependencies of each task that have not succeeded yet, and the pending or retrying tasks that have none,
 * brought up to date from the state's moves. A tick then costs what changed, not the size of the plan
 * (`node bench/decide-sim.mjs`: a 10,000-task run decided in ~50 ms instead of ~1.5-1.9 s of scans).
 */
interface Frontier {
  plan: Plan;
  /** How many of state.moves it has taken in. */
  seen: number;
  /** unmet[i]: dependencies of task i that have not succeeded. */
  unmet: Int32Array;
  /** Whether task i counts as succeeded in unmet. */
  succeeded: Uint8Array;
  /** Pending or retrying tasks whose dependencies have all succeeded. */
  ready: Set<number>;
  dependents: number[][];
  /** A task ended without succeeding since the last scan: its dependents need the scan's skips. */
  troubled: boolean;
}

const frontiers = new WeakMap<RunState, Frontier>();

/** The run's frontier, up to date; undefined when this tick must scan (and the next may use it again). */
function frontier(plan: Plan, state: RunState): Frontier | undefined {
  let f = frontiers.get(state);
  if (!f || f.plan !== plan || f.seen > state.moves.length) {
    f = buildFrontier(plan, state);
    frontiers.set(state, f);
  }
  const runs = runsByIndex(plan, state);
  for (; f.seen < state.moves.length; f.seen++) {
    const task = plan.byId.get(state.moves[f.seen]!);
    const run = task && runs[task.index];
    if (!task || !run) continue;
    const i = task.index;
    const st = run.state;
    if (st === 'succeeded') {
      f.ready.delete(i);
      if (f.succeeded[i]) continue;
      f.succeeded[i] = 1;
      for (const d of f.dependents[i]!) {
        if (--f.unmet[d]! === 0 && isWaiting(runs[d])) f.ready.add(d);
      }
      continue;
    }
    if (f.succeeded[i]) {
      // A task that had succeeded is no longer so (not something aad does): start over.
      f = buildFrontier(plan, state);
      frontiers.set(state, f);
      break;
    }
    if (st === 'pending' || st === 'retrying' || st === 'awaiting_approval') {
      if (f.unmet[i] === 0) f.ready.add(i);
    } else {
      f.ready.delete(i);
      if (st !== 'running' && st !== 'decomposed') f.troubled = true;
    }
  }
  if (f.troubled) {
    f.troubled = false;
    return undefined;
  }
  return f;
}

function buildFrontier(plan: Plan, state: RunState): Frontier {
  const runs = runsByIndex(plan, state);
  const n = plan.tasks.length;
  const f: Frontier = {
    plan,
    seen: state.moves.length,
    unmet: new Int32Array(n),
    succeeded: new Uint8Array(n),
    ready: new Set(),
    dependents: dependentsOf(plan.dag),
    // The first tick scans: a resumed run may hold failed or skipped tasks.
    troubled: true,
  };
  for (let i = 0; i < n; i++) if (runs[i]?.state === 'succeeded') f.succeeded[i] = 1;
  for (let i = 0; i < n; i++) {
    let unmet = 0;
    for (const d of plan.dag.deps[i]!) if (runs[d] && !f.succeeded[d]) unmet++;
    f.unmet[i] = unmet;
    if (unmet === 0 && isWaiting(runs[i])) f.ready.add(i);
  }
  return f;
}

function isWaiting(run: TaskRun | undefined): boolean {
  return run !== undefined && (run.state === 'pending' || run.state === 'retrying' || run.state === 'awaiting_approval');
}

/**
 * decide from the frontier: no cancel, no scope, nothing to skip; the same decision as the scan's. Undefined
 * when an approval timed out: the scan rejects the task and skips its dependents in one pass.
 */
function decideFromFrontier(plan: Plan, state: RunState, f: Frontier, nowMs: number, maxParallel: number, holds?: TreeHolds): Decision | undefined {
  const actions: Action[] = [];
  const runs = runsByIndex(plan, state);
  const ready: number[] = [];
  let wakeAtMs: number | null = null;
  for (const i of f.ready) {
    const run = runs[i]!;
    const gate = approvalGate(plan.tasks[i]!, run, nowMs, actions);
    if (gate === 'rejected') return undefined;
    if (gate !== 'open') {
      if (gate !== null) wakeAtMs = wakeAtMs === null ? gate : Math.min(wakeAtMs, gate);
      continue;
    }
    if (run.state === 'retrying' && run.retryAtMs !== null && run.retryAtMs > nowMs) {
      wakeAtMs = wakeAtMs === null ? run.retryAtMs : Math.min(wakeAtMs, run.retryAtMs);
      continue;
    }
    ready.push(i);
  }
  const { startCount, upcoming, held } = pickStarts(plan, runs, ready, actions, state.counts.running, maxParallel, holds);
  const open = startCount > 0 || state.rollbacksRunning > 0 || openTasks(state) > 0;
  if (!open) actions.push({ kind: 'finish', ...finalState(state, (id) => state.tasks.get(id)!.state) });
  return { actions, wakeAtMs, upcoming, held };
}

const runsCache = new WeakMap<RunState, { plan: Plan; runs: (TaskRun | undefined)[] }>();

/** The state's task records by plan index (memoised: decide runs on every tick, the records are stable objects). */
function runsByIndex(plan: Plan, state: RunState): (TaskRun | undefined)[] {
  const hit = runsCache.get(state);
  if (hit && hit.plan === plan) return hit.runs;
  const runs = plan.tasks.map((t) => state.tasks.get(t.id));
  runsCache.set(state, { plan, runs });
  return runs;
}

function cancelReason(state: RunState): string {
  return state.cancel?.failFast ? 'fail-fast: another task failed' : `cancelled (${state.cancel?.by ?? 'cancel'})`;
}

/**
 * The run's end: cancelled (4) when a cancel was asked for; failed (3) when any task did not succeed (failed,
 * skipped, stopped by fail-fast, or left pending outside a --failed-only resume); else succeeded (0).
 */
export function finalState(state: RunState, stateOf: (id: string) => TaskState): { state: FinalRunState; exitCode: 0 | 3 | 4 } {
  if (state.cancel && !state.cancel.failFast) return { state: 'cancelled', exitCode: 4 };
  for (const id of state.tasks.keys()) {
    const s = stateOf(id);
    if (s !== 'succeeded') return { state: 'failed', exitCode: 3 };
  }
  return { state: 'succeeded', exitCode: 0 };
}

export { backoffDelay, decideOutcome, describeFailure, outcomeOf, retryDelay, type AttemptResult, type Verdict } from './outcome-rules.js';
