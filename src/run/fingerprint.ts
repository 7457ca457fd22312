import { createHash } from 'node:crypto';
import { createReadStream, promises as fsp, readdirSync, statSync } from 'node:fs';
import type { Task } from '../plan/compile.js';
import type { FileStamp, FingerprintRecord } from '../store/fingerprints.js';
import { createLimit, matchFiles } from './match-files.js';

// Incremental runs (`sources` / `generates`): the fingerprint of a task's inputs, and whether what its
// last success recorded still holds. Contents decide, not times: a file whose size, mtime, ctime and
// inode are those recorded keeps its recorded hash; any other is read and hashed, so a file touched but
// unchanged does not make the task run, and one changed within the same second does.

/** A task's inputs as they are now: their digest, and the stamps of its source files. */
export interface Inputs {
  digest: string;
  sources: Record<string, FileStamp>;
}

/** Where to look: the task's absolute cwd, and the folders never walked (the aad home, artifacts_dir). */
export interface Where {
  cwd: string;
  skipDirs: string[];
}

/** Files read at once while hashing. */
const READERS = 8;
/** Files up to this size are read whole; larger ones are streamed. */
const WHOLE = 8 * 1024 * 1024;

/** A directory's entries, read synchronously: a walk of thousands of folders costs no promise per file. */
const readdirNow = async (dir: string) => readdirSync(dir, { withFileTypes: true });

/**
 * The files `patterns` match in `where.cwd`, each stamped: from `known` (an earlier record) when stat
 * says it is the same file unchanged, else hashed from its contents. A file that cannot be read throws.
 */
export async function stampFiles(patterns: readonly string[], where: Where, known: Record<string, FileStamp> | undefined): Promise<Record<string, FileStamp>> {
  const found: Array<[string, string]> = [];
  const r = await matchFiles({ cwd: where.cwd, patterns: [...patterns], skipDirs: where.skipDirs, readdir: readdirNow }, (rel, source) => found.push([rel, source]));
  if (r.unused.length > 0) throw new Error(r.unused[0]);
  const problem = r.notes.find((n) => n.text.startsWith('could not read'));
  if (problem) throw new Error(problem.text);
  const out: Record<string, FileStamp> = {};
  const limit = createLimit(READERS);
  const reads: Promise<void>[] = [];
  for (const [rel, source] of found.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))) {
    const st = statSync(source);
    const stamp = { size: st.size, mtimeMs: st.mtimeMs, ctimeMs: st.ctimeMs, ino: st.ino };
    const old = known?.[rel];
    if (old && sameFile(old, stamp)) out[rel] = old;
    else {
      out[rel] = { ...stamp, hash: '' };
      reads.push(limit(async () => void (out[rel]!.hash = await hashFile(source, st.size))));
    }
  }
  await Promise.all(reads);
  return out;
}

/** The digest of what decides whether `task` must run, its source files given. */
export function inputsDigest(task: Task, cwd: string, sources: Record<string, FileStamp>): string {
  const h = createHash('sha256');
  // Environment values enter only as their hashes: the digest never holds them, nor does anything aad stores.
  const env = Object.keys(task.env)
    .sort()
    .map((k) => [k, createHash('sha256').update(task.env[k]!).digest('hex')]);
  h.update(JSON.stringify({ v: 1, cmd: task.cmd, cwd, env, sources: task.sources ?? [], generates: task.generates }));
  for (const rel of Object.keys(sources).sort()) h.update('\0').update(rel).update('\0').update(sources[rel]!.hash);
  return h.digest('hex');
}

/** The task's inputs now, reusing the hashes of `record` for files unchanged since. */
export async function currentInputs(task: Task, where: Where, record: FingerprintRecord | undefined): Promise<Inputs> {
  const sources = await stampFiles(task.sources ?? [], where, record?.sources);
  return { digest: inputsDigest(task, where.cwd, sources), sources };
}

/**
 * Why the task is not up to date, or undefined when it is: its inputs are the recorded ones and every
 * file its `generates` matched then is there with the same contents.
 */
export async function staleReason(record: FingerprintRecord | undefined, inputs: Inputs, where: Where): Promise<string | undefined> {
  if (!record) return 'no earlier success recorded';
  if (record.inputs !== inputs.digest) return 'its command, environment or sources changed';
  for (const [rel, old] of Object.entries(record.generates)) {
    const file = `${where.cwd}/${rel}`;
    let st;
    try {
      st = statSync(file);
    } catch {
      return `${rel} (generated) is gone`;
    }
    if (!st.isFile()) return `${rel} (generated) is not a file`;
    const stamp = { size: st.size, mtimeMs: st.mtimeMs, ctimeMs: st.ctimeMs, ino: st.ino };
    if (sameFile(old, stamp)) continue;
    if (st.size !== old.size || (await hashFile(file, st.size)) !== old.hash) return `${rel} (generated) changed`;
  }
  return undefined;
}

function sameFile(a: Omit<FileStamp, 'hash'>, b: Omit<FileStamp, 'hash'>): boolean {
  return a.size === b.size && a.mtimeMs === b.mtimeMs && a.ctimeMs === b.ctimeMs && a.ino === b.ino;
}

/** SHA-256 of a file's contents. */
async function hashFile(file: string, size: number): Promise<string> {
  const h = createHash('sha256');
  if (size <= WHOLE) return h.update(await fsp.readFile(file)).digest('hex');
  for await (const chunk of createReadStream(file, { highWaterMark: 1024 * 1024 })) h.update(chunk as Buffer);
  return h.digest('hex');
}

