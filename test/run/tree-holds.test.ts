// The decider keeps a `rollback: git` task alone in its git work tree (SPEC "Corrections"): tables of
// plans and synthetic journals, no processes, no git.
import { describe, expect, it } from 'vitest';
import type { Plan } from '../../src/plan/compile.js';
import { decide, decideByScan, type Action } from '../../src/run/decide.js';
import type { TreeHolds } from '../../src/run/tree-holds.js';
import { failed, plan, retrying, runState, started, succeeded, T0, type Timed } from './builders.js';

const startsOf = (actions: Action[]) => actions.flatMap((a) => (a.kind === 'start' ? [a.task] : []));

/** Holds from `{ id: tree }` (a tree name, or null for none) and the exclusive ids. */
function holds(p: Plan, trees: Record<string, string | null>, exclusive: string[]): TreeHolds {
  const roots: string[] = [];
  const tree = new Int32Array(p.tasks.length).fill(-1);
  const ex = new Uint8Array(p.tasks.length);
  for (const t of p.tasks) {
    const name = trees[t.id] ?? null;
    if (name !== null) {
      if (!roots.includes(name)) roots.push(name);
      tree[t.index] = roots.indexOf(name);
    }
    if (exclusive.includes(t.id)) ex[t.index] = 1;
  }
  return { roots, tree, exclusive: ex };
}

/** decide and the scan agree; returns the scan's decision. */
function both(p: Plan, events: Timed[], h: TreeHolds, nowMs = 0, maxParallel = 8) {
  const a = decide(p, runState(p, events), T0 + nowMs, maxParallel, undefined, h);
  const b = decideByScan(p, runState(p, events), T0 + nowMs, maxParallel, undefined, h);
  expect(a).toEqual(b);
  return a;
}

describe('work-tree holds', () => {
  const p = plan({ x: [], a: [], b: [], c: [] });
  const repo = { x: 'repo', a: 'repo', b: 'repo', c: 'other' };

  it.each([
    ['nothing runs: the exclusive task (first in order) starts, the rest of its tree waits, another tree goes on', [], ['x', 'c'], ['a', 'b']],
    ['an exclusive task waits while a task of its tree runs; none of its tree starts before it', [started('a')], ['c'], ['x', 'b']],
    ['while the exclusive task runs, its tree is held', [started('x')], ['c'], ['a', 'b']],
    ['while it waits for its retry, its tree is still held', [started('x'), retrying('x', 1, 5000)], ['c'], ['a', 'b']],
    ['its retry falls due: it starts again alone', [started('x'), retrying('x', 1, 0)], ['x', 'c'], ['a', 'b']],
    ['once it succeeded, the others run together', [started('x'), succeeded('x')], ['a', 'b', 'c'], []],
  ] as const)('%s', (_name, events, starts, heldIds) => {
    const d = both(p, [...events], holds(p, repo, ['x']));
    expect(startsOf(d.actions)).toEqual(starts);
    expect((d.held ?? []).map((h) => h.task)).toEqual(heldIds);
  });

  it('while its rollback runs the tree stays held; after it, the tree is free', () => {
    const events: Timed[] = [started('x'), failed('x'), { event: 'rollback_started', task: 'x' }];
    const h = holds(p, repo, ['x']);
    const d = both(p, events, h);
    expect(startsOf(d.actions)).toEqual(['c']);
    expect(d.held).toEqual([
      { task: 'a', by: 'x', root: 'repo' },
      { task: 'b', by: 'x', root: 'repo' },
    ]);
    const after = both(p, [...events, { event: 'rollback_succeeded', task: 'x', exit_code: null }], h);
    expect(startsOf(after.actions)).toEqual(['a', 'b', 'c']);
  });

  it('two exclusive tasks of one tree never run together; of two trees they do', () => {
    const q = plan({ x: [], y: [], z: [] });
    const one = both(q, [], holds(q, { x: 'r', y: 'r', z: 'r' }, ['x', 'y']));
    expect(startsOf(one.actions)).toEqual(['x']);
    expect(one.held).toEqual([
      { task: 'y', by: 'x', root: 'r' },
      { task: 'z', by: 'x', root: 'r' },
    ]);
    const two = both(q, [], holds(q, { x: 'r', y: 's', z: null }, ['x', 'y']));
    expect(startsOf(two.actions)).toEqual(['x', 'y', 'z']);
  });

  it('without holds nothing is held back and no `held` is reported', () => {
    const d = decide(p, runState(p, []), T0, 8);
    expect(startsOf(d.actions)).toEqual(['x', 'a', 'b', 'c']);
    expect(d.held).toBeUndefined();
  });

  it('the run does not finish while a task waits for its tree', () => {
    const d = both(p, [started('a'), started('c'), succeeded('c')], holds(p, repo, ['x']));
    expect(d.actions.some((a) => a.kind === 'finish')).toBe(false);
  });
});
