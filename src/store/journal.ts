import { closeSync, fstatSync, fsyncSync, openSync, readFileSync, readSync, writeSync } from 'node:fs';
import { IoError, refusedWrite } from '../errors.js';
import type { RunEvent, RunEventBody } from '../run/events.js';

/**
 * The append-only journal of a run. Events are buffered and written together in one write(2) per
 * batch (O_APPEND, so concurrent writers never interleave within a line): a crash of aad loses nothing
 * that was flushed; `sync()` also fsyncs, for the points where a machine crash must not lose the tail.
 */
export class Journal {
  private fd: number;
  private pending: string[] = [];
  /** Set once a write failed: nothing more is written, so the file never holds an event after a lost one. */
  private refused: IoError | undefined;

  constructor(
    readonly path: string,
    private readonly clock: () => number = Date.now,
    /** Applied to each serialised line before it is written (secret masking). */
    private readonly redact: (line: string) => string = (l) => l,
  ) {
    try {
      this.fd = openSync(path, 'a+');
    } catch (err) {
      throw refusedWrite(err, path) ?? err;
    }
    // A line torn by a crash (or a full disk) must not swallow the next event: start on a fresh line.
    const size = fstatSync(this.fd).size;
    if (size > 0) {
      const last = Buffer.alloc(1);
      readSync(this.fd, last, 0, 1, size - 1);
      if (last[0] !== 0x0a) this.write('\n');
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

  /** Writes all queued events in one write; an IoError when the file system refuses it (then and ever after). */
  flush(): void {
    if (this.refused) throw this.refused;
    if (this.pending.length === 0) return;
    const text = this.pending.join('\n') + '\n';
    this.pending = [];
    this.write(text);
  }

  /** Flushes and fsyncs. */
  sync(): void {
    this.flush();
    try {
      fsyncSync(this.fd);
    } catch (err) {
      throw this.refuse(err);
    }
  }

  /** Flushes (unless a write was refused already) and closes. */
  close(): void {
    try {
      if (!this.refused) this.flush();
    } finally {
      closeSync(this.fd);
    }
  }

  /**
   * Writes all of `text`: a write(2) cut short (a disk filling up) is continued, and its error thrown as an
   * IoError. What was written stays; a torn last line is dropped by readers and ended by the next writer.
   */
  private write(text: string): void {
    const buf = Buffer.from(text);
    try {
      for (let done = writeSync(this.fd, buf); done < buf.length; ) done += writeSync(this.fd, buf, done);
    } catch (err) {
      throw this.refuse(err);
    }
  }

  private refuse(err: unknown): IoError {
    this.refused = refusedWrite(err, this.path) ?? new IoError(this.path, (err as NodeJS.ErrnoException).code ?? 'EIO', (err as Error).message, { cause: err });
    return this.refused;
  }
}

/**
 * Every event kind this aad knows. Keyed by the event union, so an event added to it without being listed
 * here fails to compile; a kind missing here would be skipped as if a newer aad had written it.
 */
const KNOWN_KINDS: Record<RunEventBody['event'], true> = {
  run_started: true, run_claimed: true, tasks_reset: true, task_started: true, task_spawned: true, task_retrying: true,
  task_succeeded: true, task_failed: true, task_skipped: true, task_cancelled: true, cancel_requested: true, task_killed: true,
  rollback_started: true, rollback_succeeded: true, rollback_failed: true, snapshot_taken: true, artifacts_collected: true, escalation: true,
  run_finished: true, integration_branch: true, worktree_created: true, worktree_merged: true, worktree_kept: true, worktree_removed: true,
  task_decided: true, tasks_added: true, task_decomposed: true, task_blocked: true,
  approval_requested: true, task_approved: true, task_rejected: true, rollback_skipped: true, task_up_to_date: true,
  task_on_worker: true,
};

/** A journal as read: its events, and the lines of kinds this aad does not know (skipped), counted by kind. */
export interface JournalRead {
  events: RunEvent[];
  /** The 1-based line of each event in the file, to say where a bad one is. */
  lines: number[];
  /** Kind → how many lines of it were skipped; empty when every event was known. */
  unknown: Map<string, number>;
}

/** Reads a journal; a torn last line (a crash mid-write) is dropped, as is any line that is not an event or of an unknown kind. */
export function readEvents(path: string): RunEvent[] {
  return readJournal(path).events;
}

/** Reads a journal like `readEvents`, also telling which unknown event kinds were skipped. */
export function readJournal(path: string): JournalRead {
  return parseJournal(readFileSync(path, 'utf8'));
}

/** Parses journal text: one event a line, keeping only complete, well-formed lines of known kinds. */
export function parseEvents(text: string): RunEvent[] {
  return parseJournal(text).events;
}

/** Parses journal text like `parseEvents`, counting the lines of unknown kinds it skipped. */
export function parseJournal(text: string): JournalRead {
  const out: RunEvent[] = [];
  const lines: number[] = [];
  const unknown = new Map<string, number>();
  let start = 0;
  let lineNo = 0;
  for (;;) {
    const nl = text.indexOf('\n', start);
    if (nl === -1) break; // no newline: the last line is torn
    const line = text.slice(start, nl);
    start = nl + 1;
    lineNo++;
    if (line === '') continue;
    let e: RunEvent;
    try {
      e = JSON.parse(line) as RunEvent;
    } catch {
      continue; // a torn or foreign line
    }
    if (!e || typeof e !== 'object' || typeof e.event !== 'string') continue;
    // A kind from a newer aad: the reducer's exhaustive switch must never see it.
    if (Object.hasOwn(KNOWN_KINDS, e.event)) {
      out.push(e);
      lines.push(lineNo);
    } else unknown.set(e.event, (unknown.get(e.event) ?? 0) + 1);
  }
  return { events: out, lines, unknown };
}
