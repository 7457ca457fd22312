import { closeSync, open as openCallback } from 'node:fs';
import { mkdir, unlink } from 'node:fs/promises';
import { promisify } from 'node:util';
import type { RunPaths } from './paths.js';

/** Opens a file for appending off the main thread, as a plain descriptor (spawn takes descriptors). */
const openForAppend = promisify(openCallback) as (path: string, flags: string) => Promise<number>;

/**
 * The attempts' log files of a run, opened on libuv's threads and, for the attempts next in line, ahead
 * of their start: creating a folder or a file costs ~0.5 ms on these disks, which a task should not wait
 * for at its start.
 */
export class AttemptLogs {
  private readonly dirs = new Map<string, Promise<void>>();
  private readonly ahead = new Map<string, { path: string; fd: Promise<number> }>();

  constructor(private readonly paths: RunPaths) {}

  /** Starts opening the log of a task's coming attempt. */
  prepare(task: string, attempt: number): void {
    const key = `${task}\0${attempt}`;
    if (this.ahead.has(key)) return;
    const path = this.paths.attemptLog(task, attempt);
    const fd = this.dir(task).then(() => openForAppend(path, 'a'));
    fd.catch(() => undefined);
    this.ahead.set(key, { path, fd });
  }

  /** The log of an attempt opened for appending: prepared ahead, or opened now. The caller owns the descriptor. */
  open(task: string, attempt: number): Promise<number> {
    const key = `${task}\0${attempt}`;
    const hit = this.ahead.get(key);
    this.ahead.delete(key);
    return hit?.fd ?? this.dir(task).then(() => openForAppend(this.paths.attemptLog(task, attempt), 'a'));
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
  dir(task: string): Promise<void> {
    let p = this.dirs.get(task);
    if (!p) {
      p = mkdir(this.paths.taskLogDir(task)).catch((err: NodeJS.ErrnoException) => {
        if (err.code !== 'EEXIST') throw err;
      });
      this.dirs.set(task, p);
    }
    return p;
  }
}
