import { unreachable } from '../errors.js';
import type { Counts, EscalationLevel, Owner, RunEvent, RunStateName, TaskState } from './events.js';
import { TASK_STATES } from './events.js';
import { CHILD_FAILED } from './decompose-rules.js';

/** One task as the journal tells it. */
export interface TaskRun {
  id: string;
  state: TaskState;
  /** Attempts started over the whole run (resumes included): the next attempt's number is attempts + 1. */
  attempts: number;
  /** Attempts made before the current retry budget (a resume gives a fresh budget). */
  budgetBase: number;
  exitCode: number | null;
  reason: string | null;
  startedAt: string | null;
  endedAt: string | null;
  durationMs: number | null;
  /** When the running attempt started (ms since epoch). */
  attemptStartedMs: number | null;
  /** When the next attempt is due (ms since epoch), while retrying. */
  retryAtMs: number | null;
  /** The running attempt's process group leader. */
  pid: number | null;
  procStart: string | null;
  /** The running attempt's worker and job (`aad run --redis`), once a worker took it. */
  worker: { host: string; job: string } | null;
  /** The latest rollback: waiting for its approval (`rollback_approval`), running, or how it ended. */
  rollback: { state: RollbackState; exit_code: number | null } | null;
  /** How many times its rollback started, over the whole run (resumes included), against `max_rollbacks`. */
  rollbacks: number;
  /** Its `approval` was given (kept for the whole run, resumes included). */
  approved: boolean;
  /** When it began waiting for its approval (ms since epoch), while `awaiting_approval`. */
  awaitingSinceMs: number | null;
  /** The run of failed attempts with the same signature, latest last (`max_identical_failures`); reset by a success and by a resume. */
  streak: { signature: string; count: number } | null;
  artifacts: string[];
  /** Whether the task is stopping because of a cancel or fail-fast. */
  killed: boolean;
  /**
   * The `rollback: git` snapshot in force: taken once before the task's first attempt and kept across
   * resumes, so that a restore goes back to the state from before the task, not to what a killed
   * attempt left. Dropped once a restore succeeded: the work tree is then back, and what changes in it
   * before the task runs again (the user's fixes) is not the task's.
   */
  snapshot: { root: string; scope: string; commit: string; ref: string } | null;
  /** `isolation: worktree`: the task's latest worktree, as the journal tells it. */
  worktree: WorktreeRecord | null;
  /** The task that added this one, for a child task (`tasks_added`); null for a task of the plan file. */
  parent: string | null;
  /** The task's children, once it added some (it then never runs again: a resume puts it back to `decomposed`). */
  children: string[] | null;
  /** How many of its children succeeded, and how many ended without succeeding (kept as they move). */
  kids: { succeeded: number; bad: number } | null;
}

/** A rollback's state: `awaiting_approval` and `running` are under way (the run waits for them). */
export type RollbackState = 'awaiting_approval' | 'running' | 'succeeded' | 'failed' | 'skipped';

/** Whether a rollback is under way. */
export function rollbackUnderWay(rb: TaskRun['rollback']): boolean {
  return rb?.state === 'running' || rb?.state === 'awaiting_approval';
}

/** A rejected task's reason: `rejected by <name>: <reason>`, or `rejected: <reason>` for a timeout. */
export function rejectionReason(by: string, reason: string): string {
  if (by === 'timeout') return `rejected: ${reason}`;
  return `rejected by ${by}${reason.trim() === '' ? '' : `: ${reason}`}`;
}

/** An isolated task's worktree: where, on which branch, from which base, and what became of it. */
export interface WorktreeRecord {
  path: string;
  branch: string;
  base: string;
  /** The attempt it was made for. */
  attempt: number;
  /** Merged into the integration branch: the merge commit (null: nothing to merge); undefined while not merged. */
  merged?: string | null;
  /** Kept after a failure or cancel: the commit of the state it was left in (null: unchanged). */
  kept?: string | null;
  /** Kept after a merge conflict in these paths: the task's base is what conflicted, so it runs again from the integration branch's tip. */
  conflicts?: string[];
  /** Kept with a state that could not be committed: never removed by aad (only set aside). */
  uncommitted?: boolean;
  removed: boolean;
}

/** A run as the journal tells it (liveness of its runner is judged elsewhere). */
export interface RunState {
  runId: string;
  planPath: string;
  workdir: string;
  startedAt: string;
  endedAt: string | null;
  /** `running` until run_finished; whether its runner is alive is for the store to say. */
  state: Exclude<RunStateName, 'interrupted'>;
  exitCode: number | null;
  owner: Owner;
  maxParallel: number;
  failFast: boolean;
  /** `aad run --force`: every task (true) or these ids run even when their sources are up to date. */
  force: true | ReadonlySet<string> | null;
  /** Set once a cancel (or fail-fast) was asked for in the current session. */
  cancel: { by: string; failFast: boolean } | null;
  tasks: Map<string, TaskRun>;
  /** Task ids of the run, in plan order. */
  order: string[];
  /** Number of events folded so far. */
  events: number;
  /** Index of the event that made the current owner (run_started or a winning run_claimed). */
  claimIndex: number;
  escalations: Record<EscalationLevel, number>;
  /** Tasks in each state, kept as events are folded (the runner asks on every tick). */
  counts: Counts;
  /** Rollbacks under way (running, or waiting for their approval). */
  rollbacksRunning: number;
  /** `isolation: worktree`: the repository and the run's integration branch. */
  integration: { root: string; branch: string; base: string } | null;
  /** Ids of the tasks whose state was set, in order (one entry a change): decide follows it instead of rescanning every task. */
  moves: string[];
  /** Child tasks added so far (every `tasks_added`), against `max_children`. */
  added: number;
  /** Parents a child of which ended since they were last looked at: decide settles those whose children are all done (or one failed). */
  settle: Set<string>;
}

function newTask(id: string): TaskRun {
  return {
    id, state: 'pending', attempts: 0, budgetBase: 0, exitCode: null, reason: null, startedAt: null, endedAt: null,
    durationMs: null, attemptStartedMs: null, retryAtMs: null, pid: null, procStart: null, worker: null, rollback: null, rollbacks: 0, approved: false, awaitingSinceMs: null,
    streak: null, artifacts: [], killed: false, snapshot: null, worktree: null, parent: null, children: null, kids: null,
  };
}

/** Folds a whole journal; undefined when it holds no run_started. */
export function reduceAll(events: readonly RunEvent[]): RunState | undefined {
  let state: RunState | undefined;
  for (const e of events) state = reduce(state, e);
  return state;
}

/** The state after one more event. Mutates and returns `state` (the runner folds thousands of events). */
export function reduce(state: RunState | undefined, e: RunEvent): RunState | undefined {
  if (e.event === 'run_started') {
    return {
      runId: e.run_id, planPath: e.plan, workdir: e.workdir, startedAt: e.ts, endedAt: null, state: 'running', exitCode: null,
      owner: e.owner, maxParallel: e.max_parallel, failFast: e.fail_fast, cancel: null,
      force: e.force === undefined ? null : e.force === true ? true : new Set(e.force),
      tasks: new Map(e.tasks.map((id) => [id, newTask(id)])), order: [...e.tasks], events: 1, claimIndex: 0,
      escalations: { warning: 0, error: 0, critical: 0 },
      counts: { ...emptyCounts(), pending: e.tasks.length },
      rollbacksRunning: 0,
      integration: null,
      moves: [],
      added: 0,
      settle: new Set(),
    };
  }
  if (!state) return state;
  const index = state.events++;
  const task = 'task' in e ? state.tasks.get(e.task) : undefined;
  const ms = Date.parse(e.ts);
  switch (e.event) {
    case 'run_claimed':
      if (!claimWins(state, e.base)) break;
      state.claimIndex = index;
      state.owner = e.owner;
      state.state = 'running';
      state.endedAt = null;
      state.exitCode = null;
      state.cancel = null;
      if (e.max_parallel !== undefined) state.maxParallel = e.max_parallel;
      if (e.fail_fast !== undefined) state.failFast = e.fail_fast;
      break;
    case 'tasks_reset':
      for (const id of e.tasks) {
        const t = state.tasks.get(id);
        if (!t) continue;
        if (rollbackUnderWay(t.rollback)) state.rollbacksRunning--;
        // A parent never runs again: its children are what runs (those reset with it).
        const to = t.children ? 'decomposed' : 'pending';
        move(state, t, to);
        // Kept: the rollback count (max_rollbacks holds across resumes) and an approval (given for the run).
        const { attempts, snapshot, worktree, parent, children, kids, rollbacks, approved } = t;
        Object.assign(t, { ...newTask(id), state: to, attempts, budgetBase: attempts, snapshot, worktree, parent, children, kids, rollbacks, approved });
        if (children) state.settle.add(id);
      }
      break;
    case 'task_started':
      if (!task) break;
      move(state, task, 'running');
      task.attempts = Math.max(task.attempts, e.attempt);
      task.startedAt ??= e.ts;
      task.endedAt = null;
      task.attemptStartedMs = ms;
      task.retryAtMs = null;
      task.pid = null;
      task.procStart = null;
      task.worker = null;
      break;
    case 'task_on_worker':
      if (!task) break;
      task.worker = { host: e.worker, job: e.job };
      break;
    case 'task_spawned':
      if (!task) break;
      task.pid = e.pid;
      task.procStart = e.proc_start ?? null;
      break;
    case 'task_retrying':
      if (!task) break;
      move(state, task, 'retrying');
      task.exitCode = e.exit_code;
      task.reason = e.reason;
      task.retryAtMs = ms + e.delay_ms;
      task.pid = null;
      break;
    case 'task_succeeded':
    case 'task_failed':
      if (!task) break;
      move(state, task, e.event === 'task_succeeded' ? 'succeeded' : 'failed');
      task.exitCode = e.exit_code;
      task.reason = e.event === 'task_succeeded' ? null : e.reason;
      finish(task, e.ts);
      break;
    case 'task_blocked':
      if (!task) break;
      move(state, task, 'blocked');
      task.exitCode = e.exit_code;
      task.reason = e.reason;
      finish(task, e.ts);
      break;
    case 'task_decided':
      if (!task) break;
      if (e.outcome === 'success') task.streak = null;
      else if (e.signature !== undefined) task.streak = task.streak?.signature === e.signature ? { signature: e.signature, count: task.streak.count + 1 } : { signature: e.signature, count: 1 };
      break;
    case 'approval_requested':
      if (!task) break;
      if (e.rollback) {
        if (!rollbackUnderWay(task.rollback)) state.rollbacksRunning++;
        task.rollback = { state: 'awaiting_approval', exit_code: null };
        break;
      }
      move(state, task, 'awaiting_approval');
      task.awaitingSinceMs = ms;
      break;
    case 'task_approved':
      if (!task) break;
      if (e.rollback) {
        // Approved: it runs now (its rollback_started follows).
        if (task.rollback?.state === 'awaiting_approval') task.rollback = { state: 'running', exit_code: null };
        break;
      }
      task.approved = true;
      task.awaitingSinceMs = null;
      if (task.state === 'awaiting_approval') move(state, task, 'pending');
      break;
    case 'task_rejected':
      // A rollback's rejection is followed by its rollback_skipped.
      if (!task || e.rollback) break;
      move(state, task, 'failed');
      task.awaitingSinceMs = null;
      task.reason = rejectionReason(e.by, e.reason);
      finish(task, e.ts);
      break;
    case 'rollback_skipped':
      if (!task) break;
      if (rollbackUnderWay(task.rollback)) state.rollbacksRunning--;
      task.rollback = { state: 'skipped', exit_code: null };
      break;
    case 'tasks_added': {
      const parent = state.tasks.get(e.parent);
      if (!parent) break;
      const ids: string[] = [];
      for (const t of e.tasks) {
        if (state.tasks.has(t.id)) continue;
        const child = newTask(t.id);
        child.parent = parent.id;
        state.tasks.set(t.id, child);
        state.order.push(t.id);
        ids.push(t.id);
      }
      state.counts.pending += ids.length;
      state.added += ids.length;
      parent.children = parent.children ? parent.children.concat(ids) : ids;
      parent.kids ??= { succeeded: 0, bad: 0 };
      break;
    }
    case 'task_decomposed':
      if (!task) break;
      move(state, task, 'decomposed');
      task.exitCode = e.exit_code;
      task.reason = null;
      task.pid = null;
      task.retryAtMs = null;
      state.settle.add(task.id);
      break;
    case 'task_up_to_date':
      if (!task) break;
      move(state, task, 'succeeded');
      task.reason = 'up to date';
      task.startedAt = e.ts;
      task.endedAt = e.ts;
      task.durationMs = 0;
      break;
    case 'task_skipped':
      if (!task) break;
      move(state, task, 'skipped');
      task.reason = e.reason;
      task.endedAt = e.ts;
      break;
    case 'task_cancelled':
      if (!task) break;
      move(state, task, 'cancelled');
      task.reason = e.reason;
      if (e.exit_code !== undefined) task.exitCode = e.exit_code;
      finish(task, e.ts);
      break;
    case 'cancel_requested':
      state.cancel ??= { by: e.by, failFast: e.fail_fast === true };
      break;
    case 'task_killed':
      if (task) task.killed = true;
      break;
    case 'rollback_started':
      if (!task) break;
      if (!rollbackUnderWay(task.rollback)) state.rollbacksRunning++;
      task.rollback = { state: 'running', exit_code: null };
      task.rollbacks++;
      break;
    case 'rollback_succeeded':
    case 'rollback_failed':
      if (!task) break;
      if (rollbackUnderWay(task.rollback)) state.rollbacksRunning--;
      task.rollback = { state: e.event === 'rollback_succeeded' ? 'succeeded' : 'failed', exit_code: e.exit_code };
      if (e.event === 'rollback_succeeded') task.snapshot = null;
      break;
    case 'snapshot_taken':
      if (task) task.snapshot = { root: e.root, scope: e.scope, commit: e.commit, ref: e.ref };
      break;
    case 'integration_branch':
      state.integration = { root: e.root, branch: e.branch, base: e.base };
      break;
    case 'worktree_created':
      if (task) task.worktree = { path: e.path, branch: e.branch, base: e.base, attempt: e.attempt, removed: false };
      break;
    case 'worktree_merged':
      if (task?.worktree) task.worktree.merged = e.commit;
      break;
    case 'worktree_kept':
      if (task?.worktree) {
        task.worktree.kept = e.commit;
        if (e.conflicts) task.worktree.conflicts = e.conflicts;
        if (e.uncommitted) task.worktree.uncommitted = true;
      }
      break;
    case 'worktree_removed':
      if (task?.worktree && task.worktree.path === e.path) task.worktree.removed = true;
      break;
    case 'artifacts_collected':
      if (task) task.artifacts = e.files;
      break;
    case 'escalation':
      state.escalations[e.level]++;
      break;
    case 'run_finished':
      state.state = e.state;
      state.exitCode = e.exit_code;
      state.endedAt = e.ts;
      break;
    default:
      unreachable(e);
  }
  return state;
}

/** A claim that read `base` events wins when no other claim was made since it read them. */
export function claimWins(state: RunState, base: number): boolean {
  return state.claimIndex < base;
}

function finish(task: TaskRun, ts: string): void {
  task.endedAt = ts;
  task.pid = null;
  task.retryAtMs = null;
  if (task.startedAt !== null) task.durationMs = Math.max(0, Date.parse(ts) - Date.parse(task.startedAt));
}

function move(state: RunState, task: TaskRun, to: TaskState): void {
  const from = task.state;
  state.counts[from]--;
  state.counts[to]++;
  task.state = to;
  state.moves.push(task.id);
  if (from === 'decomposed') state.settle.delete(task.id);
  if (task.parent === null) return;
  const parent = state.tasks.get(task.parent);
  const kids = parent?.kids;
  if (!kids) return;
  if (from === 'succeeded') kids.succeeded--;
  else if (CHILD_FAILED.has(from)) kids.bad--;
  if (to === 'succeeded') kids.succeeded++;
  else if (CHILD_FAILED.has(to)) kids.bad++;
  else return;
  state.settle.add(parent!.id);
}

function emptyCounts(): Counts {
  return Object.fromEntries(TASK_STATES.map((s) => [s, 0])) as Counts;
}

/** How many tasks are in each state (a copy). */
export function countStates(state: RunState): Counts {
  return { ...state.counts };
}

/** The run's tasks in plan order, each parent's children right after it (depth first), as status lists them. */
export function tasksInOrder(state: RunState): TaskRun[] {
  const out: TaskRun[] = [];
  const visit = (t: TaskRun) => {
    out.push(t);
    if (t.children) for (const id of t.children) visit(state.tasks.get(id)!);
  };
  for (const id of state.order) {
    const t = state.tasks.get(id)!;
    if (t.parent === null) visit(t);
  }
  return out;
}
