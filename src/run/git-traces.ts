import type { RunEvent } from './events.js';

/** A worktree a run recorded and did not record removing. */
export interface WorktreeTrace {
  path: string;
  task: string;
  /** Its state is in no commit: removing it would lose the task's work. */
  uncommitted: boolean;
}

/** What a run left in git, as its journal tells: where to look for its refs, its integration branch, its worktrees. */
export interface GitTraces {
  /** The repositories (top levels) in which it made refs: `rollback: git` snapshots, its integration and task branches. */
  repos: string[];
  /** `isolation: worktree`: its integration branch, the repository of its worktrees. */
  integration?: { root: string; branch: string; base: string };
  worktrees: WorktreeTrace[];
}

/**
 * The git traces of a run, from its journal's events alone (so that a damaged run's readable events count too).
 * A snapshot ref is made just before its `snapshot_taken` is written: a runner killed between the two leaves a
 * ref no journal names (it still sits under refs/aad/<run_id>/).
 */
export function gitTracesOf(events: readonly RunEvent[]): GitTraces {
  const repos = new Set<string>();
  let integration: GitTraces['integration'];
  const worktrees = new Map<string, WorktreeTrace & { removed: boolean }>();
  for (const e of events) {
    switch (e.event) {
      case 'snapshot_taken':
        repos.add(e.root);
        break;
      case 'integration_branch':
        repos.add(e.root);
        integration = { root: e.root, branch: e.branch, base: e.base };
        break;
      case 'worktree_created':
        worktrees.set(e.path, { path: e.path, task: e.task, uncommitted: false, removed: false });
        break;
      case 'worktree_kept': {
        const w = worktrees.get(e.path);
        if (w && e.uncommitted) w.uncommitted = true;
        break;
      }
      case 'worktree_removed': {
        const w = worktrees.get(e.path);
        if (w) w.removed = true;
        break;
      }
      default:
        break;
    }
  }
  return {
    repos: [...repos],
    ...(integration ? { integration } : {}),
    worktrees: [...worktrees.values()].filter((w) => !w.removed).map(({ path, task, uncommitted }) => ({ path, task, uncommitted })),
  };
}
