import { closeSync, mkdirSync, mkdtempSync, openSync, readSync, renameSync, rmSync, statSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { spawnSync } from 'node:child_process';
import { hostname, tmpdir } from 'node:os';
import path from 'node:path';
import type { Job } from 'bullmq';
import { UsageError } from '../errors.js';
import { printErr, printOut } from '../report/print.js';
import { openRedis } from '../run/backends/bullmq.js';
import { redisLibs } from '../run/backends/libs.js';
import { GroupGuard } from '../run/backends/guard.js';
import {
  BULL_PREFIX, FILE_PIECE, KEY_VAR, MAX_SENT_OUTPUTS, STREAM_HIGH, STREAM_LOW, keys, parseRedisUrl, queueName, verify, withTimeout, workerKey,
  type EndReport, type JobPayload,
} from '../run/backends/wire.js';
import { spawnTask, type TaskProcess } from '../run/process.js';
import { secretValues } from '../run/mask.js';
import { Watchdog } from '../run/watchdog.js';
import { MAX_OUTCOME_BYTES } from '../plan/outcome.js';
import { fileName } from '../store/paths.js';

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
  /** Why it was fenced (its lease lost, its run's session over): it is stopped, and no more of its output is sent. */
  fenced: string | false;
  /** Fenced while its lease still holds (its run's session is over): the lease is renewed until its group is gone. */
  holdsLease: boolean;
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
  if (spawnSync('bash', ['-c', 'exit 0'], { stdio: 'ignore' }).status !== 0) {
    throw new UsageError('aad worker needs bash on its PATH (its guard, which stops the tasks if the worker dies, is a bash script)');
  }
  const host = hostname();
  const k = keys(queue);
  const redis = await openRedis(target, 'worker');
  const sub = redis.duplicate();
  sub.on('error', () => {});
  // Lease renewals have a connection of their own: a task's output in flight never delays them.
  const leases = redis.duplicate();
  leases.on('error', () => {});
  const scratch = mkdtempSync(path.join(tmpdir(), 'aad-worker-'));
  const running = new Map<string, Running>();
  // Tasks never see the worker's key nor its Redis URL (a task that knows the key could sign jobs).
  const { [KEY_VAR]: _key, AAD_REDIS_URL: _url, ...taskEnv } = process.env as Record<string, string>;
  const workerSecrets = [...secretValues(process.env), key, ...(target.options.password ? [target.options.password] : [])];
  const guard = new GroupGuard((m) => say(m));
  let watchdog: Watchdog | undefined;
  const say = (line: string) => printOut(`${new Date().toISOString().slice(11, 19)} ${line}`);

  const send = (r: Running, fields: (string | Buffer)[]): Promise<unknown> => redis.xadd(k.out(r.p.run), '*', 'j', r.p.job, ...fields).catch(() => undefined);

  /** Stops a task for good: its group is stopped, and nothing more of its output reaches the runner (its end says why). */
  const fence = (r: Running, why: string, hard = false) => {
    if (r.fenced) return;
    r.fenced = why;
    r.holdsLease = !hard;
    say(`stop ${r.p.job}: ${why}`);
    if (hard) r.proc?.kill();
    else r.proc?.stop();
    r.resume?.();
  };

  /** What the runner asked of a running task (its stop key or its message): `stop` (cancel) or `kill`. */
  const act = (r: Running, action: unknown) => {
    if (action === 'kill') r.proc?.kill();
    else if (action === 'stop') r.proc?.stop();
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
    if (r && !r.fenced) act(r, m.action);
  };
  sub.on('message', onControl);
  await sub.subscribe(k.ctl);

  /** Renews the leases (every quarter of the lease): a lost one fences its task; a kept one ticks the guard. */
  const renew = async () => {
    for (const r of [...running.values()]) {
      if ((r.fenced && !r.holdsLease) || Date.now() - r.lastTry < r.p.leaseMs / 4) continue;
      r.lastTry = Date.now();
      try {
        // A Redis that does not answer within a quarter of the lease counts as unreachable (commands wait for it otherwise).
        const replies = (await withTimeout(
          leases.multi().set(k.lease(r.p.job), host, 'PX', r.p.leaseMs, 'XX').get(k.stop(r.p.job)).get(k.session(r.p.run)).exec(),
          r.p.leaseMs / 4,
        )) as [Error | null, unknown][] | null;
        if (!replies || replies.some(([err]) => err)) throw new Error('renewal failed');
        const [lease, stop, session] = replies.map(([, v]) => v);
        if (lease !== 'OK') {
          r.holdsLease = false;
          fence(r, 'its lease was lost (the runner gave the attempt up)', true);
        } else if (r.fenced) {
          r.lastRenew = Date.now();
          guard.tick();
        } else if (session !== r.p.session) fence(r, session === null ? 'its run session is over (its runner is gone)' : 'its run was resumed elsewhere');
        else {
          r.lastRenew = Date.now();
          guard.tick();
          act(r, stop);
        }
      } catch {
        if (Date.now() - r.lastRenew > r.p.leaseMs * 0.9) {
          r.holdsLease = false;
          fence(r, 'Redis unreachable for the lease', true);
        }
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
    const reject = async (why: string) => {
      say(`refuse ${p.job}: ${why}`);
      await redis.xadd(k.out(p.run), '*', 'j', p.job, 't', 'reject', 'w', host, 'd', why).catch(() => {});
    };
    const [session, stopAsked] = await Promise.all([redis.get(k.session(p.run)), redis.get(k.stop(p.job))]);
    if (session !== p.session) return reject('its run session is over');
    // A job runs once: its lease key (kept an hour once done) refuses it to any worker again (a replayed job).
    if ((await redis.set(k.lease(p.job), host, 'PX', p.leaseMs, 'NX')) !== 'OK') return reject('already taken');
    const r: Running = { p, proc: undefined, fenced: false, holdsLease: false, lastRenew: Date.now(), inFlight: 0, resume: undefined, sinceCheck: 0, lastTry: Date.now(), shutDown: false };
    if (stopAsked) {
      await send(r, ['t', 'start', 'w', host, 'pid', '0']);
      const end: EndReport = { exitCode: null, signal: null, timedOut: false, stopped: true, durationMs: 0, killedHard: false };
      await send(r, ['t', 'end', 'd', JSON.stringify(end)]);
      await redis.set(k.lease(p.job), 'done', 'PX', 3600_000).catch(() => {});
      return;
    }
    running.set(p.job, r);
    const dir = path.join(scratch, fileName(p.job));
    /** Set once the end is sent: the lease may then say `done`. */
    let ended = false;
    try {
      mkdirSync(dir, { recursive: true });
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
        env: { ...taskEnv, ...p.env, AAD_OUTCOME: outcomePath, AAD_HEARTBEAT: path.join(dir, 'heartbeat'), AAD_WORKER: host, AAD_WORKER_JOB: p.job },
        logPath,
        logFd: openSync(logPath, 'a'),
        timeoutMs: p.timeoutMs,
        killGraceMs: p.killGraceMs,
        // The runner's (those of the task) and this worker's own secret-looking values are masked.
        secrets: [...new Set([...p.secrets, ...workerSecrets])],
        ids: { runId: p.run, taskId: p.task, attempt: String(p.attempt) },
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
      // If this worker stops renewing its lease, the guard stops the task at 0.8 of the lease and kills it by the
      // lease's end (its grace cut short if need be): when the runner judges it lost, nothing of it runs any more.
      if (proc.pid !== undefined) guard.add(proc.pid, p.leaseMs * 0.8, Math.min(p.killGraceMs, p.leaseMs * 0.15));
      await send(r, ['t', 'start', 'w', host, 'pid', String(proc.pid ?? 0)]);
      const result = await proc.done;
      if (proc.pid !== undefined) guard.remove(proc.pid);
      flushOut();
      if (!r.fenced && p.outputs.length > 0) await sendOutputs(r, cwd, dir);
      // Ended by the worker itself (fenced, shut down, its own disk refusing a write): a failure to retry, never a cancel.
      const own = r.fenced
        ? `worker ${host} stopped it: ${r.fenced}`
        : r.shutDown && result.stopped
          ? `worker ${host} shut down`
          : result.ioError
            ? `worker ${host}: ${result.ioError.message}`
            : undefined;
      const end: EndReport = {
        exitCode: result.exitCode,
        signal: result.signal,
        timedOut: result.timedOut,
        stopped: result.stopped && own === undefined,
        ...(own === undefined ? {} : { remote: own }),
        durationMs: result.durationMs,
        killedHard: result.killedHard,
        ...(result.spawnError === undefined ? {} : { spawnError: result.spawnError }),
        ...(result.watchdog ? { watchdog: result.watchdog } : {}),
        ...(readOutcome(outcomePath) ?? {}),
      };
      await send(r, ['t', 'end', 'd', JSON.stringify(end)]);
      ended = true;
    } catch (err) {
      // Whatever failed here, the runner hears that the attempt ended, and why.
      const end: EndReport = { exitCode: null, signal: null, timedOut: false, stopped: false, durationMs: 0, killedHard: false, remote: `worker ${host}: ${(err as Error).message}` };
      ended = (await send(r, ['t', 'end', 'd', JSON.stringify(end)])) !== undefined;
    } finally {
      running.delete(p.job);
      if (r.proc?.pid !== undefined) guard.remove(r.proc.pid);
      // `done` only once the end is in the stream; otherwise the lease runs out and the runner judges the attempt lost.
      if (ended) await redis.set(k.lease(p.job), 'done', 'PX', 3600_000).catch(() => {});
      rmSync(dir, { recursive: true, force: true });
    }
  };

  /** The task's outputs, collected here and sent to the runner piece by piece; past MAX_SENT_OUTPUTS they stay here. */
  const sendOutputs = async (r: Running, cwd: string, dir: string) => {
    const { collectOutputs } = await import('../run/artifacts.js');
    const dest = path.join(dir, 'outputs');
    const c = await collectOutputs({ cwd, patterns: r.p.outputs, dest, skipDirs: [scratch] });
    if (c.refused) {
      await send(r, ['t', 'note', 'kind', 'outputs', 'd', `collecting the outputs on worker ${host} failed: ${c.refused.message}`]);
      return;
    }
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
        for (const r of running.values()) {
          r.shutDown = true;
          r.proc?.kill();
        }
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
        await leases.quit().catch(() => {});
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

/**
 * The task's `$AAD_OUTCOME` file, as text, when it wrote one. At most a byte over MAX_OUTCOME_BYTES is read: past
 * that the runner refuses it, saying so, and a byte more is enough to tell.
 */
function readOutcome(file: string): { outcome: string } | undefined {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch {
    return undefined;
  }
  try {
    const buf = Buffer.allocUnsafe(Math.min(statSync(file).size, MAX_OUTCOME_BYTES + 1));
    let n = 0;
    for (let got = 1; got > 0 && n < buf.length; n += got) got = readSync(fd, buf, n, buf.length - n, n);
    return { outcome: buf.subarray(0, n).toString('utf8') };
  } catch {
    return undefined;
  } finally {
    closeSync(fd);
  }
}

