import { restrictPlan, formatCmd, type Plan } from '../plan/compile.js';
import { renderGraph } from '../graph/render.js';
import { printOut } from '../report/print.js';
import { colorEnabled, painter } from '../report/style.js';
import { loadPlanFile } from './plan-file.js';
import { effectiveParallel, parseMaxParallel, parseOnly } from './options.js';

/** Renders the graph view of a plan (what `aad graph` and `aad run --dry-run` print). */
export function graphText(plan: Plan, parallel: number): string {
  const total = plan.tasks.length;
  const critical = plan.critical.length;
  return renderGraph(
    {
      goal: plan.goal,
      dag: plan.dag,
      waves: plan.waves,
      critical: plan.critical,
      estimate: { value: Math.max(critical, Math.ceil(total / parallel)), unit: 'tasks', parallel },
      describe: (i) => plan.tasks[i]!.description ?? formatCmd(plan.tasks[i]!.cmd),
    },
    painter(colorEnabled(process.stdout)),
    // A terminal of unknown size (a pty nobody sized) reports 0 columns.
    Math.max(40, process.stdout.columns || 80),
  );
}

/** `aad graph`: load, select, print. */
export async function showGraph(file: string, opts: { only?: string; maxParallel?: string }): Promise<void> {
  const maxParallel = parseMaxParallel(opts.maxParallel);
  const { plan: full } = loadPlanFile(file);
  const only = parseOnly(opts.only, full);
  const plan = only ? restrictPlan(full, only) : full;
  printOut(graphText(plan, effectiveParallel(maxParallel, plan)));
}
