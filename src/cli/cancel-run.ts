import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { loadPlanText } from './plan-file.js';
import { NotFoundError, RunStateError } from '../errors.js';
import { printErr, printOut } from '../report/print.js';
import { connectWorkers, leftoverJobs, recordedWorkers, type WorkersArgs } from './workers-option.js';
import type { RunEventBody } from '../run/events.js';
import { reapLeftovers } from '../run/reap.js';
import { countStates, reduce, reduceAll } from '../run/reduce.js';
import { Journal, readEvents } from '../store/journal.js';
import { resolveHome, runsDir } from '../store/paths.js';
import { isOwnerAlive, selfOwner } from '../store/proc.js';
import { loadRun, resolveRunId, scanRuns } from '../store/runs.js';
import { warnUnknownEvents } from './unknown-events.js';

const SETTLE_MS = 10_000;

/** `aad cancel`: signal the live runner and wait for the run to stop, or close a run whose runner is dead. */
export async function cancelRun(runIdArg: string | undefined, homeArg: string | undefined, workers: WorkersArgs = {}): Promise<number> {
  const home = resolveHome(homeArg);
  const runId = runIdArg === undefined || runIdArg === '' ? newestRunning(home) : resolveRunId(home, runIdArg);
  const run = loadRun(home, runId);
  warnUnknownEvents([run]);
  const owner = run.state.owner;
  if (run.live === 'interrupted') return closeDeadRun(home, runId, workers);
  if (run.live !== 'running') throw new RunStateError(`run ${runId} is not running (it ${run.live === 'succeeded' ? 'succeeded' : `is ${run.live}`})`);
  if (owner.hostname !== hostname()) throw new RunStateError(`run ${runId} is driven from host ${owner.hostname} (pid ${owner.pid}): cancel it there`);
  // The owner's identity (pid + start time) was checked by loadRun's liveness test, so the signal reaches the runner.
  try {
    process.kill(owner.pid, 'SIGTERM');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw new RunStateError(`cannot signal the runner of run ${runId} (pid ${owner.pid}): ${(err as Error).message}`, { cause: err });
    return closeDeadRun(home, runId, workers);
  }
  const graceMs = Math.max(5_000, ...graceOf(run.paths.plan));
  const deadline = Date.now() + graceMs + SETTLE_MS;
  while (Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 100));
    const now = loadRun(home, runId);
    if (now.live !== 'running') {
      printOut(`run ${runId} ${now.live === 'cancelled' ? 'cancelled' : `stopped (${now.live})`}`);
      return 0;
    }
  }
  printOut(`aad: run ${runId} did not stop within ${Math.round((graceMs + SETTLE_MS) / 1000)}s of the cancel`);
  return 1;
}

/** The newest run of the home that is running; a RunStateError that lists the runs (id and state) when none is. */
function newestRunning(home: string): string {
  const runs = scanRuns(home);
  const running = runs.find((r) => !('damaged' in r) && r.live === 'running');
  if (running) return running.runId;
  if (runs.length === 0) throw new NotFoundError(`no runs in ${runsDir(home)}: nothing to cancel`);
  const shown = runs.slice(0, 10).map((r) => `${r.runId} (${'damaged' in r ? 'damaged' : r.live})`);
  throw new RunStateError(`no run is running in ${runsDir(home)}: nothing to cancel; runs: ${shown.join(', ')}${runs.length > 10 ? ', …' : ''}`);
}

/** The kill grace of each task of the run, from its plan copy (the runner waits that long before SIGKILL). */
function graceOf(planPath: string): number[] {
  try {
    return loadPlanText(readFileSync(planPath, 'utf8'), planPath).plan.tasks.map((t) => t.killGraceMs);
  } catch {
    return [];
  }
}

/** A run whose runner died: claim it, stop its leftovers, and record every unfinished task cancelled. */
async function closeDeadRun(home: string, runId: string, workersArgs: WorkersArgs): Promise<number> {
  const run = loadRun(home, runId);
  // Judged again on this read, which is the claim's base: since the first look the runner may have finished
  // the run (and exited), or a resume may have claimed it; a claim on top of that would steal a live run.
  if (run.live === 'running') throw new RunStateError(`run ${runId} was resumed meanwhile (pid ${run.state.owner.pid} on ${run.state.owner.hostname}): cancel it again`);
  if (run.live !== 'interrupted') {
    printOut(`run ${runId} stopped (${run.live})`);
    return 0;
  }
  // Its attempts on workers: their workers stop them when told through their Redis (--redis, AAD_REDIS_URL).
  const recorded = recordedWorkers(run.events);
  const onWorkers = leftoverJobs(run.state, recorded);
  const workers = onWorkers.length > 0 ? await connectWorkers(workersArgs, recorded?.queue) : undefined;
  const me = selfOwner();
  const journal = new Journal(run.paths.events);
  try {
    journal.append({ event: 'run_claimed', purpose: 'cancel', base: run.events.length, owner: me });
    journal.sync();
    const now = reduceAll(readEvents(run.paths.events))!;
    if (now.owner.pid !== me.pid || now.claimIndex < run.events.length || isOwnerAlive(run.state.owner)) {
      throw new RunStateError(`run ${runId} was claimed by another process at the same moment`);
    }
    await reapLeftovers(run.state, 5_000);
    if (workers) await workers.killLeftovers(runId, onWorkers, Math.max(5_000, ...graceOf(run.paths.plan)));
    const state = now;
    const bodies: RunEventBody[] = [{ event: 'cancel_requested', by: 'aad cancel' }];
    for (const id of state.order) {
      const t = state.tasks.get(id)!;
      if (t.state === 'pending' || t.state === 'running' || t.state === 'retrying' || t.state === 'decomposed' || t.state === 'awaiting_approval') bodies.push({ event: 'task_cancelled', task: id, reason: 'cancelled (aad cancel; its runner had died)' });
    }
    for (const b of bodies) reduce(state, journal.append(b));
    journal.append({ event: 'run_finished', state: 'cancelled', exit_code: 4, counts: countStates(state) });
    journal.sync();
  } finally {
    journal.close();
    await workers?.close();
  }
  printOut(`run ${runId} was interrupted (its runner is gone): marked cancelled`);
  if (onWorkers.length > 0 && !workers) {
    printErr(`aad: ${onWorkers.join(', ')} may still run on workers: \`aad cancel ${runId} --redis URL\` (or AAD_REDIS_URL) has their workers stop them`);
  } else if (workers) printOut(`its attempts on workers were stopped: ${onWorkers.join(', ')}`);
  return 0;
}
