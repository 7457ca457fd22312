// reduce: folding journal events into a run's state. Pure: synthetic events at fixed times.
import { describe, expect, it } from 'vitest';
import type { RunEvent, RunEventBody, TaskState } from '../../src/run/events.js';
import { TASK_STATES } from '../../src/run/events.js';
import { claimWins, countStates, reduce, reduceAll, type RunState } from '../../src/run/reduce.js';
import {
  cancelled, cancelRequested, claimed, failed, fold, iso, journal, plan, reset, retrying, runState, skipped, stamp, started, succeeded, T0,
  type Timed,
} from './builders.js';

const p = plan({ a: [], b: ['a'], c: [] });
const task = (s: RunState, id: string) => s.tasks.get(id)!;

/** Counts recomputed from the tasks themselves, to check the ones reduce keeps as it goes. */
function recount(s: RunState): Record<TaskState, number> {
  const counts = Object.fromEntries(TASK_STATES.map((x) => [x, 0])) as Record<TaskState, number>;
  for (const t of s.tasks.values()) counts[t.state]++;
  return counts;
}

describe('reduce: run_started', () => {
  it('opens a running run with every task pending', () => {
    const s = runState(p, [], { failFast: true, maxParallel: 3 });
    expect(s).toMatchObject({
      runId: 'r1', planPath: '/w/aad.yaml', workdir: '/w', startedAt: iso(0), endedAt: null, state: 'running', exitCode: null,
      owner: { pid: 100, hostname: 'h' }, maxParallel: 3, failFast: true, cancel: null, order: ['a', 'b', 'c'], events: 1, claimIndex: 0,
    });
    expect([...s.tasks.values()].map((t) => [t.id, t.state, t.attempts])).toEqual([['a', 'pending', 0], ['b', 'pending', 0], ['c', 'pending', 0]]);
    expect(countStates(s)).toEqual({ pending: 3, awaiting_approval: 0, running: 0, retrying: 0, decomposed: 0, succeeded: 0, failed: 0, blocked: 0, skipped: 0, cancelled: 0 });
  });

  it('nothing before run_started: reduceAll of a journal without it is undefined', () => {
    expect(reduceAll([])).toBeUndefined();
    expect(reduceAll([stamp({ event: 'task_started', task: 'a', attempt: 1 }, 0)])).toBeUndefined();
    expect(reduce(undefined, stamp({ event: 'cancel_requested', by: 'user' }, 0))).toBeUndefined();
  });

  it('counts every event folded', () => {
    expect(reduceAll(journal(p, [started('a'), { event: 'task_spawned', task: 'a', attempt: 1, pid: 7 }, succeeded('a')]))!.events).toBe(4);
  });

  it('ignores events about tasks that are not part of the run', () => {
    const s = runState(p, [started('zzz'), failed('zzz'), skipped('zzz', 'x'), { event: 'rollback_started', task: 'zzz' }]);
    expect(s.tasks.has('zzz')).toBe(false);
    expect(countStates(s)).toEqual(recount(s));
    expect(s.rollbacksRunning).toBe(0);
  });
});

describe('reduce: attempts and durations', () => {
  it('a task that succeeds at once', () => {
    const s = runState(p, [started('a', 1, 1000), { event: 'task_spawned', task: 'a', attempt: 1, pid: 4242, proc_start: '99' }]);
    expect(task(s, 'a')).toMatchObject({ state: 'running', attempts: 1, startedAt: iso(1000), attemptStartedMs: T0 + 1000, pid: 4242, procStart: '99', endedAt: null });
    fold(s, [succeeded('a', 1, 3500)]);
    expect(task(s, 'a')).toMatchObject({ state: 'succeeded', attempts: 1, exitCode: 0, reason: null, endedAt: iso(3500), durationMs: 2500, pid: null });
  });

  it('retries: attempts count up, retryAtMs is the failure time plus the delay, the duration spans every attempt', () => {
    const s = runState(p, [started('a', 1, 0), retrying('a', 1, 2000, 100)]);
    expect(task(s, 'a')).toMatchObject({ state: 'retrying', attempts: 1, retryAtMs: T0 + 2100, exitCode: 1, reason: 'exit code 1', pid: null });
    fold(s, [started('a', 2, 2100)]);
    expect(task(s, 'a')).toMatchObject({ state: 'running', attempts: 2, retryAtMs: null, attemptStartedMs: T0 + 2100, startedAt: iso(0) });
    fold(s, [retrying('a', 2, 500, 2200), started('a', 3, 2700), failed('a', 3, 2800, 'timeout after 0.1s')]);
    expect(task(s, 'a')).toMatchObject({
      state: 'failed', attempts: 3, retryAtMs: null, reason: 'timeout after 0.1s', exitCode: 1, endedAt: iso(2800), durationMs: 2800,
    });
  });

  it('attempt numbers never go down (a late or repeated task_started)', () => {
    const s = runState(p, [started('a', 3), started('a', 2)]);
    expect(task(s, 'a').attempts).toBe(3);
  });

  it('skipped and cancelled tasks that never ran have no duration', () => {
    const s = runState(p, [skipped('b', 'dependency a failed', 10), cancelled('c', 'cancelled (user)', 20)]);
    expect(task(s, 'b')).toMatchObject({ state: 'skipped', reason: 'dependency a failed', endedAt: iso(10), durationMs: null, attempts: 0 });
    expect(task(s, 'c')).toMatchObject({ state: 'cancelled', reason: 'cancelled (user)', endedAt: iso(20), durationMs: null });
  });

  it('a task stopped while running ends cancelled with its exit code and duration', () => {
    const s = runState(p, [started('c', 1, 0), { event: 'task_cancelled', task: 'c', reason: 'cancelled (user)', attempt: 1, exit_code: null, signal: 'SIGTERM', duration_ms: 50, at: 50 }]);
    expect(task(s, 'c')).toMatchObject({ state: 'cancelled', exitCode: null, durationMs: 50, retryAtMs: null, pid: null });
  });

  it('task_killed marks the task as SIGKILLed; artifacts and rollbacks are recorded', () => {
    const s = runState(p, [
      started('a'), { event: 'task_killed', task: 'a', attempt: 1 }, failed('a'),
      { event: 'artifacts_collected', task: 'a', files: ['dist/a.js'], warnings: [] },
      { event: 'rollback_started', task: 'a' },
    ]);
    expect(task(s, 'a')).toMatchObject({ killed: true, artifacts: ['dist/a.js'], rollback: { state: 'running', exit_code: null } });
    expect(s.rollbacksRunning).toBe(1);
    fold(s, [{ event: 'rollback_failed', task: 'a', exit_code: 2, reason: 'exit code 2' }]);
    expect(task(s, 'a').rollback).toEqual({ state: 'failed', exit_code: 2 });
    expect(s.rollbacksRunning).toBe(0);
    fold(s, [{ event: 'rollback_succeeded', task: 'a', exit_code: 0 }]);
    expect(s.rollbacksRunning).toBe(0);
  });

  it('escalations are counted by level', () => {
    const s = runState(p, [
      { event: 'escalation', task: 'a', level: 'warning', reason: 'x' },
      { event: 'escalation', task: 'a', level: 'warning', reason: 'x' },
      { event: 'escalation', task: 'a', level: 'critical', reason: 'x' },
    ]);
    expect(s.escalations).toEqual({ warning: 2, error: 0, critical: 1 });
  });
});

describe('reduce: cancel and run_finished', () => {
  it('the first cancel_requested wins', () => {
    const s = runState(p, [cancelRequested('fail-fast', true), cancelRequested('user')]);
    expect(s.cancel).toEqual({ by: 'fail-fast', failFast: true });
    expect(runState(p, [cancelRequested('SIGTERM')]).cancel).toEqual({ by: 'SIGTERM', failFast: false });
  });

  it('run_finished sets the final state, exit code and end', () => {
    const s = runState(p, [
      started('a'), failed('a'), skipped('b', 'dependency a failed'), started('c'), succeeded('c'),
      { event: 'run_finished', state: 'failed', exit_code: 3, counts: recount(runState(p)), at: 9000 },
    ]);
    expect(s).toMatchObject({ state: 'failed', exitCode: 3, endedAt: iso(9000) });
    expect(countStates(s)).toEqual({ pending: 0, awaiting_approval: 0, running: 0, retrying: 0, decomposed: 0, succeeded: 1, failed: 1, blocked: 0, skipped: 1, cancelled: 0 });
  });
});

describe('reduce: run_claimed', () => {
  const finishedRun = (): RunEvent[] => journal(p, [
    started('a'), failed('a'), skipped('b', 'dependency a failed'), started('c'), succeeded('c'), cancelRequested(),
    { event: 'run_finished', state: 'cancelled', exit_code: 4, counts: recount(runState(p)) },
  ]);

  it('a winning claim makes the run running again under its new owner and settings, with no cancel', () => {
    const events = finishedRun();
    const s = reduceAll([...events, stamp({ event: 'run_claimed', purpose: 'resume', base: events.length, owner: { pid: 200, hostname: 'h2' }, max_parallel: 7, fail_fast: true }, 100)])!;
    expect(s).toMatchObject({ state: 'running', endedAt: null, exitCode: null, cancel: null, owner: { pid: 200, hostname: 'h2' }, maxParallel: 7, failFast: true, claimIndex: events.length });
  });

  it('a claim without settings keeps the run’s own', () => {
    const events = finishedRun();
    const s = reduceAll([...events, stamp({ event: 'run_claimed', purpose: 'cancel', base: events.length, owner: { pid: 200, hostname: 'h' } }, 100)])!;
    expect(s).toMatchObject({ maxParallel: 4, failFast: false, state: 'running' });
  });

  it('two claims that read the same events: only the first wins', () => {
    const events = finishedRun();
    const base = events.length;
    const s = reduceAll([...events, stamp(claimed(base, 201), 100), stamp(claimed(base, 202), 100)].map((e) => strip(e)))!;
    expect(s.owner.pid).toBe(201);
    expect(s.claimIndex).toBe(base);
  });

  it('a later claim that read the first one wins', () => {
    const events = finishedRun();
    const base = events.length;
    const s = reduceAll([...events, stamp(claimed(base, 201), 100), stamp(claimed(base + 1, 202), 200)].map((e) => strip(e)))!;
    expect(s.owner.pid).toBe(202);
    expect(s.claimIndex).toBe(base + 1);
  });

  it('a claim that read the journal before another claim was made loses, whatever its base', () => {
    const events = finishedRun();
    const base = events.length;
    const s = reduceAll([...events, stamp(claimed(base, 201), 100), stamp(claimed(base - 3, 202), 100)].map((e) => strip(e)))!;
    expect(s.owner.pid).toBe(201);
    expect(s.claimIndex).toBe(base);
  });

  it('events other than claims since a claim read the journal do not make it lose', () => {
    // Only claims compete: the base is about other claims, not about the rest of the journal.
    const events = finishedRun();
    const s = reduceAll([...events, stamp(claimed(2, 201), 100)].map((e) => strip(e)))!;
    expect(s.owner.pid).toBe(201);
    expect(s.state).toBe('running');
  });

  it.each([
    { claimIndex: 0, base: 0, wins: false },
    { claimIndex: 0, base: 1, wins: true },
    { claimIndex: 5, base: 5, wins: false },
    { claimIndex: 5, base: 6, wins: true },
    { claimIndex: 5, base: 4, wins: false },
  ])('claimWins: claim at $claimIndex, base $base → $wins', ({ claimIndex, base, wins }) => {
    expect(claimWins({ ...runState(p), claimIndex }, base)).toBe(wins);
  });
});

/** A stamped event whose body came from a Timed builder (drops the `at` key). */
function strip(e: RunEvent): RunEvent {
  const { at: _at, ...rest } = e as RunEvent & { at?: number };
  return rest as RunEvent;
}

describe('reduce: tasks_reset', () => {
  it('puts tasks back to pending, keeps the attempt count and starts a new budget there', () => {
    const s = runState(p, [
      started('a', 1, 0), retrying('a', 1, 0, 10), started('a', 2, 10), failed('a', 2, 20), skipped('b', 'dependency a failed'),
      { event: 'artifacts_collected', task: 'a', files: ['x'], warnings: [] }, { event: 'rollback_started', task: 'a' },
    ]);
    fold(s, [claimed(s.events), reset(['a', 'b'], 1000)]);
    expect(task(s, 'a')).toMatchObject({
      state: 'pending', attempts: 2, budgetBase: 2, exitCode: null, reason: null, startedAt: null, endedAt: null, durationMs: null,
      retryAtMs: null, rollback: null, artifacts: [], killed: false,
    });
    expect(task(s, 'b')).toMatchObject({ state: 'pending', attempts: 0, budgetBase: 0, reason: null });
    expect(s.rollbacksRunning).toBe(0);
    expect(countStates(s)).toEqual({ pending: 3, awaiting_approval: 0, running: 0, retrying: 0, decomposed: 0, succeeded: 0, failed: 0, blocked: 0, skipped: 0, cancelled: 0 });
    // The next attempt is number 3, and its duration counts from the resume.
    fold(s, [started('a', 3, 2000), succeeded('a', 3, 2500)]);
    expect(task(s, 'a')).toMatchObject({ attempts: 3, budgetBase: 2, startedAt: iso(2000), durationMs: 500 });
  });

  it('leaves tasks not listed as they are, and ignores unknown ids', () => {
    const s = runState(p, [started('a'), failed('a'), started('c'), succeeded('c')]);
    fold(s, [reset(['a', 'nope'])]);
    expect(task(s, 'c')).toMatchObject({ state: 'succeeded', attempts: 1 });
    expect(countStates(s)).toEqual(recount(s));
  });
});

describe('reduce: counts kept as events are folded', () => {
  it('countStates is a copy', () => {
    const s = runState(p);
    const c = countStates(s);
    c.pending = 99;
    expect(countStates(s).pending).toBe(3);
  });

  it('always equals a recount, over random journals (seeded)', () => {
    const ids = ['a', 'b', 'c', 'ghost'];
    let seed = 12345;
    const rand = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    const makers: ((id: string, k: number) => Timed)[] = [
      (id, k) => started(id, k), (id, k) => succeeded(id, k), (id, k) => failed(id, k), (id, k) => retrying(id, k, 10),
      (id) => skipped(id, 'x'), (id) => cancelled(id), (id) => ({ event: 'rollback_started', task: id }),
      (id) => ({ event: 'rollback_succeeded', task: id, exit_code: 0 }), (id) => reset([id]),
      (id) => ({ event: 'task_killed', task: id, attempt: 1 }),
    ];
    const wrong: string[] = [];
    for (let round = 0; round < 200; round++) {
      const s = runState(p);
      const trail: string[] = [];
      for (let n = 0; n < 30; n++) {
        const e = makers[rand(makers.length)]!(ids[rand(ids.length)]!, 1 + rand(3));
        trail.push(`${e.event}${'task' in e ? ` ${e.task}` : ''}`);
        fold(s, [e]);
        const rollbacks = [...s.tasks.values()].filter((t) => t.rollback?.state === 'running').length;
        if (JSON.stringify(countStates(s)) !== JSON.stringify(recount(s)) || s.rollbacksRunning !== rollbacks) {
          wrong.push(`${trail.join(', ')} → ${JSON.stringify(countStates(s))}, ${s.rollbacksRunning} rollbacks`);
          break;
        }
      }
    }
    expect(wrong).toEqual([]);
  });
});

describe('reduce: the body of every event kind is handled', () => {
  it('folds a journal with one of each event without throwing', () => {
    const bodies: RunEventBody[] = [
      { event: 'run_claimed', purpose: 'resume', base: 1, owner: { pid: 1, hostname: 'h' } },
      { event: 'tasks_reset', tasks: ['a'] },
      { event: 'task_started', task: 'a', attempt: 1 },
      { event: 'task_spawned', task: 'a', attempt: 1, pid: 3 },
      { event: 'task_retrying', task: 'a', attempt: 1, exit_code: 1, signal: null, reason: 'exit code 1', duration_ms: 1, delay_ms: 0 },
      { event: 'task_succeeded', task: 'a', attempt: 2, exit_code: 0, signal: null, reason: 'succeeded', duration_ms: 1 },
      { event: 'task_failed', task: 'b', attempt: 1, exit_code: 1, signal: null, reason: 'exit code 1', duration_ms: 1, attempts: 1 },
      { event: 'task_skipped', task: 'c', reason: 'x' },
      { event: 'task_cancelled', task: 'c', reason: 'x' },
      { event: 'cancel_requested', by: 'user' },
      { event: 'task_killed', task: 'a', attempt: 1 },
      { event: 'rollback_started', task: 'b' },
      { event: 'rollback_succeeded', task: 'b', exit_code: 0 },
      { event: 'rollback_failed', task: 'b', exit_code: 1, reason: 'x' },
      { event: 'artifacts_collected', task: 'a', files: [], warnings: [] },
      { event: 'escalation', task: 'a', level: 'error', reason: 'x' },
      { event: 'run_finished', state: 'cancelled', exit_code: 4, counts: recount(runState(p)) },
    ];
    const s = reduceAll(journal(p, bodies))!;
    expect(s.events).toBe(bodies.length + 1);
    expect(s.state).toBe('cancelled');
    expect(countStates(s)).toEqual(recount(s));
  });
});
