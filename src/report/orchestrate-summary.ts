import { formatMs } from '../graph/render.js';
import type { TaskState } from '../run/events.js';
import type { RunState } from '../run/reduce.js';
import type { painter } from './style.js';

/** The states the summary names besides succeeded and failed (always named), when some task ended in them. */
const OTHERS: readonly TaskState[] = ['blocked', 'skipped', 'cancelled', 'decomposed', 'awaiting_approval', 'retrying', 'running', 'pending'];

/**
 * What `aad orchestrate` prints after the run's own summary: the run, its exit code and the time the
 * command took, then every succeeded and every failed task id (`-` for none), and the tasks in any other state.
 */
export function orchestrateSummary(state: RunState, exitCode: number, tookMs: number, paint: ReturnType<typeof painter>): string {
  const ids = (s: TaskState) => state.order.filter((id) => state.tasks.get(id)!.state === s);
  const line = (label: string, list: string[]) => `  ${label} (${list.length}): ${list.length === 0 ? '-' : list.join(', ')}`;
  const succeeded = ids('succeeded');
  const failed = ids('failed');
  const lines = [
    paint('bold', `Orchestrated run ${state.runId}: exit ${exitCode}, ${formatMs(tookMs)} in all`),
    paint(succeeded.length > 0 ? 'green' : 'dim', line('succeeded', succeeded)),
    paint(failed.length > 0 ? 'red' : 'dim', line('failed', failed)),
  ];
  for (const s of OTHERS) {
    const list = ids(s);
    if (list.length > 0) lines.push(paint('yellow', line(s.replace('_', ' '), list)));
  }
  return lines.join('\n');
}
