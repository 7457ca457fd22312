// Progress and the time-left estimate (report/progress.ts): states folded from synthetic events; earlier
// runs written as journals in a temporary home.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RunEvent, RunEventBody } from '../../src/run/events.js';
import { depsFromPlanCopy, earlierDurations, estimateLeftMs, etaText, median, progressOf, progressText } from '../../src/report/progress.js';
import { statusObject, statusText } from '../../src/report/status.js';
import { tmpDir } from '../helpers/cli.js';
import { failed, fold, journal, plan, retrying, runState, skipped, stamp, started, succeeded, T0, type Timed } from '../run/builders.js';

const noPaint = (_s: string, t: string) => t;
const ms = (n: number) => T0 + n;

describe('progressOf', () => {
  it('counts the tasks in a final state of all the tasks; percent rounds down', () => {
    const p = plan({ a: [], b: ['a'], c: [], d: [], e: [], f: [] });
    const s = runState(p, [started('a', 1, 0), succeeded('a', 1, 10), started('c', 1, 10), failed('c', 1, 20), skipped('b', 'dependency failed', 20), started('d', 1, 20)]);
    expect(progressOf(s)).toEqual({ done: 3, total: 6, percent: 50 });
    fold(s, [{ event: 'task_cancelled', task: 'e', reason: 'cancelled (user)', at: 30 }]);
    expect(progressOf(s)).toEqual({ done: 4, total: 6, percent: 66 });
    expect(progressText(progressOf(s))).toBe('4/6 done, 66%');
  });

  it('running, retrying, pending, awaiting approval and decomposed tasks are not done; children count once added', () => {
    const p = plan({ a: [], b: [], c: [], d: [] });
    const s = runState(p, [
      started('a', 1, 0), retrying('a', 1, 1000, 10),
      started('b', 1, 0),
      { event: 'approval_requested', task: 'c', text: 'ok?', at: 0 },
      started('d', 1, 0),
      { event: 'tasks_added', parent: 'd', tasks: [{ id: 'd/x', cmd: 'true' }, { id: 'd/y', cmd: 'true' }], at: 10 },
      { event: 'task_decomposed', task: 'd', attempt: 1, children: ['d/x', 'd/y'], exit_code: 0, duration_ms: 10, at: 10 },
    ]);
    expect(progressOf(s)).toEqual({ done: 0, total: 6, percent: 0 });
    fold(s, [started('d/x', 1, 20), succeeded('d/x', 1, 30)]);
    expect(progressOf(s)).toEqual({ done: 1, total: 6, percent: 16 });
  });

  it('a run without tasks is 0% done', () => {
    const s = runState(plan({ a: [] }), [], { tasks: [] });
    expect(progressOf(s)).toEqual({ done: 0, total: 0, percent: 0 });
  });
});

describe('median', () => {
  it('the middle value, the mean of the middle two, NaN for none', () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 10])).toBe(3.5);
    expect(median([7])).toBe(7);
    expect(median([])).toBeNaN();
  });
});

describe('etaText', () => {
  it('uses formatMs; under a second, <1s', () => {
    expect(etaText(200_000)).toBe('~3m 20s left');
    expect(etaText(1500)).toBe('~1.5s left');
    expect(etaText(0)).toBe('<1s left');
    expect(etaText(999)).toBe('<1s left');
  });
});

describe('estimateLeftMs', () => {
  const p = plan({ a: [], b: [], c: [], d: [] });
  const all = new Map([['a', 1000], ['b', 1000], ['c', 1000], ['d', 1000]]);

  it('a running task: its expected duration less what its attempt has run, never below 0', () => {
    const one = plan({ a: [] });
    const s = runState(one, [started('a', 1, 0)]);
    expect(estimateLeftMs(s, new Map([['a', 10_000]]), ms(4000))).toBe(6000);
    expect(estimateLeftMs(s, new Map([['a', 10_000]]), ms(12_000))).toBe(0);
  });

  it('the current attempt counts, not the first: a second attempt has its whole expected time ahead', () => {
    const one = plan({ a: [] });
    const s = runState(one, [started('a', 1, 0), retrying('a', 1, 500, 3000), started('a', 2, 3500)]);
    expect(estimateLeftMs(s, new Map([['a', 2000]]), ms(4000))).toBe(1500);
  });

  it('a retrying task: its expected duration plus what is left of its backoff', () => {
    const one = plan({ a: [] });
    const s = runState(one, [started('a', 1, 0), retrying('a', 1, 2000, 1000)]);
    expect(estimateLeftMs(s, new Map([['a', 1000]]), ms(1500))).toBe(2500);
  });

  it('parallelism: the remaining work spread over max_parallel slots, bounded below by the longest task', () => {
    expect(estimateLeftMs(runState(p, [], { maxParallel: 1 }), all, ms(0))).toBe(4000);
    expect(estimateLeftMs(runState(p, [], { maxParallel: 2 }), all, ms(0))).toBe(2000);
    expect(estimateLeftMs(runState(p, [], { maxParallel: 4 }), all, ms(0))).toBe(1000);
    expect(estimateLeftMs(runState(p, [], { maxParallel: 4 }), new Map([...all, ['d', 3000]]), ms(0))).toBe(3000);
    // An explicit parallelism wins over the run's.
    expect(estimateLeftMs(runState(p, [], { maxParallel: 4 }), all, ms(0), { maxParallel: 1 })).toBe(4000);
  });

  it('done tasks are left out; nothing left is 0', () => {
    const s = runState(p, [started('a', 1, 0), succeeded('a', 1, 1000), started('b', 1, 0), failed('b', 1, 1000)], { maxParallel: 1 });
    expect(estimateLeftMs(s, all, ms(1000))).toBe(2000);
    fold(s, [started('c', 1, 1000), succeeded('c', 1, 2000), started('d', 1, 2000), succeeded('d', 1, 3000)]);
    expect(estimateLeftMs(s, all, ms(3000))).toBe(0);
  });

  it('unknown durations: undefined when fewer than half of the remaining tasks have one; else they count at the median', () => {
    const s = runState(p, [], { maxParallel: 1 });
    expect(estimateLeftMs(s, new Map(), ms(0))).toBeUndefined();
    expect(estimateLeftMs(s, new Map([['a', 1000]]), ms(0))).toBeUndefined();
    // Two of four: c and d count at the median of 1000 and 3000.
    expect(estimateLeftMs(s, new Map([['a', 1000], ['b', 3000]]), ms(0))).toBe(1000 + 3000 + 2000 + 2000);
    // Durations of tasks that are done do not count towards the half.
    fold(s, [started('a', 1, 0), succeeded('a', 1, 1000), started('b', 1, 1000), succeeded('b', 1, 2000)]);
    expect(estimateLeftMs(s, new Map([['a', 1000], ['b', 3000]]), ms(2000))).toBeUndefined();
  });

  it('with dependencies: the longest chain of remaining work bounds it', () => {
    const chain = plan({ a: [], b: ['a'], c: ['b'], d: [] });
    const deps = (id: string) => chain.byId.get(id)?.deps;
    const s = runState(chain, [], { maxParallel: 4 });
    // Without them: 4000 / 4, bounded by the longest single task.
    expect(estimateLeftMs(s, all, ms(0))).toBe(1000);
    expect(estimateLeftMs(s, all, ms(0), { deps })).toBe(3000);
    fold(s, [started('a', 1, 0), started('d', 1, 0)]);
    expect(estimateLeftMs(s, all, ms(400), { deps })).toBe(600 + 2000);
    fold(s, [succeeded('a', 1, 1000)]);
    expect(estimateLeftMs(s, all, ms(1000), { deps })).toBe(2000);
  });

  it('a decomposed task ends with its children: its dependents wait for them', () => {
    const tree = plan({ a: [], b: ['a'] });
    const s = runState(tree, [
      started('a', 1, 0),
      { event: 'tasks_added', parent: 'a', tasks: [{ id: 'a/x', cmd: 'true' }, { id: 'a/y', cmd: 'true', depends_on: ['a/x'] }], at: 100 },
      { event: 'task_decomposed', task: 'a', attempt: 1, children: ['a/x', 'a/y'], exit_code: 0, duration_ms: 100, at: 100 },
    ]);
    const childDeps = new Map([['a/y', ['a/x']]]);
    const deps = (id: string) => tree.byId.get(id)?.deps ?? childDeps.get(id);
    const d = new Map([['a', 5000], ['b', 1000], ['a/x', 2000], ['a/y', 3000]]);
    // The parent's own duration does not count: a/x, then a/y, then b.
    expect(estimateLeftMs(s, d, ms(100), { deps })).toBe(6000);
  });

  it('a cycle in the dependencies (a hand-edited plan copy) does not hang', () => {
    const s = runState(plan({ a: [], b: [] }), []);
    const deps = (id: string) => (id === 'a' ? ['b'] : ['a']);
    expect(estimateLeftMs(s, new Map([['a', 1000], ['b', 1000]]), ms(0), { deps })).toBeGreaterThanOrEqual(1000);
  });

  it('a 10,000-task chain does not overflow the stack', () => {
    const n = 10_000;
    const ids = Array.from({ length: n }, (_, i) => `t${i}`);
    const s = runState(plan({ t0: [] }), [], { tasks: ids, maxParallel: 8 });
    const deps = (id: string) => (id === 't0' ? [] : [`t${Number(id.slice(1)) - 1}`]);
    expect(estimateLeftMs(s, new Map(ids.map((id) => [id, 10])), ms(0), { deps })).toBe(n * 10);
  });
});

/** Writes a run's journal in `home`: `events` after its run_started, then run_finished unless `running`. */
function writeRun(home: string, runId: string, planPath: string, events: readonly Timed[], o: { running?: boolean; tasks?: string[] } = {}): void {
  const p = plan({ a: [], b: [] });
  const lines: RunEvent[] = journal(p, events, { tasks: o.tasks }).map((e, i) => (i === 0 ? ({ ...e, run_id: runId, plan: planPath } as RunEvent) : e));
  if (!o.running) {
    const fin: RunEventBody = { event: 'run_finished', state: 'succeeded', exit_code: 0, counts: { ...runState(p).counts } };
    lines.push(stamp(fin, 100_000));
  }
  const dir = path.join(home, 'runs', runId);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'events.jsonl'), lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
}

const took = (task: string, msTaken: number, ok = true): Timed[] => [started(task, 1, 0), ok ? succeeded(task, 1, msTaken) : failed(task, 1, msTaken)];
const id = (n: number) => `20260101-0000${String(n).padStart(2, '0')}-aaaa`;

describe('earlierDurations', () => {
  it('the median over the newest 5 finished runs of the same plan in which the task succeeded', () => {
    const home = tmpDir('aad-progress-');
    // Oldest first: the first two fall outside the newest five.
    const aTimes = [90_000, 90_000, 1000, 2000, 3000, 4000, 5000];
    aTimes.forEach((t, i) => writeRun(home, id(i + 1), '/w/aad.yaml', [...took('a', t), ...took('b', 500, i !== 6)]));
    writeRun(home, id(20), '/w/other.yaml', took('a', 77_000)); // another plan
    writeRun(home, id(21), '/w/aad.yaml', took('a', 66_000), { running: true }); // not finished
    writeRun(home, id(22), '/w/aad.yaml', took('a', 55_000)); // the run being estimated
    const d = earlierDurations(home, '/w/aad.yaml', id(22));
    expect(d.get('a')).toBe(3000);
    // b failed in the newest run: the median of the four others.
    expect(d.get('b')).toBe(500);
    expect([...d.keys()].sort()).toEqual(['a', 'b']);
  });

  it('nothing for a plan without earlier runs, or a home without runs', () => {
    const home = tmpDir('aad-progress-');
    expect(earlierDurations(home, '/w/aad.yaml', id(1)).size).toBe(0);
    writeRun(home, id(1), '/w/other.yaml', took('a', 1000));
    expect(earlierDurations(home, '/w/aad.yaml', id(9)).size).toBe(0);
  });

  it('runs of other plans are told by their journal head: they do not count against the journals read whole', () => {
    const home = tmpDir('aad-progress-');
    writeRun(home, id(1), '/w/aad.yaml', took('a', 1000));
    for (let i = 2; i < 10; i++) writeRun(home, id(i), '/w/other.yaml', took('a', 9000));
    expect(earlierDurations(home, '/w/aad.yaml', id(99), { parse: 1 }).get('a')).toBe(1000);
    // But only so many heads are looked at.
    expect(earlierDurations(home, '/w/aad.yaml', id(99), { look: 8 }).size).toBe(0);
  });

  it('an unreadable run is skipped', () => {
    const home = tmpDir('aad-progress-');
    writeRun(home, id(1), '/w/aad.yaml', took('a', 1000));
    fs.mkdirSync(path.join(home, 'runs', id(2)), { recursive: true });
    fs.writeFileSync(path.join(home, 'runs', id(2), 'events.jsonl'), 'garbage\n');
    expect(earlierDurations(home, '/w/aad.yaml', id(99)).get('a')).toBe(1000);
  });
});

describe('depsFromPlanCopy', () => {
  it('the plan copy\'s depends_on and the children the journal added', () => {
    const dir = tmpDir('aad-progress-');
    const file = path.join(dir, 'plan.yaml');
    fs.writeFileSync(file, 'tasks:\n  - id: a\n    cmd: "true"\n  - id: b\n    cmd: "true"\n    depends_on: [a]\n');
    const events = [stamp({ event: 'tasks_added', parent: 'a', tasks: [{ id: 'a/x', cmd: 'true' }, { id: 'a/y', cmd: 'true', depends_on: ['a/x'] }] }, 0)];
    const deps = depsFromPlanCopy(file, events)!;
    expect([deps('a'), deps('b'), deps('a/x'), deps('a/y'), deps('zz')]).toEqual([[], ['a'], [], ['a/x'], undefined]);
    expect(depsFromPlanCopy(path.join(dir, 'missing.yaml'), [])).toBeUndefined();
  });
});

describe('status: progress', () => {
  const p = plan({ a: [], b: ['a'], c: [] });

  it('status --json: progress with eta_ms while running, null otherwise; the text leads its count line with it', () => {
    const s = runState(p, [started('a', 1, 0), succeeded('a', 1, 1000)]);
    expect(statusObject(s, 'running', null, 2500).progress).toEqual({ done: 1, total: 3, percent: 33, eta_ms: 2500 });
    expect(statusObject(s, 'running', null).progress).toEqual({ done: 1, total: 3, percent: 33, eta_ms: null });
    expect(statusObject(s, 'interrupted', null, 2500).progress.eta_ms).toBeNull();
    expect(Object.keys(statusObject(s, 'running', null)).slice(-2)).toEqual(['progress', 'tasks']);
    const text = statusText(s, 'running', noPaint, ms(2000), 100, null, 200_000).split('\n');
    expect(text[2]).toBe('1/3 done, 33%, ~3m 20s left  ·  1 succeeded, 0 failed, 0 skipped, 0 cancelled, 0 running, 2 pending');
    expect(statusText(s, 'interrupted', noPaint, ms(2000), 100, null, 200_000).split('\n')[2]).toMatch(/^1\/3 done, 33%  ·  1 succeeded/);
  });
});
