// The git side of `aad prune`: what a run left in git (its kept worktrees, its branches, its refs/aad/<run_id>/
// refs), first looked at without changing anything (a dry run stops there), then removed. Only what is named
// after the run id, or lies under the home's worktrees/<run_id>/, is ever touched.
import { existsSync, rmSync, rmdirSync } from 'node:fs';
import path from 'node:path';
import type { GitTraces } from '../run/git-traces.js';
import { worktreePath } from '../store/paths.js';
import { strayWorktrees } from './clean-run.js';

/** A worktree folder to remove, with the repository that records it (none: a folder git never made a worktree of). */
interface WorktreeRemoval {
  path: string;
  root?: string;
}

/** What removing a run's git traces would do, and what stands in the way. */
export interface GitCleanup {
  worktrees: WorktreeRemoval[];
  /** Per repository, the refs to delete (full names). */
  refs: { root: string; refs: string[] }[];
  /** Refs left on purpose, and why (an integration branch whose work no branch of the user's holds yet). */
  keptRefs: { root: string; ref: string; why: string }[];
  /** Things worth saying that change nothing (a repository that is gone). */
  notes: string[];
  /** Why the run must stay for now: removing would lose work. */
  blockers: string[];
  /** What could not be looked at (git missing or failing): the run stays, and the prune exits 1. */
  errors: string[];
}

/** Whether `p` is a run's own worktree folder: directly under a `worktrees/<run_id>/` folder. */
function underRunWorktrees(p: string, runId: string): boolean {
  const parent = path.dirname(p);
  return path.basename(parent) === runId && path.basename(path.dirname(parent)) === 'worktrees';
}

/** Looks at what the run left in git, changing nothing. */
export async function inspectGit(home: string, runId: string, traces: GitTraces): Promise<GitCleanup> {
  const out: GitCleanup = { worktrees: [], refs: [], keptRefs: [], notes: [], blockers: [], errors: [] };
  if (traces.repos.length === 0 && traces.worktrees.length === 0 && !existsSync(path.dirname(worktreePath(home, runId, 'x')))) return out;
  const wg = await import('../run/worktree-git.js');
  const { git } = await import('../run/git-plumbing.js');
  // A repository that is gone holds no record of the worktrees any more: their folders are plain folders.
  const root = traces.integration && existsSync(traces.integration.root) ? traces.integration.root : undefined;

  // Worktrees the journal recorded, then folders under worktrees/<run_id>/ it did not (a dead runner's, set-aside states).
  const known = new Set<string>();
  for (const w of traces.worktrees) {
    known.add(w.path);
    if (!underRunWorktrees(w.path, runId)) {
      out.notes.push(`left ${w.path}: not under a worktrees/${runId}/ folder, so not removed`);
      continue;
    }
    if (w.uncommitted && existsSync(w.path)) {
      out.blockers.push(`its worktree ${w.path} (task ${w.task}) holds a state no commit holds: save what you need, then delete the folder`);
      continue;
    }
    out.worktrees.push({ path: w.path, ...(root ? { root } : {}) });
  }
  for (const p of strayWorktrees(home, runId, known)) {
    if (/\.uncommitted-\d+$/.test(p)) {
      out.blockers.push(`${p} holds a worktree state no commit holds, set aside by aad: save what you need, then delete the folder`);
      continue;
    }
    // Not recorded (a dead runner made it): its repository is the one its .git file names, if any.
    const common = root ? undefined : await git(p, ['rev-parse', '--path-format=absolute', '--git-common-dir']);
    const owner = root ?? (common && common.exitCode === 0 && path.isAbsolute(common.stdout.trim()) ? common.stdout.trim() : undefined);
    out.worktrees.push({ path: p, ...(owner ? { root: owner } : {}) });
  }

  for (const repo of traces.repos) {
    if (!existsSync(repo)) {
      out.notes.push(`its repository ${repo} is gone: no ref to delete there`);
      continue;
    }
    const listed = await wg.runRefs(repo, runId);
    if (!listed.ok) {
      const probe = await git(repo, ['rev-parse', '--git-dir']);
      if (probe.spawnError === undefined && probe.exitCode !== 0) out.notes.push(`${repo} is no longer a git repository: no ref to delete there`);
      else out.errors.push(`cannot list its refs in ${repo}: ${listed.reason}`);
      continue;
    }
    const refs: string[] = [];
    for (const ref of listed.refs) {
      const integ = traces.integration;
      if (integ && integ.root === repo && ref === wg.headRef(integ.branch)) {
        const held = await wg.heldElsewhere(repo, integ.branch, integ.base);
        if (!held.ok) out.errors.push(`cannot tell whether a branch of yours holds ${integ.branch}: ${held.reason}`);
        else if (held.held) refs.push(ref);
        else out.keptRefs.push({ root: repo, ref, why: `none of your branches holds its work yet (merge it, or delete it with \`git branch -D ${integ.branch}\`)` });
        continue;
      }
      refs.push(ref);
    }
    if (refs.length > 0) out.refs.push({ root: repo, refs });
  }
  return out;
}

/** Removes what `inspectGit` found; returns what could not be removed (empty when all went). */
export async function applyGit(home: string, runId: string, c: GitCleanup): Promise<string[]> {
  const problems: string[] = [];
  if (c.worktrees.length === 0 && c.refs.length === 0) {
    removeEmptyFolder(home, runId);
    return problems;
  }
  const wg = await import('../run/worktree-git.js');
  for (const w of c.worktrees) {
    if (w.root !== undefined) {
      const r = await wg.removeWorktree(w.root, w.path);
      if (!r.ok) problems.push(`could not remove the worktree ${w.path}: ${r.reason}`);
      continue;
    }
    try {
      rmSync(w.path, { recursive: true, force: true });
    } catch (err) {
      problems.push(`could not remove ${w.path}: ${(err as Error).message}`);
    }
  }
  for (const { root, refs } of c.refs) {
    const r = await wg.deleteRefs(root, refs);
    if (!r.ok) problems.push(`could not delete its refs in ${root}: ${r.reason}`);
  }
  removeEmptyFolder(home, runId);
  return problems;
}

/** `<home>/worktrees/<run_id>`, once empty. */
function removeEmptyFolder(home: string, runId: string): void {
  try {
    rmdirSync(path.dirname(worktreePath(home, runId, 'x')));
  } catch {
    /* not there, or a folder in it could not go (said already) */
  }
}

