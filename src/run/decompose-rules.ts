import { MAX_CHILD_DEPTH, type Task } from '../plan/compile.js';
import type { TaskState } from './events.js';
import type { RunState, TaskRun } from './reduce.js';

/** The run's child budget: how many tasks its parents added so far, and how many they may add in all. */
export interface DecomposeLimits {
  added: number;
  maxChildren: number;
}

/** Why the task may not add `count` children (a limit, named), or undefined when it may. */
export function decomposeProblem(task: Pick<Task, 'id' | 'depth'>, count: number, limits?: DecomposeLimits): string | undefined {
  if (task.depth >= MAX_CHILD_DEPTH) {
    return `cannot add children: ${task.id} is a child ${task.depth} levels deep, and children nest at most ${MAX_CHILD_DEPTH} levels`;
  }
  if (limits && limits.added + count > limits.maxChildren) {
    return `cannot add ${count} child task(s): the run may add ${limits.maxChildren} in all (max_children) and has added ${limits.added}`;
  }
  return undefined;
}

/** States a child ends in without succeeding, for good in its session: its parent fails. */
export const CHILD_FAILED: ReadonlySet<TaskState> = new Set(['failed', 'blocked', 'skipped', 'cancelled']);

/** How a parent's children stand: every one succeeded, one did not (the first in order), or some are still to end. */
export type ParentEnd = { kind: 'succeeded' } | { kind: 'failed'; child: string; state: TaskState } | undefined;

/** The end of a `decomposed` parent from its children's counts (kept by reduce), looking at the children only when one did not succeed. */
export function parentEnd(state: RunState, parent: TaskRun): ParentEnd {
  const kids = parent.kids;
  const children = parent.children;
  if (!kids || !children) return undefined;
  if (kids.bad > 0) {
    for (const id of children) {
      const s = state.tasks.get(id)?.state;
      if (s !== undefined && CHILD_FAILED.has(s)) return { kind: 'failed', child: id, state: s };
    }
  }
  if (kids.succeeded === children.length) return { kind: 'succeeded' };
  return undefined;
}

/** The reason a parent failed: "child <id> failed" (or was blocked, skipped, cancelled). */
export function childFailedReason(child: string, s: TaskState): string {
  const how = s === 'failed' ? 'failed' : s === 'blocked' ? 'is blocked' : s === 'skipped' ? 'was skipped' : 'was cancelled';
  return `child ${child} ${how}`;
}
