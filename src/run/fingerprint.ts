import { createHash } from 'node:crypto';
import { createReadStream, readFileSync, readdirSync, statSync, type Stats } from 'node:fs';
import { performance } from 'node:perf_hooks';
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

/** Large files streamed at once while hashing. */
const READERS = 4;
/** Files up to this size are read whole, synchronously; larger ones are streamed. */
const WHOLE = 1024 * 1024;
/** How long the hashing of small files runs before it lets the event loop turn. */
const SLICE_MS = 10;

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
  const large: Promise<void>[] = [];
  const limit = createLimit(READERS);
  let slice = performance.now();
  for (const [rel, source] of found.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))) {
    const st = statSync(source);
    const key = statKey(st);
    const old = known?.[rel];
    if (old !== undefined && old.length === key.length + HEX && old.startsWith(key)) {
      out[rel] = old;
      continue;
    }
    if (st.size > WHOLE) {
      out[rel] = '';
      large.push(limit(async () => void (out[rel] = key + (await hashStream(source)))));
    } else {
      // Small files are read and hashed at once (a promise per file costs more than the read), yielding
      // to the runner's other work every few milliseconds.
      out[rel] = key + createHash('sha256').update(readFileSync(source)).digest('hex');
      if (performance.now() - slice > SLICE_MS) {
        await new Promise((r) => setImmediate(r));
        slice = performance.now();
      }
    }
  }
  await Promise.all(large);
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
  const parts: string[] = [];
  for (const rel of Object.keys(sources).sort()) parts.push(rel, sources[rel]!.slice(-HEX));
  h.update('\0' + parts.join('\0'));
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
    const key = statKey(st);
    if (old.length === key.length + HEX && old.startsWith(key)) continue;
    if (st.size !== Number(old.slice(0, old.indexOf(' '))) || (await hashFile(file, st.size)) !== old.slice(-HEX)) return `${rel} (generated) changed`;
  }
  return undefined;
}

/** Length of a SHA-256 in hex. */
const HEX = 64;

/** What stat says of a file, as a stamp begins: a stamp that starts with it is of that file, unchanged. */
function statKey(st: Stats): string {
  return `${st.size} ${st.mtimeMs} ${st.ctimeMs} ${st.ino} `;
}

/** SHA-256 of a file's contents. */
async function hashFile(file: string, size: number): Promise<string> {
  return size <= WHOLE ? createHash('sha256').update(readFileSync(file)).digest('hex') : hashStream(file);
}

/** SHA-256 of a large file, streamed. */
async function hashStream(file: string): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of createReadStream(file, { highWaterMark: 1024 * 1024 })) h.update(chunk as Buffer);
  return h.digest('hex');
}

