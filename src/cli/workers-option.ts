import { UsageError } from '../errors.js';
import type { RemoteWorkers } from '../run/backends/bullmq.js';
import { leaseMs, parseRedisUrl, queueName, workerKey } from '../run/backends/wire.js';

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
export async function connectWorkers(a: WorkersArgs): Promise<RemoteWorkers | undefined> {
  const url = a.redis ?? (process.env.AAD_REDIS_URL || undefined);
  if (url === undefined) {
    if (a.queue !== undefined) throw new UsageError('--queue needs --redis URL (or AAD_REDIS_URL): without it every task runs here');
    return undefined;
  }
  const target = parseRedisUrl(url);
  const queue = queueName(a.queue);
  const key = workerKey(process.env, 'runner');
  const lease = leaseMs(process.env);
  const { RemoteWorkers } = await import('../run/backends/bullmq.js');
  return RemoteWorkers.connect(target, queue, key, lease);
}
