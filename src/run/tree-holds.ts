import { rollbackUnderWay, type TaskRun } from './reduce.js';

/**
 * Which tasks share a git work tree, and which hold theirs alone (SPEC "Corrections": a task with
 * `rollback: git` that is not isolated in a worktree holds its work tree exclusively while it runs,
 * so that its restore can never undo another task's work). Found once at run start (run/work-trees).
 */
export interface TreeHolds {
  /** The work trees' top-level folders. */
  roots: string[];
  /** Per plan index: the work tree (an index into `roots`) the task's cwd lies in, or -1. */
  tree: Int32Array;
  /** Per plan index: 1 when the task holds its work tree alone. */
  exclusive: Uint8Array;
}

/** A ready task that waits because another task holds its work tree. */
export interface HeldTask {
  task: string;
  /** The task holding the work tree alone, or waiting to (null: the tree's other running tasks hold it). */
  by: string | null;
  root: string;
}

/**
 * Who holds each work tree right now, from the folded state, and what may start: an exclusive task
 * only when no other task of its tree is running (and none of them starts while it holds it, through
 * its retries' waits and its rollback); a task of that tree only while no exclusive task holds it.
 * Once an exclusive task waits, no other task of its tree starts before it (it is never starved).
 */
export class TreeGate {
  private readonly holder: Int32Array;
  private readonly shared: Int32Array;
  /** Per tree: 1 + the plan index of an exclusive task waiting for it, or 0. */
  private readonly draining: Int32Array;
  readonly held: HeldTask[] = [];

  constructor(
    private readonly holds: TreeHolds,
    private readonly runs: readonly (TaskRun | undefined)[],
  ) {
    const n = holds.roots.length;
    this.holder = new Int32Array(n).fill(-1);
    this.shared = new Int32Array(n);
    this.draining = new Int32Array(n);
    for (let i = 0; i < runs.length; i++) {
      const run = runs[i];
      const t = holds.tree[i]!;
      if (!run || t < 0) continue;
      if (holds.exclusive[i]) {
        // A rollback waiting for its approval holds the tree too: it will restore it.
        if (run.state === 'running' || run.state === 'retrying' || rollbackUnderWay(run.rollback)) this.holder[t] = i;
      } else if (run.state === 'running') this.shared[t]!++;
    }
  }

  /** Whether plan task `i` may start now; when it may, it is counted as started. */
  take(i: number): boolean {
    const t = this.holds.tree[i]!;
    if (t < 0) return true;
    const holder = this.holder[t]!;
    if (this.holds.exclusive[i]) {
      if ((holder === -1 || holder === i) && this.shared[t] === 0) {
        this.holder[t] = i;
        return true;
      }
      if (this.draining[t] === 0) this.draining[t] = i + 1;
      return this.hold(i, holder === -1 || holder === i ? null : holder, t);
    }
    if (holder === -1 && this.draining[t] === 0) {
      this.shared[t]!++;
      return true;
    }
    return this.hold(i, holder === -1 ? this.draining[t]! - 1 : holder, t);
  }

  private hold(i: number, by: number | null, t: number): false {
    this.held.push({ task: this.runs[i]!.id, by: by === null ? null : this.runs[by]!.id, root: this.holds.roots[t]! });
    return false;
  }
}
