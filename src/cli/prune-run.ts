// Deleting one run for `aad prune`, so that a run that is (or becomes) live is never deleted: the run
// directory is first renamed to runs/.pruning-<run_id> (from then on no `resume`, `cancel` or `status` can
// find it by its id), its runner is judged again from that folder, and only then do its worktrees, refs
// and folder go. Anything that stands in the way puts the folder back where it was.
import { existsSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { countLeftovers } from '../run/reap.js';
import { gitTracesOf } from '../run/git-traces.js';
import type { RunEvent } from '../run/events.js';
import { reduceAll, type RunState } from '../run/reduce.js';
import { readEvents } from '../store/journal.js';
import { runsDir } from '../store/paths.js';
import { isOwnerAlive } from '../store/proc.js';
import { liveState } from '../store/runs.js';
import { applyGit, inspectGit, type GitCleanup } from './prune-git.js';

/** How the prune of one run went. */
export type PruneOutcome =
  /** Deleted (or, in a dry run, would be): with what it left in git. */
  | { pruned: true; cleanup: GitCleanup }
  /** Left in place on purpose: it is running, its processes live on, or removing it would lose work. */
  | { pruned: false; kept: string }
  /** Left in place because something failed (the prune exits 1). */
  | { pruned: false; error: string };

/** The folder a run is renamed to while it is deleted; `aad runs` and run ids never see it. */
export function pruningDir(home: string, runId: string): string {
  return path.join(runsDir(home), `.pruning-${runId}`);
}

/** A run's journal events and state as its folder `dir` holds them now (none when unreadable). */
function readRun(dir: string): { events: RunEvent[]; state: RunState | undefined } {
  let events: RunEvent[] = [];
  try {
    events = readEvents(path.join(dir, 'events.jsonl'));
  } catch {
    return { events, state: undefined };
  }
  try {
    return { events, state: reduceAll(events) };
  } catch {
    return { events, state: undefined };
  }
}

/** Why the run in `dir` must not be deleted now (its runner lives, or its task processes do), or undefined. */
export function busyReason(dir: string, runId: string): string | undefined {
  const { state } = readRun(dir);
  if (state) {
    const live = liveState(state);
    if (live === 'running') return `running (pid ${state.owner.pid} on ${state.owner.hostname})`;
    if (live === 'interrupted') {
      const n = countLeftovers(state);
      if (n > 0) return `interrupted, and ${n} of its task processes ${n === 1 ? 'is' : 'are'} still alive (\`aad cancel ${runId}\` stops them)`;
    }
    return undefined;
  }
  // A journal aad cannot fold: its runner.json, if any, says whether someone still drives it.
  try {
    const r = JSON.parse(readFileSync(path.join(dir, 'runner.json'), 'utf8')) as { pid?: unknown; hostname?: unknown; proc_start?: string; boot_id?: string };
    if (typeof r.pid === 'number' && typeof r.hostname === 'string' && isOwnerAlive({ pid: r.pid, hostname: r.hostname, proc_start: r.proc_start, boot_id: r.boot_id })) {
      return `its runner.json names a live process (pid ${r.pid} on ${r.hostname})`;
    }
  } catch {
    /* no runner.json: nobody drives it */
  }
  return undefined;
}

/**
 * Prunes the run whose folder is `dir` (its runs/<run_id>, or the .pruning- folder a stopped prune left);
 * with `dryRun`, only finds out what would go. The caller has already found it not busy.
 */
export async function pruneRun(home: string, runId: string, dir: string, dryRun: boolean): Promise<PruneOutcome> {
  const original = path.join(runsDir(home), runId);
  const pending = pruningDir(home, runId);
  let at = dir;
  if (!dryRun && dir !== pending) {
    try {
      renameSync(dir, pending);
    } catch (err) {
      return { pruned: false, error: `cannot move ${dir} aside to delete it: ${(err as Error).message}` };
    }
    at = pending;
  }
  // Puts the folder back as a run (a stopped prune's folder too: what stands in its way is for people to see).
  const back = (): string => {
    if (dryRun || existsSync(original)) return '';
    try {
      renameSync(at, original);
      return '';
    } catch (err) {
      return `; and it could not be put back from ${at}: ${(err as Error).message}`;
    }
  };
  const busy = busyReason(at, runId);
  if (busy) return { pruned: false, kept: `${busy}${back()}` };
  const cleanup = await inspectGit(home, runId, gitTracesOf(readRun(at).events));
  if (cleanup.errors.length > 0) return { pruned: false, error: `${cleanup.errors.join('; ')}${back()}` };
  if (cleanup.blockers.length > 0) return { pruned: false, kept: `${cleanup.blockers.join('; ')}${back()}` };
  if (dryRun) return { pruned: true, cleanup };
  const problems = await applyGit(home, runId, cleanup);
  if (problems.length > 0) return { pruned: false, error: `${problems.join('; ')}${back()}` };
  try {
    rmSync(at, { recursive: true, force: true, maxRetries: 2 });
  } catch (err) {
    return { pruned: false, error: `could not delete ${at}: ${(err as Error).message} (the next prune finishes it)` };
  }
  return { pruned: true, cleanup };
}

/** Folders a prune moved aside and did not finish (it was stopped), older than `minAgeMs`: another prune may be at work on newer ones. */
export function unfinishedPrunes(home: string, entries: readonly string[], nowMs: number, minAgeMs: number): { runId: string; dir: string }[] {
  const out: { runId: string; dir: string }[] = [];
  for (const name of entries) {
    if (!name.startsWith('.pruning-')) continue;
    const dir = path.join(runsDir(home), name);
    try {
      // The rename that made it set its ctime.
      if (nowMs - statSync(dir).ctimeMs < minAgeMs) continue;
    } catch {
      continue;
    }
    out.push({ runId: name.slice('.pruning-'.length), dir });
  }
  return out;
}
