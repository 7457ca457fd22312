import { readFileSync, readSync, readdirSync } from 'node:fs';
import { hostname } from 'node:os';
import type { Owner } from '../run/events.js';

/** Fields of /proc/<pid>/stat: state (R, S, Z…), process group, start time in ticks since boot. Undefined when there is no such process (or no /proc). */
export function readProcStat(pid: number): { state: string; pgid: number; start: string } | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // The command name (field 2) is in parentheses and may contain spaces: parse after the last ')'.
  const rest = text.slice(text.lastIndexOf(')') + 2).split(' ');
  return { state: rest[0] ?? '?', pgid: Number(rest[2]), start: rest[19] ?? '' };
}

let bootId: string | undefined | null = null;
/** The machine's boot id (Linux), cached. */
export function readBootId(): string | undefined {
  if (bootId === null) {
    try {
      bootId = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
    } catch {
      bootId = undefined;
    }
  }
  return bootId;
}

/** The identity of this process, as recorded in the journal. */
export function selfOwner(): Owner {
  return { pid: process.pid, hostname: hostname(), proc_start: readProcStat(process.pid)?.start, boot_id: readBootId() };
}

/** The start time of a process, to recognise it later even if its pid is reused. */
export function procStartOf(pid: number): string | undefined {
  return readProcStat(pid)?.start;
}

/**
 * Whether the process recorded as `pid` (started at `procStart`) is still alive on this machine:
 * a zombie counts as dead, and a pid reused by another program (other start time) is not it.
 */
export function isSameProcessAlive(pid: number, procStart?: string | null, boot?: string): boolean {
  if (boot !== undefined && readBootId() !== undefined && boot !== readBootId()) return false;
  const stat = readProcStat(pid);
  if (stat) return stat.state !== 'Z' && stat.state !== 'X' && (!procStart || stat.start === procStart);
  if (process.platform === 'linux') return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Whether the owner recorded in a journal is a live process: on another host we cannot tell, so it counts as alive. */
export function isOwnerAlive(owner: Owner): boolean {
  if (owner.hostname !== hostname()) return true;
  return isSameProcessAlive(owner.pid, owner.proc_start, owner.boot_id);
}

/**
 * Live processes (Linux) whose environment carries AAD_RUN_ID=runId (and AAD_TASK_ID=taskId when given):
 * the task processes that left their process group (setsid, daemons). `exceptWorkers`: not those an `aad worker`
 * on this machine runs for the run (AAD_WORKER_JOB=<runId>:…): its workers stop those (a runner's reap leaves them).
 */
export function findTaskProcesses(runId: string, taskId?: string, exceptWorkers = false, attempt?: string): number[] {
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return [];
  }
  const runNeedle = Buffer.from(`AAD_RUN_ID=${runId}\0`);
  const taskNeedle = taskId === undefined ? undefined : Buffer.from(`AAD_TASK_ID=${taskId}\0`);
  const workerNeedle = exceptWorkers ? Buffer.from(`AAD_WORKER_JOB=${runId}:`) : undefined;
  const attemptNeedle = attempt === undefined ? undefined : Buffer.from(`AAD_ATTEMPT=${attempt}\0`);
  const found: number[] = [];
  for (const name of entries) {
    if (!/^\d+$/.test(name)) continue;
    const pid = Number(name);
    if (pid === process.pid) continue;
    let env: Buffer;
    try {
      env = readFileSync(`/proc/${name}/environ`);
    } catch {
      continue;
    }
    if (!hasVar(env, runNeedle) || (taskNeedle && !hasVar(env, taskNeedle)) || (workerNeedle && hasVar(env, workerNeedle)) || (attemptNeedle && !hasVar(env, attemptNeedle))) continue;
    const stat = readProcStat(pid);
    if (stat && stat.state !== 'Z') found.push(pid);
  }
  return found;
}

function hasVar(env: Buffer, needle: Buffer): boolean {
  const i = env.indexOf(needle);
  return i === 0 || (i > 0 && env[i - 1] === 0);
}

/** Live (not zombie) members of a process group, from /proc; [] where there is no /proc. */
export function groupMembers(pgid: number): number[] {
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return [];
  }
  const out: number[] = [];
  for (const name of entries) {
    if (name.charCodeAt(0) < 48 || name.charCodeAt(0) > 57) continue;
    const st = readProcStat(Number(name));
    if (st && st.pgid === pgid && st.state !== 'Z' && st.state !== 'X') out.push(Number(name));
  }
  return out;
}

/** Sends a signal to a process group; false when the group is gone. */
export function signalGroup(pgid: number, signal: NodeJS.Signals): boolean {
  return kill(-pgid, signal);
}

/**
 * process.kill, false when the process (group) is gone. Runs after every attempt, where the group is
 * usually gone: without a stack trace the error costs ~2–3 µs instead of ~5 µs (measured in a loop).
 */
function kill(pid: number, signal: NodeJS.Signals): boolean {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    process.kill(pid, signal);
    return true;
  } catch {
    return false;
  } finally {
    Error.stackTraceLimit = limit;
  }
}

/** Sends a signal to each pid, ignoring those already gone. */
export function signalAll(pids: readonly number[], signal: NodeJS.Signals): void {
  for (const pid of pids) kill(pid, signal); // those already gone are skipped
}

/** Read buffer of readStatNumbers, shared: /proc/<pid>/stat is one line of well under 1 KiB. */
const statBuf = Buffer.allocUnsafe(4096);

/** The numbers a sampler needs of /proc/<pid>/stat, as readStatNumbers fills them in. */
export interface StatNumbers {
  /** The state letter's char code (Z = 90, X = 88). */
  state: number;
  pgid: number;
  /** Start time in ticks since boot (field 22). */
  start: number;
  /** Resident set size in pages (field 24). */
  rssPages: number;
  /** A hash of the command name: it changes on an exec (as a rule). */
  commHash: number;
}

/**
 * Reads /proc/<pid>/stat from an open file (a read at offset 0: a file held open is written anew, one
 * system call a look) into `out`, parsing its bytes without making strings: the hot loop of a sampler
 * that reads every process once a second. False when the process is gone (ESRCH) or the text is not a stat line.
 */
export function readStatNumbers(fd: number, out: StatNumbers): boolean {
  let n: number;
  try {
    n = readSync(fd, statBuf, 0, statBuf.length, 0);
  } catch {
    return false;
  }
  const b = statBuf;
  const open = b.indexOf(40); // '('
  const close = b.lastIndexOf(41, n - 1); // ')': the command name may hold spaces and parentheses
  if (open < 0 || close < open || close + 2 >= n) return false;
  let hash = 0x811c9dc5;
  for (let i = open + 1; i < close; i++) hash = Math.imul(hash ^ b[i]!, 0x01000193);
  out.commHash = hash >>> 0;
  out.state = b[close + 2]!;
  // Fields 3… after ") ": field 5 (pgid) is number 2 from there, 22 (start) number 19, 24 (rss) number 21.
  let field = 0;
  let value = 0;
  let neg = false;
  for (let i = close + 2; i <= n; i++) {
    const c = i < n ? b[i]! : 32;
    if (c === 32 || c === 10) {
      if (field === 2) out.pgid = neg ? -value : value;
      else if (field === 19) out.start = value;
      else if (field === 21) {
        out.rssPages = neg ? 0 : value;
        return true;
      }
      field++;
      value = 0;
      neg = false;
    } else if (c === 45) neg = true;
    else if (c >= 48 && c <= 57) value = value * 10 + (c - 48);
  }
  return false;
}

/** This process's limit of open files (RLIMIT_NOFILE, soft), from /proc/self/limits; undefined where it cannot be read. */
export function openFilesLimit(): number | undefined {
  try {
    const m = /^Max open files\s+(\d+|unlimited)/m.exec(readFileSync('/proc/self/limits', 'latin1'));
    return m ? (m[1] === 'unlimited' ? Infinity : Number(m[1])) : undefined;
  } catch {
    return undefined;
  }
}

let pageBytes: number | undefined;
/**
 * The memory page size in bytes (the unit of the rss in /proc/<pid>/stat), found once: this process's
 * resident pages (/proc/self/statm) against its VmRSS in kB (/proc/self/status), rounded to a power of
 * two (the two reads are not atomic); 4096 where that cannot be read.
 */
export function pageSize(): number {
  if (pageBytes === undefined) {
    pageBytes = 4096;
    try {
      const pages = Number(readFileSync('/proc/self/statm', 'latin1').split(' ')[1]);
      const kb = Number(/^VmRSS:\s*(\d+) kB/m.exec(readFileSync('/proc/self/status', 'latin1'))?.[1]);
      const size = 2 ** Math.round(Math.log2((kb * 1024) / pages));
      if (size >= 4096 && size <= 1 << 20) pageBytes = size;
    } catch {
      // no /proc: keep the default
    }
  }
  return pageBytes;
}

/**
 * The AAD_RUN_ID and AAD_TASK_ID of an environment as /proc/<pid>/environ holds it (NUL-separated
 * `NAME=value` entries, the first of a name counts); undefined unless it has both.
 */
export function taskIdsInEnviron(env: Buffer): { runId: string; taskId: string } | undefined {
  const runId = envValue(env, 'AAD_RUN_ID=');
  if (runId === undefined) return undefined;
  const taskId = envValue(env, 'AAD_TASK_ID=');
  return taskId === undefined ? undefined : { runId, taskId };
}

/** The value of the first whole entry `prefix…` of a NUL-separated environment. */
function envValue(env: Buffer, prefix: string): string | undefined {
  for (let i = env.indexOf(prefix); i >= 0; i = env.indexOf(prefix, i + 1)) {
    if (i > 0 && env[i - 1] !== 0) continue;
    const end = env.indexOf(0, i);
    return env.toString('utf8', i + prefix.length, end < 0 ? env.length : end);
  }
  return undefined;
}
