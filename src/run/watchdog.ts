import { closeSync, openSync, readFileSync, readdirSync, statSync, type Stats } from 'node:fs';
import { openFilesLimit, pageSize, readStatNumbers, taskIdsInEnviron, type StatNumbers } from '../store/proc.js';

/** What to watch of one running attempt. */
export interface WatchSpec {
  /** The attempt's process group (= the leader's pid). */
  pgid: number;
  /** Processes that escaped the group (setsid, daemons) carry AAD_RUN_ID and AAD_TASK_ID in their environment. */
  runId: string;
  taskId: string;
  /** The attempt's log: output activity is its modification (mtime, size). */
  logPath: string;
  /** $AAD_HEARTBEAT: the task touches it to say it is alive (it need not exist). */
  heartbeatPath: string;
  /** clock() when the attempt started: the stall limit counts from there until the first activity. */
  startedMs: number;
  /** stall_timeout_sec in ms: no output and no heartbeat for this long trips; unset (or not > 0) watches nothing. */
  stallMs?: number;
  /** max_memory_mb in bytes: a resident total above this trips; unset (or not > 0) watches nothing. */
  maxMemoryBytes?: number;
}

/** Why an attempt is to be stopped. */
export interface Trip {
  kind: 'stalled' | 'memory';
  /** The reason as the runner reports it (stallReason, memoryReason). */
  reason: string;
}

/** The stall reason: `stalled: no output for 120s` (whole seconds, else up to 2 decimals). */
export function stallReason(stallMs: number): string {
  return `stalled: no output for ${Number((stallMs / 1000).toFixed(2))}s`;
}

/** The memory reason: `memory: 612 MB over the limit of 512 MB` (MB = 2^20 bytes, rounded; first the measured total). */
export function memoryReason(usedBytes: number, limitBytes: number): string {
  return `memory: ${Math.round(usedBytes / MB)} MB over the limit of ${Math.round(limitBytes / MB)} MB`;
}

const MB = 1024 * 1024;

/** The least time between two looks at an entry's files once one saw activity (coarse mtimes: see Watchdog.stalled). */
const MIN_LOOK_GAP_MS = 250;

/**
 * Resident bytes of a process group and of the processes that escaped it carrying `ids` in their
 * environment, now (one /proc scan; zombies and this process left out); 0 where there is no /proc.
 */
export function residentBytes(pgid: number, ids?: { runId: string; taskId: string }, procRoot = '/proc'): number {
  const key = ids && idsKey(ids.runId, ids.taskId);
  const totals = new ProcScanner(procRoot, 0).scan(new Set([pgid]), new Set(key === undefined ? [] : [key]));
  return (totals.byPgid.get(pgid) ?? 0) + (key === undefined ? 0 : (totals.byIds.get(key) ?? 0));
}

/** What a scan found: resident bytes per watched process group, and per run/task of escaped processes. */
interface Totals {
  byPgid: Map<number, number>;
  byIds: Map<string, number>;
}

/** What a scanner knows of one process (a pid with one start time). */
interface Known {
  /** Its /proc/<pid>/stat held open, or -1 (over the budget of open files: opened at each scan). */
  fd: number;
  start: number;
  /** An exec changes the command name (and may change the environment), not the start time: the environment is read again then. */
  commHash: number;
  /** idsKey of its AAD_RUN_ID / AAD_TASK_ID, null without them (or unreadable); undefined until needed. */
  key: string | null | undefined;
  /** The last scan that saw it: processes gone are forgotten (and their files closed). */
  seen: number;
}

/** The key of a run and task id pair (ids hold no NUL: they come from environment variables). */
function idsKey(runId: string, taskId: string): string {
  return `${runId}\0${taskId}`;
}

/** How many /proc/<pid>/stat files a scanner may hold open: a quarter of the open files limit, at most 4096. */
function heldBudget(): number {
  return Math.min(4096, Math.floor((openFilesLimit() ?? 1024) / 4));
}

const Z = 90;
const X = 88;

/**
 * Sums resident memory from /proc: readdir, then /proc/<pid>/stat of each process (pgid, rss). Each
 * process's stat file is opened once in its life and held open (one read a scan instead of open, read,
 * close: ~2.5× cheaper here), within a budget of open files, and parsed without making strings; the
 * environment of a process outside the watched groups is read once in its life (again after an exec).
 */
class ProcScanner {
  private readonly known = new Map<number, Known>();
  private readonly stat: StatNumbers = { state: 0, pgid: 0, start: 0, rssPages: 0, commHash: 0 };
  private held = 0;
  private scans = 0;

  /** @param budget how many stat files to hold open (0: open each at every scan). */
  constructor(
    private readonly root: string,
    private readonly budget: number,
  ) {}

  /** One pass over /proc: the resident bytes of the groups `pgids`, and of other processes whose ids key is in `keys`. */
  scan(pgids: ReadonlySet<number>, keys: ReadonlySet<string>): Totals {
    const totals: Totals = { byPgid: new Map(), byIds: new Map() };
    let names: string[];
    try {
      names = readdirSync(this.root);
    } catch {
      return totals;
    }
    const seen = ++this.scans;
    const page = pageSize();
    const s = this.stat;
    for (const name of names) {
      const c = name.charCodeAt(0);
      if (c < 48 || c > 57) continue;
      const pid = Number(name);
      if (pid === process.pid) continue;
      let k = this.known.get(pid);
      if (k && !this.read(name, k.fd)) {
        // Gone: its open file says so (the pid listed is then another process's), or it ended just now.
        this.forget(pid, k);
        if (k.fd < 0) continue;
        k = undefined;
      }
      if (!k) {
        const fd = this.held < this.budget ? this.open(name) : -1;
        if (!this.read(name, fd)) {
          if (fd >= 0) closeSync(fd);
          continue;
        }
        if (fd >= 0) this.held++;
        k = { fd, start: s.start, commHash: s.commHash, key: undefined, seen };
        this.known.set(pid, k);
      } else if (s.start !== k.start || s.commHash !== k.commHash) {
        // Another process with this pid (unheld file), or an exec: its environment is to be read again.
        k.start = s.start;
        k.commHash = s.commHash;
        k.key = undefined;
      }
      k.seen = seen;
      if (s.state === Z || s.state === X) continue;
      if (pgids.has(s.pgid)) {
        totals.byPgid.set(s.pgid, (totals.byPgid.get(s.pgid) ?? 0) + s.rssPages * page);
        continue;
      }
      if (keys.size === 0) continue;
      k.key ??= this.idsOf(name);
      if (k.key !== null && keys.has(k.key)) totals.byIds.set(k.key, (totals.byIds.get(k.key) ?? 0) + s.rssPages * page);
    }
    for (const [pid, k] of this.known) if (k.seen !== seen) this.forget(pid, k);
    return totals;
  }

  /** Forgets every process, closing the files it holds. */
  clear(): void {
    for (const [pid, k] of this.known) this.forget(pid, k);
  }

  /** Reads the stat of `pid` into this.stat, from its held file (fd ≥ 0) or opening it; false when it is gone. */
  private read(pid: string, fd: number): boolean {
    if (fd >= 0) return readStatNumbers(fd, this.stat);
    const once = this.open(pid);
    if (once < 0) return false;
    try {
      return readStatNumbers(once, this.stat);
    } finally {
      closeSync(once);
    }
  }

  private forget(pid: number, k: Known): void {
    this.known.delete(pid);
    if (k.fd < 0) return;
    closeSync(k.fd);
    this.held--;
  }

  private open(pid: string): number {
    try {
      return openSync(`${this.root}/${pid}/stat`, 'r');
    } catch {
      return -1;
    }
  }

  private idsOf(pid: string): string | null {
    let env: Buffer;
    try {
      env = readFileSync(`${this.root}/${pid}/environ`);
    } catch {
      return null; // gone, or another user's
    }
    const ids = taskIdsInEnviron(env);
    return ids ? idsKey(ids.runId, ids.taskId) : null;
  }
}

/** What the last look saw of a file; null when it did not exist. */
type FileSig = { mtimeMs: number; size: number; ino: number } | null;

/** One watched attempt. */
interface Entry {
  spec: WatchSpec;
  onTrip: (t: Trip) => void;
  stallMs: number | undefined;
  maxBytes: number | undefined;
  key: string;
  tripped: boolean;
  /** Newest output or heartbeat seen (clock ms); the start until the first one. */
  lastActivity: number;
  /** When to look at the files next (clock ms). */
  due: number;
  /** When the files were last looked at (clock ms; at watch() first), and what was seen then (undefined: no stall limit). */
  lastLook: number;
  logSig: FileSig | undefined;
  beatSig: FileSig | undefined;
}

/**
 * Watches running attempts for stalls and for memory over their limits, with one timer for all of
 * them (unref'd, set while some entry has a limit to watch, cleared when none has).
 *
 * Stall: an entry's files (its log and heartbeat file) are stat'ed when it is watched, then only when its
 * limit would be reached (last activity + stall_timeout), so an attempt that is young or was active
 * lately costs no system call; either file having changed moves the last activity on.
 * Memory: at most once per `memoryEveryMs` (only while some entry has a limit), one scan of /proc
 * sums the rss of every watched group and of the processes that escaped them; the scanner holds the
 * /proc/<pid>/stat files open meanwhile (see ProcScanner), and closes them when no limit is left.
 */
export class Watchdog {
  private readonly entries = new Set<Entry>();
  private readonly clock: () => number;
  private readonly memoryEveryMs: number;
  private readonly stallCheckMs: number;
  private readonly scanner: ProcScanner;
  private timer: NodeJS.Timeout | undefined;
  /** When the armed timer fires (clock ms). */
  private timerAt = Infinity;
  /** When the next memory scan is due (clock ms); Infinity while no entry has a memory limit. */
  private nextScan = Infinity;

  /**
   * @param opts.clock the time in ms, as WatchSpec.startedMs is given (default Date.now); file times are mapped to it.
   * @param opts.procRoot where /proc is (tests).
   * @param opts.memoryEveryMs the period of memory scans (default 1000).
   * @param opts.stallCheckMs the longest sleep of the timer (default 1000): it wakes at the earliest stall
   *   deadline or memory scan anyway, this only bounds a sleep against a clock that is not the timers' own.
   *   (Every wake-up costs: ~0.6 ms of CPU in a small VM here, so the timer does not tick needlessly.)
   */
  constructor(opts: { clock?: () => number; procRoot?: string; memoryEveryMs?: number; stallCheckMs?: number } = {}) {
    this.clock = opts.clock ?? Date.now;
    this.memoryEveryMs = opts.memoryEveryMs ?? 1000;
    this.stallCheckMs = opts.stallCheckMs ?? 1000;
    this.scanner = new ProcScanner(opts.procRoot ?? '/proc', heldBudget());
  }

  /** Starts watching; onTrip is called at most once (from the timer, never from watch). Returns the function that stops watching. */
  watch(spec: WatchSpec, onTrip: (t: Trip) => void): () => void {
    const stallMs = spec.stallMs !== undefined && spec.stallMs > 0 ? spec.stallMs : undefined;
    const maxBytes = spec.maxMemoryBytes !== undefined && spec.maxMemoryBytes > 0 ? spec.maxMemoryBytes : undefined;
    const e: Entry = {
      spec,
      onTrip,
      stallMs,
      maxBytes,
      key: idsKey(spec.runId, spec.taskId),
      tripped: false,
      lastActivity: spec.startedMs,
      due: stallMs === undefined ? Infinity : spec.startedMs + stallMs,
      lastLook: spec.startedMs,
      logSig: undefined,
      beatSig: undefined,
    };
    this.entries.add(e);
    const now = this.clock();
    if (stallMs !== undefined) {
      // What the files are like now: the first look then sees a change even where mtimes are coarse.
      e.logSig = signature(e.spec.logPath);
      e.beatSig = signature(e.spec.heartbeatPath);
      e.lastLook = Math.max(spec.startedMs, now);
    }
    if (maxBytes !== undefined && this.nextScan === Infinity) this.nextScan = now + this.memoryEveryMs;
    if (stallMs !== undefined || maxBytes !== undefined) this.arm(now, Math.min(e.due, this.nextScan));
    return () => {
      if (!this.entries.delete(e)) return;
      if (this.entries.size === 0) this.stop();
    };
  }

  /** Number of entries watched (for tests). */
  get size(): number {
    return this.entries.size;
  }

  /** Whether the timer is set (for tests): not while nothing is to be watched. */
  get armed(): boolean {
    return this.timer !== undefined;
  }

  /** Stops the timer and forgets every entry. */
  close(): void {
    this.entries.clear();
    this.stop();
  }

  private stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.timerAt = Infinity;
    this.nextScan = Infinity;
    this.scanner.clear();
  }

  /** Sets the timer for `at` (sooner if it is set for later), sleeping at most stallCheckMs. */
  private arm(now: number, at: number): void {
    const when = Math.min(at, now + this.stallCheckMs);
    if (this.timer !== undefined && this.timerAt <= when) return;
    clearTimeout(this.timer);
    this.timerAt = when;
    this.timer = setTimeout(() => this.tick(), Math.max(0, when - now));
    this.timer.unref();
  }

  private tick(): void {
    this.timer = undefined;
    this.timerAt = Infinity;
    const now = this.clock();
    const trips: [Entry, Trip][] = [];
    let nextDue = Infinity;
    let memory = false;
    for (const e of this.entries) {
      if (e.tripped) continue;
      if (e.stallMs !== undefined) {
        if (now >= e.due && this.stalled(e, now)) {
          e.tripped = true;
          trips.push([e, { kind: 'stalled', reason: stallReason(e.stallMs) }]);
          continue;
        }
        nextDue = Math.min(nextDue, e.due);
      }
      if (e.maxBytes !== undefined) memory = true;
    }
    if (memory && now >= this.nextScan) {
      this.nextScan = now + this.memoryEveryMs;
      memory = this.checkMemory(trips);
    }
    if (!memory) {
      if (this.nextScan !== Infinity) this.scanner.clear(); // no memory limit left: close the files it holds
      this.nextScan = Infinity;
    }
    // Set the timer before calling back: a callback that throws or watches again leaves it right.
    const at = Math.min(nextDue, this.nextScan);
    if (at < Infinity) this.arm(now, at);
    // Every trip is told even if a callback throws; the first error is thrown on after them.
    let failed = false;
    let failure: unknown;
    for (const [e, trip] of trips) {
      if (!this.entries.has(e)) continue;
      try {
        e.onTrip(trip);
      } catch (err) {
        if (!failed) [failed, failure] = [true, err];
      }
    }
    if (failed) throw failure;
  }

  /**
   * Looks at an entry's log and heartbeat file, due now: whether it stalled. Activity is a file that
   * changed since the last look (mtime, size or inode), or one modified after the last activity.
   * It is dated by the file's mtime, but no earlier than the previous look (it came after it): mtimes
   * may be coarse (whole seconds on some file systems), and a task writing often must never trip.
   * After activity the next look is at least MIN_LOOK_GAP_MS away, so the check does not spin on an old mtime.
   */
  private stalled(e: Entry, now: number): boolean {
    const stallMs = e.stallMs!;
    const offset = now - Date.now(); // file times are wall-clock ms; our clock may be another
    let newest = -Infinity;
    const look = (path: string, prev: FileSig | undefined): FileSig => {
      const sig = signature(path);
      const mtime = sig ? sig.mtimeMs + offset : -Infinity;
      if (mtime > e.lastActivity) newest = Math.max(newest, mtime);
      if (prev !== undefined && !sameSig(prev, sig)) newest = Math.max(newest, mtime, e.lastLook);
      return sig;
    };
    e.logSig = look(e.spec.logPath, e.logSig);
    e.beatSig = look(e.spec.heartbeatPath, e.beatSig);
    e.lastLook = now;
    if (newest > -Infinity) {
      e.lastActivity = Math.max(e.lastActivity, Math.min(newest, now));
      e.due = Math.max(e.lastActivity + stallMs, now + Math.min(MIN_LOOK_GAP_MS, stallMs));
      return false;
    }
    if (now >= e.lastActivity + stallMs) return true;
    e.due = e.lastActivity + stallMs;
    return false;
  }

  /** One /proc scan: entries whose total is over their limit trip. Whether entries with a memory limit are left to watch. */
  private checkMemory(trips: [Entry, Trip][]): boolean {
    const pgids = new Set<number>();
    const keys = new Set<string>();
    for (const e of this.entries) {
      if (e.tripped || e.maxBytes === undefined) continue;
      pgids.add(e.spec.pgid);
      keys.add(e.key);
    }
    const totals = this.scanner.scan(pgids, keys);
    let left = false;
    for (const e of this.entries) {
      if (e.tripped || e.maxBytes === undefined) continue;
      const used = (totals.byPgid.get(e.spec.pgid) ?? 0) + (totals.byIds.get(e.key) ?? 0);
      if (used <= e.maxBytes) {
        left = true;
        continue;
      }
      e.tripped = true;
      trips.push([e, { kind: 'memory', reason: memoryReason(used, e.maxBytes) }]);
    }
    return left;
  }
}

/** What a file is like now (one stat); null when it is missing or cannot be read. */
function signature(path: string): FileSig {
  let st: Stats | undefined;
  try {
    st = statSync(path, { throwIfNoEntry: false });
  } catch {
    return null;
  }
  return st ? { mtimeMs: st.mtimeMs, size: st.size, ino: st.ino } : null;
}

function sameSig(a: FileSig, b: FileSig): boolean {
  return a === null || b === null ? a === b : a.mtimeMs === b.mtimeMs && a.size === b.size && a.ino === b.ino;
}
