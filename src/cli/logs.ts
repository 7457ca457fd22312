import { NotFoundError, UsageError } from '../errors.js';
import { didYouMean } from '../plan/suggest.js';
import { resolveHome } from '../store/paths.js';
import { loadRun, resolveRunId, type LoadedRun } from '../store/runs.js';
import { warnUnknownEvents } from './unknown-events.js';
import { copyFrom, copyTail, PrefixedLines, readerGone } from './log-lines.js';

/** Options of `aad logs`. */
export interface LogsArgs {
  runId?: string;
  home?: string;
  task?: string;
  attempt?: string;
  tail?: string;
  follow: boolean;
}

/** Writes bytes to stdout (a copy: the caller reuses its buffer; callers wait for `drained` between blocks). */
export const writeOut = (b: Buffer): void => {
  if (!readerGone()) process.stdout.write(Buffer.from(b));
};
const NEWLINE = Buffer.from('\n');

/** `aad logs`: the raw log of one attempt, or every task's latest attempt prefixed; `--follow` keeps going. */
export async function showLogs(a: LogsArgs): Promise<void> {
  const tail = a.tail === undefined ? undefined : Number(a.tail);
  if (tail !== undefined && (a.tail!.trim() === '' || !Number.isInteger(tail) || tail < 0)) throw new UsageError(`--tail must be a whole number >= 0, not "${a.tail}"`);
  const home = resolveHome(a.home);
  const runId = resolveRunId(home, a.runId);
  const run = loadRun(home, runId);
  warnUnknownEvents([run]);
  if (a.task === undefined) {
    if (a.attempt !== undefined) throw new UsageError('--attempt needs --task');
    if (a.follow) return (await import('./logs-follow.js')).followRun(home, runId, tail);
    for (const id of run.state.order) {
      const t = run.state.tasks.get(id)!;
      if (t.attempts === 0) continue;
      const lines = new PrefixedLines(`${id} │ `, writeOut);
      await printLog(run.paths.attemptLog(id, t.attempts), tail, (b) => lines.push(b));
      lines.end();
      if (readerGone()) return;
    }
    return;
  }
  const task = run.state.tasks.get(a.task);
  if (!task) {
    const ids = run.state.order;
    throw new NotFoundError(`run ${runId} has no task "${a.task}"${didYouMean(a.task, ids)}; tasks: ${ids.slice(0, 30).join(', ')}${ids.length > 30 ? ', …' : ''}`);
  }
  let attempt: number | 'rollback' | 'rollback-verify' | undefined;
  if (a.attempt === undefined) attempt = undefined;
  else if (a.attempt === 'rollback' || a.attempt === 'rollback-verify') attempt = a.attempt;
  else if (/^\d+$/.test(a.attempt) && Number(a.attempt) >= 1) {
    attempt = Number(a.attempt);
    if (attempt > task.attempts) throw new NotFoundError(`task "${a.task}" has ${task.attempts} attempt${task.attempts === 1 ? '' : 's'} in run ${runId}; no attempt ${attempt}`);
  } else throw new UsageError(`--attempt must be a number >= 1, "rollback" or "rollback-verify", not "${a.attempt}"`);
  // The verify runs once, right after the rollback: its log is printed as it is, --follow or not.
  if (a.follow && attempt !== 'rollback-verify') return (await import('./logs-follow.js')).followTask(home, runId, a.task, attempt, tail);
  const shown = attempt ?? task.attempts;
  if (shown === 0) return; // no attempt yet: nothing to print
  await printLog(run.paths.attemptLog(a.task, shown), tail, writeOut);
}

/** The whole log, or its last `tail` lines (each ended by a newline), to `sink`. */
export async function printLog(path: string, tail: number | undefined, sink: (b: Buffer) => void): Promise<void> {
  if (tail === undefined) await copyFrom(path, 0, sink);
  else await copyTail(path, tail, sink, () => sink(NEWLINE));
}
