import { formatCmd, restrictPlan } from '../plan/compile.js';
import { printOut } from '../report/print.js';
import { colorEnabled, painter } from '../report/style.js';
import { renderTaskList, type TaskListRow } from '../report/task-list.js';
import { maskText, secretValues } from '../run/mask.js';
import { parseOnly } from './options.js';
import { resolvePlanArg } from './plan-arg.js';
import { loadPlanFile } from './plan-file.js';

/** One task as `aad list --json` prints it (the plan's own key names). */
export interface TaskListJson {
  id: string;
  /** The task's `description` (its own, else `defaults.description`); null when it has none. */
  description: string | null;
  /** Its `depends_on`, without repeats. */
  depends_on: string[];
}

/**
 * `aad list`: the plan's tasks (or those `only` selects, with what they depend on), in plan order, as an aligned
 * table or as JSON; secret values masked. An invalid plan throws the errors `aad validate` prints.
 */
export function listTasks(file: string, opts: { only?: string; json: boolean }): void {
  // `aad list build`: task ids of ./aad.yaml, as `aad graph build` takes them.
  const arg = resolvePlanArg(file, opts.only);
  const { plan: full } = loadPlanFile(arg.plan);
  const only = parseOnly(arg.only, full);
  const plan = only ? restrictPlan(full, only) : full;
  // Everything aad prints masks secret values (SPEC): a description or a command may hold one literally.
  const secrets = secretValues(process.env, ...plan.tasks.map((t) => t.env));
  const mask = (text: string) => (secrets.length === 0 ? text : maskText(text, secrets));
  const rows: TaskListRow[] = plan.tasks.map((t) => ({
    id: t.id,
    description: t.description === undefined ? undefined : mask(t.description),
    cmd: mask(formatCmd(t.cmd)),
    dependsOn: t.deps,
  }));
  if (opts.json) {
    const json: TaskListJson[] = rows.map((r) => ({ id: r.id, description: r.description ?? null, depends_on: r.dependsOn }));
    printOut(JSON.stringify(json, null, 2));
    return;
  }
  const tty = process.stdout.isTTY === true;
  // A terminal of unknown size (a pty nobody sized) reports 0 columns.
  printOut(renderTaskList(rows, painter(colorEnabled(process.stdout)), tty ? Math.max(40, process.stdout.columns || 80) : undefined));
}
