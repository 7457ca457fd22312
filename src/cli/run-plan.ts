import { accessSync, constants, existsSync, realpathSync, rmSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { IoError, UsageError, refusedWrite } from '../errors.js';
import { restrictPlan } from '../plan/compile.js';
import { printOut } from '../report/print.js';
import { newRunId } from '../store/ids.js';
import { resolveHome, runPaths, type RunPaths } from '../store/paths.js';
import { selfOwner } from '../store/proc.js';
import { createRunDir, writeRunnerFile } from '../store/runs.js';
import { consoleMode, drive } from './drive.js';
import { effectiveParallel, parseForce, parseMaxParallel, parseOnly } from './options.js';
import { resolvePlanArg } from './plan-arg.js';
import { interpolateEnv, loadPlanFile } from './plan-file.js';
import { graphJson, graphText, historyOf, upToDateOf } from './show-graph.js';
import { workTreesOf } from './work-trees.js';
import { isolationOf, warnUncommitted } from './isolation.js';
import { connectWorkers } from './workers-option.js';

/** Options of `aad run`, as given on the command line. */
export interface RunArgs {
  plan: string;
  workdir?: string;
  only?: string;
  dryRun: boolean;
  maxParallel?: string;
  failFast: boolean;
  json?: boolean;
  quiet?: boolean;
  home?: string;
  /** `--approve ID,ID|all`: tasks approved ahead. */
  approve?: string;
  /** `--force [ID,ID|all]`: tasks run even when up to date. */
  force?: string;
  /** `--redis URL` / `--queue NAME`: the tasks run on workers. */
  redis?: string;
  queue?: string;
  /** Told the run's id once its run directory exists (`aad orchestrate` reads the run's end from it). */
  onStart?: (runId: string) => void;
}

/** `aad run`: validate, select, create the run directory, drive the run; returns the exit code. */
export async function runPlan(args: RunArgs): Promise<number> {
  const a = { ...args, ...resolvePlanArg(args.plan, args.only) };
  const mode = consoleMode(a);
  const maxParallelFlag = parseMaxParallel(a.maxParallel);
  const loaded = loadPlanFile(a.plan);
  const only = parseOnly(a.only, loaded.plan);
  const selected = only ? restrictPlan(loaded.plan, only) : loaded.plan;
  const maxParallel = effectiveParallel(maxParallelFlag, selected);
  const approvals = a.approve === undefined ? [] : (await import('./approve-run.js')).preApprovals(a.approve, selected);
  const force = parseForce(a.force, selected);
  if (a.dryRun) {
    const upToDate = await upToDateOf(loaded, selected, { home: a.home, workdir: a.workdir, force });
    printOut((a.json ? graphJson : graphText)(selected, maxParallel, historyOf(a.plan, a.home), upToDate));
    return 0;
  }
  const plan = interpolateEnv(loaded, selected, process.env);
  const planPath = realpathSync(resolve(a.plan));
  const workdir = resolve(a.workdir ?? dirname(planPath));
  let isDir: boolean;
  try {
    isDir = statSync(workdir).isDirectory();
  } catch {
    throw new UsageError(`--workdir ${a.workdir}: no such directory`);
  }
  if (!isDir) throw new UsageError(`--workdir ${a.workdir}: not a directory (give the folder where the tasks run)`);
  const { holds } = await workTreesOf(plan, workdir);
  const home = resolveHome(a.home);
  const isolation = await isolationOf(plan, workdir, home);
  // Redis is reached (or the run refused, exit 2) before the run directory is made.
  const workers = await connectWorkers(a);
  try {
    if (isolation) await warnUncommitted(isolation);
    const now = new Date();
    let runId = newRunId(now);
    let paths;
    for (let i = 0; ; i++) {
      try {
        paths = createRunDir(home, runId, loaded.text);
        break;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST' || i > 5) throw refusedRunDir(err, home, runPaths(home, runId));
        runId = newRunId(now);
      }
    }
    const owner = selfOwner();
    writeRunnerFile(paths, owner, now.toISOString());
    const shown = workers && { redis: workers.target.shown, queue: workers.queue };
    a.onStart?.(runId);
    return await drive({
      plan,
      paths,
      workdir,
      maxParallel,
      mode,
      holds,
      isolation,
      workers,
      opening: [
        { event: 'run_started', run_id: runId, plan: planPath, workdir, tasks: plan.tasks.map((t) => t.id), max_parallel: maxParallel, fail_fast: a.failFast, owner, ...(force ? { force } : {}), ...(shown ? { workers: shown } : {}) },
        // The base is recorded before the integration branch is made at it (Runner.run, run/worktree).
        ...(isolation ? [{ event: 'integration_branch' as const, root: isolation.repo.root, branch: `aad/${runId}`, base: isolation.repo.head }] : []),
        ...approvals,
      ],
    });
  } finally {
    // drive closes it; this is for a run refused before it started.
    await workers?.close();
  }
}

/** A run directory that could not be made (a full or read-only home): what was made of it goes, the error names what failed. */
function refusedRunDir(err: unknown, home: string, paths: RunPaths): unknown {
  const failed = (err as NodeJS.ErrnoException).path;
  const io = refusedWrite(err, failed === undefined ? paths.plan : undefined) ?? refusedFolder(failed ?? home);
  if (!io) return err;
  try {
    rmSync(paths.dir, { recursive: true, force: true });
  } catch {
    /* a file where a folder of the home should be: nothing of the run was made */
  }
  return io;
}

/**
 * Why a folder cannot be made, when it is its file system's doing: Node's recursive mkdir reports ENOENT
 * where the parent refused it (EROFS, EACCES), so the nearest existing parent is asked.
 */
function refusedFolder(dir: string) {
  // A file where a folder should be (`--home` naming a file): mkdir says EEXIST or ENOTDIR.
  let existing = dir;
  while (!existsSync(existing) && dirname(existing) !== existing) existing = dirname(existing);
  if (existsSync(existing) && !statSync(existing).isDirectory()) return new IoError(existing, 'ENOTDIR', 'not a directory');
  let missing = dir;
  while (!existsSync(dirname(missing)) && dirname(missing) !== missing) missing = dirname(missing);
  try {
    accessSync(dirname(missing), constants.W_OK);
    return undefined;
  } catch (err) {
    return refusedWrite(err, missing);
  }
}
