import { randomBytes } from 'node:crypto';
import { closeSync, mkdirSync, openSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import path from 'node:path';
import type { Queue } from 'bullmq';
import { redisLibs } from './libs.js';
import type { Redis } from 'ioredis';
import { AadError, IoError, UsageError, refusedWrite } from '../../errors.js';
import { failedAtOnce, type AttemptDone, type Spawner, type SpawnRequest, type TaskProcess } from '../process.js';
import { maskText } from '../mask.js';
import { fileName } from '../../store/paths.js';
import { BULL_PREFIX, jobId, keys, sign, withTimeout, type EndReport, type JobPayload, type RedisTarget } from './wire.js';

/**
 * The remote backend, on the runner's side: a Spawner whose attempts are BullMQ jobs taken by `aad worker`s
 * (cli/worker.ts). The runner, decider and journal do not know the difference: an attempt still ends with an
 * AttemptDone, its output still goes to its log and the console (masked by the worker), its outputs come back
 * into a folder of the run directory. BullMQ is only the queue: one job per attempt, no BullMQ retries.
 */

/** The run stopped because Redis went away: like a refused write, aad's failure; the run can be resumed. */
export class RedisLostError extends AadError {
  readonly code = 'AAD_REDIS_LOST';
  readonly exitCode = 1;
}

/** What the backend needs from the run it serves. */
export interface RemoteRun {
  runId: string;
  /** The run directory: a remote task's outputs are written under `<dir>/remote/<task>/<attempt>/`. */
  runDir: string;
  notice: (message: string) => void;
  /** Redis stayed unreachable longer than the lease: the runner stops the run (it stays resumable). */
  onFatal: (err: AadError) => void;
}

interface Attempt {
  job: string;
  req: SpawnRequest;
  task: string;
  attempt: number;
  fd: number;
  queuedAt: number;
  waitingNoted: boolean;
  startedAt?: number;
  worker?: string;
  deadline?: number;
  asked?: 'stop' | 'kill';
  /** The job is in the queue (its add was answered). */
  added: boolean;
  /** When BullMQ was last asked about the job while no worker had said it took it. */
  lastAsked: number;
  /** BullMQ no longer has the job, and no worker said it took it (seen once: a second time, the attempt is lost). */
  gone: boolean;
  /** When its lease was first seen `done` (its worker sent the end): the stream's `end` is awaited a few seconds more. */
  workerDone?: number;
  ioError?: IoError;
  outputsDir?: string;
  outputsNote?: string;
  resolve: (d: AttemptDone) => void;
  onStart: (w: { job: string; worker: string; pid: number } | undefined) => void;
}

/** How often the runner looks at its attempts' leases, deadlines and Redis itself. */
const MONITOR_MS = 250;
/** How long an end may take to show in the stream once the worker's lease says `done`. */
const DONE_WITHOUT_END_MS = 5000;
/** Entries read from the stream at once. */
const READ_COUNT = 64;
/** How often BullMQ is asked about a job no worker said it took, and for how many jobs at most per round. */
const JOB_CHECK_MS = 2000;
const JOB_CHECKS_PER_ROUND = 50;
/** After this long in the queue, an attempt says it waits for a worker. */
const WAITING_NOTE_MS = 5000;

export class RemoteWorkers {
  private readonly k: ReturnType<typeof keys>;
  private readonly attempts = new Map<string, Attempt>();
  private run: RemoteRun | undefined;
  private session = '';
  private reader: Redis | undefined;
  private monitor: NodeJS.Timeout | undefined;
  private closed = false;
  private downSince: number | undefined;
  private fatal = false;
  /** The console is congested: reading stops (workers then pause their tasks' output) until it drains. */
  private drained: Promise<void> | undefined;
  private readonly host = hostname();
  /** How long the session key lives without renewal (the runner renews it every third of that). */
  private readonly sessionTtlMs: number;
  /** The last read of the stream found it drained (fewer entries than asked for): what the workers said is all read. */
  private caughtUp = true;
  private sessionRenewed = 0;

  private constructor(
    readonly target: RedisTarget,
    readonly queue: string,
    private readonly key: string,
    readonly leaseMs: number,
    private readonly redis: Redis,
    private readonly bull: Queue,
  ) {
    this.k = keys(queue);
    this.sessionTtlMs = Math.max(5000, 3 * leaseMs);
    redis.on('close', () => {
      this.downSince ??= Date.now();
      // Back, Redis may have lost the session (a restart): it is set again at the first look.
      this.sessionRenewed = 0;
    });
    redis.on('ready', () => (this.downSince = undefined));
  }

  /** Connects to Redis, or throws a usage error naming the URL (password masked): before anything of the run is made. */
  static async connect(target: RedisTarget, queue: string, key: string, leaseMs: number): Promise<RemoteWorkers> {
    const redis = await openRedis(target, 'runner');
    const { Queue } = redisLibs();
    const bull = new Queue(queue, { connection: redis, prefix: BULL_PREFIX });
    bull.on('error', () => {});
    return new RemoteWorkers(target, queue, key, leaseMs, redis, bull);
  }

  /** Starts serving a run session: makes its session current (a dead session's jobs are refused), reads the workers' stream. */
  async start(run: RemoteRun): Promise<void> {
    this.run = run;
    this.session = randomBytes(12).toString('hex');
    this.sessionRenewed = Date.now();
    try {
      await this.redis.set(this.k.session(run.runId), this.session, 'PX', this.sessionTtlMs);
    } catch (err) {
      throw new RedisLostError(`cannot use Redis at ${this.target.shown}: ${(err as Error).message}`, { cause: err });
    }
    this.reader = this.redis.duplicate({ maxRetriesPerRequest: null, enableOfflineQueue: true });
    this.reader.on('error', () => {});
    void this.readLoop(run.runId);
    this.monitor = setInterval(() => void this.check(), MONITOR_MS);
    this.monitor.unref();
  }

  /**
   * A resume: tells the workers to kill what the dead session of the run still runs (its session is replaced,
   * so its queued jobs are refused too), and waits until those jobs' leases are released or expired.
   */
  async killLeftovers(runId: string, jobs: readonly string[], graceMs: number): Promise<void> {
    try {
      const session = randomBytes(12).toString('hex');
      await this.redis.set(this.k.session(runId), session, 'PX', this.sessionTtlMs);
      await this.redis.publish(this.k.ctl, JSON.stringify({ run: runId, session, action: 'kill-run' }));
      // Those still queued are taken out of the queue (a worker would refuse them anyway: their session is over).
      for (const j of jobs) await this.bull.remove(j).catch(() => 0);
      // Their workers keep their leases while they stop them, and write `done` once the groups are gone; a lease
      // that runs out is a worker gone (its guard killed them by then).
      const until = Date.now() + this.leaseMs + graceMs + 2000;
      let left = [...jobs];
      while (left.length > 0 && Date.now() < until) {
        const held = await this.redis.mget(left.map((j) => this.k.lease(j)));
        left = left.filter((_, i) => held[i] !== null && held[i] !== 'done');
        if (left.length > 0) await new Promise((r) => setTimeout(r, 100));
      }
    } catch (err) {
      throw new RedisLostError(`cannot use Redis at ${this.target.shown}: ${(err as Error).message}`, { cause: err });
    }
  }

  /** The spawner of the run: remote for tasks that may run elsewhere, `local` for the others. */
  spawner(local: Spawner): Spawner {
    return (req) => (!req.task || req.task.local ? local(req) : this.dispatch(req));
  }

  private dispatch(req: SpawnRequest): TaskProcess {
    const run = this.run!;
    const t = req.task!;
    const job = jobId(run.runId, t.id, t.attempt);
    let fd: number;
    try {
      fd = req.logFd ?? openSync(req.logPath, 'a');
    } catch (err) {
      return failedAtOnce(`cannot open log ${req.logPath}: ${(err as Error).message}`, Date.now(), refusedWrite(err, req.logPath));
    }
    let resolve!: (d: AttemptDone) => void;
    const done = new Promise<AttemptDone>((r) => (resolve = r));
    let onStart!: Attempt['onStart'];
    const remote = new Promise<{ job: string; worker: string; pid: number } | undefined>((r) => (onStart = r));
    const a: Attempt = { job, req, task: t.id, attempt: t.attempt, fd, queuedAt: Date.now(), waitingNoted: false, resolve, onStart, added: false, lastAsked: Date.now(), gone: false };
    this.attempts.set(job, a);
    const env: Record<string, string> = { ...t.env };
    // Only the secrets the task itself holds (its env, its command) go to the worker; the runner's own stay here.
    const holds = JSON.stringify([t.env, req.cmd]);
    const secrets = req.secrets.filter((s) => holds.includes(s) || holds.includes(JSON.stringify(s).slice(1, -1)));
    for (const k of ['AAD_RUN_ID', 'AAD_TASK_ID', 'AAD_ATTEMPT']) if (req.env[k] !== undefined) env[k] = req.env[k]!;
    const payload: JobPayload = {
      v: 1,
      run: run.runId,
      session: this.session,
      job,
      task: t.id,
      attempt: t.attempt,
      cmd: req.cmd,
      cwd: t.cwd,
      env,
      ...(req.timeoutMs === undefined ? {} : { timeoutMs: req.timeoutMs }),
      killGraceMs: req.killGraceMs,
      secrets,
      ...(req.watch?.stallMs === undefined ? {} : { stallMs: req.watch.stallMs }),
      ...(req.watch?.maxMemoryBytes === undefined ? {} : { maxMemoryBytes: req.watch.maxMemoryBytes }),
      outputs: [...t.outputs],
      leaseMs: this.leaseMs,
      from: this.host,
    };
    this.bull.add(t.id, sign(payload, this.key), { jobId: job, attempts: 1, removeOnComplete: true, removeOnFail: true }).then(() => (a.added = true), (err: unknown) => {
      this.finish(a, { spawnError: `cannot queue the job on ${this.target.shown}: ${(err as Error).message}` });
    });
    return {
      pid: undefined,
      procStart: undefined,
      done,
      remote,
      stop: () => this.ask(a, 'stop'),
      kill: () => this.ask(a, 'kill'),
    };
  }

  /** Cancel (stop) or a second Ctrl-C (kill): a queued job is taken out of the queue, a running one is stopped by its worker. */
  private ask(a: Attempt, action: 'stop' | 'kill'): void {
    if (this.attempts.get(a.job) !== a) return;
    a.asked = action === 'kill' || a.asked === 'kill' ? 'kill' : 'stop';
    void this.tell(a.job, action);
    if (a.startedAt === undefined) {
      void this.bull
        .remove(a.job)
        .then((n) => {
          if (n === 1 || action === 'kill') this.finish(a, { stopped: true });
        })
        .catch(() => {
          if (action === 'kill') this.finish(a, { stopped: true });
        });
    }
  }

  private async tell(job: string, action: 'stop' | 'kill'): Promise<void> {
    try {
      await this.redis.set(this.k.stop(job), action, 'PX', 3600_000);
      await this.redis.publish(this.k.ctl, JSON.stringify({ job, action }));
    } catch {
      /* Redis is away: the worker's lease runs out and it stops the task itself */
    }
  }

  /** Reads the run's stream: the workers' start, output, files, notes and ends, in order; trims what it read. */
  private async readLoop(runId: string): Promise<void> {
    const stream = this.k.out(runId);
    let last = '0-0';
    while (!this.closed) {
      if (this.drained) await this.drained;
      let res: [Buffer, [Buffer, Buffer[]][]][] | null;
      try {
        res = (await this.reader!.xreadBuffer('COUNT', READ_COUNT, 'BLOCK', 500, 'STREAMS', stream, last)) as typeof res;
      } catch {
        if (this.closed) return;
        await new Promise((r) => setTimeout(r, 100));
        continue;
      }
      this.caughtUp = !res || res.every(([, entries]) => entries.length < READ_COUNT);
      if (!res) continue;
      for (const [, entries] of res) {
        for (const [id, fields] of entries) {
          last = id.toString();
          this.handle(fields);
        }
      }
      const [ms, seq] = last.split('-');
      this.redis.xtrim(stream, 'MINID', `${ms}-${Number(seq) + 1}`).catch(() => {});
    }
  }

  private handle(fields: Buffer[]): void {
    const f = new Map<string, Buffer>();
    for (let i = 0; i + 1 < fields.length; i += 2) f.set(fields[i]!.toString(), fields[i + 1]!);
    const a = this.attempts.get(f.get('j')?.toString() ?? '');
    // An attempt already ended (lost, timed out by the backstop, cancelled while queued): what its worker still says is dropped.
    if (!a) return;
    const text = (name: string) => f.get(name)?.toString() ?? '';
    switch (text('t')) {
      case 'start': {
        a.startedAt = Date.now();
        a.worker = text('w') || 'unknown';
        if (a.req.timeoutMs !== undefined) a.deadline = a.startedAt + a.req.timeoutMs + a.req.killGraceMs + this.leaseMs;
        a.onStart({ job: a.job, worker: a.worker, pid: Number(text('pid')) || 0 });
        if (a.asked) void this.tell(a.job, a.asked);
        break;
      }
      case 'out':
        this.output(a, f.get('d') ?? Buffer.alloc(0));
        break;
      case 'file':
        this.file(a, text('path'), Number(text('off')), f.get('d') ?? Buffer.alloc(0));
        break;
      case 'note':
        if (text('kind') === 'outputs') a.outputsNote = text('d');
        else this.run?.notice(`${a.task}: ${text('d')}`);
        break;
      case 'reject':
        this.finish(a, { remote: `rejected by worker ${text('w') || 'unknown'}: ${text('d')}` });
        break;
      case 'end': {
        let r: EndReport;
        try {
          r = JSON.parse(text('d')) as EndReport;
        } catch {
          this.finish(a, { remote: `worker ${a.worker ?? 'unknown'} sent an unreadable end` });
          break;
        }
        const outcomePath = a.req.env.AAD_OUTCOME;
        if (r.outcome !== undefined && outcomePath) {
          try {
            writeFileSync(outcomePath, r.outcome);
          } catch (err) {
            a.ioError ??= refusedWrite(err, outcomePath);
          }
        }
        const { outcome: _o, ...result } = r;
        // Outputs come from what the worker sent (nothing sent: none), never from this machine's checkout.
        const outputsDir = a.outputsDir ?? this.outputsFolder(a, true);
        this.finish(a, { ...result, outputsDir, ...(a.outputsNote ? { outputsNote: a.outputsNote } : {}) });
        break;
      }
    }
  }

  private output(a: Attempt, chunk: Buffer): void {
    if (chunk.length === 0 || a.ioError) return;
    try {
      for (let n = writeSync(a.fd, chunk); n < chunk.length; ) n += writeSync(a.fd, chunk, n);
    } catch (err) {
      a.ioError = refusedWrite(err, a.req.logPath) ?? new IoError(a.req.logPath, 'EIO', (err as Error).message);
      this.ask(a, 'stop');
      return;
    }
    if (a.req.onOutput?.(chunk) === false && a.req.onDrain && !this.drained) {
      this.drained = new Promise((r) => a.req.onDrain!(() => r()));
      void this.drained.then(() => (this.drained = undefined));
    }
  }

  /** A piece of an output file: written under `<run>/remote/<task>/<attempt>/`, never outside it. */
  private file(a: Attempt, rel: string, off: number, data: Buffer): void {
    const dir = this.outputsFolder(a, false);
    const norm = path.posix.normalize(rel);
    if (!rel || path.posix.isAbsolute(norm) || norm.startsWith('../') || norm === '..' || norm.includes('\0')) {
      this.run?.notice(`${a.task}: worker ${a.worker ?? '?'} sent an output file with a bad path: ${JSON.stringify(rel)} (dropped)`);
      return;
    }
    const target = path.join(dir, norm);
    try {
      if (off === 0) {
        if (!a.outputsDir) rmSync(dir, { recursive: true, force: true });
        mkdirSync(path.dirname(target), { recursive: true });
        writeFileSync(target, data);
      } else writeFileSync(target, data, { flag: 'a' });
      a.outputsDir = dir;
    } catch (err) {
      a.ioError ??= refusedWrite(err, target);
    }
  }

  /** The folder of the run directory where a remote attempt's outputs go (made empty when `make`). */
  private outputsFolder(a: Attempt, make: boolean): string {
    const dir = path.join(this.run!.runDir, 'remote', fileName(a.task), String(a.attempt));
    if (make) {
      try {
        mkdirSync(dir, { recursive: true });
      } catch (err) {
        a.ioError ??= refusedWrite(err, dir);
      }
    }
    return dir;
  }

  /** Ends an attempt once: its log closed, what it reported (or why it was lost) resolved to the runner. */
  private finish(a: Attempt, r: Partial<AttemptDone> & { remote?: string }): void {
    if (this.attempts.get(a.job) !== a) return;
    this.attempts.delete(a.job);
    try {
      closeSync(a.fd);
    } catch (err) {
      a.ioError ??= refusedWrite(err, a.req.logPath);
    }
    a.onStart(undefined);
    const stopped = r.stopped === true || (a.asked !== undefined && r.remote !== undefined);
    a.resolve({
      exitCode: null,
      signal: null,
      timedOut: false,
      killedHard: false,
      durationMs: Date.now() - (a.startedAt ?? a.queuedAt),
      ...r,
      stopped: stopped && !r.timedOut,
      ...(a.ioError ? { ioError: a.ioError } : {}),
    });
  }

  /** Every MONITOR_MS: lost workers (their lease gone), the backstop deadline, a job nobody takes, Redis itself. */
  private async check(): Promise<void> {
    if (this.closed || this.fatal) return;
    const now = Date.now();
    if (this.downSince !== undefined && now - this.downSince > this.leaseMs) {
      this.fatal = true;
      const err = new RedisLostError(`lost the connection to Redis at ${this.target.shown} for over ${this.leaseMs / 1000}s: the run is stopped and can be resumed (\`aad resume ${this.run?.runId ?? ''} --redis …\`) once Redis is back`);
      this.run?.onFatal(err);
      for (const a of [...this.attempts.values()]) this.finish(a, { stopped: true });
      return;
    }
    if (this.downSince !== undefined) return;
    // The session expires unless renewed: workers fence the tasks of a runner that is gone (and refuse its jobs).
    // Renewed whatever else happens (a console held back for minutes must not end the run's remote tasks).
    if (now - this.sessionRenewed > this.sessionTtlMs / 3) {
      this.sessionRenewed = now;
      this.redis.set(this.k.session(this.run!.runId), this.session, 'PX', this.sessionTtlMs).catch(() => {});
    }
    // While the console holds the stream back, what the workers said is not read yet: nothing is judged lost meanwhile.
    if (this.drained) return;
    const started = [...this.attempts.values()].filter((a) => a.startedAt !== undefined);
    let asked = 0;
    for (const a of this.attempts.values()) {
      if (a.startedAt !== undefined) continue;
      if (!a.waitingNoted && now - a.queuedAt > WAITING_NOTE_MS) {
        a.waitingNoted = true;
        this.run?.notice(`${a.task}: waiting for a worker on queue ${this.queue} at ${this.target.shown} (start one with \`aad worker --redis …\`)`);
      }
      // A job BullMQ no longer holds that no worker said it took (its worker died taking it; BullMQ failed it as stalled).
      if (a.added && now - a.lastAsked > JOB_CHECK_MS && asked < JOB_CHECKS_PER_ROUND) {
        asked++;
        a.lastAsked = now;
        void this.bull.getJobState(a.job).then((state) => {
          if (a.startedAt !== undefined || this.attempts.get(a.job) !== a || this.drained || !this.caughtUp) return;
          const gone = state === 'unknown' || state === 'completed' || state === 'failed';
          if (gone && a.gone) this.finish(a, { remote: 'lost: no worker took the job to the end (its worker died taking it?)' });
          a.gone = gone;
        }, () => {});
      }
    }
    if (started.length === 0) return;
    let held: (string | null)[];
    try {
      // A partition that sends no reset leaves commands unanswered: an answer later than the lease counts as Redis down.
      held = await withTimeout(this.redis.mget(started.map((a) => this.k.lease(a.job))), this.leaseMs);
    } catch {
      if (Date.now() - now >= this.leaseMs) this.downSince ??= now;
      return;
    }
    const at = Date.now();
    started.forEach((a, i) => {
      if (this.attempts.get(a.job) !== a) return;
      if (held[i] === 'done') {
        // Its worker wrote the end before `done`: once the stream is read up to now, a missing end is a lost attempt.
        a.workerDone ??= at;
        if (this.caughtUp && at - a.workerDone > DONE_WITHOUT_END_MS) this.finish(a, { remote: `worker ${a.worker ?? 'unknown'} lost the end of the attempt` });
      } else if (held[i] === null) {
        // Fencing: if the worker is alive after all, it stops the task (and its late output is dropped here).
        void this.tell(a.job, 'kill');
        this.finish(a, { remote: `worker ${a.worker ?? 'unknown'} lost` });
      } else if (a.deadline !== undefined && at > a.deadline) {
        void this.tell(a.job, 'kill');
        this.finish(a, { timedOut: true });
      }
    });
  }

  /** Ends the session: the stream and the session key go; the connections close. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.monitor);
    const runId = this.run?.runId;
    try {
      if (runId && !this.fatal && this.downSince === undefined) {
        await this.redis.del(this.k.out(runId), this.k.session(runId));
      }
    } catch {
      /* Redis is away */
    }
    this.reader?.disconnect();
    await this.bull.close().catch(() => {});
    this.redis.disconnect();
  }
}

/** Opens a client and checks it answers (and that Redis is 7 or later); a usage error naming the URL otherwise. */
export async function openRedis(target: RedisTarget, who: 'runner' | 'worker'): Promise<Redis> {
  const { Redis } = redisLibs();
  const redis = new Redis({
    ...target.options,
    lazyConnect: true,
    connectTimeout: 5000,
    maxRetriesPerRequest: 1,
    retryStrategy: (n: number) => Math.min(50 * n, 500),
    ...(who === 'worker' ? { maxRetriesPerRequest: null } : {}),
  });
  // The socket's own error (ECONNREFUSED, ENOENT, a TLS failure…) says more than the client's "Connection is closed.".
  let cause: Error | undefined;
  redis.on('error', (err: Error) => (cause ??= err));
  try {
    await redis.connect();
    const info = await redis.info('server');
    const version = /redis_version:(\d+)\.(\d+)/.exec(info);
    if (version && Number(version[1]) < 7) throw new Error(`Redis ${version[1]}.${version[2]} is too old: aad needs Redis 7 or later`);
  } catch (err) {
    redis.disconnect();
    const why = cause && /Connection is closed/.test((err as Error).message) ? cause.message : (err as Error).message;
    throw new UsageError(`cannot use Redis at ${target.shown}: ${maskText(why, target.options.password ? [target.options.password] : [])}`);
  }
  return redis;
}

