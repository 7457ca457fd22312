// The watchdog on real processes and files: stalls (log and heartbeat), memory of a group and of the
// processes that escaped it, unwatching, and the reason texts. Limits are short; every process started
// here leads its own group (or escaped one, its pid written to a file) and is killed in a finally.
import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { describe, expect, it } from 'vitest';
import { Watchdog, memoryReason, residentBytes, stallReason, type Trip, type WatchSpec } from '../../src/run/watchdog.js';
import { readProcStat, readStatNumbers, taskIdsInEnviron, type StatNumbers } from '../../src/store/proc.js';
import { tmpDir } from '../helpers/cli.js';

const MB = 2 ** 20;
const NODE = process.execPath;

/** A node program that allocates and touches `mb` MiB, then sleeps. */
const hog = (mb: number) => `${NODE} -e "globalThis.b = Buffer.alloc(${mb} * 2 ** 20, 1); require('fs').writeFileSync('ready', ''); setTimeout(() => {}, 30000)"`;

/** A started shell script leading its own group, its output appended to `log`. */
interface Task {
  pid: number;
  dir: string;
  log: string;
  heartbeat: string;
  startedMs: number;
  /** Kills the group and the pids listed in the files `pidFiles` (escaped processes). */
  kill(): void;
}

let counter = 0;
function start(script: string, env: Record<string, string> = {}, clock: () => number = Date.now): Task {
  const dir = tmpDir('aad-watchdog-');
  const log = join(dir, 'out.log');
  const heartbeat = join(dir, 'heartbeat');
  const fd = openSync(log, 'a');
  const startedMs = clock();
  const child = spawn('/bin/sh', ['-c', script], {
    cwd: dir,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', AAD_HEARTBEAT: heartbeat, ...env },
    detached: true,
    stdio: ['ignore', fd, fd],
  });
  closeSync(fd);
  child.on('error', () => {});
  const pid = child.pid!;
  return {
    pid,
    dir,
    log,
    heartbeat,
    startedMs,
    kill() {
      for (const f of ['escaped.pid', 'other.pid']) {
        const file = join(dir, f);
        if (existsSync(file)) signal(Number(readFileSync(file, 'utf8')), 'SIGKILL');
      }
      signal(-pid, 'SIGKILL');
    },
  };
}

function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    // gone already
  }
}

function spec(t: Task, over: Partial<WatchSpec> = {}): WatchSpec {
  return { pgid: t.pid, runId: 'run-w', taskId: `t${++counter}`, logPath: t.log, heartbeatPath: t.heartbeat, startedMs: t.startedMs, ...over };
}

/**
 * The trip of a watch, or undefined if none came within `ms`; records when it came (Date.now). Unwatches
 * 300 ms after the trip (a second report in that time fails it) or after `ms`.
 */
function tripWithin(w: Watchdog, s: WatchSpec, ms: number): Promise<{ trip: Trip; at: number } | undefined> {
  return new Promise((resolve) => {
    let count = 0;
    const stop = w.watch(s, (trip) => {
      const at = Date.now();
      if (++count > 1) return;
      setTimeout(() => {
        stop();
        resolve(count === 1 ? { trip, at } : undefined);
      }, 300);
    });
    setTimeout(() => {
      if (count > 0) return;
      stop();
      resolve(undefined);
    }, ms);
  });
}

/** Dead means gone or a zombie (PID 1 reaps slowly here). */
function alive(pid: number): boolean {
  const st = readProcStat(pid);
  return st !== undefined && st.state !== 'Z' && st.state !== 'X';
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls `cond` every `every` ms (a /proc scan is not free: the other tests' timers share this event loop). */
async function waitFor(cond: () => boolean, ms = 5000, every = 100): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (cond()) return true;
    await sleep(every);
  }
  return cond();
}

describe.concurrent('Watchdog', () => {
  it('trips a silent task on its stall limit, not before it and within a second after it', async () => {
    const w = new Watchdog();
    const t = start('sleep 30');
    try {
      // A timer of the same 400 ms tells how late this loaded event loop runs timers (other tests share it).
      const control = new Promise<number>((r) => setTimeout(() => r(Date.now()), 400));
      const got = await tripWithin(w, spec(t, { stallMs: 400 }), 3000);
      expect(got?.trip).toEqual({ kind: 'stalled', reason: 'stalled: no output for 0.4s' });
      expect(got!.at - t.startedMs).toBeGreaterThanOrEqual(400);
      expect(got!.at - Math.max(await control, t.startedMs + 400)).toBeLessThan(1000);
      expect(alive(t.pid)).toBe(true); // the watchdog only reports: stopping is the runner's
    } finally {
      t.kill();
      w.close();
    }
  });

  it('does not trip a task that writes to its log, or only touches its heartbeat, every 100 ms; one clock for all', async () => {
    // The clock need not be the wall clock (file times are mapped to it): here a monotonic one.
    const clock = () => performance.now();
    const w = new Watchdog({ clock });
    const writer = start('while :; do echo tick; sleep 0.1; done', {}, clock);
    const toucher = start('while :; do touch "$AAD_HEARTBEAT"; sleep 0.1; done', {}, clock);
    const silent = start('sleep 30', {}, clock);
    try {
      const [a, b, c] = await Promise.all([
        tripWithin(w, spec(writer, { stallMs: 500 }), 1600),
        tripWithin(w, spec(toucher, { stallMs: 500 }), 1600),
        tripWithin(w, spec(silent, { stallMs: 500 }), 1600),
      ]);
      expect(a).toBeUndefined();
      expect(b).toBeUndefined();
      expect(c?.trip.kind).toBe('stalled');
      expect(alive(writer.pid) && alive(toucher.pid)).toBe(true);
      expect(readFileSync(writer.log, 'utf8')).toMatch(/^(tick\n){5,}/);
      expect(w.size).toBe(0);
      expect(w.armed).toBe(false);
    } finally {
      for (const t of [writer, toucher, silent]) t.kill();
      w.close();
    }
  });

  it('does not trip a task that writes every 100 ms where mtimes are whole seconds (a coarse file system)', async () => {
    const w = new Watchdog();
    // Each write sets the log's mtime back to its whole second, as FAT or some network file systems keep it.
    const t = start('while :; do echo tick; touch -m -d "@$(date +%s)" out.log; sleep 0.1; done');
    try {
      expect(await tripWithin(w, spec(t, { stallMs: 1000 }), 3000)).toBeUndefined();
      expect(alive(t.pid)).toBe(true);
      expect(readFileSync(t.log, 'utf8')).toMatch(/^(tick\n){10,}/);
    } finally {
      t.kill();
      w.close();
    }
  });

  it('trips a task over its memory limit: the whole group counts (a shell and its node child)', async () => {
    const w = new Watchdog();
    const t = start(`${hog(150)}; sleep 30`);
    try {
      const got = await tripWithin(w, spec(t, { maxMemoryBytes: 64 * MB, stallMs: 60_000 }), 6000);
      expect(got?.trip.kind).toBe('memory');
      expect(got?.trip.reason).toMatch(/^memory: \d+ MB over the limit of 64 MB$/);
      expect(Number(/\d+/.exec(got!.trip.reason)![0])).toBeGreaterThanOrEqual(64);
    } finally {
      t.kill();
      w.close();
    }
  });

  it("counts the processes that escaped the group with the task's ids, and not those of another task", async () => {
    const w = new Watchdog();
    const env = { AAD_RUN_ID: 'run-esc', AAD_TASK_ID: 'mine' };
    const mine = start(`setsid ${hog(120)} & echo $! > escaped.pid; sleep 30`, env);
    const other = start(`AAD_TASK_ID=theirs setsid ${hog(120)} & echo $! > other.pid; sleep 30`, env);
    try {
      const limit = 80 * MB;
      const [a, b] = await Promise.all([
        tripWithin(w, spec(mine, { runId: 'run-esc', taskId: 'mine', maxMemoryBytes: limit }), 6000),
        (async () => {
          // Wait until the other escaped process holds its memory, then give the watchdog two scans.
          const ok = await waitFor(() => residentBytes(0, { runId: 'run-esc', taskId: 'theirs' }) > limit, 5000, 250);
          expect(ok).toBe(true);
          return tripWithin(w, spec(other, { runId: 'run-esc', taskId: 'mine-too', maxMemoryBytes: limit }), 2500);
        })(),
      ]);
      expect(a?.trip.kind).toBe('memory');
      expect(a?.trip.reason).toMatch(/^memory: \d+ MB over the limit of 80 MB$/);
      expect(b).toBeUndefined();
      // The groups alone are small: what tripped was the escaped process.
      expect(residentBytes(mine.pid)).toBeLessThan(limit);
      const escaped = Number(readFileSync(join(mine.dir, 'escaped.pid'), 'utf8'));
      expect(readProcStat(escaped)?.pgid).toBe(escaped);
      expect(residentBytes(mine.pid, { runId: 'run-esc', taskId: 'mine' })).toBeGreaterThan(limit);
    } finally {
      mine.kill();
      other.kill();
      w.close();
    }
  });

  it('unwatching before a limit: no trip, nothing left watched, no timer; close() may be called twice', async () => {
    const w = new Watchdog();
    const t = start('sleep 30');
    try {
      const trips: Trip[] = [];
      const stop = w.watch(spec(t, { stallMs: 300, maxMemoryBytes: MB }), (trip) => trips.push(trip));
      const other = w.watch(spec(t, { stallMs: 300 }), (trip) => trips.push(trip));
      expect(w.size).toBe(2);
      expect(w.armed).toBe(true);
      await sleep(100);
      stop();
      stop(); // a second call is harmless
      expect(w.size).toBe(1);
      other();
      expect(w.size).toBe(0);
      expect(w.armed).toBe(false);
      await sleep(700);
      expect(trips).toEqual([]);
      w.close();
      w.close();
      expect(w.size).toBe(0);
      expect(w.armed).toBe(false);
      // Watching again after close works; a tripped entry stays until unwatched, is not reported again,
      // and with nothing else to watch the timer is not set.
      const seen: Trip[] = [];
      const unwatch = w.watch(spec(t, { stallMs: 200 }), (trip) => seen.push(trip));
      expect(await waitFor(() => seen.length > 0)).toBe(true);
      await sleep(400);
      expect(seen.map((x) => x.kind)).toEqual(['stalled']);
      expect(w.size).toBe(1);
      expect(w.armed).toBe(false);
      unwatch();
      expect(w.size).toBe(0);
    } finally {
      t.kill();
      w.close();
    }
  });

  it('formats the reasons', () => {
    expect(stallReason(120_000)).toBe('stalled: no output for 120s');
    expect(stallReason(1500)).toBe('stalled: no output for 1.5s');
    expect(stallReason(500)).toBe('stalled: no output for 0.5s');
    expect(stallReason(1250)).toBe('stalled: no output for 1.25s');
    expect(stallReason(1234)).toBe('stalled: no output for 1.23s');
    expect(memoryReason(612 * MB, 512 * MB)).toBe('memory: 612 MB over the limit of 512 MB');
    expect(memoryReason(612.4 * MB, 512 * MB)).toBe('memory: 612 MB over the limit of 512 MB');
  });

  it('parses /proc/<pid>/stat with a command name holding spaces and parentheses, and finds whole environment entries', () => {
    const line = '4242 (a) b (c)) S 1 4240 4240 0 -1 4194560 100 0 0 0 1 2 0 0 20 0 1 0 987654 12345678 321 18446744073709551615\n';
    const parse = (text: string): StatNumbers | undefined => {
      const file = join(tmpDir('aad-watchdog-'), 'stat');
      writeFileSync(file, text);
      const fd = openSync(file, 'r');
      try {
        const out: StatNumbers = { state: 0, pgid: 0, start: 0, rssPages: 0, commHash: 0 };
        return readStatNumbers(fd, out) ? out : undefined;
      } finally {
        closeSync(fd);
      }
    };
    const got = parse(line);
    expect(got).toMatchObject({ state: 'S'.charCodeAt(0), pgid: 4240, start: 987654, rssPages: 321 });
    expect(got!.commHash).not.toBe(parse(line.replace('(a) b (c))', '(a) b (d))'))!.commHash);
    expect(parse('garbage')).toBeUndefined();
    expect(parse('1 (x) S 1 2')).toBeUndefined();
    const env = (...vars: string[]) => Buffer.from(vars.join('\0') + '\0');
    expect(taskIdsInEnviron(env('A=1', 'AAD_RUN_ID=r', 'AAD_TASK_ID=t.x'))).toEqual({ runId: 'r', taskId: 't.x' });
    expect(taskIdsInEnviron(env('XAAD_RUN_ID=r', 'AAD_TASK_ID=t'))).toBeUndefined();
    expect(taskIdsInEnviron(env('AAD_RUN_ID=r', 'NOT_AAD_TASK_ID=t'))).toBeUndefined();
    expect(taskIdsInEnviron(env('AAD_RUN_ID=r', 'AAD_TASK_ID=t1', 'AAD_TASK_ID=t2'))).toEqual({ runId: 'r', taskId: 't1' });
    expect(taskIdsInEnviron(Buffer.from('AAD_TASK_ID=t\0AAD_RUN_ID=r'))).toEqual({ runId: 'r', taskId: 't' });
  });

  it('residentBytes of a group matches the VmRSS the kernel reports (the page size is right)', async () => {
    const t = start(`exec ${hog(40)}`);
    try {
      expect(await waitFor(() => existsSync(join(t.dir, 'ready')))).toBe(true);
      await sleep(200);
      const rss = Number(/^VmRSS:\s*(\d+) kB/m.exec(readFileSync(`/proc/${t.pid}/status`, 'utf8'))?.[1]) * 1024;
      // The process may still grow between the two reads; a wrong page size would be off 4× or more.
      expect(residentBytes(t.pid)).toBeGreaterThan(40 * MB);
      expect(residentBytes(t.pid) / rss).toBeGreaterThan(0.9);
      expect(residentBytes(t.pid) / rss).toBeLessThan(1.1);
      expect(residentBytes(process.pid)).toBe(0); // this process itself is never counted
    } finally {
      t.kill();
    }
  });
});
