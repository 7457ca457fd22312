import { closeSync, openSync, readSync } from 'node:fs';
import { MAX_LINE, tailPieces } from '../store/files.js';

const NL = Buffer.from('\n');

/**
 * One log's bytes turned into whole lines, each with a prefix (`build │ `), the way the console shows task
 * output: a partial line is held back until its newline comes (or `end()`), so that lines of several logs
 * can be interleaved; a line that grows past 64 KiB is printed in pieces rather than held without bound.
 * Bytes go through as they are: no decoding.
 */
export class PrefixedLines {
  private partial: Buffer[] = [];
  private held = 0;
  private readonly prefix: Buffer;

  constructor(
    prefix: string,
    private readonly write: (b: Buffer) => void,
  ) {
    this.prefix = Buffer.from(prefix);
  }

  /** Takes more bytes of the log; prints the lines they complete. */
  push(chunk: Buffer): void {
    const out: Buffer[] = [];
    let from = 0;
    for (let nl = chunk.indexOf(0x0a); nl !== -1; nl = chunk.indexOf(0x0a, from)) {
      out.push(this.prefix, ...this.partial, chunk.subarray(from, nl + 1));
      this.partial = [];
      this.held = 0;
      from = nl + 1;
    }
    if (from < chunk.length) {
      this.partial.push(Buffer.from(chunk.subarray(from)));
      this.held += chunk.length - from;
      if (this.held > MAX_LINE) out.push(this.prefix, ...this.take(), NL);
    }
    if (out.length > 0) this.write(Buffer.concat(out));
  }

  /** The log is over: prints a held partial line, ended by a newline. */
  end(): void {
    if (this.held > 0) this.write(Buffer.concat([this.prefix, ...this.take(), NL]));
  }

  private take(): Buffer[] {
    const p = this.partial;
    this.partial = [];
    this.held = 0;
    return p;
  }
}

let readerLeft = false;
let watching = false;

/** Whether stdout's reader went away (`aad logs | head`: EPIPE): there is no point in reading more. */
export function readerGone(): boolean {
  if (!watching) {
    watching = true;
    // process.stdout is never destroyed: each write to a closed pipe only emits an error.
    process.stdout.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EPIPE') readerLeft = true;
    });
  }
  return readerLeft;
}

/**
 * Resolves once stdout has taken what it was given (a slow reader holds us back, so memory stays flat), after
 * a turn of the event loop (where a closed pipe's error arrives); false once its reader is gone.
 */
export function drained(): Promise<boolean> {
  const o = process.stdout;
  if (readerGone()) return Promise.resolve(false);
  return new Promise((resolve) => {
    const done = () => {
      o.off('drain', done).off('error', done);
      setImmediate(() => resolve(!readerGone()));
    };
    if (o.writableNeedDrain) o.on('drain', done).on('error', done);
    else done();
  });
}

/**
 * Passes a file's bytes from `offset` to its current end to `sink`, waiting for stdout between blocks, until
 * stdout's reader goes away; returns the new offset (unchanged when the file does not exist).
 */
export async function copyFrom(path: string, offset: number, sink: (b: Buffer) => void): Promise<number> {
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
      offset += n;
      sink(buf.subarray(0, n));
      if (!(await drained())) return offset;
    }
  } finally {
    closeSync(fd);
  }
}

/** Passes the last `n` lines of a file to `sink`, `lineEnd` after each segment (see tailSegments), waiting for stdout. */
export async function copyTail(path: string, n: number, sink: (b: Buffer) => void, lineEnd: () => void): Promise<void> {
  for (const piece of tailPieces(path, n)) {
    if (piece === null) lineEnd();
    else {
      sink(piece);
      if (!(await drained())) return;
    }
  }
}
