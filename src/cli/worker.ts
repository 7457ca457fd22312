import { mkdirSync, mkdtempSync, openSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import path from 'node:path';
import type { Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { UsageError } from '../errors.js';
import { printErr, printOut } from '../report/print.js';
import { openRedis } from '../run/backends/bullmq.js';
import { redisLibs } from '../run/backends/libs.js';
import { GroupGuard } from '../run/backends/guard.js';
import {
  BULL_PREFIX, FILE_PIECE, MAX_SENT_OUTPUTS, STREAM_HIGH, STREAM_LOW, keys, parseRedisUrl, queueName, verify, workerKey,
  type EndReport, type JobPayload,
} from '../run/backends/wire.js';
import { spawnTask, type TaskProcess } from '../run/process.js';
import { secretValues } from '../run/mask.js';
import { Watchdog } from '../run/watchdog.js';

/** Options of `aad worker`. */
export interface WorkerArgs {
  redis?: string;
  concurrency?: string;
  queue?: string;
  workdir?: string;
}

/** One attempt this worker runs. */
interface Running {
  p: JobPayload;
  proc: TaskProcess | undefined;
  /** Its lease is lost (or its run's session replaced): it is stopped, and nothing more of it is sent. */
  fenced: boolean;
  lastRenew: number;
  /** Output XADDs sent and not yet answered, in bytes. */
  inFlight: number;
  /** The task's output is paused (the runner reads slowly): resumes it. */
  resume: (() => void) | undefined;
  sinceCheck: number;
  /** When its lease was last renewed or tried. */
  lastTry: number;
  /** The worker is shutting down and stopped it: a failure the runner retries, not a cancel. */
  shutDown: boolean;
}

/** The largest stream entry of a task's output. */
const OUT_ENTRY = 256 * 1024;
/** Gathering buffers kept for reuse per task (as many as IN_FLIGHT_HIGH holds). */
const MAX_SPARE = 32;
/** A worker pauses a task's output while this many of its bytes are on their way to Redis. */
const IN_FLIGHT_HIGH = 8 * 1024 * 1024;

/**
 * `aad worker`: takes attempts from the queue (BullMQ), checks their signature, runs each as the local backend
 * does (its own process group, timeouts, watchdogs) under a guard that kills the group when this worker dies
 * or loses its lease, and streams output, outputs and the end back to the runner. Ends on SIGTERM/SIGINT.
 */
export async function runWorker(a: WorkerArgs): Promise<number> {
  const key = workerKey(process.env, 'worker');
  const url = a.redis ?? process.env.AAD_REDIS_URL;
  if (!url) throw new UsageError('aad worker needs --redis URL (or AAD_REDIS_URL)');
  const target = parseRedisUrl(url);
  const queue = queueName(a.queue);
  const concurrency = a.concurrency === undefined ? 1 : Number(a.concurrency);
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 1000) throw new UsageError(`--concurrency ${a.concurrency}: give a whole number from 1 to 1000`);
  const workdir = path.resolve(a.workdir ?? '.');
  try {
    if (!statSync(workdir).isDirectory()) throw new Error();
  } catch {
    throw new UsageError(`--workdir ${a.workdir ?? '.'}: no such directory (the checkout the tasks run in)`);
  }
  const host = hostname();
  const k = keys(queue);
  const redis = await openRedis(target, 'worker');
  const sub = redis.duplicate();
  sub.on('error', () => {});
  const scratch = mkdtempSync(path.join(tmpdir(), 'aad-worker-'));
  const running = new Map<string, Running>();
  const workerSecrets = secretValues(process.env);
  const guard = new GroupGuard((m) => say(m));
  let watchdog: Watchdog | undefined;
  const say = (line: string) => printOut(`${new Date().toISOString().slice(11, 19)} ${line}`);

  const send = (r: Running, fields: (string | Buffer)[]): Promise<unknown> => redis.xadd(k.out(r.p.run), '*', 'j', r.p.job, ...fields).catch(() => undefined);

  /** Stops a task for good: its group is stopped, and nothing more of it reaches the runner. */
  const fence = (r: Running, why: string, hard = false) => {
    if (r.fenced) return;
    r.fenced = true;
    say(`stop ${r.p.job}: ${why}`);
    if (hard) r.proc?.kill();
    else r.proc?.stop();
    r.resume?.();
  };

  const onControl = (_channel: string, message: string) => {
    let m: { job?: string; run?: string; session?: string; action?: string };
    try {
      m = JSON.parse(message);
    } catch {
      return;
    }
    if (m.action === 'kill-run') {
      for (const r of running.values()) if (r.p.run === m.run && r.p.session !== m.session) fence(r, 'its run was resumed elsewhere');
      return;
    }
    const r = m.job === undefined ? undefined : running.get(m.job);
    if (!r || r.fenced) return;
    if (m.action === 'kill') r.proc?.kill();
    else if (m.action === 'stop') r.proc?.stop();
  };
  sub.on('message', onControl);
  await sub.subscribe(k.ctl);

  /** Renews the leases (every quarter of the lease): a lost one fences its task; a kept one ticks the guard. */
  const renew = async () => {
    for (const r of [...running.values()]) {
      if (r.fenced || Date.now() - r.lastTry < r.p.leaseMs / 4) continue;
      r.lastTry = Date.now();
      try {
        // A Redis that does not answer within a quarter of the lease counts as unreachable (commands wait for it otherwise).
        const replies = (await withTimeout(
          redis.multi().set(k.lease(r.p.job), host, 'PX', r.p.leaseMs, 'XX').get(k.stop(r.p.job)).get(k.session(r.p.run)).exec(),
          r.p.leaseMs / 4,
        )) as [Error | null, unknown][] | null;
        if (!replies || replies.some(([err]) => err)) throw new Error('renewal failed');
        const [lease, stop, session] = replies.map(([, v]) => v);
        if (lease !== 'OK') fence(r, 'its lease was lost (the runner gave the attempt up)', true);
        else if (session !== r.p.session) fence(r, 'its run was resumed elsewhere');
        else {
          r.lastRenew = Date.now();
          guard.tick();
          if (stop === 'kill') r.proc?.kill();
          else if (stop === 'stop') r.proc?.stop();
        }
      } catch {
        if (Date.now() - r.lastRenew > r.p.leaseMs * 0.9) fence(r, 'Redis unreachable for the lease', true);
      }
    }
  };

  const processJob = async (job: Job): Promise<void> => {
    const id = job.id ?? '';
    const p = verify(job.data, key);
    if (!p || p.job !== id) {
      const run = id.split(':')[0] ?? '';
      say(`refuse ${id}: bad signature`);
      if (run) await redis.xadd(k.out(run), '*', 'j', id, 't', 'reject', 'w', host, 'd', 'bad signature').catch(() => {});
      return;
    }
    const [session, stopAsked] = await Promise.all([redis.get(k.session(p.run)), redis.get(k.stop(p.job))]);
    if (session !== p.session) {
      say(`drop ${p.job}: its run session is over`);
      return;
    }
    const r: Running = { p, proc: undefined, fenced: false, lastRenew: Date.now(), inFlight: 0, resume: undefined, sinceCheck: 0, lastTry: Date.now(), shutDown: false };
    if (stopAsked) {
      await send(r, ['t', 'start', 'w', host, 'pid', '0']);
      const end: EndReport = { exitCode: null, signal: null, timedOut: false, stopped: true, durationMs: 0, killedHard: false };
      await send(r, ['t', 'end', 'd', JSON.stringify(end)]);
      return;
    }
    running.set(p.job, r);
    const dir = path.join(scratch, p.job.replace(/[^A-Za-z0-9._-]/g, '_'));
    try {
      mkdirSync(dir, { recursive: true });
      await redis.set(k.lease(p.job), host, 'PX', p.leaseMs);
      say(`take ${p.job} (${p.task}, attempt ${p.attempt}, from ${p.from})`);
      const cwd = path.resolve(workdir, p.cwd);
      const outcomePath = path.join(dir, 'outcome');
      const logPath = p.stallMs === undefined ? '/dev/null' : path.join(dir, 'log');
      let paused = false;
      const checkStream = async () => {
        const len = await redis.xlen(k.out(p.run)).catch(() => 0);
        if (len <= (paused ? STREAM_LOW : STREAM_HIGH)) {
          if (paused) {
            paused = false;
            maybeResume();
          }
          return;
        }
        paused = true;
        setTimeout(() => void checkStream(), 10);
      };
      const maybeResume = () => {
        if (!paused && r.inFlight < IN_FLIGHT_HIGH / 2 && r.resume) {
          const go = r.resume;
          r.resume = undefined;
          go();
        }
      };
      const spare: Buffer[] = [];
      const gathered: { buf: Buffer; used: number; scheduled: boolean } = { buf: Buffer.allocUnsafe(OUT_ENTRY), used: 0, scheduled: false };
      const sendOut = (data: Buffer, answered?: () => void) => {
        r.inFlight += data.length;
        void send(r, ['t', 'out', 'd', data]).then(() => {
          answered?.();
          r.inFlight -= data.length;
          maybeResume();
        });
      };
      const flushOut = () => {
        gathered.scheduled = false;
        if (gathered.used === 0 || r.fenced) return;
        // Once Redis has answered, the client is done with the buffer: it is used again (less garbage to collect).
        const full = gathered.buf;
        sendOut(full.subarray(0, gathered.used), () => {
          if (spare.length < MAX_SPARE) spare.push(full);
        });
        gathered.buf = spare.pop() ?? Buffer.allocUnsafe(OUT_ENTRY);
        gathered.used = 0;
      };
      const proc = spawnTask({
        cmd: p.cmd,
        cwd,
        env: { ...(process.env as Record<string, string>), ...p.env, AAD_OUTCOME: outcomePath, AAD_HEARTBEAT: path.join(dir, 'heartbeat'), AAD_WORKER: host, AAD_WORKER_JOB: p.job },
        logPath,
        logFd: openSync(logPath, 'a'),
        timeoutMs: p.timeoutMs,
        killGraceMs: p.killGraceMs,
        // The runner's (those of the task) and this worker's own secret-looking values are masked.
        secrets: [...new Set([...p.secrets, ...workerSecrets])],
        ids: { runId: p.run, taskId: p.task },
        ...(p.stallMs !== undefined || p.maxMemoryBytes !== undefined
          ? { watch: { watchdog: (watchdog ??= new Watchdog()), stallMs: p.stallMs, maxMemoryBytes: p.maxMemoryBytes, heartbeatPath: path.join(dir, 'heartbeat') } }
          : {}),
        onOutput: (chunk) => {
          if (r.fenced) return true;
          // Gathered into entries of up to OUT_ENTRY bytes (fewer, larger stream entries: ~1.5× the throughput
          // of one per 64 KiB pipe read), sent at once when full, else on the next turn of the event loop.
          if (chunk.length > OUT_ENTRY - gathered.used) flushOut();
          if (chunk.length >= OUT_ENTRY) sendOut(Buffer.from(chunk));
          else {
            chunk.copy(gathered.buf, gathered.used);
            gathered.used += chunk.length;
            if (!gathered.scheduled) {
              gathered.scheduled = true;
              setImmediate(flushOut);
            }
          }
          r.sinceCheck += chunk.length;
          if (r.sinceCheck >= 1024 * 1024 && !paused) {
            r.sinceCheck = 0;
            void checkStream();
          }
          return !paused && r.inFlight < IN_FLIGHT_HIGH;
        },
        onDrain: (resume) => {
          r.resume = resume;
          maybeResume();
        },
      });
      r.proc = proc;
      // Stopped by the guard a little before its lease runs out if this worker stops renewing it.
      if (proc.pid !== undefined) guard.add(proc.pid, p.leaseMs * 0.9, p.killGraceMs);
      await send(r, ['t', 'start', 'w', host, 'pid', String(proc.pid ?? 0)]);
      const result = await proc.done;
      if (proc.pid !== undefined) guard.remove(proc.pid);
      flushOut();
      if (r.fenced) return;
      if (p.outputs.length > 0) await sendOutputs(r, cwd, dir);
      const shutDown = r.shutDown && result.stopped;
      const end: EndReport = {
        exitCode: result.exitCode,
        signal: result.signal,
        timedOut: result.timedOut,
        stopped: result.stopped && !shutDown,
        ...(shutDown ? { remote: `worker ${host} shut down` } : {}),
        durationMs: result.durationMs,
        killedHard: result.killedHard,
        ...(result.spawnError === undefined ? {} : { spawnError: result.spawnError }),
        ...(result.watchdog ? { watchdog: result.watchdog } : {}),
        ...(readOutcome(outcomePath) ?? {}),
      };
      await send(r, ['t', 'end', 'd', JSON.stringify(end)]);
    } finally {
      running.delete(p.job);
      await redis.set(k.lease(p.job), 'done', 'PX', 3600_000).catch(() => {});
      rmSync(dir, { recursive: true, force: true });
    }
  };

  /** The task's outputs, collected here and sent to the runner piece by piece; past MAX_SENT_OUTPUTS they stay here. */
  const sendOutputs = async (r: Running, cwd: string, dir: string) => {
    const { collectOutputs } = await import('../run/artifacts.js');
    const dest = path.join(dir, 'outputs');
    const c = await collectOutputs({ cwd, patterns: r.p.outputs, dest, skipDirs: [scratch] });
    let total = 0;
    for (const f of c.files) total += statSync(path.join(dest, f)).size;
    if (total > MAX_SENT_OUTPUTS) {
      const kept = path.join(tmpdir(), 'aad-worker-outputs', r.p.run, `${r.p.task}-${r.p.attempt}`);
      rmSync(kept, { recursive: true, force: true });
      mkdirSync(path.dirname(kept), { recursive: true });
      renameSync(dest, kept);
      await send(r, ['t', 'note', 'kind', 'outputs', 'd', `outputs of ${(total / 1048576).toFixed(1)} MB are over the 100 MB sent back: kept on worker ${host} in ${kept}`]);
      return;
    }
    for (const w of c.warnings) await send(r, ['t', 'note', 'd', w]);
    for (const f of c.files) {
      const fh = await open(path.join(dest, f), 'r');
      try {
        let off = 0;
        for (;;) {
          const buf = Buffer.alloc(FILE_PIECE);
          const { bytesRead } = await fh.read(buf, 0, FILE_PIECE, off);
          if (bytesRead === 0 && off > 0) break;
          await send(r, ['t', 'file', 'path', f, 'off', String(off), 'd', buf.subarray(0, bytesRead)]);
          off += bytesRead;
          if (bytesRead < FILE_PIECE) break;
        }
      } finally {
        await fh.close();
      }
    }
  };

  const { Worker } = redisLibs();
  const worker = new Worker(queue, processJob, {
    connection: { ...target.options, maxRetriesPerRequest: null },
    prefix: BULL_PREFIX,
    concurrency,
    lockDuration: 15_000,
    stalledInterval: 5_000,
    maxStalledCount: 0,
    // A job's code runs once: a failed or stalled job is aad's runner's to retry, as a new job.
    removeOnComplete: { count: 0 },
    removeOnFail: { count: 0 },
  });
  worker.on('error', (err) => printErr(`aad worker: ${err.message}`));
  const ticker = setInterval(() => void renew(), 250);
  say(`aad worker on ${host}: queue ${queue} at ${target.shown}, workdir ${workdir}, concurrency ${concurrency}`);

  return await new Promise<number>((resolve) => {
    let stopping = false;
    const shutdown = (sig: NodeJS.Signals) => {
      if (stopping) {
        // A second signal: the tasks are killed now, and the worker ends even if Redis does not answer.
        for (const r of running.values()) r.proc?.kill();
        setTimeout(() => process.exit(1), 1000).unref();
        return;
      }
      stopping = true;
      say(`${sig}: finishing ${running.size} running task(s), taking no more`);
      // Running tasks get their grace to end, then are stopped (SIGTERM, SIGKILL after the grace): the runner retries them.
      const grace = Math.max(0, ...[...running.values()].map((r) => r.p.killGraceMs));
      const t = setTimeout(() => {
        for (const r of running.values()) {
          r.shutDown = true;
          r.proc?.stop();
        }
      }, grace);
      void worker.close().then(async () => {
        clearTimeout(t);
        clearInterval(ticker);
        await sub.quit().catch(() => {});
        await redis.quit().catch(() => {});
        rmSync(scratch, { recursive: true, force: true });
        guard.close();
        resolve(0);
      });
    };
    process.on('SIGTERM', () => shutdown('SIGTERM'));
    process.on('SIGINT', () => shutdown('SIGINT'));
  });
}

/** The task's `$AAD_OUTCOME` file, as text, when it wrote one (64 MB at most, as the runner reads it). */
function readOutcome(file: string): { outcome: string } | undefined {
  try {
    const st = statSync(file);
    // Past 64 MB the runner refuses it, saying so: a byte more is enough to tell.
    if (st.size > 64 * 1024 * 1024) return { outcome: readFileSync(file).subarray(0, 64 * 1024 * 1024 + 1).toString('utf8') };
    return { outcome: readFileSync(file, 'utf8') };
  } catch {
    return undefined;
  }
}

/** `p`, or a rejection after `ms`. */
function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([p, late]).finally(() => clearTimeout(timer));
}
