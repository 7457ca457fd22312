import { readdirSync, rmdirSync } from 'node:fs';
import path from 'node:path';
import { RunStateError } from '../errors.js';
import { printOut } from '../report/print.js';
import type { RunEventBody } from '../run/events.js';
import { Journal } from '../store/journal.js';
import { resolveHome, worktreePath } from '../store/paths.js';
import { loadRun, resolveRunId, scanRuns, type LoadedRun } from '../store/runs.js';
import { warnUnknownEvents } from './unknown-events.js';

/** Options of `aad clean`. */
export interface CleanArgs {
  runId?: string;
  all: boolean;
  branches: boolean;
  home?: string;
}

/**
 * `aad clean`: removes the worktrees a finished (or interrupted) run kept for its isolated tasks, and what a
 * dead runner left half made under `<home>/worktrees/<run_id>/`; with --branches, the run's task branches,
 * its refs under refs/aad/<run_id>/, and its integration branch once a branch of yours holds it (or it holds
 * nothing). A running run is refused. Each removal is journaled (`worktree_removed`), so `status` stays true.
 */
export async function cleanRun(a: CleanArgs): Promise<number> {
  const home = resolveHome(a.home);
  if (a.all && a.runId) throw new RunStateError('give a run id or --all, not both');
  const runs: LoadedRun[] = [];
  if (a.all) {
    for (const r of scanRuns(home)) if (!('damaged' in r) && r.state.integration) runs.push(r);
  } else {
    runs.push(loadRun(home, resolveRunId(home, a.runId)));
  }
  warnUnknownEvents(runs);
  let failed = false;
  for (const run of runs) {
    if (run.live === 'running') {
      const why = `run ${run.runId} is running (pid ${run.state.owner.pid} on ${run.state.owner.hostname}): its worktrees are in use; cancel it first or wait`;
      if (!a.all) throw new RunStateError(why);
      printOut(`skipped: ${why}`);
      continue;
    }
    if (!run.state.integration) {
      printOut(`run ${run.runId} isolated no task in a worktree: nothing to clean`);
      continue;
    }
    if (!(await cleanOne(home, run, a.branches))) failed = true;
  }
  if (a.all && runs.length === 0) printOut('no run of this home isolated a task in a worktree: nothing to clean');
  return failed ? 1 : 0;
}

/** Cleans one run; false when something could not be removed (said in its lines). */
async function cleanOne(home: string, run: LoadedRun, branches: boolean): Promise<boolean> {
  const wg = await import('../run/worktree-git.js');
  const { root, branch, base } = run.state.integration!;
  const runId = run.runId;
  const done: RunEventBody[] = [];
  const lines: string[] = [];
  let problems = 0;
  // Worktrees the journal knows, then any folder a dead runner left that it did not record.
  const known = new Set<string>();
  for (const id of run.state.order) {
    const wt = run.state.tasks.get(id)?.worktree;
    if (!wt) continue;
    known.add(wt.path);
    if (wt.removed) continue;
    if (wt.uncommitted) {
      // Its state is in no commit: removing it would lose the task's work.
      problems++;
      lines.push(`kept worktree ${wt.path}: its state could not be committed (${id}), so removing it would lose it; save what you need, then delete the folder`);
      continue;
    }
    const r = await wg.removeWorktree(root, wt.path);
    if (r.ok) {
      done.push({ event: 'worktree_removed', task: id, path: wt.path });
      lines.push(`removed worktree ${wt.path}`);
    } else {
      problems++;
      lines.push(`could not remove worktree ${wt.path}: ${r.reason}`);
    }
  }
  for (const p of strayWorktrees(home, runId, known)) {
    const r = await wg.removeWorktree(root, p);
    lines.push(r.ok ? `removed ${p} (not recorded: left half made)` : `could not remove ${p}: ${r.reason}`);
    if (!r.ok) problems++;
  }
  try {
    rmdirSync(path.dirname(worktreePath(home, runId, 'x')));
  } catch {
    /* not empty (a worktree could not go) or already gone */
  }
  if (branches) {
    const refs = await wg.runRefs(root, runId);
    if (!refs.ok) {
      problems++;
      lines.push(`could not list the run's branches: ${refs.reason}`);
    } else {
      const drop = refs.refs.filter((r) => r !== wg.headRef(branch));
      if (refs.refs.includes(wg.headRef(branch))) {
        const held = await wg.heldElsewhere(root, branch, base);
        if (!held.ok) {
          problems++;
          lines.push(`kept ${branch}: ${held.reason}`);
        } else if (held.held) drop.push(wg.headRef(branch));
        else lines.push(`kept ${branch}: none of your branches holds its work yet (merge it, or delete it with \`git branch -D ${branch}\`)`);
      }
      const del = await wg.deleteRefs(root, drop);
      if (!del.ok) {
        problems++;
        lines.push(`could not delete the run's branches: ${del.reason}`);
      } else if (drop.length > 0) lines.push(`deleted ${drop.length} ref${drop.length === 1 ? '' : 's'}: ${drop.map((r) => r.replace(/^refs\/heads\//, '')).join(', ')}`);
    }
  }
  if (done.length > 0) {
    const journal = new Journal(run.paths.events);
    try {
      for (const b of done) journal.append(b);
      journal.sync();
    } finally {
      journal.close();
    }
  }
  printOut(`run ${runId}: ${lines.length === 0 ? 'nothing to clean' : ''}`.trimEnd());
  for (const l of lines) printOut(`  ${l}`);
  return problems === 0;
}

/** Folders under `<home>/worktrees/<run_id>/` that no journal event names (a dead runner left them half made). */
export function strayWorktrees(home: string, runId: string, known: ReadonlySet<string>): string[] {
  const folder = path.dirname(worktreePath(home, runId, 'x'));
  try {
    return readdirSync(folder).map((n) => path.join(folder, n)).filter((p) => !known.has(p));
  } catch {
    return []; // no folder: nothing left
  }
}
