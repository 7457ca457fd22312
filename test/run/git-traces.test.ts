// What a run left in git, read from its journal events alone.
import { describe, expect, it } from 'vitest';
import type { RunEvent, RunEventBody } from '../../src/run/events.js';
import { gitTracesOf } from '../../src/run/git-traces.js';

const ev = (b: RunEventBody): RunEvent => ({ v: 1, ts: '2026-01-01T00:00:00.000Z', ...b }) as RunEvent;

describe('gitTracesOf', () => {
  it('a run without git: nothing', () => {
    expect(gitTracesOf([ev({ event: 'task_started', task: 'a', attempt: 1 })])).toEqual({ repos: [], worktrees: [] });
  });

  it('collects the repositories of snapshots and of the integration branch, once each', () => {
    const t = gitTracesOf([
      ev({ event: 'integration_branch', root: '/r1', branch: 'aad/R', base: 'b0' }),
      ev({ event: 'snapshot_taken', task: 's', attempt: 1, root: '/r2', scope: '', commit: 'c1', ref: 'refs/aad/R/s/before' }),
      ev({ event: 'snapshot_taken', task: 't', attempt: 1, root: '/r1', scope: 'sub', commit: 'c2', ref: 'refs/aad/R/t/before' }),
    ]);
    expect(t).toEqual({ repos: ['/r1', '/r2'], integration: { root: '/r1', branch: 'aad/R', base: 'b0' }, worktrees: [] });
  });

  it('keeps the worktrees not removed, marking those whose state no commit holds; a worktree made again counts afresh', () => {
    const t = gitTracesOf([
      ev({ event: 'worktree_created', task: 'a', attempt: 1, path: '/h/worktrees/R/a', branch: 'aad/tasks/R/a', base: 'b0' }),
      ev({ event: 'worktree_created', task: 'b', attempt: 1, path: '/h/worktrees/R/b', branch: 'aad/tasks/R/b', base: 'b0' }),
      ev({ event: 'worktree_created', task: 'c', attempt: 1, path: '/h/worktrees/R/c', branch: 'aad/tasks/R/c', base: 'b0' }),
      ev({ event: 'worktree_removed', task: 'a', path: '/h/worktrees/R/a' }),
      ev({ event: 'worktree_kept', task: 'b', path: '/h/worktrees/R/b', commit: null, uncommitted: true }),
      ev({ event: 'worktree_kept', task: 'c', path: '/h/worktrees/R/c', commit: 'k1' }),
      ev({ event: 'worktree_removed', task: 'c', path: '/h/worktrees/R/c' }),
      ev({ event: 'worktree_created', task: 'c', attempt: 2, path: '/h/worktrees/R/c', branch: 'aad/tasks/R/c', base: 'b0' }),
    ]);
    expect(t.worktrees).toEqual([
      { path: '/h/worktrees/R/b', task: 'b', uncommitted: true },
      { path: '/h/worktrees/R/c', task: 'c', uncommitted: false },
    ]);
  });
});
