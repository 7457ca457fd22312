import { closeSync, openSync, readFileSync, readSync } from 'node:fs';
import { formatMs } from '../graph/render.js';
import { fastParse } from '../plan/fast-load.js';
import type { RunEvent, TaskState } from '../run/events.js';
import type { RunState, TaskRun } from '../run/reduce.js';
import { runPaths } from '../store/paths.js';
import { listRunIds, loadRun, type LoadedRun } from '../store/runs.js';

/** States in which a task is over: it counts as done. */
const FINAL: ReadonlySet<TaskState> = new Set<TaskState>(['succeeded', 'failed', 'blocked', 'skipped', 'cancelled']);

/** How far a run is: tasks done (in a final state) of all its tasks, children included once added. */
export interface Progress {
  done: number;
  total: number;
  /** floor(100 × done / total); 0 for a run without tasks. */
  percent: number;
}

/** The run's progress, from its counts: done are the succeeded, failed, blocked, skipped and cancelled tasks. */
export function progressOf(state: RunState): Progress {
  const c = state.counts;
  const done = c.succeeded + c.failed + c.blocked + c.skipped + c.cancelled;
  const total = state.tasks.size;
  return { done, total, percent: total === 0 ? 0 : Math.floor((100 * done) / total) };
}

/** `17/40 done, 42%`. */
export function progressText(p: Progress): string {
  return `${p.done}/${p.total} done, ${p.percent}%`;
}

/** `~3m 20s left`; `<1s left` under a second (a task past its expected time leaves `0ms`, which says nothing). */
export function etaText(ms: number): string {
  return ms < 1000 ? '<1s left' : `~${formatMs(ms)} left`;
}

/** The median of `values` (the mean of the middle two for an even count); NaN for none. */
export function median(values: readonly number[]): number {
  if (values.length === 0) return NaN;
  const v = [...values].sort((a, b) => a - b);
  const mid = v.length >> 1;
  return v.length % 2 === 1 ? v[mid]! : (v[mid - 1]! + v[mid]!) / 2;
}

/** How many earlier runs `earlierDurations` looks at. */
export interface EarlierOptions {
  /** Finished runs of the plan whose durations are used (the newest). Default 5. */
  runs?: number;
  /** Journals read whole at most (runs of the plan, and journals whose head does not say their plan). Default 20. */
  parse?: number;
  /** Run ids whose journal head is looked at at most, newest first. Default 50. */
  look?: number;
}

/**
 * Each task's expected duration (ms): the median of its `durationMs` over the newest finished runs of the
 * same plan path (at most 5) in which it succeeded. Runs are taken newest first; a journal's plan is read
 * from its first line (a few KiB), so runs of other plans cost little; at most 20 journals are read whole.
 * `excludeRunId` (the run being estimated) is left out; an unreadable run is skipped.
 */
export function earlierDurations(home: string, planPath: string, excludeRunId: string, opts: EarlierOptions = {}): Map<string, number> {
  const maxRuns = opts.runs ?? 5;
  const maxParse = opts.parse ?? 20;
  const maxLook = opts.look ?? 50;
  const samples = new Map<string, number[]>();
  let kept = 0;
  let parsed = 0;
  let looked = 0;
  const ids = listRunIds(home);
  for (let i = ids.length - 1; i >= 0 && kept < maxRuns && parsed < maxParse && looked < maxLook; i--) {
    const id = ids[i]!;
    if (id === excludeRunId) continue;
    looked++;
    const head = journalPlan(runPaths(home, id).events);
    if (head !== undefined && head !== planPath) continue;
    parsed++;
    let run: LoadedRun;
    try {
      run = loadRun(home, id);
    } catch {
      continue;
    }
    // Only finished runs: a running or interrupted one has no duration for what it has not finished, and may be this very plan's twin.
    if (run.state.planPath !== planPath || run.state.state === 'running') continue;
    kept++;
    for (const t of run.state.tasks.values()) {
      if (t.state !== 'succeeded' || t.durationMs === null) continue;
      const list = samples.get(t.id);
      if (list) list.push(t.durationMs);
      else samples.set(t.id, [t.durationMs]);
    }
  }
  const out = new Map<string, number>();
  for (const [id, list] of samples) out.set(id, median(list));
  return out;
}

const HEAD_BYTES = 16 * 1024;
const PLAN_KEY = /"plan":("(?:[^"\\\n]|\\.)*")/;

/**
 * The plan path of a journal, read from its first line's head (aad writes `plan` before the task list);
 * undefined when the head does not tell (no file, another first event, an odd line): then the journal is read whole.
 */
function journalPlan(file: string): string | undefined {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch {
    return undefined;
  }
  try {
    const buf = Buffer.alloc(HEAD_BYTES);
    const n = readSync(fd, buf, 0, HEAD_BYTES, 0);
    let head = buf.toString('utf8', 0, n);
    const nl = head.indexOf('\n');
    if (nl !== -1) head = head.slice(0, nl);
    if (!head.includes('"event":"run_started"')) return undefined;
    const m = PLAN_KEY.exec(head);
    const plan: unknown = m ? JSON.parse(m[1]!) : undefined;
    return typeof plan === 'string' ? plan : undefined;
  } catch {
    return undefined;
  } finally {
    closeSync(fd);
  }
}

/** The ids a task waits for (`depends_on`), when known; undefined for a task the lookup does not know. */
export type DepsOf = (id: string) => readonly string[] | undefined;

/**
 * The dependencies of a run's tasks from its plan copy (`plan.yaml`) and the children its journal added;
 * undefined when the copy cannot be read or parsed quickly (the estimate then goes without the chain).
 */
export function depsFromPlanCopy(planFile: string, events: readonly RunEvent[]): DepsOf | undefined {
  let input: unknown;
  try {
    input = fastParse(readFileSync(planFile, 'utf8'));
  } catch {
    return undefined;
  }
  const tasks = (input as { tasks?: unknown } | undefined)?.tasks;
  if (!Array.isArray(tasks)) return undefined;
  const deps = new Map<string, readonly string[]>();
  const add = (list: readonly unknown[]) => {
    for (const t of list as { id?: unknown; depends_on?: unknown }[]) {
      if (typeof t?.id !== 'string') continue;
      deps.set(t.id, Array.isArray(t.depends_on) ? t.depends_on.filter((d): d is string => typeof d === 'string') : []);
    }
  };
  add(tasks);
  for (const e of events) if (e.event === 'tasks_added') add(e.tasks);
  return (id) => deps.get(id);
}

/** What `estimateLeftMs` may use beyond the state. */
export interface EstimateOptions {
  /** The tasks' dependencies: with them the longest remaining chain bounds the estimate; without, the longest single task does. */
  deps?: DepsOf;
  /** Tasks run at once; default the run's `max_parallel`. */
  maxParallel?: number;
}

/**
 * The time left (ms) for the tasks not done, from their expected durations (`durations`, by task id):
 * a running task has its expected duration less what its current attempt has run (not below 0); a retrying
 * task its expected duration plus what is left of its backoff; a pending or awaiting one its expected
 * duration. A decomposed task's own work is over: what is left of it is its children's.
 * The estimate is the larger of the remaining work spread over `maxParallel` slots and the longest chain
 * of remaining tasks (with `deps`; without them, the longest single remaining task).
 * Tasks without a known duration count at the median of the known ones; undefined when fewer than half of
 * the remaining tasks have one (no estimate is better than a wrong one). 0 when nothing is left.
 */
export function estimateLeftMs(state: RunState, durations: ReadonlyMap<string, number>, nowMs: number, opts: EstimateOptions = {}): number | undefined {
  const remaining: TaskRun[] = [];
  const known: number[] = [];
  for (const t of state.tasks.values()) {
    if (FINAL.has(t.state) || t.state === 'decomposed') continue;
    remaining.push(t);
    const e = durations.get(t.id);
    if (e !== undefined) known.push(e);
  }
  if (remaining.length === 0) return 0;
  if (known.length * 2 < remaining.length) return undefined;
  const fill = median(known);
  const own = new Map<string, number>();
  let work = 0;
  let longest = 0;
  for (const t of remaining) {
    const left = leftOf(t, durations.get(t.id) ?? fill, nowMs);
    own.set(t.id, left);
    work += left;
    longest = Math.max(longest, left);
  }
  const chain = opts.deps ? longestChain(state, own, opts.deps) : longest;
  const parallel = Math.max(1, opts.maxParallel ?? state.maxParallel);
  return Math.round(Math.max(chain, work / parallel));
}

/** What is left of a task not done that is expected to take `expected` ms. */
function leftOf(t: TaskRun, expected: number, nowMs: number): number {
  if (t.state === 'running' && t.attemptStartedMs !== null) return Math.max(0, expected - (nowMs - t.attemptStartedMs));
  if (t.state === 'retrying' && t.retryAtMs !== null) return expected + Math.max(0, t.retryAtMs - nowMs);
  return expected;
}

/**
 * The longest chain of remaining work: a task ends its own time left after the last of its dependencies
 * (a done one ends now); a decomposed task ends with the last of its children. Iterative (a chain of
 * 10,000 tasks must not overflow the stack); a cycle (a hand-edited plan copy) is cut.
 */
function longestChain(state: RunState, own: ReadonlyMap<string, number>, depsOf: DepsOf): number {
  const end = new Map<string, number>();
  const entered = new Set<string>();
  const waitsFor = (t: TaskRun): readonly string[] => (t.state === 'decomposed' ? (t.children ?? []) : (depsOf(t.id) ?? []));
  let best = 0;
  for (const root of own.keys()) {
    const stack = [root];
    while (stack.length > 0) {
      const id = stack[stack.length - 1]!;
      if (end.has(id)) {
        stack.pop();
        continue;
      }
      const t = state.tasks.get(id);
      if (!t || FINAL.has(t.state)) {
        end.set(id, 0);
        stack.pop();
        continue;
      }
      const before = waitsFor(t);
      if (!entered.has(id)) {
        entered.add(id);
        for (const d of before) if (!end.has(d) && !entered.has(d)) stack.push(d);
        continue;
      }
      let start = 0;
      for (const d of before) start = Math.max(start, end.get(d) ?? 0);
      end.set(id, start + (own.get(id) ?? 0));
      stack.pop();
    }
    best = Math.max(best, end.get(root)!);
  }
  return best;
}

/**
 * The estimate `aad status` shows for a running run: earlier runs of its plan (at most 5 of them read) and
 * its plan copy's dependencies. Undefined when it cannot be made; never throws.
 */
export function runEstimateMs(home: string, run: LoadedRun, nowMs: number): number | undefined {
  try {
    const durations = earlierDurations(home, run.state.planPath, run.runId);
    if (durations.size === 0) return undefined;
    return estimateLeftMs(run.state, durations, nowMs, { deps: depsFromPlanCopy(run.paths.plan, run.events) });
  } catch {
    return undefined;
  }
}
