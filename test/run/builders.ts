// Tiny builders for the pure engine tests: a Plan from `{ id: [deps] }`, a RunState folded from
// synthetic events at fixed times. No processes, no clocks.
import { compilePlan, type Plan } from '../../src/plan/compile.js';
import type { PlanInput, TaskInput } from '../../src/plan/types.gen.js';
import type { RunEvent, RunEventBody } from '../../src/run/events.js';
import { reduce, type RunState } from '../../src/run/reduce.js';

/** Time zero of every synthetic run (ms since epoch); event times are offsets from it. */
export const T0 = Date.parse('2026-01-01T00:00:00.000Z');

/** The ISO timestamp `ms` after T0. */
export const iso = (ms: number): string => new Date(T0 + ms).toISOString();

/** A compiled plan from `{ id: [deps] }`, in that order, with optional per-task keys. */
export function plan(graph: Record<string, string[]>, extra: Record<string, Partial<TaskInput>> = {}): Plan {
  const tasks = Object.entries(graph).map(([id, deps]): TaskInput => ({ id, cmd: `echo ${id}`, depends_on: deps, ...extra[id] }));
  return compilePlan({ tasks: tasks as PlanInput['tasks'] });
}

/** An event body with the time (ms after T0) it happens at; without `at`, at the previous event's time. */
export type Timed = RunEventBody & { at?: number };

/** The stamped journal line of a body at `ms`. */
export const stamp = (body: RunEventBody, ms: number): RunEvent => ({ v: 1, ts: iso(ms), ...body }) as RunEvent;

/** The run_started event of `tasks` (all of the plan's by default). */
export function runStarted(p: Plan, o: { failFast?: boolean; maxParallel?: number; tasks?: string[] } = {}): RunEventBody {
  return {
    event: 'run_started', run_id: 'r1', plan: '/w/aad.yaml', workdir: '/w', tasks: o.tasks ?? p.tasks.map((t) => t.id),
    max_parallel: o.maxParallel ?? 4, fail_fast: o.failFast ?? false, owner: { pid: 100, hostname: 'h' },
  };
}

/** The journal of a run: run_started at T0, then `events`, each at its `at` (or the previous time). */
export function journal(p: Plan, events: readonly Timed[], o: { failFast?: boolean; maxParallel?: number; tasks?: string[] } = {}): RunEvent[] {
  let ms = 0;
  const out = [stamp(runStarted(p, o), 0)];
  for (const { at, ...body } of events) {
    ms = at ?? ms;
    out.push(stamp(body as RunEventBody, ms));
  }
  return out;
}

/** The state after run_started and `events`. */
export function runState(p: Plan, events: readonly Timed[] = [], o: { failFast?: boolean; maxParallel?: number; tasks?: string[] } = {}): RunState {
  let s: RunState | undefined;
  for (const e of journal(p, events, o)) s = reduce(s, e);
  return s!;
}

/** Folds more events into a state (mutates it, as the runner does). */
export function fold(s: RunState, events: readonly Timed[], fromMs = 0): RunState {
  let ms = fromMs;
  for (const { at, ...body } of events) {
    ms = at ?? ms;
    reduce(s, stamp(body as RunEventBody, ms));
  }
  return s;
}

const end = (task: string, attempt: number, exitCode: number | null, reason: string) =>
  ({ task, attempt, exit_code: exitCode, signal: null, reason, duration_ms: 0 }) as const;

export const started = (task: string, attempt = 1, at?: number): Timed => ({ event: 'task_started', task, attempt, at });
export const succeeded = (task: string, attempt = 1, at?: number): Timed => ({ event: 'task_succeeded', ...end(task, attempt, 0, 'succeeded'), at });
export const failed = (task: string, attempt = 1, at?: number, reason = 'exit code 1'): Timed => ({
  event: 'task_failed', ...end(task, attempt, 1, reason), attempts: attempt, at,
});
export const retrying = (task: string, attempt: number, delayMs: number, at?: number): Timed => ({
  event: 'task_retrying', ...end(task, attempt, 1, 'exit code 1'), delay_ms: delayMs, at,
});
export const skipped = (task: string, reason: string, at?: number): Timed => ({ event: 'task_skipped', task, reason, at });
export const cancelled = (task: string, reason = 'cancelled (user)', at?: number): Timed => ({ event: 'task_cancelled', task, reason, at });
export const cancelRequested = (by = 'user', failFast = false, at?: number): Timed => ({ event: 'cancel_requested', by, fail_fast: failFast, at });
export const reset = (tasks: string[], at?: number): Timed => ({ event: 'tasks_reset', tasks, at });
export const claimed = (base: number, pid = 200, at?: number, extra: Partial<Extract<RunEventBody, { event: 'run_claimed' }>> = {}): Timed => ({
  event: 'run_claimed', purpose: 'resume', base, owner: { pid, hostname: 'h' }, ...extra, at,
});
