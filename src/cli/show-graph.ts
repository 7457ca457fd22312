import { realpathSync } from 'node:fs';
import { criticalPath } from '../graph/dag.js';
import { simulateMakespan } from '../graph/schedule.js';
import { restrictPlan, formatCmd, type Plan } from '../plan/compile.js';
import { resolveHome } from '../store/paths.js';
import { taskDurations } from './history.js';
import { renderGraph } from '../graph/render.js';
import { printOut } from '../report/print.js';
import { colorEnabled, painter } from '../report/style.js';
import { loadPlanFile } from './plan-file.js';
import { effectiveParallel, parseMaxParallel, parseOnly } from './options.js';

/**
 * Renders the graph view of a plan (what `aad graph` and `aad run --dry-run` print). The critical path
 * and the estimate weigh tasks by how long they took in earlier runs when `durations` has any; tasks
 * without history count at the median; with no history at all every task weighs one task-length.
 */
export function graphText(plan: Plan, parallel: number, durations: ReadonlyMap<string, number> = new Map()): string {
  const known = plan.tasks.map((t) => durations.get(t.id)).filter((d): d is number => d !== undefined).sort((a, b) => a - b);
  const median = known.length > 0 ? known[known.length >> 1]! : 1;
  const weight = (i: number) => (known.length > 0 ? (durations.get(plan.tasks[i]!.id) ?? median) : 1);
  const critical = known.length > 0 ? criticalPath(plan.dag, weight).path : plan.critical;
  const makespan = simulateMakespan(plan.dag, weight, parallel);
  return renderGraph(
    {
      goal: plan.goal,
      dag: plan.dag,
      waves: plan.waves,
      critical,
      estimate: { value: makespan, unit: known.length > 0 ? 'ms' : 'tasks', parallel },
      describe: (i) => {
        const t = plan.tasks[i]!;
        const text = t.description ?? formatCmd(t.cmd);
        // SPEC "Corrections": such a task runs alone among the tasks of its git work tree.
        return t.rollback?.kind === 'git' ? `${text} [holds its git work tree alone]` : text;
      },
    },
    painter(colorEnabled(process.stdout)),
    // A terminal of unknown size (a pty nobody sized) reports 0 columns.
    Math.max(40, process.stdout.columns || 80),
  );
}

/** `aad graph`: load, select, print. */
export async function showGraph(file: string, opts: { only?: string; maxParallel?: string; home?: string }): Promise<void> {
  const maxParallel = parseMaxParallel(opts.maxParallel);
  const { plan: full } = loadPlanFile(file);
  const only = parseOnly(opts.only, full);
  const plan = only ? restrictPlan(full, only) : full;
  printOut(graphText(plan, effectiveParallel(maxParallel, plan), historyOf(file, opts.home)));
}

/** Durations from earlier runs of this plan file in the home, or none when it cannot be read. */
export function historyOf(file: string, home: string | undefined): Map<string, number> {
  try {
    return taskDurations(resolveHome(home), realpathSync(file));
  } catch {
    return new Map();
  }
}
