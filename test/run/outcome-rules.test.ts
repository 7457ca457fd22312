// The decider's tables: outcome (exit code, exit_codes, outcome file) × budget (retries left or not) × limits → decision.
import { describe, expect, it } from 'vitest';
import type { OutcomeRead } from '../../src/plan/outcome.js';
import { decideOutcome, failureSignature, outcomeOf, retryDelay, rollbackPlan, MAX_RETRY_AFTER_MS, type AttemptResult } from '../../src/run/outcome-rules.js';
import { plan, runState, started, retrying } from './builders.js';

const ok: AttemptResult = { exitCode: 0, signal: null, timedOut: false, stopped: false, durationMs: 10 };
const exit = (code: number): AttemptResult => ({ ...ok, exitCode: code });
const file = (report: Extract<OutcomeRead, { ok: true }>['report']): OutcomeRead => ({ ok: true, report });
const bad: OutcomeRead = { ok: false, problem: 'invalid outcome file: outcomes/t/1.json:1:2: outcome: must be …' };
const kids = [{ id: 'x', cmd: 'true' }, { id: 'y', cmd: 'true', depends_on: ['x'] }];

const p = plan({ t: [], deep: [] }, { t: { retries: 1, retry_backoff_sec: 5, exit_codes: { 2: 'blocked', 3: 'success', 75: 'failure' }, rollback: './undo' } });
const t = p.byId.get('t')!;
/** t's run on its attempt n (1: retries left; 2: none left). */
const runOn = (n: number) => runState(p, n === 1 ? [started('t', 1)] : [started('t', 1), retrying('t', 1, 0), started('t', 2)]).tasks.get('t')!;
const limits = { added: 0, maxChildren: 1000 };

describe('decideOutcome: outcome × budget', () => {
  it.each<{ name: string; result: AttemptResult; read?: OutcomeRead; attempt: number; want: object }>([
    { name: 'exit 0, no file', result: ok, attempt: 1, want: { kind: 'succeed' } },
    { name: 'exit 0, last attempt', result: ok, attempt: 2, want: { kind: 'succeed' } },
    { name: 'exit 3 mapped to success', result: exit(3), attempt: 1, want: { kind: 'succeed' } },
    { name: 'exit 1, retries left', result: exit(1), attempt: 1, want: { kind: 'retry', delayMs: 5000, reason: 'exit code 1', signature: 'exit code 1' } },
    { name: 'exit 1, none left', result: exit(1), attempt: 2, want: { kind: 'fail', reason: 'exit code 1', rollback: true, signature: 'exit code 1' } },
    { name: 'exit 75 mapped to failure, retries left', result: exit(75), attempt: 1, want: { kind: 'retry', delayMs: 5000, reason: 'exit code 75 means failure (exit_codes)', signature: 'exit code 75' } },
    { name: 'exit 2 mapped to blocked, retries left', result: exit(2), attempt: 1, want: { kind: 'block', reason: 'exit code 2 means blocked (exit_codes)' } },
    { name: 'exit 2 mapped to blocked, none left', result: exit(2), attempt: 2, want: { kind: 'block', reason: 'exit code 2 means blocked (exit_codes)' } },
    { name: 'file blocked with a reason', result: ok, read: file({ outcome: 'blocked', reason: 'need a key' }), attempt: 1, want: { kind: 'block', reason: 'need a key' } },
    { name: 'file failure wins over exit 0, retries left', result: ok, read: file({ outcome: 'failure', reason: 'flaky' }), attempt: 1, want: { kind: 'retry', delayMs: 5000, reason: 'flaky', signature: 'outcome failure' } },
    { name: 'file failure, none left', result: ok, read: file({ outcome: 'failure' }), attempt: 2, want: { kind: 'fail', reason: 'failure (outcome file)', rollback: true, signature: 'outcome failure' } },
    { name: 'a lost worker, retries left', result: { ...exit(0), exitCode: null, remote: 'worker w1 lost' }, attempt: 1, want: { kind: 'retry', delayMs: 5000, reason: 'worker w1 lost', signature: 'worker lost' } },
    { name: 'a lost worker, none left', result: { ...exit(0), exitCode: null, remote: 'worker w1 lost' }, attempt: 2, want: { kind: 'fail', reason: 'worker w1 lost', rollback: true, signature: 'worker lost' } },
    { name: 'a job a worker refused fails even with exit 0 and an outcome file', result: { ...exit(0), remote: 'rejected by worker w1: bad signature' }, read: file({ outcome: 'success' }), attempt: 2, want: { kind: 'fail', reason: 'rejected by worker w1: bad signature', rollback: true, signature: 'rejected by worker' } },
    { name: 'file success wins over exit 1', result: exit(1), read: file({ outcome: 'success' }), attempt: 2, want: { kind: 'succeed' } },
    { name: 'retry_after_sec wins over the backoff', result: exit(1), read: file({ retryAfterSec: 0.25 }), attempt: 1, want: { kind: 'retry', delayMs: 250, reason: 'exit code 1', signature: 'exit code 1' } },
    { name: 'retry_after_sec is capped at a day', result: exit(1), read: file({ retryAfterSec: 1e9 }), attempt: 1, want: { kind: 'retry', delayMs: MAX_RETRY_AFTER_MS, reason: 'exit code 1', signature: 'exit code 1' } },
    { name: 'retry_after_sec with no retries left fails', result: exit(1), read: file({ retryAfterSec: 3 }), attempt: 2, want: { kind: 'fail', reason: 'exit code 1', rollback: true, signature: 'exit code 1' } },
    { name: 'malformed file, retries left', result: ok, read: bad, attempt: 1, want: { kind: 'retry', delayMs: 5000, reason: (bad as { problem: string }).problem, signature: 'outcome file' } },
    { name: 'malformed file, none left', result: ok, read: bad, attempt: 2, want: { kind: 'fail', reason: (bad as { problem: string }).problem, rollback: true, signature: 'outcome file' } },
    { name: 'success with children decomposes', result: ok, read: file({ children: kids }), attempt: 1, want: { kind: 'decompose', children: kids } },
    { name: 'exit 3 (success) with children decomposes', result: exit(3), read: file({ children: kids }), attempt: 2, want: { kind: 'decompose', children: kids } },
    { name: 'failure with children retries (children only come with success)', result: exit(1), read: file({ children: kids }), attempt: 1, want: { kind: 'retry', delayMs: 5000, reason: 'exit code 1', signature: 'exit code 1' } },
    { name: 'blocked with children blocks', result: ok, read: file({ outcome: 'blocked', children: kids }), attempt: 1, want: { kind: 'block', reason: 'blocked (outcome file)' } },
    { name: 'a timeout stays a failure whatever the file says', result: { ...ok, timedOut: true, exitCode: null, signal: 'SIGTERM' }, read: file({ outcome: 'success' }), attempt: 2, want: { kind: 'fail', reason: 'timeout after 0.01s', rollback: true, signature: 'timeout' } },
    { name: 'a signal stays a failure whatever the file says', result: { ...ok, exitCode: null, signal: 'SIGKILL' }, read: file({ outcome: 'blocked' }), attempt: 1, want: { kind: 'retry', delayMs: 5000, reason: 'killed by SIGKILL', signature: 'signal SIGKILL' } },
    { name: 'a spawn failure stays a failure', result: { ...ok, exitCode: null, spawnError: 'ENOENT' }, read: file({ outcome: 'success' }), attempt: 2, want: { kind: 'fail', reason: 'spawn failed: ENOENT', rollback: true, signature: 'spawn failed' } },
    { name: 'a stopped attempt is cancelled whatever the file says', result: { ...ok, stopped: true }, read: file({ outcome: 'blocked' }), attempt: 1, want: { kind: 'cancelled', reason: 'cancelled (cancel)', rollback: false } },
  ])('$name → $want.kind', ({ result, read, attempt, want }) => {
    expect(decideOutcome(t, runOn(attempt), result, null, { read, limits, random: () => 0.5 })).toEqual(want);
  });

  it.each([
    { added: 0, max: 1, n: 2, want: 'cannot add 2 child task(s): the run may add 1 in all (max_children) and has added 0' },
    { added: 999, max: 1000, n: 2, want: 'cannot add 2 child task(s): the run may add 1000 in all (max_children) and has added 999' },
  ])('past max_children the parent fails at once, naming the limit ($added + $n > $max)', ({ added, max, n, want }) => {
    const children = Array.from({ length: n }, (_, i) => ({ id: `c${i}`, cmd: 'true' }));
    // Retries left: a limit is the run's, so no retry.
    expect(decideOutcome(t, runOn(1), ok, null, { read: file({ children }), limits: { added, maxChildren: max } })).toEqual({ kind: 'fail', reason: want, rollback: true });
  });

  it('exactly at max_children is allowed', () => {
    expect(decideOutcome(t, runOn(1), ok, null, { read: file({ children: kids }), limits: { added: 998, maxChildren: 1000 } }).kind).toBe('decompose');
  });

  it('a child 4 levels deep may not decompose; 3 levels deep may', () => {
    const deep = { ...p.byId.get('deep')!, id: 'a/b/c/d/e', depth: 4 };
    expect(decideOutcome(deep, runOn(1), ok, null, { read: file({ children: kids }), limits })).toEqual({
      kind: 'fail', reason: 'cannot add children: a/b/c/d/e is a child 4 levels deep, and children nest at most 4 levels', rollback: false,
    });
    expect(decideOutcome({ ...deep, depth: 3 }, runOn(1), ok, null, { read: file({ children: kids }), limits }).kind).toBe('decompose');
  });
});

describe('outcomeOf', () => {
  it.each([
    { result: ok, read: undefined, want: { outcome: 'success', reason: 'succeeded' } },
    { result: exit(9), read: undefined, want: { outcome: 'failure', reason: 'exit code 9' } },
    { result: exit(2), read: undefined, want: { outcome: 'blocked', reason: 'exit code 2 means blocked (exit_codes)' } },
    { result: exit(2), read: file({ outcome: 'success', reason: 'fine after all' }), want: { outcome: 'success', reason: 'fine after all' } },
    { result: exit(4), read: file({ outcome: 'blocked' }), want: { outcome: 'blocked', reason: 'blocked (outcome file, exit code 4)' } },
    { result: ok, read: file({ reason: '   ' }), want: { outcome: 'success', reason: 'succeeded' } },
  ])('exit $result.exitCode with $read → $want.outcome', ({ result, read, want }) => {
    expect(outcomeOf(t, result, read)).toEqual(want);
  });
});

describe('retryDelay: list and exponential backoff', () => {
  const exp = (e: object) => plan({ a: [] }, { a: { retry_backoff_sec: e as never } }).byId.get('a')!;
  it('initial × factor^(k-1), capped at max', () => {
    const task = exp({ initial: 1, factor: 2, max: 10 });
    expect([1, 2, 3, 4, 5, 6, 100, 5000].map((k) => retryDelay(task, k, () => 0))).toEqual([1000, 2000, 4000, 8000, 10000, 10000, 10000, 10000]);
  });
  it('defaults: factor 2, max one hour, no jitter', () => {
    const task = exp({ initial: 0.5 });
    expect(task.backoffExp).toEqual({ initialMs: 500, factor: 2, maxMs: 3_600_000, jitter: false });
    expect(retryDelay(task, 3, () => 0.99)).toBe(2000);
  });
  it.each([
    { r: 0, want: 3200 },
    { r: 0.5, want: 4000 },
    { r: 0.999999, want: 4800 },
  ])('jitter spreads within ±20% (draw $r → $want ms)', ({ r, want }) => {
    expect(retryDelay(exp({ initial: 1, factor: 2, max: 60, jitter: true }), 3, () => r)).toBe(want);
  });
  it('the list form still repeats its last item', () => {
    const task = plan({ a: [] }, { a: { retry_backoff_sec: [1, 3] } }).byId.get('a')!;
    expect([1, 2, 3].map((k) => retryDelay(task, k, () => 0.5))).toEqual([1000, 3000, 3000]);
  });
});

describe('the error-storm stop (max_identical_failures) and the rollback limit (max_rollbacks)', () => {
  const sp = plan({ s: [] }, { s: { retries: 9, max_identical_failures: 3, rollback: './undo', max_rollbacks: 2 } });
  const s = sp.byId.get('s')!;
  const decided = (attempt: number, signature: string) => ({ event: 'task_decided' as const, task: 's', attempt, outcome: 'failure' as const, decision: 'retry' as const, reason: 'x', signature });
  /** s on its attempt n, after attempts that failed with these signatures (and `rollbacks` rollbacks so far). */
  const after = (sigs: string[], rollbacks = 0) => {
    const events = sigs.flatMap((sig, k) => [started('s', k + 1), decided(k + 1, sig), retrying('s', k + 1, 0)]);
    const rb = Array.from({ length: rollbacks }, () => [{ event: 'rollback_started' as const, task: 's' }, { event: 'rollback_succeeded' as const, task: 's', exit_code: 0 }]).flat();
    return runState(sp, [...rb, ...events, started('s', sigs.length + 1)]).tasks.get('s')!;
  };
  const withLine = (r: AttemptResult, lastLine: string) => decideOutcome(s, after([]), r, null, { lastLine });

  it.each<{ name: string; before: string[]; result: AttemptResult; lastLine?: string; want: string }>([
    { name: 'a first failure retries', before: [], result: exit(1), lastLine: 'db down', want: 'retry' },
    { name: 'twice the same still retries', before: ['exit code 1: db down'], result: exit(1), lastLine: 'db down', want: 'retry' },
    { name: 'the third in a row stops', before: ['exit code 1: db down', 'exit code 1: db down'], result: exit(1), lastLine: 'db down', want: 'fail' },
    { name: 'digits do not make failures differ', before: ['exit code 1: port #', 'exit code 1: port #'], result: exit(1), lastLine: 'port 5433', want: 'fail' },
    { name: 'another line breaks the streak', before: ['exit code 1: db down', 'exit code 1: db down'], result: exit(1), lastLine: 'disk full', want: 'retry' },
    { name: 'another exit code breaks the streak', before: ['exit code 1: db down', 'exit code 1: db down'], result: exit(2), lastLine: 'db down', want: 'retry' },
    { name: 'an interrupted streak starts again', before: ['exit code 1: a', 'exit code 1: b', 'exit code 1: a'], result: exit(1), lastLine: 'a', want: 'retry' },
    { name: 'timeouts alike stop', before: ['timeout', 'timeout'], result: { ...ok, exitCode: null, timedOut: true, signal: 'SIGTERM' }, want: 'fail' },
    { name: 'stalls alike stop', before: ['stalled', 'stalled'], result: { ...ok, exitCode: null, signal: 'SIGTERM', watchdog: { kind: 'stalled', reason: 'stalled: no output for 1s' } }, want: 'fail' },
  ])('$name', ({ before, result, lastLine, want }) => {
    const v = decideOutcome(s, after(before), result, null, { lastLine });
    expect(v.kind).toBe(want);
    if (v.kind === 'fail') {
      expect(v.storm).toBe(true);
      expect(v.reason).toBe(`the same failure 3 times in a row: ${v.signature}`);
      expect(v.rollback).toBe(true);
    }
  });

  it('the signature is the kind and the last line, digits masked, cut at 200 characters', () => {
    expect(failureSignature('exit code 1', '  error 42 at 10:31:07  ')).toBe('exit code 1: error # at #:#:#');
    expect(failureSignature('timeout', undefined)).toBe('timeout');
    expect(failureSignature('exit code 1', 'x'.repeat(500))).toBe(`exit code 1: ${'x'.repeat(200)}`);
    expect(withLine(exit(3), 'boom 7')).toMatchObject({ kind: 'retry', signature: 'exit code 3: boom #' });
    expect(withLine({ ...ok, exitCode: null, signal: 'SIGTERM', watchdog: { kind: 'memory', reason: 'memory: 9 MB over the limit of 8 MB' } }, 'alloc')).toMatchObject({
      kind: 'retry', reason: 'memory: 9 MB over the limit of 8 MB', signature: 'memory: alloc',
    });
  });

  it.each([
    { rollbacks: 0, want: { rollback: true } },
    { rollbacks: 1, want: { rollback: true } },
    { rollbacks: 2, want: { rollback: false, rollbackSkipped: 'rollback limit reached (2): manual intervention needed' } },
  ])('after $rollbacks rollbacks (max_rollbacks: 2) a final failure → $want', ({ rollbacks, want }) => {
    const noStorm = { ...s, maxIdenticalFailures: undefined, retries: 0 };
    expect(decideOutcome(noStorm, after([], rollbacks), exit(1), null)).toMatchObject({ kind: 'fail', ...want });
    expect(rollbackPlan(s, { rollbacks }, true)).toEqual(want);
  });

  it('a cancel rolls back only with rollback_on_cancel, within the same limit', () => {
    expect(rollbackPlan(s, { rollbacks: 0 }, false)).toEqual({ rollback: false });
    expect(rollbackPlan({ ...s, rollback: undefined }, { rollbacks: 0 }, true)).toEqual({ rollback: false });
    expect(rollbackPlan({ ...s, maxRollbacks: 0 }, { rollbacks: 0 }, true)).toEqual({ rollback: false, rollbackSkipped: 'rollback limit reached (0): manual intervention needed' });
  });
});
