import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { DamagedRunError, NotFoundError } from '../errors.js';
import type { Owner, RunEvent, RunStateName } from '../run/events.js';
import { reduce, type RunState } from '../run/reduce.js';
import { writeFileAtomic } from './files.js';
import { readJournal, type JournalRead } from './journal.js';
import { isRunId } from './ids.js';
import { homeGitignore, runPaths, runsDir, type RunPaths } from './paths.js';
import { isOwnerAlive, isSameProcessAlive } from './proc.js';

/** Creates a run's directory with its plan copy; fails if the id is taken. A home it creates gets its `.gitignore`. */
export function createRunDir(home: string, runId: string, planText: string): RunPaths {
  const paths = runPaths(home, runId);
  if (mkdirSync(home, { recursive: true }) !== undefined) markHome(home);
  mkdirSync(runsDir(home), { recursive: true });
  mkdirSync(paths.dir); // throws EEXIST rather than share a directory with another run
  mkdirSync(paths.logsDir);
  mkdirSync(paths.escalationsDir);
  writeFileSync(paths.plan, planText);
  return paths;
}

/** Writes `<home>/.gitignore` (`*`), so that a run history never lands in a commit; never replaces one. */
function markHome(home: string): void {
  try {
    writeFileSync(homeGitignore(home), '*\n', { flag: 'wx' });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
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
  /** Event kinds of its journal this aad does not know (a newer aad wrote them), with how many lines were skipped. */
  unknownEvents: Map<string, number>;
  state: RunState;
  /** `interrupted` when the journal says running but its runner is gone. */
  live: RunStateName;
}

/** Reads and folds a run's journal; a DamagedRunError when it cannot be read as a run. */
export function loadRun(home: string, runId: string): LoadedRun {
  const paths = runPaths(home, runId);
  let read: JournalRead;
  try {
    read = readJournal(paths.events);
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (e.code === 'ENOENT' && isStarting(paths)) throw new NotFoundError(`run ${runId} is starting: it has no journal yet`);
    throw new DamagedRunError(runId, e.code === 'ENOENT' ? 'events.jsonl is missing' : `cannot read events.jsonl: ${e.message}`, { cause: err });
  }
  const state = foldJournal(runId, read);
  if (!state) {
    if (isStarting(paths)) throw new NotFoundError(`run ${runId} is starting: its journal has no events yet`);
    throw new DamagedRunError(runId, 'events.jsonl has no run_started event');
  }
  return { runId, paths, events: read.events, unknownEvents: read.unknown, state, live: liveState(state) };
}

/** Folds a journal; an event of a known kind whose shape the reducer cannot take (a hand-edited line) makes the run damaged. */
function foldJournal(runId: string, read: JournalRead): RunState | undefined {
  let state: RunState | undefined;
  read.events.forEach((e, i) => {
    try {
      state = reduce(state, e);
      // The owner a run_started or run_claimed recorded is read later to judge its liveness.
      if ((e.event === 'run_started' || e.event === 'run_claimed') && typeof state?.owner?.pid !== 'number') throw new Error('it names no owner pid');
    } catch (err) {
      throw new DamagedRunError(runId, `events.jsonl line ${read.lines[i]}: a ${e.event} event aad cannot read (${(err as Error).message})`, { cause: err });
    }
  });
  return state;
}

/** A run directory that cannot be read as a run, and what is wrong with it. */
export interface DamagedRun {
  runId: string;
  damaged: string;
}

/** Every run of a home, newest first, each read or found damaged; a run being created this instant is left out. */
export function scanRuns(home: string): (LoadedRun | DamagedRun)[] {
  const out: (LoadedRun | DamagedRun)[] = [];
  for (const runId of listRunIds(home).reverse()) {
    try {
      out.push(loadRun(home, runId));
    } catch (err) {
      if (err instanceof DamagedRunError && !isStarting(runPaths(home, runId))) out.push({ runId, damaged: err.what });
      else if (!(err instanceof NotFoundError || err instanceof DamagedRunError)) throw err;
    }
  }
  return out;
}

/** Whether a run without a run_started event is still being created: its runner.json names a live process of this host. */
function isStarting(paths: RunPaths): boolean {
  try {
    const r = JSON.parse(readFileSync(paths.runner, 'utf8')) as { pid?: unknown; hostname?: unknown; proc_start?: string; boot_id?: string };
    return typeof r.pid === 'number' && r.hostname === hostname() && isSameProcessAlive(r.pid, r.proc_start, r.boot_id);
  } catch {
    return false;
  }
}

/** The run's state, `interrupted` when it says running but its runner process is gone. */
export function liveState(state: RunState): RunStateName {
  if (state.state !== 'running') return state.state;
  return isOwnerAlive(state.owner) ? 'running' : 'interrupted';
}
