import type { RunStateName } from '../run/events.js';
import type { RunState } from '../run/reduce.js';

/** `aad resume --dry-run --json`: which tasks a resume would run and which it would leave as they are. */
export interface ResumePreviewJson {
  run_id: string;
  state: RunStateName;
  failed_only: boolean;
  /** Task ids the resume would put back to pending and run, in plan order. */
  would_run: string[];
  /** The other tasks of the run, left as they are (succeeded ones always). */
  would_keep: string[];
  /** Task processes of an interrupted run still alive, which the resume would stop first; null for any other run. */
  leftover_processes: number | null;
}

/** The JSON form of a resume preview. */
export function resumePreviewJson(state: RunState, live: RunStateName, failedOnly: boolean, reset: readonly string[], leftovers: number | null): ResumePreviewJson {
  const chosen = new Set(reset);
  return {
    run_id: state.runId, state: live, failed_only: failedOnly, would_run: [...reset],
    would_keep: state.order.filter((id) => !chosen.has(id)), leftover_processes: leftovers,
  };
}

/** The human form of a resume preview: the tasks it would run with their state now, those it keeps, and that nothing changed. */
export function resumePreviewText(state: RunState, live: RunStateName, failedOnly: boolean, reset: readonly string[], leftovers: number | null): string {
  const chosen = new Set(reset);
  const keep = state.order.filter((id) => !chosen.has(id));
  const shown = (id: string): string => {
    const s = state.tasks.get(id)!.state;
    return live === 'interrupted' && (s === 'running' || s === 'retrying') ? 'interrupted' : s;
  };
  const w = Math.max(0, ...state.order.map((id) => id.length));
  const row = (id: string) => `  ${id.padEnd(w)}  ${shown(id)}`;
  const how = failedOnly ? 'resume --failed-only' : 'resume';
  const lines = [
    reset.length === 0
      ? `aad ${how} of run ${state.runId} (${live}) would run no task.`
      : `aad ${how} of run ${state.runId} (${live}) would run ${reset.length} of ${state.order.length} task${state.order.length === 1 ? '' : 's'}:`,
    ...reset.map(row),
  ];
  if (keep.length > 0) lines.push(`It would leave as they are:`, ...keep.map(row));
  if (leftovers) lines.push(`It would first stop ${leftovers} leftover task process${leftovers === 1 ? '' : 'es'} of the dead runner.`);
  lines.push('Nothing was changed (--dry-run).');
  return lines.join('\n');
}
