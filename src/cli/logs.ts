import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { NotFoundError, UsageError } from '../errors.js';
import { didYouMean } from '../plan/suggest.js';
import { tailLines } from '../store/files.js';
import { resolveHome } from '../store/paths.js';
import { loadRun, resolveRunId, type LoadedRun } from '../store/runs.js';
import { warnUnknownEvents } from './unknown-events.js';

/** Options of `aad logs`. */
export interface LogsArgs {
  runId?: string;
  home?: string;
  task?: string;
  attempt?: string;
  tail?: string;
  follow: boolean;
}

/** `aad logs`: the raw log of one attempt, or every task's latest attempt prefixed. */
export async function showLogs(a: LogsArgs): Promise<void> {
  const tail = a.tail === undefined ? undefined : Number(a.tail);
  if (tail !== undefined && (!Number.isInteger(tail) || tail < 0)) throw new UsageError(`--tail must be a whole number >= 0, not "${a.tail}"`);
  const home = resolveHome(a.home);
  const runId = resolveRunId(home, a.runId);
  const run = loadRun(home, runId);
  warnUnknownEvents([run]);
  if (a.task === undefined) {
    if (a.attempt !== undefined || a.follow) throw new UsageError('--attempt and --follow need --task');
    for (const id of run.state.order) {
      const t = run.state.tasks.get(id)!;
      if (t.attempts === 0) continue;
      const lines = tailLinesOrAll(run.paths.attemptLog(id, t.attempts), tail);
      for (const l of lines) process.stdout.write(`${id} │ ${l}\n`);
    }
    return;
  }
  const task = run.state.tasks.get(a.task);
  if (!task) {
    const ids = run.state.order;
    throw new NotFoundError(`run ${runId} has no task "${a.task}"${didYouMean(a.task, ids)}; tasks: ${ids.slice(0, 30).join(', ')}${ids.length > 30 ? ', …' : ''}`);
  }
  let attempt: number | 'rollback';
  if (a.attempt === undefined) attempt = task.attempts;
  else if (a.attempt === 'rollback') attempt = 'rollback';
  else if (/^\d+$/.test(a.attempt) && Number(a.attempt) >= 1) {
    attempt = Number(a.attempt);
    if (attempt > task.attempts) throw new NotFoundError(`task "${a.task}" has ${task.attempts} attempt${task.attempts === 1 ? '' : 's'} in run ${runId}; no attempt ${attempt}`);
  } else throw new UsageError(`--attempt must be a number >= 1 or "rollback", not "${a.attempt}"`);
  if (attempt === 0) return; // no attempt yet: nothing to print
  const path = run.paths.attemptLog(a.task, attempt);
  if (!a.follow) {
    if (tail !== undefined) for (const l of tailLines(path, tail)) process.stdout.write(l + '\n');
    else copyFrom(path, 0);
    return;
  }
  await follow(home, runId, a.task, attempt, path, tail);
}

function tailLinesOrAll(path: string, tail: number | undefined): string[] {
  if (tail !== undefined) return tailLines(path, tail);
  return tailLines(path, Number.MAX_SAFE_INTEGER).length > 0 ? readAllLines(path) : [];
}

function readAllLines(path: string): string[] {
  const chunks: Buffer[] = [];
  copyFrom(path, 0, (b) => chunks.push(Buffer.from(b)));
  const text = Buffer.concat(chunks).toString('utf8');
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/** Copies a file from `offset` to stdout (or `sink`); returns the new offset. */
function copyFrom(path: string, offset: number, sink: (b: Buffer) => void = (b) => process.stdout.write(b)): number {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return offset;
  }
  try {
    const buf = Buffer.alloc(64 * 1024);
    for (;;) {
      const n = readSync(fd, buf, 0, buf.length, offset);
      if (n === 0) return offset;
      sink(buf.subarray(0, n));
      offset += n;
    }
  } finally {
    closeSync(fd);
  }
}

/** Prints the log as it grows, until the attempt has ended (or the run stopped). */
async function follow(home: string, runId: string, task: string, attempt: number | 'rollback', path: string, tail: number | undefined): Promise<void> {
  let offset = 0;
  if (tail !== undefined) {
    for (const l of tailLines(path, tail)) process.stdout.write(l + '\n');
    try {
      offset = statSync(path).size;
    } catch {
      offset = 0;
    }
  }
  for (;;) {
    offset = copyFrom(path, offset);
    const run = loadRun(home, runId);
    if (attemptEnded(run, task, attempt)) {
      copyFrom(path, offset);
      return;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

function attemptEnded(run: LoadedRun, task: string, attempt: number | 'rollback'): boolean {
  if (run.live !== 'running') return true;
  const t = run.state.tasks.get(task)!;
  if (attempt === 'rollback') return t.rollback !== null && t.rollback.state !== 'running';
  return t.attempts > attempt || (t.state !== 'running' && t.attempts === attempt);
}
