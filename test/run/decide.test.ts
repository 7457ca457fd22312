// decide / decideOutcome: the scheduling and failure policy, from plans and synthetic journals alone.
import { describe, expect, it } from 'vitest';
import { prng } from '../helpers/prng.js';
import { restrictPlan, type Plan } from '../../src/plan/compile.js';
import { backoffDelay, decide, decideByScan, decideOutcome, describeFailure, type Action, type AttemptResult } from '../../src/run/decide.js';
import type { RunEventBody, TaskState } from '../../src/run/events.js';
import { countStates, reduce, type RunState } from '../../src/run/reduce.js';
import {
  cancelled, cancelRequested, claimed, failed, fold, plan, reset, retrying, runState, skipped, stamp, started, succeeded, T0, type Timed,
} from './builders.js';

/** The clock reading `ms` after the synthetic run's start. */
const at = (ms: number) => T0 + ms;

const kinds = (actions: Action[], kind: Action['kind']) => actions.filter((a) => a.kind === kind);
const startsOf = (actions: Action[]) => actions.flatMap((a) => (a.kind === 'start' ? [a.task] : []));
const finishOf = (actions: Action[]) => actions.find((a) => a.kind === 'finish');

/** How one attempt of a scripted task ends. */
type Outcome = number | 'timeout' | 'spawn' | 'signal';
/** A scripted task: how long each attempt runs, and how attempt n ends (exits[n-1]; 0 past the end). */
interface Script {
  ms?: number;
  exits?: Outcome[];
}

interface SimOptions {
  maxParallel?: number;
  failFast?: boolean;
  /** A user cancel (Ctrl-C) arrives at this time. */
  cancelAtMs?: number;
  scope?: ReadonlySet<string>;
  /** Continue from this state (a resume) instead of a fresh run. */
  state?: RunState;
  startMs?: number;
  /** `aad approve` of a task waiting for its approval, at this time (ms). */
  approveAtMs?: Record<string, number>;
}

interface Sim {
  state: RunState;
  exitCode: number;
  /** Every attempt started, in order. */
  starts: { task: string; attempt: number; at: number }[];
  /** The most tasks running at once. */
  peak: number;
  endMs: number;
}

/**
 * Plays a run the way the runner does (decide → events → reduce, attempts settled by decideOutcome),
 * with scripted attempts and a virtual clock that jumps to the next attempt end or wake-up.
 */
function simulate(p: Plan, script: Record<string, Script>, o: SimOptions = {}): Sim {
  const maxParallel = o.maxParallel ?? 4;
  const s = o.state ?? runState(p, [], { failFast: o.failFast, maxParallel });
  let now = o.startMs ?? 0;
  const emit = (body: RunEventBody) => reduce(s, stamp(body, now));
  const procs = new Map<string, { attempt: number; startedAt: number; endAt: number; stopped: boolean }>();
  const starts: Sim['starts'] = [];
  let peak = 0;
  let cancelPending = o.cancelAtMs !== undefined;
  const approvals = new Map(Object.entries(o.approveAtMs ?? {}));
  for (let guard = 0; guard < 10_000; guard++) {
    const decision = decide(p, s, at(now), maxParallel, o.scope);
    // decide follows the state's moves between ticks; it must decide as a scan of every task would.
    expect(decision).toEqual(decideByScan(p, s, at(now), maxParallel, o.scope));
    const { actions, wakeAtMs } = decision;
    let changed = false;
    for (const a of actions) {
      switch (a.kind) {
        case 'start':
          emit({ event: 'task_started', task: a.task, attempt: a.attempt });
          procs.set(a.task, { attempt: a.attempt, startedAt: now, endAt: now + (script[a.task]?.ms ?? 1000), stopped: false });
          starts.push({ task: a.task, attempt: a.attempt, at: now });
          changed = true;
          break;
        case 'skip':
          emit({ event: 'task_skipped', task: a.task, reason: a.reason });
          changed = true;
          break;
        case 'cancel':
          emit({ event: 'task_cancelled', task: a.task, reason: a.reason });
          changed = true;
          break;
        case 'stop': {
          const proc = procs.get(a.task)!;
          if (!proc.stopped) {
            proc.stopped = true;
            proc.endAt = Math.min(proc.endAt, now + 10);
          }
          break;
        }
        case 'cancel_run':
          emit({ event: 'cancel_requested', by: a.by, fail_fast: true });
          changed = true;
          break;
        case 'await_approval':
          emit({ event: 'approval_requested', task: a.task, text: a.text });
          changed = true;
          break;
        case 'reject':
          emit({ event: 'task_rejected', task: a.task, by: 'timeout', reason: a.reason });
          changed = true;
          break;
        case 'settle':
          throw new Error('the simulation has no children');
        case 'finish':
          expect(procs.size).toBe(0);
          emit({ event: 'run_finished', state: a.state, exit_code: a.exitCode, counts: countStates(s) });
          return { state: s, exitCode: a.exitCode, starts, peak, endMs: now };
      }
    }
    peak = Math.max(peak, procs.size);
    expect(countStates(s).running).toBe(procs.size);
    if (changed) continue;
    const next = Math.min(...[...procs.values()].map((x) => x.endAt), ...approvals.values(), wakeAtMs === null ? Infinity : wakeAtMs - T0, cancelPending ? o.cancelAtMs! : Infinity);
    if (next === Infinity) throw new Error(`deadlock at ${now}ms: ${[...s.tasks.values()].map((t) => `${t.id}=${t.state}`).join(' ')}`);
    now = next;
    for (const [id, when] of approvals) {
      if (when > now) continue;
      approvals.delete(id);
      // An approval that comes before the task waits is refused (`aad approve` says its state): it is given again later.
      if (s.tasks.get(id)!.state === 'awaiting_approval') emit({ event: 'task_approved', task: id, by: 'sim' });
      else if (s.tasks.get(id)!.state === 'pending') approvals.set(id, now + 100);
    }
    if (cancelPending && o.cancelAtMs! <= now) {
      cancelPending = false;
      emit({ event: 'cancel_requested', by: 'user' });
    }
    for (const [id, proc] of procs) {
      if (proc.endAt > now) continue;
      procs.delete(id);
      settle(p, s, id, proc, script[id] ?? {}, now);
    }
  }
  throw new Error('simulation did not end');
}

function settle(p: Plan, s: RunState, id: string, proc: { attempt: number; startedAt: number; stopped: boolean }, script: Script, now: number): void {
  const outcome = script.exits?.[proc.attempt - 1] ?? 0;
  const result: AttemptResult = {
    exitCode: typeof outcome === 'number' ? outcome : null,
    signal: outcome === 'signal' ? 'SIGKILL' : outcome === 'timeout' ? 'SIGTERM' : null,
    timedOut: outcome === 'timeout',
    spawnError: outcome === 'spawn' ? 'ENOENT' : undefined,
    stopped: proc.stopped,
    durationMs: now - proc.startedAt,
  };
  const run = s.tasks.get(id)!;
  const verdict = decideOutcome(p.byId.get(id)!, run, result, s.cancel?.by ?? null);
  const end = { task: id, attempt: proc.attempt, exit_code: result.exitCode, signal: result.signal, duration_ms: result.durationMs };
  const body: RunEventBody =
    verdict.kind === 'succeed' ? { event: 'task_succeeded', ...end, reason: 'succeeded' }
    : verdict.kind === 'retry' ? { event: 'task_retrying', ...end, reason: verdict.reason, delay_ms: verdict.delayMs }
    : verdict.kind === 'fail' ? { event: 'task_failed', ...end, reason: verdict.reason, attempts: run.attempts - run.budgetBase }
    : verdict.kind === 'block' ? { event: 'task_blocked', ...end, reason: verdict.reason }
    : verdict.kind === 'cancelled' ? { event: 'task_cancelled', ...end, reason: verdict.reason }
    : unexpected(verdict.kind);
  reduce(s, stamp(body, now));
}

function unexpected(kind: string): never {
  throw new Error(`the simulation has no outcome files: no ${kind}`);
}

const statesOf = (s: RunState): Record<string, TaskState> => Object.fromEntries([...s.tasks.values()].map((t) => [t.id, t.state]));
const reasonOf = (s: RunState, id: string) => s.tasks.get(id)!.reason;

describe('decide: order of starts', () => {
  it.each<{ name: string; g: Record<string, string[]>; want: string[] }>([
    { name: 'the longest remaining path first', g: { a: [], b: [], c: ['b'], d: ['c'] }, want: ['b', 'a'] },
    { name: 'ties by plan order', g: { x: [], y: [], z: [] }, want: ['x', 'y', 'z'] },
    { name: 'ties by plan order, not by id', g: { z: [], y: [], zz: ['z'], yy: ['y'] }, want: ['z', 'y'] },
    { name: 'a longer chain beats a wider fan-out', g: { fan: [], f1: ['fan'], f2: ['fan'], f3: ['fan'], c: [], c1: ['c'], c2: ['c1'] }, want: ['c', 'fan'] },
    { name: 'a later root with more work ahead goes first', g: { a: [], b: [], c: [], d: ['c'] }, want: ['c', 'a', 'b'] },
  ])('$name', ({ g, want }) => {
    const p = plan(g);
    expect(startsOf(decide(p, runState(p), 0, 10).actions)).toEqual(want);
  });

  it('only ready tasks start, each with its next attempt number', () => {
    const p = plan({ a: [], b: ['a'], c: [] });
    const { actions } = decide(p, runState(p, [started('a')]), 0, 10);
    expect(actions).toEqual([{ kind: 'start', task: 'c', attempt: 1 }]);
  });

  it('a dependent starts once its dependency succeeded', () => {
    const p = plan({ a: [], b: ['a'] });
    expect(startsOf(decide(p, runState(p, [started('a'), succeeded('a', 1, 50)]), 50, 10).actions)).toEqual(['b']);
  });

  it('a task waits for every dependency', () => {
    const p = plan({ a: [], b: [], c: ['a', 'b'] });
    const s = runState(p, [started('a'), started('b'), succeeded('a')]);
    expect(decide(p, s, 0, 10).actions).toEqual([]);
  });

  it('runs a whole plan, critical path first, with every task succeeded (exit 0)', () => {
    const p = plan({ lint: [], build: [], test: ['build'], pack: ['test'], docs: [] });
    const sim = simulate(p, {}, { maxParallel: 1 });
    // pack and lint both have 1 task left on their path: plan order decides.
    expect(sim.starts.map((x) => x.task)).toEqual(['build', 'test', 'lint', 'pack', 'docs']);
    expect(sim.exitCode).toBe(0);
    expect(sim.state.state).toBe('succeeded');
    expect(Object.values(statesOf(sim.state))).toEqual(Array(5).fill('succeeded'));
  });
});

describe('decide: max_parallel', () => {
  it.each([
    { limit: 1, running: 0, want: 1 },
    { limit: 2, running: 0, want: 2 },
    { limit: 3, running: 1, want: 2 },
    { limit: 2, running: 2, want: 0 },
    { limit: 1, running: 2, want: 0 },
    { limit: 10, running: 1, want: 4 },
  ])('limit $limit with $running running starts $want', ({ limit, running, want }) => {
    const p = plan({ r1: [], r2: [], a: [], b: [], c: [], d: [] });
    // r1 and r2 are running or already done.
    const s = runState(p, ['r1', 'r2'].flatMap((id, i) => (i < running ? [started(id)] : [started(id), succeeded(id)])));
    expect(startsOf(decide(p, s, 0, limit).actions)).toEqual(['a', 'b', 'c', 'd'].slice(0, want));
  });

  it('names the ready tasks next in line (up to max_parallel of them), so the runner can prepare their logs', () => {
    const p = plan({ a: [], b: [], c: [], d: [], e: ['a'] });
    const s = runState(p, []);
    // a first (it has the longest remaining path), then plan order.
    expect(decide(p, s, 0, 2)).toEqual({
      actions: [{ kind: 'start', task: 'a', attempt: 1 }, { kind: 'start', task: 'b', attempt: 1 }],
      wakeAtMs: null,
      upcoming: ['c', 'd'],
    });
  });

  it('a retrying task does not hold a slot while it waits', () => {
    const p = plan({ a: [], b: [] }, { a: { retries: 1, retry_backoff_sec: 5 } });
    const s = runState(p, [started('a'), started('b'), retrying('a', 1, 5000, 100)]);
    expect(decide(p, s, at(100), 1)).toEqual({ actions: [], wakeAtMs: at(5100), upcoming: [] });
    fold1(s, succeeded('b', 1, 200));
    expect(decide(p, s, at(200), 1)).toEqual({ actions: [], wakeAtMs: at(5100), upcoming: [] });
    expect(decide(p, s, at(5100), 1)).toEqual({ actions: [{ kind: 'start', task: 'a', attempt: 2 }], wakeAtMs: null, upcoming: [] });
  });

  it.each([1, 2, 3])('never runs more than %i at once over a whole run', (limit) => {
    const p = plan({ a: [], b: [], c: [], d: ['a'], e: ['a', 'b'], f: ['e'], g: [] });
    const sim = simulate(p, { a: { ms: 300 }, b: { ms: 700 }, e: { ms: 50 } }, { maxParallel: limit });
    expect(sim.peak).toBe(limit);
    expect(sim.exitCode).toBe(0);
  });
});

/** Folds one more event into a state (at the event's own time). */
function fold1(s: RunState, e: Timed): RunState {
  const { at, ...body } = e;
  return reduce(s, stamp(body as RunEventBody, at ?? 0))!;
}

describe('decide: retries and backoff', () => {
  const p = plan({ a: [], b: [] }, { a: { retries: 2, retry_backoff_sec: [1, 3] } });

  it('does not start a retrying task before its retryAtMs, and says when to wake', () => {
    const s = runState(p, [started('a'), started('b'), succeeded('b', 1, 200), retrying('a', 1, 1000, 500)]);
    expect(s.tasks.get('a')!.retryAtMs).toBe(at(1500));
    for (const now of [500, 1000, 1499]) expect(decide(p, s, at(now), 4)).toEqual({ actions: [], wakeAtMs: at(1500), upcoming: [] });
  });

  it('starts the next attempt when the backoff is over', () => {
    const s = runState(p, [started('a'), retrying('a', 1, 1000, 500)]);
    expect(decide(p, s, at(1500), 4).actions).toEqual([{ kind: 'start', task: 'a', attempt: 2 }, { kind: 'start', task: 'b', attempt: 1 }]);
    expect(decide(p, s, at(9000), 4).actions).toContainEqual({ kind: 'start', task: 'a', attempt: 2 });
  });

  it('wakes at the earliest of several retries', () => {
    const q = plan({ a: [], b: [], c: [] }, { a: { retries: 1 }, b: { retries: 1 } });
    const s = runState(q, [started('a'), started('b'), started('c'), retrying('a', 1, 4000, 100), retrying('b', 1, 1000, 300)]);
    expect(decide(q, s, at(300), 4)).toEqual({ actions: [], wakeAtMs: at(1300), upcoming: [] });
    expect(decide(q, s, at(1300), 4)).toEqual({ actions: [{ kind: 'start', task: 'b', attempt: 2 }], wakeAtMs: at(4100), upcoming: [] });
  });

  it('no wake-up when nothing is waiting for a retry', () => {
    const s = runState(p, [started('a')]);
    expect(decide(p, s, 0, 4).wakeAtMs).toBeNull();
  });

  it('over a whole run: each retry starts at or after its backoff, and the task fails after retries + 1 attempts', () => {
    const sim = simulate(p, { a: { ms: 100, exits: [1, 1, 1] }, b: { ms: 50 } });
    const a = sim.starts.filter((x) => x.task === 'a');
    expect(a.map((x) => x.attempt)).toEqual([1, 2, 3]);
    // attempt 1 ends at 100, waits 1 s; attempt 2 ends at 1200, waits 3 s.
    expect(a.map((x) => x.at)).toEqual([0, 1100, 4200]);
    expect(sim.state.tasks.get('a')!.state).toBe('failed');
    expect(sim.state.tasks.get('a')!.attempts).toBe(3);
    expect(sim.exitCode).toBe(3);
  });

  it('the last backoff item repeats', () => {
    const q = plan({ a: [] }, { a: { retries: 4, retry_backoff_sec: [1, 2] } });
    const sim = simulate(q, { a: { ms: 0, exits: [1, 1, 1, 1, 0] } });
    expect(sim.starts.map((x) => x.at)).toEqual([0, 1000, 3000, 5000, 7000]);
    expect(sim.exitCode).toBe(0);
    expect(sim.state.tasks.get('a')!.state).toBe('succeeded');
  });

  it('a task that succeeds on a retry lets its dependents run', () => {
    const q = plan({ a: [], b: ['a'] }, { a: { retries: 1, retry_backoff_sec: 2 } });
    const sim = simulate(q, { a: { ms: 10, exits: [1, 0] } });
    expect(sim.starts).toEqual([
      { task: 'a', attempt: 1, at: 0 },
      { task: 'a', attempt: 2, at: 2010 },
      { task: 'b', attempt: 1, at: 2020 },
    ]);
    expect(sim.exitCode).toBe(0);
  });
});

describe('backoffDelay', () => {
  it.each([
    { list: [], k: 1, want: 0 },
    { list: [], k: 5, want: 0 },
    { list: [0], k: 1, want: 0 },
    { list: [500], k: 1, want: 500 },
    { list: [500], k: 3, want: 500 },
    { list: [1000, 3000, 10000], k: 1, want: 1000 },
    { list: [1000, 3000, 10000], k: 2, want: 3000 },
    { list: [1000, 3000, 10000], k: 3, want: 10000 },
    { list: [1000, 3000, 10000], k: 4, want: 10000 },
    { list: [1000, 3000, 10000], k: 40, want: 10000 },
  ])('retry $k of $list waits $want ms', ({ list, k, want }) => {
    expect(backoffDelay(list, k)).toBe(want);
  });
});

describe('decideOutcome', () => {
  const ok: AttemptResult = { exitCode: 0, signal: null, timedOut: false, stopped: false, durationMs: 10 };
  const exit = (code: number): AttemptResult => ({ ...ok, exitCode: code });
  const p = plan({ a: [], t: [], r: [], rc: [] }, {
    a: { retries: 2, retry_backoff_sec: [1, 3] },
    t: { timeout_sec: 30 },
    r: { rollback: './undo.sh' },
    rc: { rollback: 'git', rollback_on_cancel: true },
  });
  const task = (id: string) => p.byId.get(id)!;
  /** The task's run after `n` attempts (the last one running), in a budget that began after `base` attempts. */
  const after = (id: string, n: number, base = 0) => {
    const events: Timed[] = [];
    for (let k = 1; k <= base; k++) events.push(started(id, k), failed(id, k));
    if (base > 0) events.push(reset([id]));
    for (let k = base + 1; k <= n; k++) events.push(started(id, k), ...(k < n ? [retrying(id, k, 0)] : []));
    return runState(p, events).tasks.get(id)!;
  };

  it('exit 0 succeeds', () => {
    expect(decideOutcome(task('a'), after('a', 1), ok, null)).toEqual({ kind: 'succeed' });
  });

  it.each([
    { n: 1, want: { kind: 'retry', delayMs: 1000, reason: 'exit code 2', signature: 'exit code 2' } },
    { n: 2, want: { kind: 'retry', delayMs: 3000, reason: 'exit code 2', signature: 'exit code 2' } },
    { n: 3, want: { kind: 'fail', reason: 'exit code 2', signature: 'exit code 2', rollback: false } },
  ])('attempt $n of a task with retries: 2 → $want.kind', ({ n, want }) => {
    expect(decideOutcome(task('a'), after('a', n), exit(2), null)).toEqual(want);
  });

  it('the last backoff item repeats for later retries', () => {
    const q = plan({ a: [] }, { a: { retries: 5, retry_backoff_sec: [1, 3] } });
    const delays = [1, 2, 3, 4, 5].map((n) => {
      const s = runState(q, Array.from({ length: n }, (_, k) => [started('a', k + 1), ...(k + 1 < n ? [retrying('a', k + 1, 0)] : [])]).flat());
      const v = decideOutcome(q.byId.get('a')!, s.tasks.get('a')!, exit(1), null);
      return v.kind === 'retry' ? v.delayMs : v.kind;
    });
    expect(delays).toEqual([1000, 3000, 3000, 3000, 3000]);
  });

  it('a task without retries fails on its first failed attempt', () => {
    expect(decideOutcome(task('t'), after('t', 1), exit(1), null)).toEqual({ kind: 'fail', reason: 'exit code 1', signature: 'exit code 1', rollback: false });
  });

  it('a resumed task gets a fresh budget: attempt numbers go on, retries start again', () => {
    // 3 attempts failed before the resume: attempts 4 and 5 retry, attempt 6 fails.
    expect(decideOutcome(task('a'), after('a', 4, 3), exit(1), null)).toEqual({ kind: 'retry', delayMs: 1000, reason: 'exit code 1', signature: 'exit code 1' });
    expect(decideOutcome(task('a'), after('a', 5, 3), exit(1), null)).toEqual({ kind: 'retry', delayMs: 3000, reason: 'exit code 1', signature: 'exit code 1' });
    expect(decideOutcome(task('a'), after('a', 6, 3), exit(1), null)).toMatchObject({ kind: 'fail' });
    // Without the reset, attempt 4 would be out of budget.
    const noReset = runState(p, [started('a', 1), retrying('a', 1, 0), started('a', 2), retrying('a', 2, 0), started('a', 3), retrying('a', 3, 0), started('a', 4)]);
    expect(decideOutcome(task('a'), noReset.tasks.get('a')!, exit(1), null)).toMatchObject({ kind: 'fail' });
  });

  it('a timeout is a failure whose reason says timeout', () => {
    const v = decideOutcome(task('t'), after('t', 1), { ...ok, exitCode: null, signal: 'SIGTERM', timedOut: true, durationMs: 30_004 }, null);
    expect(v).toEqual({ kind: 'fail', reason: 'timeout after 30s', signature: 'timeout', rollback: false });
  });

  it('a timeout with exit code 0 (the process trapped SIGTERM) is still a failure', () => {
    const v = decideOutcome(task('t'), after('t', 1), { ...ok, timedOut: true }, null);
    expect(v.kind).toBe('fail');
    expect(v.kind === 'fail' && v.reason).toContain('timeout');
  });

  it('a spawn failure fails (and is retried like any failure)', () => {
    const spawn = { ...ok, exitCode: null, spawnError: 'spawn nope ENOENT' };
    expect(decideOutcome(task('t'), after('t', 1), spawn, null)).toEqual({ kind: 'fail', reason: 'spawn failed: spawn nope ENOENT', signature: 'spawn failed', rollback: false });
    expect(decideOutcome(task('a'), after('a', 1), spawn, null)).toEqual({ kind: 'retry', delayMs: 1000, reason: 'spawn failed: spawn nope ENOENT', signature: 'spawn failed' });
  });

  it('a signal names the signal', () => {
    expect(decideOutcome(task('t'), after('t', 1), { ...ok, exitCode: null, signal: 'SIGKILL' }, null)).toEqual({ kind: 'fail', reason: 'killed by SIGKILL', signature: 'signal SIGKILL', rollback: false });
  });

  it('a failure rolls back when the task has a rollback', () => {
    expect(decideOutcome(task('r'), after('r', 1), exit(3), null)).toEqual({ kind: 'fail', reason: 'exit code 3', signature: 'exit code 3', rollback: true });
  });

  it.each([
    { id: 'a', by: 'user', want: { kind: 'cancelled', reason: 'cancelled (user)', rollback: false } },
    { id: 'a', by: null, want: { kind: 'cancelled', reason: 'cancelled (cancel)', rollback: false } },
    { id: 'a', by: 'fail-fast', want: { kind: 'cancelled', reason: 'fail-fast: another task failed', rollback: false } },
    { id: 'r', by: 'user', want: { kind: 'cancelled', reason: 'cancelled (user)', rollback: false } },
    { id: 'rc', by: 'SIGTERM', want: { kind: 'cancelled', reason: 'cancelled (SIGTERM)', rollback: true } },
  ])('a stopped attempt of $id (by $by) is cancelled, not retried', ({ id, by, want }) => {
    // Even with exit code 1 and, for a, retries left: aad stopped it.
    const v = decideOutcome(task(id), after(id, 1), { ...exit(1), stopped: true }, by);
    expect(v).toEqual(want);
  });
});

describe('describeFailure', () => {
  const r = (x: Partial<AttemptResult>): AttemptResult => ({ exitCode: null, signal: null, timedOut: false, stopped: false, durationMs: 0, ...x });
  it.each([
    { timeoutMs: undefined, x: { exitCode: 2 }, want: 'exit code 2' },
    { timeoutMs: undefined, x: { exitCode: 127 }, want: 'exit code 127 (command not found)' },
    { timeoutMs: undefined, x: { exitCode: 126 }, want: 'exit code 126 (command not executable)' },
    { timeoutMs: undefined, x: { signal: 'SIGSEGV' }, want: 'killed by SIGSEGV' },
    { timeoutMs: undefined, x: { spawnError: 'bad cwd', exitCode: 1 }, want: 'spawn failed: bad cwd' },
    { timeoutMs: 30_000, x: { timedOut: true, signal: 'SIGTERM' }, want: 'timeout after 30s' },
    { timeoutMs: 1500, x: { timedOut: true }, want: 'timeout after 1.5s' },
    { timeoutMs: 100, x: { timedOut: true }, want: 'timeout after 0.1s' },
    { timeoutMs: 12_500, x: { timedOut: true }, want: 'timeout after 12.5s' },
    { timeoutMs: 2001, x: { timedOut: true }, want: 'timeout after 2s' },
    { timeoutMs: 20_040, x: { timedOut: true }, want: 'timeout after 20s' },
    { timeoutMs: 250, x: { timedOut: true }, want: 'timeout after 0.25s' },
    { timeoutMs: undefined, x: { timedOut: true, durationMs: 4000 }, want: 'timeout after 4s' },
    { timeoutMs: undefined, x: { remote: 'worker build-3 lost' }, want: 'worker build-3 lost' },
    { timeoutMs: undefined, x: { remote: 'rejected by worker build-3: bad signature', exitCode: 0 }, want: 'rejected by worker build-3: bad signature' },
  ])('$want', ({ timeoutMs, x, want }) => {
    expect(describeFailure({ timeoutMs }, r(x))).toBe(want);
  });
});

describe('decide: failures and skips (keep-going)', () => {
  it('skips the dependents of a failed task, transitively, naming the root failed task', () => {
    const p = plan({ build: [], test: ['build'], pack: ['test'], deploy: ['pack', 'docs'], docs: [] });
    const s = runState(p, [started('build'), started('docs'), failed('build')]);
    const { actions } = decide(p, s, 0, 4);
    expect(kinds(actions, 'skip')).toEqual([
      { kind: 'skip', task: 'test', reason: 'dependency build failed' },
      { kind: 'skip', task: 'pack', reason: 'dependency build failed' },
      { kind: 'skip', task: 'deploy', reason: 'dependency build failed' },
    ]);
    expect(finishOf(actions)).toBeUndefined(); // docs is still running
  });

  it('keeps going: independent tasks still start after a failure', () => {
    const p = plan({ a: [], b: ['a'], c: [], d: ['c'] });
    const s = runState(p, [started('a'), failed('a')]);
    const { actions } = decide(p, s, 0, 4);
    expect(actions).toEqual([
      { kind: 'skip', task: 'b', reason: 'dependency a failed' },
      { kind: 'start', task: 'c', attempt: 1 },
    ]);
  });

  it('over a whole run: the failed branch is skipped, the rest succeeds, exit 3', () => {
    const p = plan({ build: [], test: ['build'], e2e: ['test'], lint: [], docs: ['lint'] });
    const sim = simulate(p, { build: { exits: [1] } }, { maxParallel: 1 });
    expect(statesOf(sim.state)).toEqual({ build: 'failed', test: 'skipped', e2e: 'skipped', lint: 'succeeded', docs: 'succeeded' });
    expect(reasonOf(sim.state, 'e2e')).toBe('dependency build failed');
    expect(reasonOf(sim.state, 'build')).toBe('exit code 1');
    expect(sim.exitCode).toBe(3);
    expect(sim.state.state).toBe('failed');
  });

  it('a task with several failed dependencies names one of them', () => {
    const p = plan({ a: [], b: [], c: ['a', 'b'] });
    const s = runState(p, [started('a'), started('b'), failed('a'), failed('b')]);
    expect(kinds(decide(p, s, 0, 4).actions, 'skip')).toEqual([{ kind: 'skip', task: 'c', reason: 'dependency a failed' }]);
  });

  it('a diamond below a failure is skipped once per task', () => {
    const p = plan({ a: [], b: ['a'], c: ['a'], d: ['b', 'c'] });
    const s = runState(p, [started('a'), failed('a')]);
    const { actions } = decide(p, s, 0, 4);
    expect(actions).toEqual([
      { kind: 'skip', task: 'b', reason: 'dependency a failed' },
      { kind: 'skip', task: 'c', reason: 'dependency a failed' },
      { kind: 'skip', task: 'd', reason: 'dependency a failed' },
      { kind: 'finish', state: 'failed', exitCode: 3 },
    ]);
  });

  it('a skip decided earlier still names the skipped task when nothing better is known', () => {
    const p = plan({ a: [], b: ['a'], c: ['b'] });
    const s = runState(p, [started('a'), failed('a'), skipped('b', 'dependency a failed')]);
    expect(kinds(decide(p, s, 0, 4).actions, 'skip')).toEqual([{ kind: 'skip', task: 'c', reason: 'dependency b was skipped' }]);
  });
});

describe('decide: fail-fast', () => {
  const p = plan({ a: [], b: [], c: ['a'], d: ['c'], e: ['b'], f: [] });

  it('asks to cancel the run after the first failure, and does nothing else', () => {
    const s = runState(p, [started('a'), started('b'), failed('a', 1, 10)], { failFast: true });
    expect(decide(p, s, 10, 2)).toEqual({ actions: [{ kind: 'cancel_run', by: 'fail-fast' }], wakeAtMs: null, upcoming: [] });
  });

  it('without fail-fast, the same state starts more work', () => {
    const s = runState(p, [started('a'), started('b'), failed('a', 1, 10)]);
    expect(kinds(decide(p, s, 10, 2).actions, 'cancel_run')).toEqual([]);
    expect(startsOf(decide(p, s, 10, 2).actions)).toEqual(['f']);
  });

  it('then stops the running tasks, cancels the pending ones and skips the failed task’s dependents', () => {
    const s = runState(p, [started('a'), started('b'), failed('a', 1, 10), cancelRequested('fail-fast', true)], { failFast: true });
    const { actions } = decide(p, s, 10, 2);
    // In topological order: a b f, then c e, then d.
    expect(actions).toEqual([
      { kind: 'stop', task: 'b' },
      { kind: 'cancel', task: 'f', reason: 'fail-fast: another task failed' },
      { kind: 'skip', task: 'c', reason: 'dependency a failed' },
      { kind: 'cancel', task: 'e', reason: 'fail-fast: another task failed' },
      { kind: 'skip', task: 'd', reason: 'dependency a failed' },
    ]);
  });

  it('finishes with exit 3 once the stopped tasks ended', () => {
    const s = runState(p, [
      started('a'), started('b'), failed('a', 1, 10), cancelRequested('fail-fast', true),
      skipped('c', 'dependency a failed'), skipped('d', 'dependency a failed'), cancelled('e', 'fail-fast: another task failed'),
      cancelled('f', 'fail-fast: another task failed'), cancelled('b', 'fail-fast: another task failed', 20),
    ], { failFast: true });
    expect(decide(p, s, 20, 2).actions).toEqual([{ kind: 'finish', state: 'failed', exitCode: 3 }]);
  });

  it('over a whole run: stopped and unstarted tasks end cancelled, dependents skipped, exit 3', () => {
    const sim = simulate(p, { a: { ms: 100, exits: [1] }, b: { ms: 5000 } }, { failFast: true, maxParallel: 2 });
    expect(statesOf(sim.state)).toEqual({ a: 'failed', b: 'cancelled', c: 'skipped', d: 'skipped', e: 'cancelled', f: 'cancelled' });
    expect(reasonOf(sim.state, 'b')).toBe('fail-fast: another task failed');
    expect(reasonOf(sim.state, 'd')).toBe('dependency a failed');
    expect(sim.starts.map((x) => x.task)).toEqual(['a', 'b']);
    expect(sim.exitCode).toBe(3);
    expect(sim.state.state).toBe('failed');
    expect(sim.endMs).toBe(110);
  });

  it('a task waiting for a retry is cancelled, not retried', () => {
    const q = plan({ a: [], b: [] }, { b: { retries: 3, retry_backoff_sec: 60 } });
    const sim = simulate(q, { a: { ms: 500, exits: [1] }, b: { ms: 100, exits: [1, 1, 1, 1] } }, { failFast: true });
    expect(statesOf(sim.state)).toEqual({ a: 'failed', b: 'cancelled' });
    expect(sim.starts.filter((x) => x.task === 'b')).toHaveLength(1);
    expect(sim.exitCode).toBe(3);
  });

  it('a retried attempt is not a failure: fail-fast waits for the task to fail for good', () => {
    const q = plan({ a: [], b: [] }, { a: { retries: 1, retry_backoff_sec: 0 } });
    const sim = simulate(q, { a: { ms: 100, exits: [1, 0] }, b: { ms: 1000 } }, { failFast: true });
    expect(statesOf(sim.state)).toEqual({ a: 'succeeded', b: 'succeeded' });
    expect(sim.exitCode).toBe(0);
  });
});

describe('decide: user cancel', () => {
  const p = plan({ a: [], b: [], c: ['a'], d: ['b'] });

  it('stops running tasks and cancels pending ones (also those below a failure)', () => {
    const s = runState(p, [started('a'), started('b'), failed('a', 1, 10), cancelRequested('user', false, 20)]);
    expect(decide(p, s, 20, 4).actions).toEqual([
      { kind: 'stop', task: 'b' },
      { kind: 'cancel', task: 'c', reason: 'cancelled (user)' },
      { kind: 'cancel', task: 'd', reason: 'cancelled (user)' },
    ]);
  });

  it('does not stop a task again once it was SIGKILLed', () => {
    const s = runState(p, [started('a'), cancelRequested(), { event: 'task_killed', task: 'a', attempt: 1 }]);
    expect(kinds(decide(p, s, 0, 4).actions, 'stop')).toEqual([]);
  });

  it('finishes cancelled with exit 4 even though a task failed before', () => {
    const s = runState(p, [
      started('a'), started('b'), failed('a', 1, 10), cancelRequested('user', false, 20),
      cancelled('c'), cancelled('d'), cancelled('b', 'cancelled (user)', 30),
    ]);
    expect(decide(p, s, 30, 4).actions).toEqual([{ kind: 'finish', state: 'cancelled', exitCode: 4 }]);
  });

  it('over a whole run: exit 4, the running task stopped, nothing more started', () => {
    const sim = simulate(p, { a: { ms: 100, exits: [1] }, b: { ms: 5000 } }, { cancelAtMs: 1000 });
    expect(statesOf(sim.state)).toEqual({ a: 'failed', b: 'cancelled', c: 'skipped', d: 'cancelled' });
    expect(sim.exitCode).toBe(4);
    expect(sim.state.state).toBe('cancelled');
    expect(sim.starts.map((x) => x.task)).toEqual(['a', 'b']);
  });

  it('a cancel while a retry waits cancels it', () => {
    const q = plan({ a: [] }, { a: { retries: 5, retry_backoff_sec: 10 } });
    const sim = simulate(q, { a: { ms: 100, exits: [1, 1, 1, 1, 1, 1] } }, { cancelAtMs: 5000 });
    expect(statesOf(sim.state)).toEqual({ a: 'cancelled' });
    expect(sim.starts).toHaveLength(1);
    expect(sim.exitCode).toBe(4);
  });

  it('nothing to decide once the run has finished', () => {
    const s = runState(p, [cancelRequested(), cancelled('a'), cancelled('b'), cancelled('c'), cancelled('d'),
      { event: 'run_finished', state: 'cancelled', exit_code: 4, counts: { pending: 0, awaiting_approval: 0, running: 0, retrying: 0, decomposed: 0, succeeded: 0, failed: 0, blocked: 0, skipped: 0, cancelled: 4 } }]);
    expect(decide(p, s, 0, 4)).toEqual({ actions: [], wakeAtMs: null, upcoming: [] });
  });
});

describe('decide: finish and exit codes', () => {
  const p = plan({ a: [], b: ['a'] });
  it.each<{ name: string; events: Timed[]; want: Action | undefined }>([
    { name: 'all succeeded', events: [started('a'), succeeded('a'), started('b'), succeeded('b')], want: { kind: 'finish', state: 'succeeded', exitCode: 0 } },
    { name: 'a failure and its skip', events: [started('a'), failed('a'), skipped('b', 'dependency a failed')], want: { kind: 'finish', state: 'failed', exitCode: 3 } },
    { name: 'a failure with nothing skipped', events: [started('a'), succeeded('a'), started('b'), failed('b')], want: { kind: 'finish', state: 'failed', exitCode: 3 } },
    { name: 'a user cancel', events: [started('a'), cancelRequested(), cancelled('a'), cancelled('b')], want: { kind: 'finish', state: 'cancelled', exitCode: 4 } },
    { name: 'still running', events: [started('a')], want: undefined },
    { name: 'waiting for a retry', events: [started('a'), retrying('a', 1, 1000)], want: undefined },
    { name: 'a pending task', events: [started('a'), succeeded('a')], want: undefined },
  ])('$name', ({ events, want }) => {
    const q = plan({ a: [], b: ['a'] }, { a: { retries: 1 } });
    expect(finishOf(decide(q, runState(q, events), 0, 1).actions)).toEqual(want);
  });

  it('waits for a running rollback before finishing', () => {
    const s = runState(p, [started('a'), failed('a'), skipped('b', 'dependency a failed'), { event: 'rollback_started', task: 'a' }]);
    expect(finishOf(decide(p, s, 0, 4).actions)).toBeUndefined();
    fold1(s, { event: 'rollback_succeeded', task: 'a', exit_code: 0 });
    expect(finishOf(decide(p, s, 0, 4).actions)).toEqual({ kind: 'finish', state: 'failed', exitCode: 3 });
  });

  it('finishes in the same decision that skips the last tasks', () => {
    const s = runState(p, [started('a'), failed('a')]);
    expect(decide(p, s, 0, 4).actions).toEqual([
      { kind: 'skip', task: 'b', reason: 'dependency a failed' },
      { kind: 'finish', state: 'failed', exitCode: 3 },
    ]);
  });
});

describe('decide: scope (resume --failed-only)', () => {
  // A run where a failed (b skipped), c was cancelled, d succeeded; resumed with --failed-only.
  const p = plan({ a: [], b: ['a'], c: [], d: [] });
  const resumed = () => {
    const s = runState(p, [
      started('a'), started('c'), started('d'), failed('a'), skipped('b', 'dependency a failed'), succeeded('d'),
      cancelRequested(), cancelled('c'), { event: 'run_finished', state: 'cancelled', exit_code: 4, counts: countStates(runState(p)) },
    ]);
    return fold1(fold1(s, claimed(s.events)), reset(['a', 'b']));
  };
  const scope = new Set(['a', 'b']);

  it('starts only tasks in scope', () => {
    // An interrupted run: a was running, c had not started. --failed-only re-runs a alone.
    const q = plan({ a: [], b: ['a'], c: [] });
    const s = runState(q, [started('a')], { maxParallel: 1 });
    fold1(fold1(s, claimed(s.events)), reset(['a']));
    expect(startsOf(decide(q, s, 0, 4, new Set(['a'])).actions)).toEqual(['a']);
    expect(startsOf(decide(q, s, 0, 4).actions)).toEqual(['a', 'c']);
  });

  it('tasks outside the scope do not keep the run open', () => {
    const sim = simulate(p, {}, { state: resumed(), scope });
    expect(sim.starts.map((x) => x.task)).toEqual(['a', 'b']);
    expect(statesOf(sim.state)).toEqual({ a: 'succeeded', b: 'succeeded', c: 'cancelled', d: 'succeeded' });
    // c never ran: the run is not a success.
    expect(sim.exitCode).toBe(3);
  });

  it('all in scope succeeding, with nothing left over outside it, is a success', () => {
    const q = plan({ a: [], b: ['a'], d: [] });
    const s = runState(q, [started('a'), started('d'), failed('a'), skipped('b', 'dependency a failed'), succeeded('d')]);
    fold1(fold1(s, claimed(s.events)), reset(['a', 'b']));
    const sim = simulate(q, {}, { state: s, scope: new Set(['a', 'b']) });
    expect(sim.exitCode).toBe(0);
    expect(sim.state.state).toBe('succeeded');
  });

  it('a pending task left outside the scope is not reported as a success', () => {
    // An interrupted run: a was running, its dependent b pending. --failed-only re-runs a alone.
    const q = plan({ a: [], b: ['a'] });
    const s = runState(q, [started('a')]);
    fold1(fold1(s, claimed(s.events)), reset(['a']));
    const sim = simulate(q, {}, { state: s, scope: new Set(['a']) });
    expect(statesOf(sim.state)).toEqual({ a: 'succeeded', b: 'pending' });
    expect(sim.exitCode).toBe(3);
    expect(sim.state.state).toBe('failed');
  });

  it('a task in scope whose dependency is outside it and will not run is skipped, not waited for forever', () => {
    // a failed (c skipped) while b waited for a slot; the runner died. --failed-only re-runs a and c.
    const q = plan({ a: [], b: [], c: ['a', 'b'] });
    const s = runState(q, [started('a'), failed('a'), skipped('c', 'dependency a failed')], { maxParallel: 1 });
    fold1(fold1(s, claimed(s.events)), reset(['a', 'c']));
    const sim = simulate(q, {}, { state: s, scope: new Set(['a', 'c']) });
    expect(sim.starts.map((x) => x.task)).toEqual(['a']);
    expect(statesOf(sim.state)).toEqual({ a: 'succeeded', b: 'pending', c: 'skipped' });
    expect(reasonOf(sim.state, 'c')).toBe('dependency b did not run');
    expect(sim.exitCode).toBe(3);
  });

  it('a rollback left running by a dead runner, outside the scope, does not keep the run open', () => {
    // Cancelled with rollback_on_cancel; the runner was killed during the rollback. --failed-only re-runs a.
    const q = plan({ a: [], c: [] });
    const s = runState(q, [started('a'), started('c'), failed('a'), cancelRequested(), cancelled('c'), { event: 'rollback_started', task: 'c' }]);
    fold1(fold1(s, claimed(s.events)), reset(['a']));
    const sim = simulate(q, {}, { state: s, scope: new Set(['a']) });
    expect(statesOf(sim.state)).toEqual({ a: 'succeeded', c: 'cancelled' });
    expect(sim.exitCode).toBe(3);
  });

  it('a rollback of a task in scope still keeps the run open until it ends', () => {
    const q = plan({ a: [], c: [] });
    const s = runState(q, [started('a'), started('c'), failed('a'), succeeded('c')]);
    fold1(fold1(s, claimed(s.events)), reset(['a']));
    fold1(s, started('a', 2));
    fold1(s, failed('a', 2));
    fold1(s, { event: 'rollback_started', task: 'a' });
    expect(finishOf(decide(q, s, 0, 4, new Set(['a'])).actions)).toBeUndefined();
    fold1(s, { event: 'rollback_failed', task: 'a', exit_code: 1, reason: 'exit code 1' });
    expect(finishOf(decide(q, s, 0, 4, new Set(['a'])).actions)).toEqual({ kind: 'finish', state: 'failed', exitCode: 3 });
  });

  it('a failed task in scope still skips its dependents in scope', () => {
    const sim = simulate(p, { a: { exits: [1, 1] } }, { state: resumed(), scope });
    expect(statesOf(sim.state)).toEqual({ a: 'failed', b: 'skipped', c: 'cancelled', d: 'succeeded' });
    expect(sim.state.tasks.get('a')!.attempts).toBe(2);
    expect(sim.exitCode).toBe(3);
  });
});

describe('decide: --only (restrictPlan)', () => {
  const full = plan({ lint: [], gen: [], build: ['gen'], test: ['build', 'lint'], docs: [], deploy: ['test'] });

  it('keeps the selected tasks and what they depend on, transitively, in plan order', () => {
    const p = restrictPlan(full, ['test']);
    expect(p.tasks.map((t) => t.id)).toEqual(['lint', 'gen', 'build', 'test']);
    expect(p.tasks.map((t) => t.index)).toEqual([0, 1, 2, 3]);
    expect(p.byId.get('test')!.deps).toEqual(['build', 'lint']);
  });

  it('a run of the restricted plan starts only those tasks, critical path first', () => {
    const p = restrictPlan(full, ['test']);
    const sim = simulate(p, {}, { maxParallel: 1 });
    // gen heads the longest path; lint and build tie (2 left), so plan order.
    expect(sim.starts.map((x) => x.task)).toEqual(['gen', 'lint', 'build', 'test']);
    expect([...sim.state.tasks.keys()]).toEqual(['lint', 'gen', 'build', 'test']);
    expect(sim.exitCode).toBe(0);
  });

  it('several ids, one depending on another', () => {
    expect(restrictPlan(full, ['docs', 'build']).tasks.map((t) => t.id)).toEqual(['gen', 'build', 'docs']);
    expect(restrictPlan(full, ['deploy', 'test']).tasks.map((t) => t.id)).toEqual(['lint', 'gen', 'build', 'test', 'deploy']);
  });

  it('recomputes the remaining path on the smaller DAG', () => {
    const p = restrictPlan(full, ['build', 'lint']);
    expect(p.remaining).toEqual([1, 2, 1]);
    expect(startsOf(decide(p, runState(p), 0, 4).actions)).toEqual(['gen', 'lint']);
  });
});

describe('decide follows the moves of the state, deciding as a scan of every task does', () => {
  const seen = { approved: 0, timedOut: 0 };
  it.each([1, 2, 3, 4, 5, 6, 7, 8, 9, 10])('seed %i: random DAGs, failures, retries with backoff, approvals (given or timed out), fail-fast and cancels', (seed) => {
    const rand = prng(seed);
    const int = (n: number) => Math.floor(rand() * n);
    for (let round = 0; round < 12; round++) {
      const n = 3 + int(25);
      const graph: Record<string, string[]> = {};
      const extra: Parameters<typeof plan>[1] = {};
      const script: Record<string, Script> = {};
      const approveAtMs: Record<string, number> = {};
      for (let i = 0; i < n; i++) {
        const deps = [...new Set(Array.from({ length: int(3) }, () => int(i)))].filter((d) => d < i).map((d) => `t${d}`);
        graph[`t${i}`] = deps;
        if (rand() < 0.3) extra[`t${i}`] = { retries: int(3), retry_backoff_sec: [int(3)] as [number] };
        if (rand() < 0.15) {
          // Approval-gated: approved at some time, or rejected by its timeout first, or both racing.
          const timeout = rand() < 0.5 ? { approval_timeout_sec: (1 + int(20)) / 10 } : {};
          extra[`t${i}`] = { ...extra[`t${i}`], approval: true, ...timeout };
          if (!('approval_timeout_sec' in timeout) || rand() < 0.5) approveAtMs[`t${i}`] = int(4000);
        }
        const exits: Outcome[] = Array.from({ length: 4 }, () => (rand() < 0.15 ? 1 : 0));
        script[`t${i}`] = { ms: 100 + int(900), exits };
      }
      const p = plan(graph, extra);
      const sim = simulate(p, script, {
        maxParallel: 1 + int(5),
        failFast: rand() < 0.2,
        cancelAtMs: rand() < 0.2 ? int(3000) : undefined,
        approveAtMs,
      });
      expect([0, 3, 4]).toContain(sim.exitCode);
      for (const t of sim.state.tasks.values()) {
        if (t.approved) seen.approved++;
        if (t.reason?.startsWith('rejected: no approval within')) seen.timedOut++;
      }
    }
  });

  it('the seeds above do approve, and do time out, gated tasks (the property is not vacuous)', () => {
    expect(seen.approved).toBeGreaterThan(5);
    expect(seen.timedOut).toBeGreaterThan(2);
  });

  it('a resumed run (failed and skipped tasks reset) is decided the same', () => {
    const p = plan({ a: [], b: ['a'], c: ['b'], d: [] });
    const first = simulate(p, { a: { exits: [1] }, d: {} });
    expect(first.exitCode).toBe(3);
    const s = first.state;
    fold(s, [claimed(s.events, 101), reset(['a', 'b', 'c'])], 10_000);
    const again = simulate(p, {}, { state: s, startMs: 10_000 });
    expect(again.exitCode).toBe(0);
  });
});

describe('decide: approvals', () => {
  const p = plan({ a: [], gate: ['a'], after: ['gate'], free: [] }, { gate: { approval: 'ship it?', approval_timeout_sec: 60 } });
  const requested = (task: string, at?: number): Timed => ({ event: 'approval_requested', task, text: 'ship it?', at });
  const approved = (task: string, at?: number): Timed => ({ event: 'task_approved', task, by: 'alice', at });

  it('a gated task waits for its dependencies, then asks instead of starting (without taking a slot)', () => {
    expect(kinds(decide(p, runState(p), at(0), 4).actions, 'await_approval')).toEqual([]);
    const s = runState(p, [started('a'), started('free'), succeeded('a', 1, 100)]);
    const d = decide(p, s, at(100), 1);
    expect(d.actions).toEqual([{ kind: 'await_approval', task: 'gate', text: 'ship it?' }]);
  });

  it('waiting: nothing to do until its timeout, which the decision wakes up for; the run stays open', () => {
    const s = runState(p, [started('a'), succeeded('a', 1, 100), started('free'), succeeded('free', 1, 100), requested('gate', 100)]);
    expect(s.tasks.get('gate')!.state).toBe('awaiting_approval');
    const d = decide(p, s, at(5_000), 4);
    expect(d).toEqual(decideByScan(p, s, at(5_000), 4));
    expect(d.actions).toEqual([]);
    expect(d.wakeAtMs).toBe(at(60_100));
  });

  it('past its timeout it is rejected and its dependents skipped in the same decision', () => {
    const s = runState(p, [started('a'), succeeded('a', 1, 100), started('free'), succeeded('free', 1, 100), requested('gate', 100)]);
    const d = decide(p, s, at(60_100), 4);
    expect(d.actions).toEqual([
      { kind: 'reject', task: 'gate', reason: 'no approval within 60s' },
      { kind: 'skip', task: 'after', reason: 'dependency gate failed' },
      { kind: 'finish', state: 'failed', exitCode: 3 },
    ]);
  });

  it('approved, it starts (and is not asked again on a retry or after a resume)', () => {
    const s = runState(p, [started('a'), succeeded('a', 1, 100), requested('gate', 100), approved('gate', 200)]);
    expect(s.tasks.get('gate')).toMatchObject({ state: 'pending', approved: true });
    expect(startsOf(decide(p, s, at(200), 4).actions)).toContain('gate');
    fold(s, [started('gate', 1, 300), failed('gate', 1, 400), claimed(s.events, 101, 500), reset(['gate', 'after'], 500)]);
    expect(s.tasks.get('gate')).toMatchObject({ state: 'pending', approved: true });
    expect(startsOf(decide(p, s, at(500), 4).actions)).toEqual(['gate', 'free']);
  });

  it('a cancel cancels a task waiting for its approval', () => {
    const s = runState(p, [started('a'), succeeded('a', 1, 100), requested('gate', 100), cancelRequested('user', false, 200)]);
    const d = decide(p, s, at(200), 4);
    expect(kinds(d.actions, 'cancel').map((a) => a.kind === 'cancel' && a.task).sort()).toEqual(['after', 'free', 'gate']);
  });
});
