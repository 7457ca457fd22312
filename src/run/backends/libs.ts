import { createRequire } from 'node:module';
import type * as Bull from 'bullmq';
import type * as IORedis from 'ioredis';

/**
 * bullmq and ioredis, loaded on first use: only `aad worker` and `--redis` need them, so no other command pays for
 * them. Through require (both ship CommonJS): the CLI's bundle keeps them out (scripts/bundle.mjs) and loads them
 * from node_modules at run time.
 */
export function redisLibs(): { Redis: typeof IORedis.Redis; Queue: typeof Bull.Queue; Worker: typeof Bull.Worker } {
  const require = createRequire(import.meta.url);
  const { Redis } = require('ioredis') as typeof IORedis;
  const { Queue, Worker } = require('bullmq') as typeof Bull;
  return { Redis, Queue, Worker };
}
