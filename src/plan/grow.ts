import { buildPlan, compileTask, type Plan } from './compile.js';
import type { TaskInput } from './types.gen.js';

/** A `tasks_added` event's content: the parent and its children as journaled (full ids: `<parent>/<id>`). */
export interface AddedTasks {
  parent: string;
  tasks: readonly TaskInput[];
}

/**
 * The plan as run after a parent added its children: the children compiled over the parent's `inherit` (so
 * they take what they leave out from it, then from `defaults`), appended after the plan's tasks. The children
 * were validated (plan/outcome.ts, with the plan's own validator) before they were journaled; a parent the plan does not hold (a journal
 * from another plan) adds nothing.
 */
export function growPlan(plan: Plan, added: AddedTasks): Plan {
  const parent = plan.byId.get(added.parent);
  if (!parent || added.tasks.length === 0) return plan;
  const tasks = plan.tasks.slice();
  for (const t of added.tasks) {
    if (plan.byId.has(t.id)) continue;
    tasks.push(compileTask(t, parent.inherit, tasks.length, parent));
  }
  // A dependency on a task that is not there (a journal cut short) is dropped rather than breaking the DAG.
  const ids = new Set(tasks.map((t) => t.id));
  for (let i = plan.tasks.length; i < tasks.length; i++) {
    const t = tasks[i]!;
    if (t.deps.some((d) => !ids.has(d))) tasks[i] = { ...t, deps: t.deps.filter((d) => ids.has(d)) };
  }
  return buildPlan(plan, tasks);
}

/** The plan as run: `plan` grown by every `tasks_added` of a journal, in order. */
export function growFromJournal(plan: Plan, events: readonly { event: string }[]): Plan {
  let out = plan;
  for (const e of events) if (e.event === 'tasks_added') out = growPlan(out, e as unknown as AddedTasks);
  return out;
}
