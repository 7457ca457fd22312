/** A DAG given as nodes in plan order, each with the indices of the nodes it depends on. */
export interface Dag {
  /** Node ids, in plan order. */
  ids: readonly string[];
  /** deps[i]: indices of the nodes node i depends on. */
  deps: readonly (readonly number[])[];
}

/** dependents[i]: indices of the nodes that depend on node i, in plan order. */
export function dependentsOf(dag: Dag): number[][] {
  const out: number[][] = dag.ids.map(() => []);
  dag.deps.forEach((ds, i) => {
    for (const d of ds) out[d]!.push(i);
  });
  return out;
}

/** Every cycle, one per strongly connected component, each as a path of ids that ends where it starts (`a → b → a`). */
export function findCycles(dag: Dag): string[][] {
  const n = dag.ids.length;
  const index = new Array<number>(n).fill(-1);
  const low = new Array<number>(n).fill(0);
  const onStack = new Array<boolean>(n).fill(false);
  const stack: number[] = [];
  const cycles: string[][] = [];
  let counter = 0;
  // Iterative Tarjan, so that a 10,000-task chain cannot overflow the call stack.
  for (let root = 0; root < n; root++) {
    if (index[root] !== -1) continue;
    const work: [number, number][] = [[root, 0]];
    while (work.length > 0) {
      const frame = work[work.length - 1]!;
      const [v, i] = frame;
      if (i === 0) {
        index[v] = low[v] = counter++;
        stack.push(v);
        onStack[v] = true;
      }
      const ds = dag.deps[v]!;
      if (i < ds.length) {
        frame[1]++;
        const w = ds[i]!;
        if (index[w] === -1) work.push([w, 0]);
        else if (onStack[w]) low[v] = Math.min(low[v]!, index[w]!);
        continue;
      }
      work.pop();
      if (work.length > 0) {
        const parent = work[work.length - 1]![0];
        low[parent] = Math.min(low[parent]!, low[v]!);
      }
      if (low[v] === index[v]) {
        const comp: number[] = [];
        let w: number;
        do {
          w = stack.pop()!;
          onStack[w] = false;
          comp.push(w);
        } while (w !== v);
        const selfLoop = dag.deps[v]!.includes(v);
        if (comp.length > 1) cycles.push(cyclePath(dag, new Set(comp)));
        else if (selfLoop) cycles.push([dag.ids[v]!, dag.ids[v]!]);
      }
    }
  }
  return cycles.sort((a, b) => dag.ids.indexOf(a[0]!) - dag.ids.indexOf(b[0]!));
}

/** A simple cycle inside one strongly connected component, starting at its first node in plan order. */
function cyclePath(dag: Dag, comp: Set<number>): string[] {
  const start = Math.min(...comp);
  // BFS from start along dependency edges inside the component, back to start.
  const prev = new Map<number, number>();
  const queue = [start];
  let end = -1;
  for (let q = 0; q < queue.length && end === -1; q++) {
    const v = queue[q]!;
    for (const w of dag.deps[v]!) {
      // A self-loop is reported on its own; here it would hide the longer cycle through v.
      if (!comp.has(w) || w === v) continue;
      if (w === start) {
        end = v;
        break;
      }
      if (!prev.has(w)) {
        prev.set(w, v);
        queue.push(w);
      }
    }
  }
  const path = [end];
  while (path[path.length - 1] !== start) path.push(prev.get(path[path.length - 1]!)!);
  path.reverse();
  return [...path, start].map((i) => dag.ids[i]!);
}

/** The level of each node (0 for nodes without dependencies); the DAG must be acyclic. */
export function levels(dag: Dag): number[] {
  const n = dag.ids.length;
  const level = new Array<number>(n).fill(-1);
  for (const v of topologicalOrderRaw(dag)) {
    let l = 0;
    for (const d of dag.deps[v]!) l = Math.max(l, level[d]! + 1);
    level[v] = l;
  }
  return level;
}

/** Waves of node indices that can run together, each in plan order. */
export function waves(dag: Dag): number[][] {
  const out: number[][] = [];
  levels(dag).forEach((l, i) => (out[l] ??= []).push(i));
  return out;
}

/** Deterministic topological order: by wave, then plan order. */
export function topologicalOrder(dag: Dag): number[] {
  return waves(dag).flat();
}

/** Kahn's algorithm in plan order; the DAG must be acyclic. */
function topologicalOrderRaw(dag: Dag): number[] {
  const n = dag.ids.length;
  const indeg = dag.deps.map((d) => d.length);
  const dependents = dependentsOf(dag);
  const queue: number[] = [];
  for (let i = 0; i < n; i++) if (indeg[i] === 0) queue.push(i);
  for (let q = 0; q < queue.length; q++) {
    for (const w of dependents[queue[q]!]!) if (--indeg[w]! === 0) queue.push(w);
  }
  if (queue.length !== n) throw new Error('topologicalOrder: the graph has a cycle');
  return queue;
}

/** For each node, the heaviest path from it to the end of the DAG, itself included (weights default to 1). */
export function remainingWork(dag: Dag, weight: (i: number) => number = () => 1): number[] {
  const order = topologicalOrderRaw(dag);
  const dependents = dependentsOf(dag);
  const rem = new Array<number>(dag.ids.length).fill(0);
  for (let k = order.length - 1; k >= 0; k--) {
    const v = order[k]!;
    let best = 0;
    for (const w of dependents[v]!) best = Math.max(best, rem[w]!);
    rem[v] = weight(v) + best;
  }
  return rem;
}

/** The heaviest path through the DAG, as node indices from a root to a leaf, and its length. */
export function criticalPath(dag: Dag, weight: (i: number) => number = () => 1): { path: number[]; length: number } {
  if (dag.ids.length === 0) return { path: [], length: 0 };
  const rem = remainingWork(dag, weight);
  const dependents = dependentsOf(dag);
  let v = -1;
  for (let i = 0; i < rem.length; i++) if (dag.deps[i]!.length === 0 && (v === -1 || rem[i]! > rem[v]!)) v = i;
  const path = [v];
  for (;;) {
    const next = dependents[v]!.reduce((b, w) => (b === -1 || rem[w]! > rem[b]! ? w : b), -1);
    if (next === -1) break;
    path.push(next);
    v = next;
  }
  return { path, length: rem[path[0]!]! };
}
