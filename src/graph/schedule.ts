import { dependentsOf, remainingWork, type Dag } from './dag.js';

/**
 * The makespan of list scheduling on `parallel` slots, as aad's scheduler does it: whenever a slot is
 * free, the ready task with the most remaining work (itself included) starts, ties by plan order.
 */
export function simulateMakespan(dag: Dag, weight: (i: number) => number, parallel: number): number {
  const n = dag.ids.length;
  if (n === 0) return 0;
  const rem = remainingWork(dag, weight);
  const dependents = dependentsOf(dag);
  const waiting = dag.deps.map((d) => d.length);
  const before = (a: number, b: number) => rem[a]! > rem[b]! || (rem[a] === rem[b] && a < b);
  const ready = new Heap<number>(before);
  for (let i = 0; i < n; i++) if (waiting[i] === 0) ready.push(i);
  const running = new Heap<[end: number, task: number]>((a, b) => a[0] < b[0] || (a[0] === b[0] && a[1] < b[1]));
  let now = 0;
  let done = 0;
  while (done < n) {
    while (running.size < Math.max(1, parallel) && ready.size > 0) {
      const t = ready.pop()!;
      running.push([now + weight(t), t]);
    }
    const [end, t] = running.pop()!;
    now = end;
    done++;
    for (const d of dependents[t]!) if (--waiting[d]! === 0) ready.push(d);
  }
  return now;
}

/** A binary heap ordered by `before`. */
class Heap<T> {
  private readonly items: T[] = [];
  constructor(private readonly before: (a: T, b: T) => boolean) {}

  get size(): number {
    return this.items.length;
  }

  push(x: T): void {
    const a = this.items;
    a.push(x);
    let i = a.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.before(a[i]!, a[p]!)) break;
      [a[i], a[p]] = [a[p]!, a[i]!];
      i = p;
    }
  }

  pop(): T | undefined {
    const a = this.items;
    if (a.length === 0) return undefined;
    const top = a[0];
    const last = a.pop()!;
    if (a.length > 0) {
      a[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < a.length && this.before(a[l]!, a[m]!)) m = l;
        if (r < a.length && this.before(a[r]!, a[m]!)) m = r;
        if (m === i) break;
        [a[i], a[m]] = [a[m]!, a[i]!];
        i = m;
      }
    }
    return top;
  }
}
