import { closeSync, openSync, readSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
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

/** The last `n` lines of a text file (reading at most the last 64 KiB); [] when it does not exist. */
export function tailLines(path: string, n: number): string[] {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return [];
  }
  try {
    const size = statSync(path).size;
    const len = Math.min(size, 64 * 1024);
    const buf = Buffer.alloc(len);
    readSync(fd, buf, 0, len, size - len);
    const lines = buf.toString('utf8').split('\n');
    if (lines[lines.length - 1] === '') lines.pop();
    if (len < size) lines.shift(); // the first line is probably cut
    return lines.slice(-n);
  } finally {
    closeSync(fd);
  }
}
