import { listRunIds, loadRun } from '../store/runs.js';

const RUNS_LOOKED_AT = 20;

/** How long each task took when it last succeeded in a run of the same plan file (newest runs first), in ms. */
export function taskDurations(home: string, planPath: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const id of listRunIds(home).reverse().slice(0, RUNS_LOOKED_AT)) {
    let run;
    try {
      run = loadRun(home, id);
    } catch {
      continue;
    }
    if (run.state.planPath !== planPath) continue;
    for (const t of run.state.tasks.values()) {
      if (t.state === 'succeeded' && t.durationMs !== null && !out.has(t.id)) out.set(t.id, t.durationMs);
    }
  }
  return out;
}
