import { describe, expect, it } from 'vitest';
import type { Dag } from '../../src/graph/dag.js';
import { simulateMakespan } from '../../src/graph/schedule.js';

/** A DAG from `{ id: [deps] }` in insertion order. */
function dag(spec: Record<string, string[]>): Dag {
  const ids = Object.keys(spec);
  return { ids, deps: ids.map((id) => spec[id]!.map((d) => ids.indexOf(d))) };
}

describe('simulateMakespan', () => {
  it('equal weights: a chain takes its length whatever the parallelism', () => {
    expect(simulateMakespan(dag({ a: [], b: ['a'], c: ['b'] }), () => 1, 4)).toBe(3);
  });

  it('equal weights: independent tasks fill the slots', () => {
    const d = dag({ a: [], b: [], c: [], d: [], e: [] });
    expect(simulateMakespan(d, () => 1, 1)).toBe(5);
    expect(simulateMakespan(d, () => 1, 2)).toBe(3);
    expect(simulateMakespan(d, () => 1, 5)).toBe(1);
  });

  it('starts the task with the most remaining work first (critical path), not plan order', () => {
    // Plan order would start the short tasks first and leave the long chain for last: 3 + 10 + 10.
    const d = dag({ s1: [], s2: [], s3: [], long: [], tail: ['long'] });
    const w = [1, 1, 1, 10, 10];
    expect(simulateMakespan(d, (i) => w[i]!, 2)).toBe(20);
  });

  it('weights in ms from history', () => {
    const d = dag({ setup: [], lint: ['setup'], test: ['setup'], docs: ['setup'], pack: ['lint', 'test', 'docs'] });
    const w = [100, 1000, 3000, 500, 200];
    expect(simulateMakespan(d, (i) => w[i]!, 3)).toBe(3300);
    expect(simulateMakespan(d, (i) => w[i]!, 1)).toBe(4800);
  });

  it('an empty DAG takes no time', () => {
    expect(simulateMakespan({ ids: [], deps: [] }, () => 1, 2)).toBe(0);
  });
});
