import { formatMs } from '../graph/render.js';
import type { Counts, RunStateName, TaskState } from '../run/events.js';
import { countStates, tasksInOrder, type RunState, type WorktreeRecord } from '../run/reduce.js';
import { etaText, progressOf, progressText } from './progress.js';

/** One task in `aad status --json` (SPEC.md). */
export interface TaskStatusJson {
  id: string;
  /** The task that added this one (a child task: its id is `<parent>/<id>`); null for a task of the plan file. */
  parent: string | null;
  state: TaskState;
  attempts: number;
  exit_code: number | null;
  reason: string | null;
  started_at: string | null;
  ended_at: string | null;
  duration_ms: number | null;
  /** The latest rollback, once it is waiting for its approval or has ended (null while it runs, or when none ran). */
  rollback: { state: 'awaiting_approval' | 'succeeded' | 'failed' | 'skipped'; exit_code: number | null } | null;
  artifacts: string[];
  /** `isolation: worktree`: the task's worktree and branch, once it had one; absent otherwise. */
  worktree?: WorktreeJson;
  /** `--redis`: the worker (host) and job of its latest attempt that a worker took; absent for a task that ran here. */
  worker?: { host: string; job: string };
}

/** An isolated task's worktree in `aad status --json`. */
export interface WorktreeJson {
  path: string;
  branch: string;
  /** The commit it was made from. */
  base: string;
  /** `active` while the task works in it, `kept` after a failure, cancel or merge conflict, `removed` once gone. */
  state: 'active' | 'kept' | 'removed';
  /** The merge commit on the integration branch (null: nothing to merge), once merged. */
  merged_commit?: string | null;
  /** The commit of the state it was kept in (null: unchanged), once kept. */
  kept_commit?: string | null;
}

/** `aad status --json` (SPEC.md); `aad runs --json` lists these without `progress` and `tasks`. */
export interface RunStatusJson {
  run_id: string;
  state: RunStateName;
  exit_code: number | null;
  plan_path: string;
  workdir: string;
  started_at: string;
  ended_at: string | null;
  counts: Counts;
  /** Task processes of an interrupted run still alive (its runner is gone); null for any other run. */
  leftover_processes: number | null;
  /** `isolation: worktree`: the integration branch the isolated tasks' work is merged into, its base and repository; absent otherwise. */
  integration?: { branch: string; base: string; repository: string };
  /** Tasks done (succeeded, failed, blocked, skipped or cancelled) of all the run's tasks; `eta_ms`: the time left, estimated from earlier runs of the plan while the run is running (null when not running or not estimable). */
  progress: ProgressJson;
  tasks: TaskStatusJson[];
}

/** `progress` in `aad status --json`. */
export interface ProgressJson {
  done: number;
  total: number;
  /** floor(100 × done / total). */
  percent: number;
  eta_ms: number | null;
}

/** A run directory that cannot be read as a run, as `aad runs --json` lists it: the status keys, unknown ones null. */
export interface DamagedRunJson {
  run_id: string;
  state: 'damaged';
  /** What is wrong with it: `events.jsonl has no run_started event`. */
  reason: string;
  exit_code: null;
  plan_path: null;
  workdir: null;
  started_at: null;
  ended_at: null;
  counts: null;
  leftover_processes: null;
}

/** `aad runs --json`'s entry for a damaged run directory. */
export function damagedObject(runId: string, reason: string): DamagedRunJson {
  return { run_id: runId, state: 'damaged', reason, exit_code: null, plan_path: null, workdir: null, started_at: null, ended_at: null, counts: null, leftover_processes: null };
}

/**
 * SPEC.md's `aad status --json` object; `leftovers` is the count of live task processes of an interrupted run,
 * `etaMs` the time left (report/progress.ts `runEstimateMs`), shown only while the run is running.
 */
export function statusObject(state: RunState, live: RunStateName, leftovers: number | null, etaMs?: number): RunStatusJson {
  const integ = state.integration;
  const integration = integ ? { integration: { branch: integ.branch, base: integ.base, repository: integ.root } } : {};
  const progress: ProgressJson = { ...progressOf(state), eta_ms: live === 'running' && etaMs !== undefined ? etaMs : null };
  return { ...runObject(state, live, leftovers), ...integration, progress, tasks: tasksJson(state) };
}

/** `aad runs --json`'s entry: the status object without `progress` (no estimate: `runs` reads no other run) and `tasks`. */
export function runObject(state: RunState, live: RunStateName, leftovers: number | null): Omit<RunStatusJson, 'tasks' | 'progress'> {
  return {
    run_id: state.runId,
    state: live,
    exit_code: state.exitCode,
    plan_path: state.planPath,
    workdir: state.workdir,
    started_at: state.startedAt,
    ended_at: state.endedAt,
    counts: countStates(state),
    leftover_processes: leftovers,
  };
}

function tasksJson(state: RunState): TaskStatusJson[] {
  return tasksInOrder(state).map((t): TaskStatusJson => {
    return {
      id: t.id,
      parent: t.parent,
      state: t.state,
      attempts: t.attempts,
      exit_code: t.exitCode,
      reason: t.reason,
      started_at: t.startedAt,
      ended_at: t.endedAt,
      duration_ms: t.durationMs,
      rollback: t.rollback && t.rollback.state !== 'running' ? { state: t.rollback.state, exit_code: t.rollback.exit_code } : null,
      artifacts: t.artifacts,
      ...(t.worktree ? { worktree: worktreeJson(t.worktree) } : {}),
      ...(t.worker ? { worker: t.worker } : {}),
    };
  });
}

function worktreeJson(w: WorktreeRecord): WorktreeJson {
  return {
    path: w.path,
    branch: w.branch,
    base: w.base,
    state: w.removed ? 'removed' : w.kept !== undefined ? 'kept' : 'active',
    ...(w.merged !== undefined ? { merged_commit: w.merged } : {}),
    ...(w.kept !== undefined ? { kept_commit: w.kept } : {}),
  };
}

type Paint = (style: 'bold' | 'dim' | 'red' | 'green' | 'yellow' | 'cyan' | 'gray', text: string) => string;

const STATE_STYLE: Record<TaskState, 'green' | 'red' | 'yellow' | 'cyan' | 'gray' | 'dim'> = {
  succeeded: 'green', failed: 'red', blocked: 'red', skipped: 'yellow', cancelled: 'yellow', running: 'cyan', retrying: 'cyan', decomposed: 'cyan', pending: 'gray',
  awaiting_approval: 'yellow',
};

/**
 * The human form of `aad status`: a header and a table of tasks; `leftovers` and `etaMs` as for `statusObject`.
 * The count line starts with the progress (`17/40 done, 42%`) and, while running, the time left when estimable.
 */
export function statusText(state: RunState, live: RunStateName, paint: Paint, nowMs: number, width = 100, leftovers: number | null = null, etaMs?: number): string {
  const c = countStates(state);
  const progress = progressText(progressOf(state)) + (live === 'running' && etaMs !== undefined ? `, ${etaText(etaMs)}` : '');
  const end = state.endedAt ? Date.parse(state.endedAt) : nowMs;
  const elapsed = formatMs(end - Date.parse(state.startedAt));
  const lines = [
    `${paint('bold', `Run ${state.runId}`)}  ${paint(live === 'succeeded' ? 'green' : live === 'running' ? 'cyan' : 'red', live)}${state.exitCode !== null ? ` (exit ${state.exitCode})` : ''}  ${elapsed}`,
    `plan ${state.planPath}  ·  started ${state.startedAt}`,
    `${progress}  ·  ${c.succeeded} succeeded, ${c.failed} failed, ${c.blocked > 0 ? `${c.blocked} blocked, ` : ''}${c.skipped} skipped, ${c.cancelled} cancelled, ${c.running + c.retrying} running, ${c.decomposed > 0 ? `${c.decomposed} waiting for their children, ` : ''}${c.awaiting_approval > 0 ? `${c.awaiting_approval} awaiting approval, ` : ''}${c.pending} pending`,
    '',
  ];
  if (live === 'interrupted') {
    const notes = [`Its runner (pid ${state.owner.pid} on ${state.owner.hostname}) is gone: continue with \`aad resume ${state.runId}\`.`];
    if (leftovers) {
      notes.push(`${leftovers} of its task processes ${leftovers === 1 ? 'is' : 'are'} still alive: \`aad cancel ${state.runId}\` or \`aad resume ${state.runId}\` stops them.`);
    }
    const remote = state.order.map((id) => state.tasks.get(id)!).filter((t) => t.state === 'running' && t.worker !== null);
    if (remote.length > 0) {
      notes.push(`${remote.map((t) => `${t.id} (on ${t.worker!.host})`).join(', ')} ran on workers: \`aad resume ${state.runId} --redis URL\` has them stopped first.`);
    }
    lines.splice(3, 0, ...notes.map((n) => paint('yellow', n)));
  }
  // Children are listed under their parent, indented by their depth.
  const depthOf = (t: { parent: string | null }): number => (t.parent === null ? 0 : 1 + depthOf(state.tasks.get(t.parent) ?? { parent: null }));
  const rows = tasksInOrder(state).map((t) => {
    const id = '  '.repeat(depthOf(t)) + t.id;
    const shown: string = live === 'interrupted' && (t.state === 'running' || t.state === 'retrying') ? 'interrupted' : t.state;
    const dur = t.durationMs !== null ? formatMs(t.durationMs) : (t.state === 'running' || t.state === 'retrying') && t.startedAt !== null ? formatMs(nowMs - Date.parse(t.startedAt)) + '…' : '';
    const rb = t.rollback ? `rollback ${t.rollback.state === 'awaiting_approval' ? 'awaiting approval' : t.rollback.state}` : '';
    return [id, shown, String(t.attempts), dur, [t.reason ?? '', rb].filter(Boolean).join('; ')];
  });
  const header = ['TASK', 'STATE', 'ATTEMPTS', 'DURATION', 'REASON'];
  const w = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const fmt = (r: string[], style?: (i: number, s: string) => string) =>
    r.map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(w[i]!))).map((s, i) => (style ? style(i, s) : s)).join('  ').trimEnd();
  lines.push(paint('dim', fmt(header)));
  for (const r of rows) {
    const line = fmt(r, (i, s) => (i === 1 ? paint(STATE_STYLE[r[1] as TaskState] ?? 'yellow', s) : s));
    lines.push(line.length > width && !line.includes('\x1b') ? line.slice(0, width - 1) + '…' : line);
  }
  const integ = state.integration;
  if (integ) {
    lines.push('', `Isolated tasks' work: branch ${paint('bold', integ.branch)} (from ${integ.base.slice(0, 12)}); take it with \`git merge ${integ.branch}\``);
    const present = state.order.map((id) => state.tasks.get(id)!).filter((t) => t.worktree && !t.worktree.removed);
    if (present.length > 0) {
      lines.push('Worktrees:');
      for (const t of present) lines.push(`  ${t.id}: ${t.worktree!.path}  (branch ${t.worktree!.branch})`);
      if (live !== 'running') lines.push(paint('dim', `  remove them with \`aad clean ${state.runId}\` (--branches: the run's branches too)`));
    }
  }
  return lines.join('\n');
}
