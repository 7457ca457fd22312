// Property: random outcomes (random children included) played the way the runner plays them, then folded
// again from the journal alone (reduce + growPlan), give the same state; parents end as their children do.
import { describe, expect, it } from 'vitest';
import type { Plan } from '../../src/plan/compile.js';
import { growFromJournal, growPlan } from '../../src/plan/grow.js';
import { qualifyChildren, type OutcomeRead } from '../../src/plan/outcome.js';
import type { TaskInput } from '../../src/plan/types.gen.js';
import { decide } from '../../src/run/decide.js';
import type { RunEvent, RunEventBody } from '../../src/run/events.js';
import { decideOutcome } from '../../src/run/outcome-rules.js';
import { reduce, reduceAll, type RunState } from '../../src/run/reduce.js';
import { prng } from '../helpers/prng.js';
import { plan, runStarted, stamp } from './builders.js';

interface Played {
  events: RunEvent[];
  live: RunState;
  plan: Plan;
}

/** A run of `p` where each ended attempt draws its outcome (and maybe children) from `rand`. */
function play(p0: Plan, rand: () => number): Played {
  let p = p0;
  let now = 0;
  const events: RunEvent[] = [];
  let s: RunState | undefined;
  const emit = (body: RunEventBody) => {
    const e = stamp(body, now);
    events.push(e);
    s = reduce(s, e)!;
  };
  emit(runStarted(p, { maxParallel: 3 }));
  const running = new Map<string, number>();
  for (let guard = 0; guard < 10_000; guard++) {
    const d = decide(p, s!, now, 3);
    let finished = false;
    for (const a of d.actions) {
      if (a.kind === 'start') {
        emit({ event: 'task_started', task: a.task, attempt: a.attempt });
        running.set(a.task, a.attempt);
      } else if (a.kind === 'skip') emit({ event: 'task_skipped', task: a.task, reason: a.reason });
      else if (a.kind === 'settle') {
        const run = s!.tasks.get(a.task)!;
        const f = { task: a.task, attempt: run.attempts, exit_code: run.exitCode, signal: null, duration_ms: 0, reason: a.reason };
        if (a.end === 'succeeded') emit({ event: 'task_succeeded', ...f });
        else if (a.end === 'failed') emit({ event: 'task_failed', ...f, attempts: run.attempts });
        else emit({ event: 'task_cancelled', task: a.task, reason: a.reason });
      } else if (a.kind === 'finish') {
        emit({ event: 'run_finished', state: a.state, exit_code: a.exitCode, counts: { ...s!.counts } });
        finished = true;
      }
    }
    if (finished) break;
    if (d.again) continue;
    // End one running attempt, drawn at random.
    const ids = [...running.keys()];
    if (ids.length === 0) {
      now = d.wakeAtMs ?? now + 1;
      continue;
    }
    now += 10;
    const id = ids[Math.floor(rand() * ids.length)]!;
    const attempt = running.get(id)!;
    running.delete(id);
    const task = p.byId.get(id)!;
    const r = rand();
    const exitCode = r < 0.15 ? 1 : r < 0.2 ? 2 : 0;
    const read: OutcomeRead = { ok: true, report: {} };
    if (exitCode === 0 && task.depth < 2 && rand() < 0.4) read.report.children = randomChildren(rand);
    const v = decideOutcome(task, s!.tasks.get(id)!, { exitCode, signal: null, timedOut: false, stopped: false, durationMs: 10 }, null, {
      read,
      random: rand,
      limits: { added: s!.added, maxChildren: p.maxChildren },
    });
    const end = { task: id, attempt, exit_code: exitCode, signal: null, duration_ms: 10 };
    emit({ event: 'task_decided', task: id, attempt, outcome: exitCode === 0 ? 'success' : exitCode === 2 ? 'blocked' : 'failure', decision: v.kind === 'cancelled' ? 'cancel' : v.kind, reason: 'x' });
    if (v.kind === 'succeed') emit({ event: 'task_succeeded', ...end, reason: 'succeeded' });
    else if (v.kind === 'retry') emit({ event: 'task_retrying', ...end, reason: v.reason, delay_ms: v.delayMs });
    else if (v.kind === 'fail') emit({ event: 'task_failed', ...end, reason: v.reason, attempts: attempt });
    else if (v.kind === 'block') emit({ event: 'task_blocked', ...end, reason: v.reason });
    else if (v.kind === 'decompose') {
      const tasks = qualifyChildren(id, v.children);
      emit({ event: 'tasks_added', parent: id, tasks });
      p = growPlan(p, { parent: id, tasks });
      emit({ event: 'task_decomposed', task: id, attempt, children: tasks.map((t) => t.id), exit_code: 0, duration_ms: 10 });
    }
  }
  return { events, live: s!, plan: p };
}

function randomChildren(rand: () => number): TaskInput[] {
  const n = 1 + Math.floor(rand() * 4);
  const out: TaskInput[] = [];
  for (let i = 0; i < n; i++) {
    const deps = out.filter(() => rand() < 0.4).map((c) => c.id);
    out.push({ id: `c${i}`, cmd: 'true', ...(deps.length ? { depends_on: deps } : {}), ...(rand() < 0.3 ? { retries: 1, exit_codes: { 2: 'blocked' } } : { exit_codes: { 2: 'blocked' } }) });
  }
  return out;
}

const view = (s: RunState) => ({
  state: s.state,
  exitCode: s.exitCode,
  counts: s.counts,
  added: s.added,
  order: s.order,
  tasks: [...s.tasks.values()].map((t) => ({ id: t.id, state: t.state, attempts: t.attempts, reason: t.reason, parent: t.parent, children: t.children, kids: t.kids })),
});

describe('dynamic children: live state = state replayed from the journal', () => {
  it.each(Array.from({ length: 60 }, (_, i) => i + 1))('seed %i', (seed) => {
    const rand = prng(seed);
    const p0 = plan({ a: [], b: ['a'], c: [], d: ['b', 'c'] }, { a: { exit_codes: { 2: 'blocked' } }, c: { retries: 1 } });
    const { events, live, plan: grown } = play(p0, rand);
    expect(live.state).not.toBe('running');
    const replayed = reduceAll(events.map((e) => JSON.parse(JSON.stringify(e)) as RunEvent))!;
    expect(view(replayed)).toEqual(view(live));
    // The plan as run is the plan file's plus the journal's children, the same tasks in the same order.
    expect(growFromJournal(p0, events).tasks.map((t) => [t.id, t.deps, t.parent ?? null])).toEqual(grown.tasks.map((t) => [t.id, t.deps, t.parent ?? null]));
    for (const t of replayed.tasks.values()) {
      if (!t.children) continue;
      const kids = t.children.map((id) => replayed.tasks.get(id)!.state);
      // A parent ends succeeded exactly when all its children did; it never stays waiting once the run is over.
      expect(t.state).not.toBe('decomposed');
      if (t.state === 'succeeded') expect(kids.every((k) => k === 'succeeded')).toBe(true);
      else expect(kids.some((k) => k !== 'succeeded')).toBe(true);
    }
    // No child starts before its parent's tasks_added.
    const added = new Set<string>();
    for (const e of events) {
      if (e.event === 'tasks_added') e.tasks.forEach((t) => added.add(t.id));
      if (e.event === 'task_started' && e.task.includes('/')) expect(added.has(e.task)).toBe(true);
    }
    const exit = replayed.exitCode;
    expect(exit === 0).toBe([...replayed.tasks.values()].every((t) => t.state === 'succeeded'));
  });

  it('some seeds decompose, nest, block and fail (the property is not vacuous)', () => {
    const seen = new Set<string>();
    for (let seed = 1; seed <= 60; seed++) {
      const { events } = play(plan({ a: [], b: ['a'], c: [], d: ['b', 'c'] }, { a: { exit_codes: { 2: 'blocked' } }, c: { retries: 1 } }), prng(seed));
      for (const e of events) {
        seen.add(e.event);
        if (e.event === 'tasks_added' && e.parent.includes('/')) seen.add('nested');
      }
    }
    expect([...seen]).toEqual(expect.arrayContaining(['tasks_added', 'task_decomposed', 'task_blocked', 'task_failed', 'task_retrying', 'task_skipped', 'nested']));
  });
});
