import { realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import { UsageError } from '../errors.js';
import type { Plan } from '../plan/compile.js';
import { absoluteFrom } from '../store/paths.js';
import type { IsolationSetup } from '../run/worktree.js';

/**
 * For `run` and `resume` of a plan with `isolation: worktree` tasks: the workdir's repository (usable git,
 * a work tree, a commit to start from) and each isolated task's cwd inside it. A UsageError (exit 2) before
 * any task starts, naming every problem, when isolation cannot work: never a silent fallback to the shared tree.
 */
export async function isolationOf(plan: Plan, workdir: string, home: string): Promise<IsolationSetup | undefined> {
  const isolated = plan.tasks.filter((t) => t.isolation === 'worktree');
  if (isolated.length === 0) return undefined;
  const { findRepo, branchProblem } = await import('../run/worktree-git.js');
  const found = await findRepo(workdir);
  if (!found.ok) throw new UsageError(`isolation: worktree needs the workdir in a git work tree; refusing to run: ${found.reason}`);
  const { repo } = found;
  const problems: string[] = [];
  const rel = new Map<string, string>();
  for (const task of isolated) {
    const bad = branchProblem(task.id);
    if (bad) problems.push(`  task ${task.id}: its id cannot name a git branch (${bad})`);
    const cwd = realFolder(absoluteFrom(workdir, task.cwd));
    const r = path.relative(repo.root, cwd);
    if (r === '..' || r.startsWith(`..${path.sep}`) || path.isAbsolute(r)) {
      problems.push(`  task ${task.id}: its cwd ${cwd} is outside the work tree ${repo.root}`);
      continue;
    }
    rel.set(task.id, r.split(path.sep).join('/'));
  }
  if (problems.length > 0) throw new UsageError(`isolation: worktree cannot isolate these tasks; refusing to run:\n${problems.join('\n')}`);
  return { repo, home, rel, workdir: realFolder(workdir) };
}

/** Says, on stderr, when the user's checkout has uncommitted changes: isolated tasks start from HEAD and will not see them. */
export async function warnUncommitted(setup: IsolationSetup): Promise<void> {
  const { uncommittedCount } = await import('../run/worktree-git.js');
  const n = await uncommittedCount(setup.repo.root);
  if (n === 0) return;
  const { printErr } = await import('../report/print.js');
  printErr(`aad: note: ${n} tracked file${n === 1 ? ' has' : 's have'} uncommitted changes in ${setup.repo.root}; isolated tasks start from HEAD (${setup.repo.head.slice(0, 12)}) and will not see them (commit them first if they should)`);
}

/** `dir` with symlinks resolved, as far as it exists (a folder the task creates keeps its last names). */
function realFolder(dir: string): string {
  let existing = dir;
  const rest: string[] = [];
  for (;;) {
    try {
      if (statSync(existing).isDirectory()) return path.join(realpathSync(existing), ...rest.reverse());
    } catch {
      /* not there: go up */
    }
    const up = path.dirname(existing);
    if (up === existing) return dir;
    rest.push(path.basename(existing));
    existing = up;
  }
}
