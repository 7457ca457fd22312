import { closeSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import type { Task } from '../plan/compile.js';
import type { RunEvent } from '../run/events.js';
import { reduce, rollbackUnderWay, type RunState, type TaskRun } from '../run/reduce.js';
import { parseEvents } from '../store/journal.js';
import { runPaths, type RunPaths } from '../store/paths.js';
import { liveState } from '../store/runs.js';
import { copyFrom, PrefixedLines, readerGone } from './log-lines.js';
import { printLog, writeOut } from './logs.js';
import { loadPlanText } from './plan-file.js';

const POLL_MS = 100;
const FINAL = new Set(['succeeded', 'failed', 'blocked', 'decomposed', 'skipped', 'cancelled']);

/** A run's journal, folded as it grows (each poll reads only what was appended). */
class LiveJournal {
  private offset = 0;
  private carry = Buffer.alloc(0);
  state: RunState | undefined;

  constructor(private readonly path: string) {}

  /** Folds the events appended since the last call; returns whether the runner still drives the run. */
  poll(): boolean {
    let fd: number;
    try {
      fd = openSync(this.path, 'r');
    } catch {
      return false; // the run directory was removed: nothing more will come
    }
    try {
      const buf = Buffer.alloc(256 * 1024);
      for (let n = readSync(fd, buf, 0, buf.length, this.offset); n > 0; n = readSync(fd, buf, 0, buf.length, this.offset)) {
        this.offset += n;
        // Whole lines only, decoded as whole lines: a character cut by the block boundary waits in `carry`.
        const bytes = Buffer.concat([this.carry, buf.subarray(0, n)]);
        const nl = bytes.lastIndexOf(0x0a);
        this.carry = Buffer.from(bytes.subarray(nl + 1));
        for (const e of parseEvents(bytes.toString('utf8', 0, nl + 1)) as RunEvent[]) this.state = reduce(this.state, e);
      }
    } finally {
      closeSync(fd);
    }
    return this.state !== undefined && liveState(this.state) === 'running';
  }
}

/** Where one task's output is being followed: an attempt's log, then the next one's, then its rollback's. */
class TaskFollower {
  private offset = 0;
  private lastByte = 0x0a;
  private lines: PrefixedLines | undefined;

  constructor(
    private readonly id: string,
    private readonly paths: RunPaths,
    /** The task's plan entry (undefined when the plan copy cannot be read: a rollback is then awaited until the run ends). */
    private readonly task: Task | undefined,
    /** The log followed now; `only`: that log alone. */
    private log: number | 'rollback',
    private readonly only: boolean,
    private readonly write: (b: Buffer) => void,
    prefix: string | undefined,
  ) {
    if (prefix !== undefined) this.lines = new PrefixedLines(prefix, write);
  }

  /** Starts the log at its last `tail` lines instead of its beginning. */
  async skipToTail(tail: number): Promise<void> {
    const path = this.paths.attemptLog(this.id, this.log);
    await printLog(path, tail, (b) => this.emit(b));
    try {
      this.offset = statSync(path).size;
    } catch {
      this.offset = 0;
    }
  }

  /** Prints what the logs hold now, by the task's state `t` read before; returns whether nothing more will come. */
  async step(t: TaskRun): Promise<boolean> {
    for (;;) {
      this.offset = await copyFrom(this.paths.attemptLog(this.id, this.log), this.offset, (b) => this.emit(b));
      // A task still under way may yet roll back (`--attempt rollback` of a running task waits for it).
      if (this.log === 'rollback') return !FINAL.has(t.state) || this.rollbackPending(t) ? false : this.endLog();
      const waiting = (t.attempts < this.log && !FINAL.has(t.state)) || (t.attempts === this.log && t.state === 'running');
      if (waiting) return false;
      if (this.only) return this.endLog();
      // A retrying (or reset) task's next attempt is on its way: wait for its log.
      if (t.attempts > this.log || !FINAL.has(t.state)) this.next(this.log + 1);
      else if ((t.rollback !== null && t.rollback.state !== 'skipped') || this.rollbackPending(t)) this.next('rollback');
      else return this.endLog();
    }
  }

  /** The run stopped: prints what is left of the logs the task has and ends. */
  async finish(t: TaskRun | undefined): Promise<void> {
    for (;;) {
      this.offset = await copyFrom(this.paths.attemptLog(this.id, this.log), this.offset, (b) => this.emit(b));
      if (this.only || !t || this.log === 'rollback') break;
      if (t.attempts > this.log) this.next(this.log + 1);
      else if (t.rollback !== null && t.rollback.state !== 'skipped') this.next('rollback');
      else break;
    }
    this.endLog();
  }

  /** Whether a rollback is running, or will start: the task ended in a way that rolls back, and none is recorded yet. */
  private rollbackPending(t: TaskRun): boolean {
    // Waiting for its approval, it may yet run; skipped, it never will.
    if (t.rollback !== null) return rollbackUnderWay(t.rollback);
    if (!FINAL.has(t.state)) return false;
    const has = this.task === undefined || this.task.rollback !== undefined;
    return has && (t.state === 'failed' || (t.state === 'cancelled' && t.startedAt !== null && (this.task?.rollbackOnCancel ?? true)));
  }

  private next(log: number | 'rollback'): void {
    this.endLog();
    // Raw bytes otherwise, but the next log starts on a line of its own.
    if (!this.lines && this.lastByte !== 0x0a) this.emit(Buffer.from('\n'));
    this.log = log;
    this.offset = 0;
  }

  private endLog(): true {
    this.lines?.end();
    return true;
  }

  private emit(b: Buffer): void {
    if (b.length === 0) return;
    if (this.lines) this.lines.push(b);
    else {
      this.write(b);
      this.lastByte = b[b.length - 1]!;
    }
  }
}

function planTasks(paths: RunPaths): Map<string, Task> | undefined {
  try {
    return loadPlanText(readFileSync(paths.plan, 'utf8'), paths.plan).plan.byId as Map<string, Task>;
  } catch {
    return undefined;
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * `aad logs --task ID --follow`: waits for the task to start, then prints its attempts' logs as they grow, one
 * after the other, and its rollback's, until the task has ended for good (or only `attempt`'s log, until that
 * attempt ends). Ends when the run ends or its runner dies.
 */
export async function followTask(home: string, runId: string, id: string, attempt: number | 'rollback' | undefined, tail: number | undefined): Promise<void> {
  const paths = runPaths(home, runId);
  const journal = new LiveJournal(paths.events);
  let live = journal.poll();
  const t0 = journal.state!.tasks.get(id)!;
  const f = new TaskFollower(id, paths, planTasks(paths)?.get(id), attempt ?? Math.max(1, t0.attempts), attempt !== undefined, writeOut, undefined);
  if (tail !== undefined) await f.skipToTail(tail);
  while (live) {
    if ((await f.step(journal.state!.tasks.get(id)!)) || readerGone()) return;
    await sleep(POLL_MS);
    live = journal.poll();
  }
  await f.finish(journal.state!.tasks.get(id));
}

/** `aad logs --follow` without a task: every task's output as it comes, each line prefixed by its task id, until the run ends. */
export async function followRun(home: string, runId: string, tail: number | undefined): Promise<void> {
  const paths = runPaths(home, runId);
  const journal = new LiveJournal(paths.events);
  let live = journal.poll();
  const plan = planTasks(paths);
  const followers = new Map<string, TaskFollower>();
  const pending = new Set<string>(journal.state!.order);
  const start = async (id: string, t: TaskRun, tail: number | undefined) => {
    const f = new TaskFollower(id, paths, plan?.get(id), Math.max(1, t.attempts), false, writeOut, `${id} │ `);
    if (tail !== undefined) await f.skipToTail(tail);
    followers.set(id, f);
  };
  // Tasks that have started show their latest attempt (or its last `tail` lines); later ones, all they print.
  for (const id of journal.state!.order) if (journal.state!.tasks.get(id)!.attempts > 0) await start(id, journal.state!.tasks.get(id)!, tail);
  for (;;) {
    const state = journal.state!;
    for (const id of state.order) {
      if (!followers.has(id) && state.tasks.get(id)!.attempts > 0) await start(id, state.tasks.get(id)!, undefined);
    }
    if (!live || readerGone()) break;
    for (const [id, f] of followers) if (pending.has(id) && (await f.step(state.tasks.get(id)!))) pending.delete(id);
    await sleep(POLL_MS);
    live = journal.poll();
  }
  for (const [id, f] of followers) if (pending.has(id)) await f.finish(journal.state!.tasks.get(id));
}
