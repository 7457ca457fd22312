// Pure DAG algorithms, on DAGs built from `{ id: [deps] }`.
import { describe, expect, it } from 'vitest';
import { criticalPath, dependentsOf, findCycles, levels, remainingWork, topologicalOrder, waves, type Dag } from '../../src/graph/dag.js';

/** A DAG from `{ id: [deps] }`, nodes in key order. */
function dag(g: Record<string, string[]>): Dag {
  const ids = Object.keys(g);
  return { ids, deps: ids.map((id) => g[id]!.map((d) => ids.indexOf(d))) };
}

/** A chain n0 ← n1 ← … ← n(len-1), each node depending on the previous one. */
function chain(len: number): Dag {
  return { ids: Array.from({ length: len }, (_, i) => `n${i}`), deps: Array.from({ length: len }, (_, i) => (i === 0 ? [] : [i - 1])) };
}

const names = (d: Dag, indices: readonly number[]) => indices.map((i) => d.ids[i]!);

const DIAMOND = dag({ a: [], b: ['a'], c: ['a'], d: ['b', 'c'] });
// Plan order deliberately not topological.
const RELEASE = dag({ deploy: ['test', 'docs'], test: ['build'], docs: [], build: ['lint'], lint: [], fmt: [] });

describe('dependentsOf', () => {
  it('inverts the edges, dependents in plan order', () => {
    expect(dependentsOf(DIAMOND)).toEqual([[1, 2], [3], [3], []]);
    expect(dependentsOf(dag({}))).toEqual([]);
  });
});

describe('topologicalOrder, levels and waves', () => {
  it('puts every node after its dependencies', () => {
    const order = topologicalOrder(RELEASE);
    const pos = new Map(order.map((v, k) => [v, k]));
    RELEASE.deps.forEach((ds, v) => ds.forEach((d) => expect(pos.get(d)!).toBeLessThan(pos.get(v)!)));
    expect(order).toHaveLength(RELEASE.ids.length);
  });

  it('is deterministic: by wave, then plan order', () => {
    expect(names(RELEASE, topologicalOrder(RELEASE))).toEqual(['docs', 'lint', 'fmt', 'build', 'test', 'deploy']);
    expect(names(DIAMOND, topologicalOrder(DIAMOND))).toEqual(['a', 'b', 'c', 'd']);
    // The same DAG listed in another order yields that order within each wave.
    const swapped = dag({ fmt: [], lint: [], docs: [], build: ['lint'], test: ['build'], deploy: ['test', 'docs'] });
    expect(names(swapped, topologicalOrder(swapped))).toEqual(['fmt', 'lint', 'docs', 'build', 'test', 'deploy']);
  });

  it('gives each node its level: 0 without dependencies, else one more than its deepest dependency', () => {
    expect(levels(RELEASE)).toEqual([3, 2, 0, 1, 0, 0]);
    expect(levels(dag({ a: [], b: ['a'], c: ['a', 'b'] }))).toEqual([0, 1, 2]);
  });

  it('groups nodes that can run together into waves', () => {
    expect(waves(DIAMOND).map((w) => names(DIAMOND, w))).toEqual([['a'], ['b', 'c'], ['d']]);
    expect(waves(RELEASE).map((w) => names(RELEASE, w))).toEqual([['docs', 'lint', 'fmt'], ['build'], ['test'], ['deploy']]);
    expect(waves(dag({ x: [], y: [], z: [] }))).toEqual([[0, 1, 2]]);
    expect(waves(dag({}))).toEqual([]);
  });

  it('handles a 10,000-node chain', () => {
    const d = chain(10_000);
    expect(topologicalOrder(d)).toEqual(Array.from({ length: 10_000 }, (_, i) => i));
    expect(waves(d)).toHaveLength(10_000);
  });

  it('refuses a cycle instead of looping', () => {
    expect(() => waves(dag({ a: ['b'], b: ['a'] }))).toThrow(/cycle/);
  });
});

describe('remainingWork and criticalPath', () => {
  it('counts the tasks on the longest path from each node to the end, itself included', () => {
    expect(remainingWork(RELEASE)).toEqual([1, 2, 2, 3, 4, 1]);
    expect(remainingWork(DIAMOND)).toEqual([3, 2, 2, 1]);
  });

  it('weighs nodes when given weights', () => {
    const w = [1, 10, 1, 1];
    expect(remainingWork(DIAMOND, (i) => w[i]!)).toEqual([12, 11, 2, 1]);
  });

  it('finds the longest path from a root to a leaf', () => {
    expect(criticalPath(RELEASE)).toEqual({ path: [4, 3, 1, 0], length: 4 });
    expect(names(RELEASE, criticalPath(RELEASE).path)).toEqual(['lint', 'build', 'test', 'deploy']);
  });

  it('follows the heaviest branch when weights differ', () => {
    expect(names(DIAMOND, criticalPath(DIAMOND, (i) => [1, 1, 5, 1][i]!).path)).toEqual(['a', 'c', 'd']);
    expect(criticalPath(DIAMOND, (i) => [1, 1, 5, 1][i]!).length).toBe(7);
    expect(names(DIAMOND, criticalPath(DIAMOND, (i) => [1, 5, 1, 1][i]!).path)).toEqual(['a', 'b', 'd']);
  });

  it('breaks ties by plan order', () => {
    expect(names(DIAMOND, criticalPath(DIAMOND).path)).toEqual(['a', 'b', 'd']);
    expect(criticalPath(dag({ x: [], y: [] }))).toEqual({ path: [0], length: 1 });
  });

  it('is empty for an empty DAG', () => {
    expect(criticalPath(dag({}))).toEqual({ path: [], length: 0 });
    expect(remainingWork(dag({}))).toEqual([]);
  });

  it('handles a 10,000-node chain', () => {
    const d = chain(10_000);
    const cp = criticalPath(d);
    expect(cp.length).toBe(10_000);
    expect(cp.path).toHaveLength(10_000);
    expect(remainingWork(d)[0]).toBe(10_000);
  });
});

describe('findCycles', () => {
  const cycles = (g: Record<string, string[]>) => findCycles(dag(g)).map((c) => c.join(' → '));

  it('finds none in a DAG', () => {
    expect(cycles({ a: [], b: ['a'], c: ['a', 'b'] })).toEqual([]);
    expect(findCycles(DIAMOND)).toEqual([]);
    expect(findCycles(RELEASE)).toEqual([]);
    expect(cycles({})).toEqual([]);
  });

  it('reports a self-dependency as a two-element path', () => {
    expect(findCycles(dag({ a: [], b: ['b'] }))).toEqual([['b', 'b']]);
  });

  it('prints a cycle as a path along depends_on, back to its first node in plan order', () => {
    expect(cycles({ a: ['b'], b: ['c'], c: ['a'] })).toEqual(['a → b → c → a']);
    expect(cycles({ c: ['a'], a: ['b'], b: ['c'] })).toEqual(['c → a → b → c']);
    expect(cycles({ a: ['b'], b: ['a'] })).toEqual(['a → b → a']);
  });

  it('reports a simple cycle inside a tangled component', () => {
    const [found] = findCycles(dag({ a: ['b', 'c'], b: ['c', 'a'], c: ['a', 'b'] }));
    expect(found![0]).toBe('a');
    expect(found![found!.length - 1]).toBe('a');
    expect(new Set(found!.slice(0, -1)).size).toBe(found!.length - 1);
    expect(found).toEqual(['a', 'b', 'a']);
  });

  it('reports every independent cycle, in plan order, ignoring the acyclic rest', () => {
    expect(
      cycles({
        ok: [],
        x: ['y', 'ok'],
        y: ['x'],
        dep: ['x'],
        p: ['q'],
        q: ['r'],
        r: ['p'],
        self: ['self'],
        tail: ['r'],
      }),
    ).toEqual(['x → y → x', 'p → q → r → p', 'self → self']);
  });

  it('reports a self-loop inside a larger cycle once, as the larger cycle', () => {
    expect(cycles({ a: ['a', 'b'], b: ['a'] })).toEqual(['a → b → a']);
  });

  it('does not overflow the stack on a 10,000-node chain or ring', () => {
    expect(findCycles(chain(10_000))).toEqual([]);
    const ring = chain(10_000);
    (ring.deps as number[][])[0] = [9_999];
    const found = findCycles(ring);
    expect(found).toHaveLength(1);
    expect(found[0]).toHaveLength(10_001);
    expect(found[0]!.slice(0, 3)).toEqual(['n0', 'n9999', 'n9998']);
    expect(found[0]![10_000]).toBe('n0');
  });

  it('is fast on a wide DAG', () => {
    // 200 layers of 50 nodes, each depending on every node of the layer before: 490,000 edges.
    const ids: string[] = [];
    const deps: number[][] = [];
    for (let l = 0; l < 200; l++) {
      for (let k = 0; k < 50; k++) {
        ids.push(`l${l}k${k}`);
        deps.push(l === 0 ? [] : Array.from({ length: 50 }, (_, j) => (l - 1) * 50 + j));
      }
    }
    const t0 = performance.now();
    expect(findCycles({ ids, deps })).toEqual([]);
    expect(waves({ ids, deps })).toHaveLength(200);
    expect(criticalPath({ ids, deps }).length).toBe(200);
    expect(performance.now() - t0).toBeLessThan(2000);
  });
});
