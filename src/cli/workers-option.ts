import { UsageError } from '../errors.js';
import type { RemoteWorkers } from '../run/backends/bullmq.js';
import { jobId, leaseMs, parseRedisUrl, queueName, workerKey } from '../run/backends/wire.js';
import type { RunEvent, Workers } from '../run/events.js';
import type { RunState } from '../run/reduce.js';

/** `--redis URL` (or AAD_REDIS_URL) and `--queue NAME` of run, resume and orchestrate. */
export interface WorkersArgs {
  redis?: string;
  queue?: string;
}

/**
 * Connects to the workers' Redis when the run dispatches to workers, before anything of the run is made: an
 * unreachable Redis, a bad URL or a missing AAD_WORKER_KEY is a usage error (exit 2) naming the URL with its
 * password masked. bullmq and ioredis are loaded here only.
 */
export async function connectWorkers(a: WorkersArgs, recordedQueue?: string): Promise<RemoteWorkers | undefined> {
  const url = a.redis ?? (process.env.AAD_REDIS_URL || undefined);
  if (url === undefined) {
    if (a.queue !== undefined) throw new UsageError('--queue needs --redis URL (or AAD_REDIS_URL): without it every task runs here');
    return undefined;
  }
  const target = parseRedisUrl(url);
  const queue = queueName(a.queue ?? recordedQueue);
  const key = workerKey(process.env, 'runner');
  const lease = leaseMs(process.env);
  const { RemoteWorkers } = await import('../run/backends/bullmq.js');
  return RemoteWorkers.connect(target, queue, key, lease);
}

/** The workers a run's latest session dispatched to (its run_started or run_claimed), if any. */
export function recordedWorkers(events: readonly RunEvent[]): Workers | undefined {
  for (let i = events.length - 1; i >= 0; i--) {
    const e = events[i]!;
    if (e.event === 'run_started' || e.event === 'run_claimed') {
      if (e.workers) return e.workers;
      if (e.event === 'run_started' || e.purpose === 'resume') return undefined;
    }
  }
  return undefined;
}

/**
 * The jobs a dead session of a run on workers may still have queued or running: every task it left running
 * that no local process was recorded for (`<run_id>:<task>:<attempt>`).
 */
export function leftoverJobs(state: RunState, workers: Workers | undefined): string[] {
  if (!workers) return [];
  return [...state.tasks.values()].filter((t) => t.state === 'running' && t.pid === null && t.attempts > 0).map((t) => jobId(state.runId, t.id, t.attempts));
}
