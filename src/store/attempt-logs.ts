import { closeSync, mkdirSync, open as openCallback, openSync } from 'node:fs';
import { mkdir, open as openFile, unlink } from 'node:fs/promises';
import { promisify } from 'node:util';
import type { RunPaths } from './paths.js';

/** How much of a log's end `lastLineOf` reads. */
const TAIL_BYTES = 8192;

/** The last non-blank line of a log (from its last 8 KiB), or undefined when it has none or cannot be read. */
export async function lastLineOf(logPath: string): Promise<string | undefined> {
  let tail: string;
  try {
    const fh = await openFile(logPath, 'r');
    try {
      const { size } = await fh.stat();
      const length = Math.min(size, TAIL_BYTES);
      const buf = Buffer.alloc(length);
      await fh.read(buf, 0, length, size - length);
      tail = buf.toString('utf8');
    } finally {
      await fh.close();
    }
  } catch {
    return undefined;
  }
  const lines = tail.split(/\r?\n|\r/);
  for (let i = lines.length - 1; i >= 0; i--) if (lines[i]!.trim() !== '') return lines[i]!.trim();
  return undefined;
}

/** Opens a file for appending off the main thread, as a plain descriptor (spawn takes descriptors). */
const openForAppend = promisify(openCallback) as (path: string, flags: string) => Promise<number>;

/** Creating a log (its folder, then the file) slower than this, on average, moves the work off the main thread. */
const SLOW_CREATE_MS = 2;

/**
 * The attempts' log files of a run. On a local disk a folder and a file are created in ~0.1–0.4 ms, and
 * doing it right before the spawn, on the main thread, is the cheapest (`npm run bench -- --only dag`:
 * 1.44× the floor, against 1.56× with libuv's threads, whose work competes with the tasks for the cores).
 * Where creating them turns out slow (a network file system), they are opened on libuv's threads instead,
 * ahead of the attempts next in line, so that the run does not stall on its disk.
 */
export class AttemptLogs {
  private readonly dirs = new Map<string, Promise<void> | true>();
  private readonly ahead = new Map<string, { path: string; fd: Promise<number> }>();
  /** Average time of the creations done on the main thread (exponentially weighted). */
  private averageMs = 0;
  private offThread = false;

  constructor(
    private readonly paths: RunPaths,
    private readonly slowCreateMs = SLOW_CREATE_MS,
  ) {}

  /** Whether logs are now opened on libuv's threads (creation was found slow). */
  get async(): boolean {
    return this.offThread;
  }

  /** Starts opening the log of a task's coming attempt, when logs are opened off the main thread. */
  prepare(task: string, attempt: number): void {
    if (!this.offThread) return;
    const key = `${task}\0${attempt}`;
    if (this.ahead.has(key)) return;
    const path = this.paths.attemptLog(task, attempt);
    const fd = this.dir(task).then(() => openForAppend(path, 'a'));
    fd.catch(() => undefined);
    this.ahead.set(key, { path, fd });
  }

  /** The log of an attempt opened for appending: prepared ahead, or opened now. The caller owns the descriptor. */
  async open(task: string, attempt: number): Promise<number> {
    const key = `${task}\0${attempt}`;
    const hit = this.ahead.get(key);
    this.ahead.delete(key);
    if (hit) return hit.fd;
    const path = this.paths.attemptLog(task, attempt);
    if (this.offThread) return this.dir(task).then(() => openForAppend(path, 'a'));
    this.dirNow(task);
    return this.timed(() => openSync(path, 'a'));
  }

  /** Creates on the main thread, keeping the average time of creations there; a slow average moves the rest off it. */
  private timed<T>(create: () => T): T {
    const t0 = performance.now();
    const made = create();
    this.averageMs = 0.8 * this.averageMs + 0.2 * (performance.now() - t0);
    if (this.averageMs > this.slowCreateMs) this.offThread = true;
    return made;
  }

  /** Closes and removes the logs prepared for attempts that never came (skipped, cancelled): no attempt, no log. */
  async dropUnused(): Promise<void> {
    const left = [...this.ahead.values()];
    this.ahead.clear();
    await Promise.all(
      left.map(async ({ path, fd }) => {
        try {
          closeSync(await fd);
          await unlink(path);
        } catch {
          /* never opened */
        }
      }),
    );
  }

  /** The task's log folder, created once (rollback.log goes there too). */
  async dir(task: string): Promise<void> {
    const known = this.dirs.get(task);
    if (known === true) return;
    if (known) return known;
    if (!this.offThread) return this.dirNow(task);
    const p = mkdir(this.paths.taskLogDir(task)).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== 'EEXIST') throw err;
    });
    this.dirs.set(task, p);
    return p;
  }

  private dirNow(task: string): void {
    const known = this.dirs.get(task);
    if (known === true) return;
    if (known) throw new Error(`internal: the log folder of ${task} is being created off the main thread`);
    try {
      this.timed(() => mkdirSync(this.paths.taskLogDir(task)));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    this.dirs.set(task, true);
  }
}
