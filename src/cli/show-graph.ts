import { realpathSync } from 'node:fs';
import { criticalPath } from '../graph/dag.js';
import { simulateMakespan } from '../graph/schedule.js';
import { restrictPlan, formatCmd, type Cmd, type Plan } from '../plan/compile.js';
import { maskText, secretValues } from '../run/mask.js';
import { resolveHome } from '../store/paths.js';
import { taskDurations } from './history.js';
import { renderGraph } from '../graph/render.js';
import { printOut } from '../report/print.js';
import { colorEnabled, painter } from '../report/style.js';
import { resolvePlanArg } from './plan-arg.js';
import { interpolateEnv, loadPlanFile, type LoadedPlan } from './plan-file.js';
import { dirname, resolve } from 'node:path';
import { effectiveParallel, parseMaxParallel, parseOnly } from './options.js';

/** What `aad graph` and `aad run --dry-run` show, shared by the text and the JSON. */
interface GraphModel {
  critical: number[];
  makespan: number;
  fromHistory: boolean;
  parallel: number;
  secrets: string[];
}

/**
 * The critical path and the estimate weigh tasks by how long they took in earlier runs when `durations` has any;
 * tasks without history count at the median; with no history at all every task weighs one task-length.
 */
function graphModel(plan: Plan, parallel: number, durations: ReadonlyMap<string, number>): GraphModel {
  const known = plan.tasks.map((t) => durations.get(t.id)).filter((d): d is number => d !== undefined).sort((a, b) => a - b);
  const median = known.length > 0 ? known[known.length >> 1]! : 1;
  const weight = (i: number) => (known.length > 0 ? (durations.get(plan.tasks[i]!.id) ?? median) : 1);
  const critical = known.length > 0 ? criticalPath(plan.dag, weight).path : plan.critical;
  // Everything aad prints masks secret values (SPEC): a cmd may hold one literally.
  const secrets = secretValues(process.env, ...plan.tasks.map((t) => t.env));
  return { critical, makespan: simulateMakespan(plan.dag, weight, parallel), fromHistory: known.length > 0, parallel, secrets };
}

/** A one-line label for the tree: the first non-blank line of the text, with `…` when more follows. */
export function firstLine(text: string): string {
  const lines = text.split(/\r?\n/);
  const at = lines.findIndex((l) => l.trim() !== '');
  if (at === -1) return text.trim();
  const rest = lines.slice(at + 1).some((l) => l.trim() !== '');
  return lines[at]!.trim() + (rest ? ' …' : '');
}

/** Renders the graph view of a plan (what `aad graph` and `aad run --dry-run` print), secrets masked. */
export function graphText(plan: Plan, parallel: number, durations: ReadonlyMap<string, number> = new Map(), upToDate: ReadonlySet<string> = new Set()): string {
  const m = graphModel(plan, parallel, durations);
  const mask = (t: string) => maskText(t, m.secrets);
  return renderGraph(
    {
      goal: plan.goal === undefined ? undefined : mask(plan.goal),
      dag: plan.dag,
      waves: plan.waves,
      critical: m.critical,
      estimate: { value: m.makespan, unit: m.fromHistory ? 'ms' : 'tasks', parallel },
      describe: (i) => {
        const t = plan.tasks[i]!;
        const text = firstLine(mask(t.description ?? formatCmd(t.cmd))) + (upToDate.has(t.id) ? ' [up to date]' : '');
        // SPEC "Corrections": such a task runs alone among the tasks of its git work tree.
        if (t.isolation === 'worktree') return `${text} [in its own git worktree]`;
        return t.rollback?.kind === 'git' ? `${text} [holds its git work tree alone]` : text;
      },
    },
    painter(colorEnabled(process.stdout)),
    // A terminal of unknown size (a pty nobody sized) reports 0 columns.
    Math.max(40, process.stdout.columns || 80),
  );
}

/** The graph as JSON (`graph --json`, `run --dry-run --json`): see README, "JSON output". */
export function graphJson(plan: Plan, parallel: number, durations: ReadonlyMap<string, number> = new Map(), upToDate: ReadonlySet<string> = new Set()): string {
  const m = graphModel(plan, parallel, durations);
  const mask = (t: string) => maskText(t, m.secrets);
  const ids = (list: number[]) => list.map((i) => plan.tasks[i]!.id);
  const waveOf = new Map<number, number>();
  plan.waves.forEach((w, k) => w.forEach((i) => waveOf.set(i, k + 1)));
  const cmdOf = (c: Cmd) => (c.kind === 'shell' ? mask(c.script) : c.source !== undefined ? mask(c.source) : c.argv.map(mask));
  return JSON.stringify(
    {
      goal: plan.goal === undefined ? null : mask(plan.goal),
      tasks: plan.tasks.map((t) => ({
        id: t.id,
        cmd: cmdOf(t.cmd),
        deps: t.deps,
        ...(t.description === undefined ? {} : { description: mask(t.description) }),
        wave: waveOf.get(t.index)!,
        // SPEC "Corrections": a `rollback: git` task runs alone among the tasks of its git work tree.
        ...(t.rollback?.kind === 'git' && t.isolation !== 'worktree' ? { holds_work_tree: true } : {}),
        ...(t.isolation === 'worktree' ? { isolation: 'worktree' } : {}),
        // `sources`: whether its recorded fingerprint holds now (it would not run).
        ...(t.sources !== undefined ? { up_to_date: upToDate.has(t.id) } : {}),
      })),
      waves: plan.waves.map(ids),
      critical_path: ids(m.critical),
      estimate: {
        ms: m.fromHistory ? m.makespan : null,
        task_lengths: m.fromHistory ? null : m.makespan,
        max_parallel: parallel,
        from_history: m.fromHistory,
      },
    },
    null,
    2,
  );
}

/** `aad graph`: load, select, print (as text, or as JSON with `json`). */
export async function showGraph(file: string, opts: { only?: string; maxParallel?: string; home?: string; json?: boolean }): Promise<void> {
  const maxParallel = parseMaxParallel(opts.maxParallel);
  // `aad graph build`: task ids of ./aad.yaml, as `aad run build` takes them.
  const arg = resolvePlanArg(file, opts.only);
  file = arg.plan;
  const loaded = loadPlanFile(file);
  const only = parseOnly(arg.only, loaded.plan);
  const plan = only ? restrictPlan(loaded.plan, only) : loaded.plan;
  const show = opts.json ? graphJson : graphText;
  printOut(show(plan, effectiveParallel(maxParallel, plan), historyOf(file, opts.home), await upToDateOf(loaded, plan, { home: opts.home })));
}

/**
 * The tasks of `plan` whose `sources` are up to date now (none when no task has sources, or when the
 * plan's environment cannot be resolved: the run would say why).
 */
export async function upToDateOf(loaded: LoadedPlan, plan: Plan, o: { home?: string; workdir?: string; force?: true | string[] }): Promise<Set<string>> {
  if (!plan.tasks.some((t) => t.sources !== undefined)) return new Set();
  try {
    const planPath = realpathSync(loaded.file);
    const resolved = interpolateEnv(loaded, plan, process.env);
    const { upToDateNow } = await import('../run/up-to-date.js');
    return await upToDateNow(resolved, { planPath, home: resolveHome(o.home), workdir: resolve(o.workdir ?? dirname(planPath)), force: o.force });
  } catch {
    return new Set();
  }
}

/** Durations from earlier runs of this plan file in the home, or none when it cannot be read. */
export function historyOf(file: string, home: string | undefined): Map<string, number> {
  try {
    return taskDurations(resolveHome(home), realpathSync(file));
  } catch {
    return new Map();
  }
}
