// `aad prune`'s rules as data: durations, the flags, and which runs the rules let go.
import { describe, expect, it } from 'vitest';
import { judgeByPolicy, parseDuration, parsePolicy } from '../../src/cli/prune-policy.js';
import { UsageError } from '../../src/errors.js';

const H = 3_600_000;
const D = 24 * H;

describe('parseDuration', () => {
  it.each([
    ['30d', 30 * D],
    ['12h', 12 * H],
    ['90m', 90 * 60_000],
    ['45s', 45_000],
    ['2w', 14 * D],
    ['1d12h', 36 * H],
    ['0s', 0],
  ])('%s → %i ms', (text, ms) => expect(parseDuration(text)).toBe(ms));

  it.each(['', '30', 'd', '3 d', '-1d', '1.5h', '1y', '30D', 'd30', '1d 2h', '99999999999999999999d'])('refuses %j', (text) => {
    expect(parseDuration(text)).toBeUndefined();
  });
});

describe('parsePolicy', () => {
  it('needs at least one rule, and takes both', () => {
    expect(() => parsePolicy(undefined, undefined)).toThrow(UsageError);
    expect(parsePolicy('1d', undefined)).toEqual({ olderThanMs: D });
    expect(parsePolicy(undefined, '0')).toEqual({ keep: 0 });
    expect(parsePolicy('2h', '3')).toEqual({ olderThanMs: 2 * H, keep: 3 });
  });

  it.each([
    ['x', undefined, '--older-than "x": expected a whole number and a unit'],
    [undefined, '-1', '--keep "-1": expected a whole number >= 0'],
    [undefined, '', '--keep "": expected a whole number >= 0'],
    ['1d', '2.5', '--keep "2.5"'],
  ])('--older-than %j --keep %j is a usage error (exit 2)', (olderThan, keep, message) => {
    let err: unknown;
    try {
      parsePolicy(olderThan, keep);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(UsageError);
    expect((err as UsageError).exitCode).toBe(2);
    expect((err as Error).message).toContain(message);
  });
});

describe('judgeByPolicy', () => {
  const now = 100 * D;
  // In no order: the policy ranks them by start time (r4 started before r3).
  const runs = [
    { runId: 'r5', startedMs: now - 1 * H },
    { runId: 'r4', startedMs: now - 40 * D },
    { runId: 'r3', startedMs: now - 10 * D },
    { runId: 'r2', startedMs: now - 31 * D },
    { runId: 'r1', startedMs: now - 60 * D },
  ];
  const judged = (p: Parameters<typeof judgeByPolicy>[1]) => Object.fromEntries(judgeByPolicy(runs, p, now));

  it('--older-than: runs started longer ago go', () => {
    expect(judged({ olderThanMs: 30 * D })).toEqual({ r5: 'recent', r4: 'prune', r3: 'recent', r2: 'prune', r1: 'prune' });
  });

  it('--keep: the N newest stay, whatever their age', () => {
    expect(judged({ keep: 2 })).toEqual({ r5: 'newest', r3: 'newest', r4: 'prune', r2: 'prune', r1: 'prune' });
    expect(judged({ keep: 0 })).toEqual({ r5: 'prune', r4: 'prune', r3: 'prune', r2: 'prune', r1: 'prune' });
    expect(judged({ keep: 9 })).toEqual({ r5: 'newest', r4: 'newest', r3: 'newest', r2: 'newest', r1: 'newest' });
  });

  it('both: a run goes only when both rules let it', () => {
    expect(judged({ keep: 2, olderThanMs: 30 * D })).toEqual({ r5: 'newest', r3: 'newest', r4: 'prune', r2: 'prune', r1: 'prune' });
    expect(judged({ keep: 3, olderThanMs: 35 * D })).toEqual({ r5: 'newest', r3: 'newest', r2: 'newest', r4: 'prune', r1: 'prune' });
    expect(judged({ keep: 1, olderThanMs: 35 * D })).toEqual({ r5: 'newest', r3: 'recent', r2: 'recent', r4: 'prune', r1: 'prune' });
  });

  it('two runs of the same time are ranked by id', () => {
    const same = [{ runId: 'b', startedMs: now }, { runId: 'a', startedMs: now }, { runId: 'c', startedMs: now }];
    expect(Object.fromEntries(judgeByPolicy(same, { keep: 1 }, now))).toEqual({ c: 'newest', b: 'prune', a: 'prune' });
  });

  it('a run exactly as old as the limit stays; a run from the future (clock skew) too', () => {
    expect(Object.fromEntries(judgeByPolicy([{ runId: 'x', startedMs: now - D }, { runId: 'y', startedMs: now + D }], { olderThanMs: D }, now))).toEqual({ x: 'recent', y: 'recent' });
  });
});
