import { closeSync, fstatSync, openSync, readSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { refusedWrite } from '../errors.js';

/** Writes a file atomically: a temporary file in the same folder, then rename. A full or read-only disk is an IoError naming `path`. */
export function writeFileAtomic(path: string, text: string): void {
  const tmp = `${path}.${process.pid}.tmp`;
  try {
    writeFileSync(tmp, text);
    renameSync(tmp, path);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw refusedWrite(err, path) ?? err;
  }
}

/** A line longer than this is shown by its last MAX_LINE bytes (SPEC: cut, never dropped). */
export const MAX_LINE = 64 * 1024;
const BLOCK = 64 * 1024;
const MAX_BLOCK = 4 * 1024 * 1024;

/**
 * A stretch of a file to print, followed by a newline: either several whole lines in a row (their
 * newlines inside it, the last one's left out) or the end of one line longer than `MAX_LINE`.
 */
export interface TailSegment {
  start: number;
  end: number;
}

/**
 * Where the last `n` lines of an open file lie, oldest first, reading backwards in blocks: memory stays
 * bounded whatever the file holds (lines of whole runs of short lines are merged into one segment).
 * A last line without its newline counts as a line; a line longer than `maxLine` keeps its last
 * `maxLine` bytes, starting at a UTF-8 character.
 */
export function tailSegments(fd: number, n: number, maxLine = MAX_LINE): TailSegment[] {
  const size = fstatSync(fd).size;
  const out: TailSegment[] = [];
  if (n <= 0 || size === 0) return out;
  // Blocks grow from 64 KiB to 4 MiB: a short tail costs one small read, a 100 MB line a few large ones.
  let block = Buffer.alloc(Math.min(BLOCK, size));
  let blockStart = size; // the block holds [blockStart, blockStart + blockLen)
  let blockLen = 0;
  /** The offset of the last newline before `pos`, or -1. */
  const newlineBefore = (pos: number): number => {
    for (;;) {
      if (pos > blockStart) {
        const i = block.subarray(0, pos - blockStart).lastIndexOf(0x0a);
        if (i !== -1) return blockStart + i;
        pos = blockStart;
      }
      if (pos === 0) return -1;
      if (blockLen > 0 && block.length < MAX_BLOCK) block = Buffer.alloc(Math.min(block.length * 4, MAX_BLOCK));
      blockLen = Math.min(block.length, pos);
      blockStart = pos - blockLen;
      readFull(fd, block.subarray(0, blockLen), blockStart);
    }
  };
  let end = size;
  if (newlineBefore(size) === size - 1) end = size - 1; // a final newline ends the last line
  for (let lines = 0; lines < n; lines++) {
    const nl = newlineBefore(end);
    const start = nl + 1;
    if (end - start > maxLine) out.push({ start: charStart(fd, end - maxLine, end), end });
    else {
      const next = out[out.length - 1];
      // Whole lines in a row become one segment: `next` starts right after this line's newline (a cut
      // line's segment never does).
      if (next && next.start === end + 1) next.start = start;
      else out.push({ start, end });
    }
    if (nl === -1) break;
    end = nl;
  }
  return out.reverse();
}

/** The last `n` lines of a text file (a line longer than 64 KiB by its last 64 KiB); [] when it does not exist. */
export function tailLines(path: string, n: number): string[] {
  const lines: string[] = [];
  let parts: Buffer[] = [];
  for (const piece of tailPieces(path, n)) {
    if (piece !== null) {
      parts.push(Buffer.from(piece));
      continue;
    }
    // A segment may hold several lines: split it.
    for (const l of Buffer.concat(parts).toString('utf8').split('\n')) lines.push(l);
    parts = [];
  }
  return lines;
}

/**
 * The bytes of the last `n` lines of a file, in order and in pieces of at most a block, and `null` after
 * each segment (where a newline belongs); nothing when the file does not exist. A piece is a view of one
 * reused buffer: use it before asking for the next. A file that shrinks meanwhile ends the pieces early.
 */
export function* tailPieces(path: string, n: number): Generator<Buffer | null> {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return;
  }
  try {
    const buf = Buffer.alloc(BLOCK);
    for (const s of tailSegments(fd, n)) {
      for (let at = s.start; at < s.end; ) {
        const got = readSync(fd, buf, 0, Math.min(buf.length, s.end - at), at);
        if (got === 0) return; // the file shrank meanwhile
        yield buf.subarray(0, got);
        at += got;
      }
      yield null;
    }
  } finally {
    closeSync(fd);
  }
}

/** Moves `at` past UTF-8 continuation bytes (at most 3), so that a cut line starts at a character. */
function charStart(fd: number, at: number, end: number): number {
  const b = Buffer.alloc(4);
  const n = readSync(fd, b, 0, Math.min(4, end - at), at);
  let i = 0;
  while (i < n && i < 3 && (b[i]! & 0xc0) === 0x80) i++;
  return at + i;
}


function readFull(fd: number, buf: Buffer, position: number): void {
  for (let got = 0; got < buf.length; ) {
    const n = readSync(fd, buf, got, buf.length - got, position + got);
    if (n === 0) {
      buf.fill(0, got); // the file shrank meanwhile: what is gone reads as nothing useful
      return;
    }
    got += n;
  }
}
