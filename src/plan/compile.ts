import { criticalPath, remainingWork, topologicalOrder, waves, type Dag } from '../graph/dag.js';
import type { Command, Defaults, ExitCodes, PlanInput, TaskInput } from './types.gen.js';

/** How a command is run. */
export type Cmd =
  /** A shell script for `/bin/sh -c`. */
  | { kind: 'shell'; script: string }
  /** An argv run directly (an array in the plan, or a string without shell syntax). */
  | { kind: 'argv'; argv: string[]; source?: string };

/** What an attempt reports: `success`, `failure`, or `blocked` (cannot go on without help). */
export type Outcome = 'success' | 'failure' | 'blocked';

/** `retry_backoff_sec: {initial, factor, max, jitter}`: retry k waits initial × factor^(k-1), at most max, ±20% with jitter. */
export interface ExpBackoff {
  initialMs: number;
  factor: number;
  maxMs: number;
  jitter: boolean;
}

/** A rollback: a command, or the built-in git restore. */
export type Rollback = Cmd | { kind: 'git' };

/** A task with defaults applied and values normalised. */
export interface Task {
  id: string;
  /** Position in plan order. */
  index: number;
  cmd: Cmd;
  deps: string[];
  cwd: string;
  env: Record<string, string>;
  /** Per attempt; undefined for no limit. */
  timeoutMs?: number;
  killGraceMs: number;
  retries: number;
  /** Wait before retry k is backoffMs[min(k-1, length-1)] (the number and list forms). */
  backoffMs: number[];
  /** The exponential form, when the plan gives it (backoffMs is then unused). */
  backoffExp?: ExpBackoff;
  /** `exit_codes`: what an exit code means, for the codes the plan lists. */
  exitCodes: Readonly<Record<number, Outcome>>;
  outputs: string[];
  /** `sources`: with them, the task is skipped when up to date (run/fingerprint.ts); undefined: it always runs. */
  sources?: string[];
  /** `generates`: recorded with the fingerprint after a success; one deleted or changed makes the task run again. */
  generates: string[];
  rollback?: Rollback;
  rollbackTimeoutMs?: number;
  rollbackOnCancel: boolean;
  /** `stall_timeout_sec`: an attempt silent (no output, no heartbeat) this long is stopped. */
  stallMs?: number;
  /** `max_memory_mb`, in bytes: the attempt's processes' resident memory above it stops the attempt. */
  maxMemoryBytes?: number;
  /** `max_identical_failures`: this many attempts in a row failing alike stop the retries. */
  maxIdenticalFailures?: number;
  /** `approval`: the text shown to the approver; undefined when the task starts without one. */
  approval?: string;
  /** `approval_timeout_sec`: an approval (of the task or its rollback) not given in time rejects it. */
  approvalTimeoutMs?: number;
  /** `rollback_approval`: the rollback waits for `aad approve … --rollback`. */
  rollbackApproval: boolean;
  /** `rollback_verify`: run after a rollback succeeded; its failure fails the rollback. */
  rollbackVerify?: Cmd;
  /** `max_rollbacks`: how many times the rollback may run over the whole run (default 3). */
  maxRollbacks: number;
  /** `worktree`: the task works in its own git worktree (run/worktree.ts). */
  /** `local: true`: runs on the runner's machine even when the run dispatches to workers (`--redis`). */
  local: boolean;
  isolation: 'shared' | 'worktree';
  /** Globs of untracked or ignored files of the main work tree to copy into its worktree. */
  worktreeCopy: string[];
  description?: string;
  /** The task that added this one (its `children`), for a child task; undefined for a task of the plan file. */
  parent?: string;
  /** 0 for a task of the plan file, 1 for its children, 2 for theirs… */
  depth: number;
  /** What a child of this task inherits when it leaves a key out: its keys over `defaults`, without those never inherited. */
  inherit: Defaults;
}

/** A compiled plan: tasks and the DAG facts the scheduler and `graph` need. */
export interface Plan {
  goal?: string;
  artifactsDir?: string;
  maxParallel?: number;
  /** How many child tasks a run may add in all (`max_children`). */
  maxChildren: number;
  onEscalation?: Cmd;
  tasks: Task[];
  byId: Map<string, Task>;
  dag: Dag;
  /** Task indices in deterministic topological order. */
  order: number[];
  /** Indices of tasks that can run together, wave by wave. */
  waves: number[][];
  /** For each task, the number of tasks on the longest path from it to the end, itself included. */
  remaining: number[];
  /** The longest path, as task indices. */
  critical: number[];
  /** Variables of aad's environment that `env` values were interpolated from, with the values they gave (see interpolate.ts). */
  interpolated?: Record<string, string>;
}

const DEFAULT_KILL_GRACE_SEC = 5;
/** Child tasks a run may add when the plan does not say (`max_children`). */
export const DEFAULT_MAX_CHILDREN = 1000;
/** How deep children may nest: a task of the plan file is at depth 0, a child at depth 4 may not decompose. */
export const MAX_CHILD_DEPTH = 4;
/** Keys a child never takes from its parent (nor from `defaults`). */
const NOT_INHERITED = [
  'outputs', 'rollback', 'exit_codes', 'rollback_timeout_sec', 'rollback_on_cancel', 'rollback_approval', 'rollback_verify', 'max_rollbacks',
  // The parent was approved before it added them.
  'approval', 'approval_timeout_sec',
  // A child's work is not its parent's: it is never up to date by the parent's fingerprint.
  'sources', 'generates',
] as const;
/** How many times a task's rollback may run in a run when the plan does not say (`max_rollbacks`). */
export const DEFAULT_MAX_ROLLBACKS = 3;

/** Applies defaults, normalises every task and builds the DAG; the input must have passed validatePlan. */
export function compilePlan(input: PlanInput): Plan {
  const d: Defaults = input.defaults ?? {};
  const meta = {
    goal: input.goal,
    artifactsDir: input.artifacts_dir,
    maxParallel: input.max_parallel,
    maxChildren: input.max_children ?? DEFAULT_MAX_CHILDREN,
    onEscalation: input.on_escalation === undefined ? undefined : toCmd(input.on_escalation),
  };
  return buildPlan(meta, input.tasks.map((t, index) => compileTask(t, d, index)));
}

/** The plan restricted to `ids` and everything they depend on, transitively (for `--only`). */
export function restrictPlan(plan: Plan, ids: readonly string[]): Plan {
  const keep = new Set<string>();
  const stack = [...ids];
  while (stack.length > 0) {
    const id = stack.pop()!;
    if (keep.has(id)) continue;
    keep.add(id);
    stack.push(...plan.byId.get(id)!.deps);
  }
  const tasks = plan.tasks.filter((t) => keep.has(t.id)).map((t, index) => ({ ...t, index }));
  return buildPlan(plan, tasks);
}

type PlanMeta = Pick<Plan, 'goal' | 'artifactsDir' | 'maxParallel' | 'maxChildren' | 'onEscalation' | 'interpolated'>;

/** The plan with `tasks` and its DAG facts (indices must be the tasks' positions). */
export function buildPlan(meta: PlanMeta, tasks: Task[]): Plan {
  const byId = new Map(tasks.map((t) => [t.id, t]));
  const dag: Dag = { ids: tasks.map((t) => t.id), deps: tasks.map((t) => t.deps.map((id) => byId.get(id)!.index)) };
  return {
    goal: meta.goal,
    artifactsDir: meta.artifactsDir,
    maxParallel: meta.maxParallel,
    maxChildren: meta.maxChildren,
    onEscalation: meta.onEscalation,
    ...(meta.interpolated ? { interpolated: meta.interpolated } : {}),
    tasks,
    byId,
    dag,
    order: topologicalOrder(dag),
    waves: waves(dag),
    remaining: remainingWork(dag),
    critical: criticalPath(dag).path,
  };
}

/** A task with `d` (the plan's defaults, or a parent's `inherit`) under it. */
export function compileTask(t: TaskInput, d: Defaults, index: number, parent?: { id: string; depth: number }): Task {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries({ ...d.env, ...t.env })) env[k] = String(v);
  const timeoutSec = t.timeout_sec ?? d.timeout_sec;
  const backoff = t.retry_backoff_sec ?? d.retry_backoff_sec ?? 0;
  const exp = typeof backoff === 'object' && !Array.isArray(backoff) ? backoff : undefined;
  const rollback = t.rollback ?? d.rollback;
  const rollbackTimeoutSec = t.rollback_timeout_sec ?? d.rollback_timeout_sec ?? timeoutSec;
  return {
    id: t.id,
    index,
    cmd: toCmd(t.cmd),
    deps: [...new Set(t.depends_on ?? [])],
    cwd: t.cwd ?? d.cwd ?? '.',
    env,
    timeoutMs: timeoutSec === undefined ? undefined : secToMs(timeoutSec),
    killGraceMs: secToMs(t.kill_grace_sec ?? d.kill_grace_sec ?? DEFAULT_KILL_GRACE_SEC),
    retries: t.retries ?? d.retries ?? 0,
    backoffMs: exp ? [] : (Array.isArray(backoff) ? backoff : [backoff as number]).map(secToMs),
    ...(exp ? { backoffExp: { initialMs: secToMs(exp.initial), factor: exp.factor ?? 2, maxMs: secToMs(exp.max ?? 3600), jitter: exp.jitter ?? false } } : {}),
    exitCodes: toExitCodes(t.exit_codes ?? d.exit_codes),
    outputs: t.outputs ?? d.outputs ?? [],
    ...(t.sources ? { sources: t.sources } : {}),
    generates: t.generates ?? [],
    rollback: rollback === undefined ? undefined : rollback === 'git' ? { kind: 'git' } : toCmd(rollback),
    rollbackTimeoutMs: rollbackTimeoutSec === undefined ? undefined : secToMs(rollbackTimeoutSec),
    rollbackOnCancel: t.rollback_on_cancel ?? d.rollback_on_cancel ?? false,
    ...watchdogs(t, d),
    ...gates(t, d),
    maxRollbacks: t.max_rollbacks ?? d.max_rollbacks ?? DEFAULT_MAX_ROLLBACKS,
    local: t.local ?? d.local ?? false,
    isolation: t.isolation ?? d.isolation ?? 'shared',
    worktreeCopy: t.worktree_copy ?? d.worktree_copy ?? [],
    description: t.description ?? d.description,
    ...(parent ? { parent: parent.id } : {}),
    depth: parent ? parent.depth + 1 : 0,
    inherit: inheritable(t, d),
  };
}

/** The keys a child of the task takes when it leaves them out: the task's over `d` (env merged), without id, cmd, depends_on and NOT_INHERITED. */
function inheritable(t: TaskInput, d: Defaults): Defaults {
  const { id: _id, cmd: _cmd, depends_on: _deps, ...own } = t;
  const out: Record<string, unknown> = { ...d, ...own };
  if (d.env || t.env) out.env = { ...d.env, ...t.env };
  for (const k of NOT_INHERITED) delete out[k];
  return out as Defaults;
}

/** The watchdogs the task sets (or takes from `d`). */
function watchdogs(t: TaskInput, d: Defaults): Pick<Task, 'stallMs' | 'maxMemoryBytes' | 'maxIdenticalFailures'> {
  const stall = t.stall_timeout_sec ?? d.stall_timeout_sec;
  const mem = t.max_memory_mb ?? d.max_memory_mb;
  const storm = t.max_identical_failures ?? d.max_identical_failures;
  return {
    ...(stall === undefined ? {} : { stallMs: secToMs(stall) }),
    ...(mem === undefined ? {} : { maxMemoryBytes: Math.round(mem * 1024 * 1024) }),
    ...(storm === undefined ? {} : { maxIdenticalFailures: storm }),
  };
}

/** The approvals and rollback checks the task sets (or takes from `d`). */
function gates(t: TaskInput, d: Defaults): Pick<Task, 'approval' | 'approvalTimeoutMs' | 'rollbackApproval' | 'rollbackVerify'> {
  const approval = t.approval ?? d.approval ?? false;
  const timeout = t.approval_timeout_sec ?? d.approval_timeout_sec;
  const verify = t.rollback_verify ?? d.rollback_verify;
  const description = t.description ?? d.description;
  return {
    ...(approval === false ? {} : { approval: approval === true ? (description ?? `start ${t.id}`) : approval }),
    ...(timeout === undefined ? {} : { approvalTimeoutMs: secToMs(timeout) }),
    rollbackApproval: t.rollback_approval ?? d.rollback_approval ?? false,
    ...(verify === undefined ? {} : { rollbackVerify: toCmd(verify) }),
  };
}

function toExitCodes(map: ExitCodes | undefined): Record<number, Outcome> {
  const out: Record<number, Outcome> = {};
  if (map) for (const [code, outcome] of Object.entries(map)) out[Number(code)] = outcome as Outcome;
  return out;
}

// Node fires a timer set beyond 2^31-1 ms (24.8 days) after 1 ms: a huge timeout, grace or
// backoff would then act at once. Clamp instead; no run waits that long in practice.
const MAX_TIMER_MS = 2 ** 31 - 1;

function secToMs(s: number): number {
  return Math.min(Math.round(s * 1000), MAX_TIMER_MS);
}

// Words that only a shell understands as the first word of a command.
const SHELL_WORDS = new Set([
  '.', ':', 'alias', 'bg', 'break', 'case', 'cd', 'command', 'continue', 'do', 'done', 'elif', 'else', 'esac',
  'eval', 'exec', 'exit', 'export', 'fg', 'fi', 'for', 'function', 'getopts', 'hash', 'if', 'jobs', 'local',
  'read', 'readonly', 'return', 'select', 'set', 'shift', 'source', 'then', 'times', 'trap', 'type', 'ulimit',
  'umask', 'unalias', 'unset', 'until', 'wait', 'while',
]);
const PLAIN_WORDS = /^[A-Za-z0-9_\-./:@%+,]+(?: +[A-Za-z0-9_\-./:=@%+,]+)*$/;

/** Normalises a plan command: argv stays argv; a string without shell syntax becomes argv (as make does), else a shell script. */
export function toCmd(c: Command): Cmd {
  if (Array.isArray(c)) return { kind: 'argv', argv: [...c] };
  const s = c.trim();
  if (PLAIN_WORDS.test(s)) {
    const argv = s.split(/ +/);
    if (!SHELL_WORDS.has(argv[0]!)) return { kind: 'argv', argv, source: c };
  }
  return { kind: 'shell', script: c };
}

/** The command as a person would type it. */
export function formatCmd(c: Cmd | Rollback): string {
  if (c.kind === 'shell') return c.script;
  if (c.kind === 'git') return 'git (built-in)';
  return c.source ?? c.argv.map((a) => (/^[A-Za-z0-9_\-./:=@%+,]+$/.test(a) ? a : JSON.stringify(a))).join(' ');
}
