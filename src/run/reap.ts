import { findTaskProcesses, groupMembers, isSameProcessAlive, readProcStat, signalAll, signalGroup } from '../store/proc.js';
import type { RunState } from './reduce.js';

/**
 * Stops what a dead runner left behind: every process carrying this run's AAD_RUN_ID (Linux), and the
 * process groups of tasks recorded as running whose leader is verifiably the same process (start time).
 * SIGTERM, then SIGKILL after `graceMs`. Returns how many processes were found.
 */
export async function reapLeftovers(state: RunState, graceMs: number): Promise<number> {
  const groups = leftoverGroups(state);
  // What workers run for the run (one may run on this machine) is theirs to stop: `--redis` has them do it.
  const found = () => findTaskProcesses(state.runId, undefined, true);
  let pids = found();
  const total = new Set([...pids, ...groups]).size;
  if (total === 0) return 0;
  for (const g of groups) signalGroup(g, 'SIGTERM');
  signalAll(pids, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 50));
    pids = found();
    if (pids.length === 0 && groups.every((g) => !groupAlive(g))) return total;
  }
  for (const g of groups) signalGroup(g, 'SIGKILL');
  signalAll(found(), 'SIGKILL');
  return total;
}

/** The process groups of tasks recorded as running whose leader is verifiably the same process (start time). */
function leftoverGroups(state: RunState): number[] {
  const groups: number[] = [];
  for (const t of state.tasks.values()) {
    if ((t.state === 'running' || t.state === 'retrying') && t.pid !== null && isSameProcessAlive(t.pid, t.procStart)) groups.push(t.pid);
  }
  return groups;
}

/**
 * How many task processes of a run are alive (Linux): those carrying its AAD_RUN_ID, and the members of
 * the groups `reapLeftovers` would signal. Zombies are dead: they count for nothing.
 */
export function countLeftovers(state: RunState): number {
  const pids = new Set(findTaskProcesses(state.runId, undefined, true));
  for (const g of leftoverGroups(state)) for (const pid of groupMembers(g)) pids.add(pid);
  return pids.size;
}

function groupAlive(pgid: number): boolean {
  const st = readProcStat(pgid);
  return st !== undefined && st.state !== 'Z' && st.pgid === pgid;
}
