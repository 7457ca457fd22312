import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { NotFoundError } from '../errors.js';
import type { Owner, RunEvent, RunStateName } from '../run/events.js';
import { reduceAll, type RunState } from '../run/reduce.js';
import { writeFileAtomic } from './files.js';
import { readEvents } from './journal.js';
import { isRunId } from './ids.js';
import { runPaths, runsDir, type RunPaths } from './paths.js';
import { isOwnerAlive } from './proc.js';

/** Creates a run's directory with its plan copy; fails if the id is taken. */
export function createRunDir(home: string, runId: string, planText: string): RunPaths {
  const paths = runPaths(home, runId);
  mkdirSync(runsDir(home), { recursive: true });
  mkdirSync(paths.dir); // throws EEXIST rather than share a directory with another run
  mkdirSync(paths.logsDir);
  mkdirSync(paths.escalationsDir);
  writeFileSync(paths.plan, planText);
  return paths;
}

/** Records who drives the run now (runner.json). */
export function writeRunnerFile(paths: RunPaths, owner: Owner, startedAt: string): void {
  writeFileAtomic(paths.runner, JSON.stringify({ pid: owner.pid, hostname: owner.hostname, started_at: startedAt, proc_start: owner.proc_start, boot_id: owner.boot_id }, null, 2) + '\n');
}

/** Run ids in a home, oldest first. */
export function listRunIds(home: string): string[] {
  try {
    return readdirSync(runsDir(home)).filter(isRunId).sort();
  } catch {
    return [];
  }
}

/** The run id asked for, or the latest one; a NotFoundError that lists what exists otherwise. */
export function resolveRunId(home: string, arg: string | undefined): string {
  const ids = listRunIds(home);
  if (arg === undefined || arg === '') {
    // The newest run with a journal: a run directory being created this instant has none yet.
    const last = [...ids].reverse().find((id) => existsSync(runPaths(home, id).events)) ?? ids[ids.length - 1];
    if (!last) throw new NotFoundError(`no runs in ${runsDir(home)} (start one with \`aad run\`, or pass --home)`);
    return last;
  }
  if (!ids.includes(arg)) {
    const list = ids.slice(-10).reverse().join(', ');
    throw new NotFoundError(`unknown run id "${arg}" in ${runsDir(home)}${ids.length ? `; recent runs: ${list}` : ': it has no runs'}`);
  }
  return arg;
}

/** A run read from its journal, with its runner's liveness judged. */
export interface LoadedRun {
  runId: string;
  paths: RunPaths;
  events: RunEvent[];
  state: RunState;
  /** `interrupted` when the journal says running but its runner is gone. */
  live: RunStateName;
}

/** Reads and folds a run's journal. */
export function loadRun(home: string, runId: string): LoadedRun {
  const paths = runPaths(home, runId);
  if (!existsSync(paths.events)) throw new NotFoundError(`run ${runId} has no journal (${paths.events})`);
  const events = readEvents(paths.events);
  const state = reduceAll(events);
  if (!state) throw new NotFoundError(`run ${runId}: its journal holds no run_started event`);
  return { runId, paths, events, state, live: liveState(state) };
}

/** The run's state, `interrupted` when it says running but its runner process is gone. */
export function liveState(state: RunState): RunStateName {
  if (state.state !== 'running') return state.state;
  return isOwnerAlive(state.owner) ? 'running' : 'interrupted';
}
