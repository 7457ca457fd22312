import { accessSync, constants, existsSync, realpathSync, rmSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { UsageError, refusedWrite } from '../errors.js';
import { restrictPlan } from '../plan/compile.js';
import { printOut } from '../report/print.js';
import { newRunId } from '../store/ids.js';
import { resolveHome, runPaths, type RunPaths } from '../store/paths.js';
import { selfOwner } from '../store/proc.js';
import { createRunDir, writeRunnerFile } from '../store/runs.js';
import { consoleMode, drive } from './drive.js';
import { effectiveParallel, parseMaxParallel, parseOnly } from './options.js';
import { loadPlanFile } from './plan-file.js';
import { graphText, historyOf } from './show-graph.js';

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
}

/** `aad run`: validate, select, create the run directory, drive the run; returns the exit code. */
export async function runPlan(a: RunArgs): Promise<number> {
  const mode = consoleMode(a);
  const maxParallelFlag = parseMaxParallel(a.maxParallel);
  const loaded = loadPlanFile(a.plan);
  const only = parseOnly(a.only, loaded.plan);
  const plan = only ? restrictPlan(loaded.plan, only) : loaded.plan;
  const maxParallel = effectiveParallel(maxParallelFlag, plan);
  if (a.dryRun) {
    printOut(graphText(plan, maxParallel, historyOf(a.plan, a.home)));
    return 0;
  }
  const planPath = realpathSync(resolve(a.plan));
  const workdir = resolve(a.workdir ?? dirname(planPath));
  try {
    if (!statSync(workdir).isDirectory()) throw new Error();
  } catch {
    throw new UsageError(`--workdir ${a.workdir}: no such directory`);
  }
  const home = resolveHome(a.home);
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
  return drive({
    plan,
    paths,
    workdir,
    maxParallel,
    mode,
    opening: [{ event: 'run_started', run_id: runId, plan: planPath, workdir, tasks: plan.tasks.map((t) => t.id), max_parallel: maxParallel, fail_fast: a.failFast, owner }],
  });
}

/** A run directory that could not be made (a full or read-only home): what was made of it goes, the error names what failed. */
function refusedRunDir(err: unknown, home: string, paths: RunPaths): unknown {
  const failed = (err as NodeJS.ErrnoException).path;
  const io = refusedWrite(err, failed === undefined ? paths.plan : undefined) ?? refusedFolder(failed ?? home);
  if (!io) return err;
  rmSync(paths.dir, { recursive: true, force: true });
  return io;
}

/**
 * Why a folder cannot be made, when it is its file system's doing: Node's recursive mkdir reports ENOENT
 * where the parent refused it (EROFS, EACCES), so the nearest existing parent is asked.
 */
function refusedFolder(dir: string) {
  let missing = dir;
  while (!existsSync(dirname(missing)) && dirname(missing) !== missing) missing = dirname(missing);
  try {
    accessSync(dirname(missing), constants.W_OK);
    return undefined;
  } catch (err) {
    return refusedWrite(err, missing);
  }
}
