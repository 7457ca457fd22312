import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Cmd } from '../../plan/compile.js';
import type { AttemptResult } from '../outcome-rules.js';
import { UsageError } from '../../errors.js';

/**
 * What the runner and its workers say to each other through Redis, and nothing that needs a Redis client:
 * key names, the signed job payload, the URL (parsed and masked). BullMQ is the work queue only (one job per
 * attempt, `attempts: 1`); the rest goes through aad's own keys:
 *
 * - `aadw:<queue>:out:<run>`: a stream per run, worker → runner: `start`, `out` (the task's output, bytes),
 *   `file` (an output file, in pieces), `note`, `end` (how the attempt ended), `reject`. The runner trims what it read:
 *   its length is what the runner has not read yet, and a worker pauses its task's output while it is long.
 * - `aadw:<queue>:lease:<job>`: set by the worker that runs the job, for `leaseMs`, renewed every quarter of it;
 *   missing while the attempt runs → the worker is lost. `done` once it ended.
 * - `aadw:<queue>:session:<run>`: the runner session that may run the run's jobs (a resume makes a new one: jobs
 *   of the dead session are refused, and their running tasks killed).
 * - `aadw:<queue>:stop:<job>`: `stop` or `kill`, asked by the runner (cancel, timeout backstop, lost worker).
 * - channel `aadw:<queue>:ctl`: the same, at once: `{job, action}` or `{run, session, action: 'kill-run'}`.
 */

/** The queue when `--queue` is not given. */
export const DEFAULT_QUEUE = 'aad';
/** BullMQ's key prefix for aad's queues. */
export const BULL_PREFIX = 'aad';
/** How long a worker's hold on an attempt lasts without renewal, by default (`AAD_WORKER_LEASE_SEC`). */
export const DEFAULT_LEASE_MS = 10_000;
/** Outputs of a remote task larger than this stay on the worker. */
export const MAX_SENT_OUTPUTS = 100 * 1024 * 1024;
/**
 * A worker pauses a task's output while the run's stream holds more entries than this (the runner reads slowly),
 * until it is down to STREAM_LOW. An output entry holds up to 256 KiB: at most ~32 MiB wait in Redis per run.
 */
export const STREAM_HIGH = 128;
export const STREAM_LOW = 32;
/** The largest piece of an output file in one stream entry. */
export const FILE_PIECE = 1024 * 1024;

export const keys = (queue: string) => ({
  out: (run: string) => `aadw:${queue}:out:${run}`,
  lease: (job: string) => `aadw:${queue}:lease:${job}`,
  session: (run: string) => `aadw:${queue}:session:${run}`,
  stop: (job: string) => `aadw:${queue}:stop:${job}`,
  ctl: `aadw:${queue}:ctl`,
});

/** A job id: `<run_id>:<task>:<attempt>` (a resumed run's attempts have new numbers: no id is used twice). */
export const jobId = (run: string, task: string, attempt: number) => `${run}:${task}:${attempt}`;

/** What a job carries, signed: everything a worker needs to run the attempt. */
export interface JobPayload {
  v: 1;
  run: string;
  session: string;
  job: string;
  task: string;
  attempt: number;
  cmd: Cmd;
  /** As the plan wrote it: resolved under the worker's `--workdir` unless absolute. */
  cwd: string;
  /** The task's env (plan and task), with AAD_RUN_ID, AAD_TASK_ID, AAD_ATTEMPT; over the worker's own. */
  env: Record<string, string>;
  timeoutMs?: number;
  killGraceMs: number;
  /** Values masked in the output the worker sends. */
  secrets: string[];
  stallMs?: number;
  maxMemoryBytes?: number;
  outputs: string[];
  leaseMs: number;
  /** The runner's host, for the worker's line. */
  from: string;
}

/** The job's data: the payload as JSON, and its HMAC-SHA256 under AAD_WORKER_KEY (hex). */
export interface SignedJob {
  p: string;
  s: string;
}

export function sign(payload: JobPayload, key: string): SignedJob {
  const p = JSON.stringify(payload);
  return { p, s: createHmac('sha256', key).update(p).digest('hex') };
}

/** The payload when the signature is the key's, else undefined (an unsigned, mis-signed or malformed job). */
export function verify(data: unknown, key: string): JobPayload | undefined {
  const d = data as Partial<SignedJob> | null;
  if (!d || typeof d.p !== 'string' || typeof d.s !== 'string' || !/^[0-9a-f]{64}$/.test(d.s)) return undefined;
  const want = createHmac('sha256', key).update(d.p).digest();
  if (!timingSafeEqual(want, Buffer.from(d.s, 'hex'))) return undefined;
  try {
    const p = JSON.parse(d.p) as JobPayload;
    return p && p.v === 1 && typeof p.job === 'string' ? p : undefined;
  } catch {
    return undefined;
  }
}

/**
 * How an attempt ended, as a worker reports it in its `end` entry: what the local backend said of it, `remote`
 * when the worker itself ended it (it was shut down: `worker <host> shut down`, a failure to retry), and the
 * `$AAD_OUTCOME` file the task wrote, as text (absent when it wrote none).
 */
export type EndReport = AttemptResult & { killedHard: boolean; outcome?: string };

/** The environment variable holding the key that signs jobs. */
export const KEY_VAR = 'AAD_WORKER_KEY';

/** The key from the environment, or a usage error saying what to do. */
export function workerKey(env: NodeJS.ProcessEnv, who: 'worker' | 'runner'): string {
  const k = env[KEY_VAR];
  if (k === undefined || k === '') {
    throw new UsageError(
      who === 'worker'
        ? `${KEY_VAR} is not set: a worker runs only jobs signed with the key it shares with the runner (set the same secret on both sides, e.g. \`export ${KEY_VAR}=$(openssl rand -hex 32)\`)`
        : `${KEY_VAR} is not set: jobs sent to workers are signed with it, and workers refuse unsigned jobs (set the same secret for the runner and its workers)`,
    );
  }
  if (k.length < 16) throw new UsageError(`${KEY_VAR} is too short (${k.length} characters): use at least 16 (e.g. \`openssl rand -hex 32\`)`);
  return k;
}

/** The queue name from `--queue`, checked (BullMQ refuses `:`). */
export function queueName(q: string | undefined): string {
  const name = q ?? DEFAULT_QUEUE;
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/.test(name)) throw new UsageError(`--queue ${JSON.stringify(name)}: use 1 to 100 letters, digits, \`.\`, \`_\` and \`-\``);
  return name;
}

/** The lease from AAD_WORKER_LEASE_SEC (seconds, default 10). */
export function leaseMs(env: NodeJS.ProcessEnv): number {
  const v = env.AAD_WORKER_LEASE_SEC;
  if (v === undefined || v === '') return DEFAULT_LEASE_MS;
  const n = Number(v);
  if (!Number.isFinite(n) || n < 1 || n > 3600) throw new UsageError(`AAD_WORKER_LEASE_SEC=${v}: give a number of seconds from 1 to 3600`);
  return Math.round(n * 1000);
}

/** How to reach Redis, from a URL: `redis://[user:password@]host[:port][/db]`, `rediss://…` (TLS), `unix:///path/to/socket`. */
export interface RedisTarget {
  /** The URL with its password masked: for every message. */
  shown: string;
  options: {
    host?: string;
    port?: number;
    path?: string;
    username?: string;
    password?: string;
    db?: number;
    tls?: Record<string, never>;
  };
}

/**
 * The URL with its password (or a lone user-info secret) replaced by `***`: everything between the scheme and
 * the last `@` is user info (a password may hold `@`, `/`, `#` or `?`), but for `unix://`, whose path may hold `@`.
 */
export function maskUrl(url: string): string {
  const scheme = /^[a-z][a-z0-9+.-]*:\/\//i.exec(url)?.[0] ?? '';
  const rest = url.slice(scheme.length);
  const at = /^(redis\+)?unix:/i.test(scheme) ? (rest.startsWith('/') ? -1 : rest.indexOf('@')) : rest.lastIndexOf('@');
  if (at < 0) return url;
  const info = rest.slice(0, at);
  const colon = info.indexOf(':');
  return `${scheme}${colon < 0 ? '***' : `${info.slice(0, colon)}:***`}${rest.slice(at)}`;
}

export function parseRedisUrl(url: string): RedisTarget {
  const shown = maskUrl(url);
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new UsageError(`--redis ${shown}: not a URL (give redis://[user:password@]host[:port][/db], rediss://… for TLS, or unix:///path/to/redis.sock)`);
  }
  const auth = {
    ...(u.username ? { username: decodeURIComponent(u.username) } : {}),
    ...(u.password ? { password: decodeURIComponent(u.password) } : {}),
  };
  const dbOf = (s: string | null): number | undefined => {
    if (s === null || s === '') return undefined;
    if (!/^\d{1,2}$/.test(s)) throw new UsageError(`--redis ${shown}: the database must be a number, not ${JSON.stringify(s)}`);
    return Number(s);
  };
  if (u.protocol === 'unix:' || u.protocol === 'redis+unix:') {
    if (!u.pathname || u.pathname === '/') throw new UsageError(`--redis ${shown}: name the socket, e.g. unix:///run/redis/redis.sock`);
    const db = dbOf(u.searchParams.get('db'));
    return { shown, options: { path: decodeURIComponent(u.pathname), ...auth, ...(db === undefined ? {} : { db }) } };
  }
  if (u.protocol !== 'redis:' && u.protocol !== 'rediss:') {
    throw new UsageError(`--redis ${shown}: unknown scheme ${u.protocol} (use redis://, rediss:// or unix://)`);
  }
  if (!u.hostname) throw new UsageError(`--redis ${shown}: no host`);
  const db = dbOf(u.pathname.replace(/^\//, ''));
  return {
    shown,
    options: {
      host: u.hostname.replace(/^\[(.*)\]$/, '$1'),
      port: u.port ? Number(u.port) : 6379,
      ...auth,
      ...(db === undefined ? {} : { db }),
      ...(u.protocol === 'rediss:' ? { tls: {} } : {}),
    },
  };
}

/** `p`, or a rejection after `ms` (a Redis that does not answer: a partition sends no reset). */
export function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([p, late]).finally(() => clearTimeout(timer));
}
