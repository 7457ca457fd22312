import { closeSync, fstatSync, fsyncSync, openSync, readFileSync, readSync, writeSync } from 'node:fs';
import type { RunEvent, RunEventBody } from '../run/events.js';

/**
 * The append-only journal of a run. Events are buffered and written together in one write(2) per
 * batch (O_APPEND, so concurrent writers never interleave within a line): a crash of aad loses nothing
 * that was flushed; `sync()` also fsyncs, for the points where a machine crash must not lose the tail.
 */
export class Journal {
  private fd: number;
  private pending: string[] = [];

  constructor(
    readonly path: string,
    private readonly clock: () => number = Date.now,
    /** Applied to each serialised line before it is written (secret masking). */
    private readonly redact: (line: string) => string = (l) => l,
  ) {
    this.fd = openSync(path, 'a+');
    // A line torn by a crash must not swallow the next event: start on a fresh line.
    const size = fstatSync(this.fd).size;
    if (size > 0) {
      const last = Buffer.alloc(1);
      readSync(this.fd, last, 0, 1, size - 1);
      if (last[0] !== 0x0a) writeSync(this.fd, '\n');
    }
  }

  /** Stamps (with `atMs`, else the clock) and queues an event; it reaches the file at the next flush. Returns the event as written. */
  append(body: RunEventBody, atMs: number = this.clock()): RunEvent {
    const event = { v: 1, ts: new Date(atMs).toISOString(), ...body } as RunEvent;
    const raw = JSON.stringify(event);
    const line = this.redact(raw);
    this.pending.push(line);
    return line === raw ? event : (JSON.parse(line) as RunEvent);
  }

  /** Writes all queued events in one write. */
  flush(): void {
    if (this.pending.length === 0) return;
    const text = this.pending.join('\n') + '\n';
    this.pending = [];
    writeSync(this.fd, text);
  }

  /** Flushes and fsyncs. */
  sync(): void {
    this.flush();
    fsyncSync(this.fd);
  }

  close(): void {
    this.flush();
    closeSync(this.fd);
  }
}

/** Reads a journal; a torn last line (a crash mid-write) is dropped, as is any line that is not an event. */
export function readEvents(path: string): RunEvent[] {
  const text = readFileSync(path, 'utf8');
  return parseEvents(text);
}

/** Parses journal text: one event a line, keeping only complete, well-formed lines. */
export function parseEvents(text: string): RunEvent[] {
  const out: RunEvent[] = [];
  let start = 0;
  for (;;) {
    const nl = text.indexOf('\n', start);
    if (nl === -1) break; // no newline: the last line is torn
    const line = text.slice(start, nl);
    start = nl + 1;
    if (line === '') continue;
    try {
      const e = JSON.parse(line) as RunEvent;
      if (e && typeof e === 'object' && typeof e.event === 'string') out.push(e);
    } catch {
      /* a torn or foreign line */
    }
  }
  return out;
}
