// Which runs `aad prune` may delete, by age and rank alone (pure: liveness and git are judged elsewhere).
import { UsageError } from '../errors.js';

const UNIT_MS = { w: 7 * 86_400_000, d: 86_400_000, h: 3_600_000, m: 60_000, s: 1000 } as const;

/** What `--older-than` accepts, for its error message and the help. */
export const DURATION_FORMS = 'a whole number and a unit: 30d, 12h, 90m, 45s or 2w (parts may be joined: 1d12h)';

/** Parses a duration such as `30d`, `12h`, `90m`, `45s`, `2w` or `1d12h` into milliseconds; undefined when it is not one. */
export function parseDuration(text: string): number | undefined {
  if (!/^(\d+[wdhms])+$/.test(text)) return undefined;
  let ms = 0;
  for (const [, n, unit] of text.matchAll(/(\d+)([wdhms])/g)) ms += Number(n) * UNIT_MS[unit as keyof typeof UNIT_MS];
  return Number.isSafeInteger(ms) ? ms : undefined;
}

/** The rules of a prune: a run goes only when every rule given allows it. */
export interface PrunePolicy {
  /** Runs that started less than this long ago stay. */
  olderThanMs?: number;
  /** The N newest runs stay. */
  keep?: number;
}

/** Reads `--older-than` and `--keep`; a UsageError (exit 2) for a bad value, or when neither is given. */
export function parsePolicy(olderThan: string | undefined, keep: string | undefined): PrunePolicy {
  const policy: PrunePolicy = {};
  if (olderThan !== undefined) {
    const ms = parseDuration(olderThan.trim());
    if (ms === undefined) throw new UsageError(`--older-than "${olderThan}": expected ${DURATION_FORMS}`);
    policy.olderThanMs = ms;
  }
  if (keep !== undefined) {
    if (!/^\d+$/.test(keep.trim()) || !Number.isSafeInteger(Number(keep))) throw new UsageError(`--keep "${keep}": expected a whole number >= 0 (how many of the newest runs to keep)`);
    policy.keep = Number(keep);
  }
  if (policy.olderThanMs === undefined && policy.keep === undefined) {
    throw new UsageError('prune deletes runs for good: say which with --older-than DURATION (e.g. 30d), --keep N (the N newest stay), or both');
  }
  return policy;
}

/** A run as the policy sees it. */
export interface PruneCandidate {
  runId: string;
  /** When it started (its run_started event; for a damaged run, when its folder last changed), in ms since the epoch. */
  startedMs: number;
}

/** Why the policy keeps a run. */
export type KeptBy = 'recent' | 'newest';

/** Oldest first: by start time, then by run id (two runs of one second: ids alone do not order them). */
export function byAge(a: PruneCandidate, b: PruneCandidate): number {
  return a.startedMs - b.startedMs || (a.runId < b.runId ? -1 : a.runId > b.runId ? 1 : 0);
}

/**
 * For each run, whether the policy lets it go, or why it stays: among the `keep` newest by start time
 * (`newest`), or started less than `olderThanMs` before `nowMs` (`recent`).
 */
export function judgeByPolicy(runs: readonly PruneCandidate[], policy: PrunePolicy, nowMs: number): Map<string, KeptBy | 'prune'> {
  const out = new Map<string, KeptBy | 'prune'>();
  [...runs].sort(byAge).reverse().forEach((r, rank) => {
    if (policy.keep !== undefined && rank < policy.keep) out.set(r.runId, 'newest');
    else if (policy.olderThanMs !== undefined && !(nowMs - r.startedMs > policy.olderThanMs)) out.set(r.runId, 'recent');
    else out.set(r.runId, 'prune');
  });
  return out;
}
