import { realpathSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { UsageError } from '../errors.js';
import { restrictPlan } from '../plan/compile.js';
import { printOut } from '../report/print.js';
import { newRunId } from '../store/ids.js';
import { resolveHome } from '../store/paths.js';
import { selfOwner } from '../store/proc.js';
import { createRunDir, writeRunnerFile } from '../store/runs.js';
import { consoleMode, drive } from './drive.js';
import { effectiveParallel, parseMaxParallel, parseOnly } from './options.js';
import { loadPlanFile } from './plan-file.js';
import { graphJson, graphText, historyOf } from './show-graph.js';

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
    printOut((a.json ? graphJson : graphText)(plan, maxParallel, historyOf(a.plan, a.home)));
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
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST' || i > 5) throw err;
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
