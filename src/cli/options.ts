import { availableParallelism } from 'node:os';
import { UsageError } from '../errors.js';
import type { Plan } from '../plan/compile.js';
import { didYouMean } from '../plan/suggest.js';

/** Parses `--max-parallel`: a whole number >= 1, else a UsageError. */
export function parseMaxParallel(value: string | undefined): number | undefined {
  if (value === undefined || value === '') return undefined;
  if (!/^\d+$/.test(value) || Number(value) < 1) throw new UsageError(`--max-parallel must be a whole number >= 1, not "${value}"`);
  return Number(value);
}

/** The parallelism in force: flag, then plan, then the number of CPUs. */
export function effectiveParallel(flag: number | undefined, plan: Plan): number {
  return flag ?? plan.maxParallel ?? availableParallelism();
}

/**
 * `--force [ID,ID|all]`: true for every task, else the ids (each a task of the run; one without `sources`
 * runs anyway).
 */
export function parseForce(value: string | undefined, plan: Plan): true | string[] | undefined {
  if (value === undefined) return undefined;
  if (value.trim() === 'all') return true;
  const ids = [...new Set(value.split(',').map((s) => s.trim()).filter(Boolean))];
  if (ids.length === 0) throw new UsageError('--force needs task ids (comma-separated), `all`, or nothing (every task)');
  return knownIds('--force', ids, plan);
}

/** Parses `--only a,b` into ids that exist in the plan; unknown ids are a UsageError listing what exists. */
export function parseOnly(value: string | undefined, plan: Plan): string[] | undefined {
  if (value === undefined || value === '') return undefined;
  const ids = value.split(',').map((s) => s.trim()).filter(Boolean);
  if (ids.length === 0) throw new UsageError('--only needs at least one task id');
  return knownIds('--only', ids, plan);
}

/** `ids` when each is a task of the plan; else a UsageError for the first unknown one, with a suggestion and the plan's tasks. */
function knownIds(flag: string, ids: string[], plan: Plan): string[] {
  for (const id of ids) {
    if (!plan.byId.has(id)) {
      const all = [...plan.byId.keys()];
      throw new UsageError(`${flag}: unknown task "${id}"${didYouMean(id, all)}; tasks: ${all.slice(0, 30).join(', ')}${all.length > 30 ? ', …' : ''}`);
    }
  }
  return ids;
}
