import { readdirSync, statSync } from 'node:fs';
import { printOut } from '../report/print.js';
import { pruneReport, type PruneJson, type PrunedRunJson } from '../report/prune.js';
import { colorEnabled, painter } from '../report/style.js';
import { resolveHome, runPaths, runsDir } from '../store/paths.js';
import { scanRuns, type DamagedRun, type LoadedRun } from '../store/runs.js';
import { byAge, judgeByPolicy, parsePolicy } from './prune-policy.js';
import { busyReason, pruneRun, unfinishedPrunes } from './prune-run.js';
import { warnUnknownEvents } from './unknown-events.js';

/** Options of `aad prune`, as given on the command line. */
export interface PruneArgs {
  olderThan?: string;
  keep?: string;
  home?: string;
  dryRun: boolean;
  json: boolean;
}

/** A folder a prune moved aside is finished by the next prune only after this long (one may still be at work on it). */
const UNFINISHED_AFTER_MS = 10 * 60_000;

/**
 * `aad prune`: deletes the runs of the home that the policy lets go (older than `--older-than`, not among the
 * `--keep` newest; with both, only runs both let go), never a running one, with the worktrees, branches and
 * refs/aad/<run_id>/ refs they made. Returns 0, or 1 when something could not be deleted.
 */
export async function pruneRuns(a: PruneArgs): Promise<number> {
  const policy = parsePolicy(a.olderThan, a.keep);
  const home = resolveHome(a.home);
  const nowMs = Date.now();
  const report: PruneJson = { dry_run: a.dryRun, pruned: [], kept: [], errors: [] };

  let entries: string[] = [];
  try {
    entries = readdirSync(runsDir(home));
  } catch {
    /* no runs folder: no runs */
  }
  if (!a.dryRun) {
    for (const u of unfinishedPrunes(home, entries, nowMs, UNFINISHED_AFTER_MS)) {
      // pruneRun judges it again, and puts it back as a run if it must stay.
      const r = await pruneRun(home, u.runId, u.dir, false);
      record(report, u.runId, { state: 'unknown', started_at: null, finished: true }, r);
    }
  }

  const runs = scanRuns(home);
  warnUnknownEvents(runs.filter((r): r is LoadedRun => !('damaged' in r)));
  const candidates = runs.map((r) => ({ runId: r.runId, startedMs: startedMsOf(home, r) }));
  const verdicts = judgeByPolicy(candidates, policy, nowMs);
  const byId = new Map(runs.map((r) => [r.runId, r]));
  // Oldest first: the order they were made in.
  for (const run of [...candidates].sort(byAge).map((c) => byId.get(c.runId)!)) {
    const verdict = verdicts.get(run.runId)!;
    const state = 'damaged' in run ? 'damaged' : run.live;
    const info = { state, started_at: 'damaged' in run ? null : run.state.startedAt, ...('damaged' in run ? { damaged: run.damaged } : {}) };
    if (verdict !== 'prune') {
      const reason = verdict === 'recent' ? `started less than ${a.olderThan} ago` : policy.keep === 1 ? 'the newest run' : `one of the ${policy.keep} newest runs`;
      report.kept.push({ run_id: run.runId, state, reason, rule: verdict === 'recent' ? 'older-than' : 'keep' });
      continue;
    }
    const dir = runPaths(home, run.runId).dir;
    // Judged before anything is touched (moving a live run's folder would break it), and again once it is moved.
    const busy = busyReason(dir, run.runId);
    const r = busy ? ({ pruned: false, kept: busy } as const) : await pruneRun(home, run.runId, dir, a.dryRun);
    record(report, run.runId, info, r);
  }

  if (a.json) printOut(JSON.stringify(report, null, 2));
  else printOut(pruneReport(report, home, runs.length, painter(colorEnabled(process.stdout))));
  return report.errors.length > 0 ? 1 : 0;
}

/** When a run started, for its age: its run_started event; for a damaged run (or a garbled time), when its folder or journal last changed. */
function startedMsOf(home: string, run: LoadedRun | DamagedRun): number {
  if (!('damaged' in run)) {
    const t = Date.parse(run.state.startedAt);
    if (Number.isFinite(t)) return t;
  }
  const paths = runPaths(home, run.runId);
  let ms = 0;
  for (const p of [paths.dir, paths.events]) {
    try {
      ms = Math.max(ms, statSync(p).mtimeMs);
    } catch {
      /* not there */
    }
  }
  return ms;
}

type Outcome = Awaited<ReturnType<typeof pruneRun>>;

function record(report: PruneJson, runId: string, info: Omit<PrunedRunJson, 'run_id' | 'worktrees' | 'refs' | 'kept_refs' | 'notes'>, r: Outcome): void {
  if (r.pruned) {
    const c = r.cleanup;
    report.pruned.push({
      run_id: runId,
      ...info,
      worktrees: c.worktrees.map((w) => w.path),
      refs: c.refs.map((x) => ({ repository: x.root, refs: x.refs })),
      kept_refs: c.keptRefs.map((k) => ({ repository: k.root, ref: k.ref, why: k.why })),
      notes: c.notes,
    });
  } else if ('kept' in r) report.kept.push({ run_id: runId, state: info.state, reason: r.kept, rule: null });
  else report.errors.push({ run_id: runId, error: r.error });
}
