import { UsageError } from '../errors.js';
import type { Plan } from '../plan/compile.js';
import type { TreeHolds } from '../run/tree-holds.js';

/** The plan's git work trees for `run` and `resume`; a UsageError (exit 2) before any task starts when a `rollback: git` task has none. */
export async function workTreesOf(plan: Plan, workdir: string): Promise<{ holds?: TreeHolds }> {
  if (!plan.tasks.some((t) => t.rollback?.kind === 'git' && t.isolation !== 'worktree')) return {};
  const { describeTreeProblems, findWorkTrees } = await import('../run/work-trees.js');
  const found = await findWorkTrees(plan, workdir);
  if (found.problems.length > 0) throw new UsageError(describeTreeProblems(found.problems));
  return { holds: found.holds };
}
