// Which git work tree each task's cwd lies in, found once at run start for plans with `rollback: git`
// (the decider then keeps such a task alone in its work tree: run/tree-holds.ts).
import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { Plan } from '../plan/compile.js';
import { absoluteFrom } from '../store/paths.js';
import { git } from './git-plumbing.js';
import type { TreeHolds } from './tree-holds.js';

/** A `rollback: git` task whose cwd is not in a git work tree: the run is refused. */
export interface TreeProblem {
  task: string;
  folder: string;
  reason: string;
}

/**
 * The work trees of the plan's tasks, when any task has `rollback: git` (undefined otherwise: nothing
 * to hold), and the `rollback: git` tasks that have no work tree to snapshot.
 */
export async function findWorkTrees(plan: Plan, workdir: string): Promise<{ holds?: TreeHolds; problems: TreeProblem[] }> {
  if (!plan.tasks.some(holdsItsTree)) return { problems: [] };
  const rootOf = new Map<string, Promise<{ root?: string; reason: string }>>();
  const lookup = (cwd: string) => {
    let p = rootOf.get(cwd);
    if (!p) rootOf.set(cwd, (p = topLevel(cwd)));
    return p;
  };
  const roots: string[] = [];
  const tree = new Int32Array(plan.tasks.length).fill(-1);
  const exclusive = new Uint8Array(plan.tasks.length);
  const problems: TreeProblem[] = [];
  for (const task of plan.tasks) {
    // An isolated task works in a worktree of its own: it shares no work tree with anyone.
    if (task.isolation === 'worktree') continue;
    const cwd = absoluteFrom(workdir, task.cwd);
    const found = await lookup(cwd);
    const isGit = holdsItsTree(task);
    if (isGit) exclusive[task.index] = 1;
    if (found.root === undefined) {
      if (isGit) problems.push({ task: task.id, folder: cwd, reason: found.reason });
      continue;
    }
    let t = roots.indexOf(found.root);
    if (t < 0) t = roots.push(found.root) - 1;
    tree[task.index] = t;
  }
  return { holds: { roots, tree, exclusive }, problems };
}

/** A `rollback: git` task that works in the shared work tree holds it alone. */
export function holdsItsTree(task: Plan['tasks'][number]): boolean {
  return task.rollback?.kind === 'git' && task.isolation !== 'worktree';
}

/** The top level of the git work tree holding `cwd` (or, for a folder a task creates, its nearest existing parent). */
async function topLevel(cwd: string): Promise<{ root?: string; reason: string }> {
  let dir = cwd;
  while (!(await stat(dir).then((s) => s.isDirectory(), () => false))) {
    const up = path.dirname(dir);
    if (up === dir) return { reason: 'no such directory' };
    dir = up;
  }
  const r = await git(dir, ['rev-parse', '--show-toplevel']);
  if (r.spawnError !== undefined) return { reason: `git is not available: ${r.spawnError}` };
  const root = r.stdout.trim();
  if (r.exitCode !== 0 || root === '') return { reason: 'not inside a git work tree' };
  return { root, reason: '' };
}

/** The refusal of a run whose `rollback: git` tasks have no work tree, naming each task and folder. */
export function describeTreeProblems(problems: readonly TreeProblem[]): string {
  const lines = problems.map((p) => `  task ${p.task}: ${p.folder}: ${p.reason}`);
  return `rollback: git needs the task's cwd inside a git work tree; refusing to run:\n${lines.join('\n')}`;
}
