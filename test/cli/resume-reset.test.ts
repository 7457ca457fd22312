// tasksToReset: which tasks a resume puts back to pending. Pure: a plan and a folded journal.
import { describe, expect, it } from 'vitest';
import { failFastCancels, tasksToReset } from '../../src/cli/resume-run.js';
import { restrictPlan } from '../../src/plan/compile.js';
import { cancelled, cancelRequested, claimed, failed, journal, plan, reset as resetEvent, retrying, runState, skipped, started, succeeded, type Timed } from '../run/builders.js';

// build → test → e2e, build → docs; lint alone; pack needs test and lint.
const p = plan({ lint: [], build: [], test: ['build'], e2e: ['test'], docs: ['build'], pack: ['test', 'lint'] });
const reset = (events: Timed[], failedOnly: boolean) => tasksToReset(p, runState(p, events), failedOnly, failFastCancels(journal(p, events)));

describe('tasksToReset', () => {
  // build failed; everything below it skipped, transitively; lint succeeded.
  const buildFailed: Timed[] = [
    started('lint'), started('build'), succeeded('lint'), failed('build'),
    skipped('test', 'dependency build failed'), skipped('docs', 'dependency build failed'),
    skipped('e2e', 'dependency build failed'), skipped('pack', 'dependency build failed'),
  ];

  it.each([false, true])('a failed task and its skipped dependents, transitively (failedOnly: %s)', (failedOnly) => {
    expect(reset(buildFailed, failedOnly)).toEqual(['build', 'test', 'e2e', 'docs', 'pack']);
  });

  it('succeeded tasks are never reset', () => {
    const all = [...p.tasks.map((t) => started(t.id)), ...p.tasks.map((t) => succeeded(t.id))];
    expect(reset(all, false)).toEqual([]);
    expect(reset(all, true)).toEqual([]);
  });

  // A user cancel: lint and build done, test was running (now cancelled), the rest cancelled while pending.
  const userCancel: Timed[] = [
    started('lint'), started('build'), succeeded('lint'), succeeded('build'), started('test'), started('docs'), failed('docs'),
    cancelRequested(), cancelled('test'), cancelled('e2e'), cancelled('pack'),
  ];

  it('plain resume: every task that did not succeed (failed, cancelled, skipped, pending, interrupted)', () => {
    expect(reset(userCancel, false)).toEqual(['test', 'e2e', 'docs', 'pack']);
  });

  it('--failed-only: the failed ones; cancelled tasks stay', () => {
    expect(reset(userCancel, true)).toEqual(['docs']);
  });

  // The runner died (SIGKILL): build was running, lint was waiting for a retry, the rest pending.
  const interrupted: Timed[] = [started('lint'), started('build'), retrying('lint', 1, 5000)];

  it('plain resume of an interrupted run: the running, retrying and pending tasks', () => {
    expect(reset(interrupted, false)).toEqual(['lint', 'build', 'test', 'e2e', 'docs', 'pack']);
  });

  it('--failed-only of an interrupted run: the tasks that were running or retrying, and the never-started tasks downstream of them', () => {
    expect(reset(interrupted, true)).toEqual(['lint', 'build', 'test', 'e2e', 'docs', 'pack']);
    // A pending task that does not depend on an interrupted one stays pending.
    const q = plan({ a: [], b: ['a'], c: [] });
    expect(tasksToReset(q, runState(q, [started('a')]), true, new Set())).toEqual(['a', 'b']);
  });

  it('--failed-only takes skipped dependents only of what it re-runs', () => {
    // lint failed (pack skipped); build succeeded; test failed (e2e skipped, pack skipped too).
    const events: Timed[] = [
      started('lint'), started('build'), failed('lint'), skipped('pack', 'dependency lint failed'), succeeded('build'),
      started('test'), started('docs'), failed('test'), skipped('e2e', 'dependency test failed'), succeeded('docs'),
    ];
    expect(reset(events, true)).toEqual(['lint', 'test', 'e2e', 'pack']);
    expect(reset(events, false)).toEqual(['lint', 'test', 'e2e', 'pack']);
  });

  it('--failed-only after fail-fast: the failed task, its skipped dependents, and the tasks the fail-fast cancelled', () => {
    const events: Timed[] = [
      started('lint'), started('build'), failed('build'), cancelRequested('fail-fast', true),
      skipped('test', 'dependency build failed'), skipped('e2e', 'dependency build failed'), skipped('docs', 'dependency build failed'),
      skipped('pack', 'dependency build failed'), cancelled('lint', 'fail-fast: another task failed'),
    ];
    expect(reset(events, true)).toEqual(['lint', 'build', 'test', 'e2e', 'docs', 'pack']);
    expect(reset(events, false)).toEqual(['lint', 'build', 'test', 'e2e', 'docs', 'pack']);
  });

  it('a task cancelled by fail-fast, re-run and then cancelled by the user stays out of --failed-only', () => {
    const q = plan({ a: [], b: [] });
    const events: Timed[] = [
      started('a'), started('b'), failed('a'), cancelRequested('fail-fast', true), cancelled('b', 'fail-fast: another task failed'),
      { event: 'run_finished', state: 'failed', exit_code: 3, counts: { pending: 0, awaiting_approval: 0, running: 0, retrying: 0, decomposed: 0, succeeded: 0, failed: 1, blocked: 0, skipped: 0, cancelled: 1 } },
      claimed(7), resetEvent(['a', 'b']), started('a', 2), started('b', 2), cancelRequested('SIGINT'), cancelled('a'), cancelled('b'),
    ];
    const j = journal(q, events);
    expect([...failFastCancels(j)]).toEqual([]);
    expect(tasksToReset(q, runState(q, events), true, failFastCancels(j))).toEqual([]);
    // Before the second session, b was the fail-fast's.
    expect([...failFastCancels(j.slice(0, 6))]).toEqual(['b']);
  });

  it('a skipped task whose failed dependency is not re-run stays skipped', () => {
    // pack was skipped because lint failed, and lint succeeded in a later session: nothing failed is left to re-run.
    const events: Timed[] = [started('lint'), failed('lint'), skipped('pack', 'dependency lint failed'), started('lint', 2), succeeded('lint', 2)];
    expect(reset(events, true)).toEqual([]);
    expect(reset(events, false)).toEqual(['build', 'test', 'e2e', 'docs', 'pack']);
  });

  it('returns ids in plan order, and only tasks of the run (a run of --only)', () => {
    // --only pack: lint, build, test, pack. build failed, test and pack skipped; lint never started (runner died).
    const only = restrictPlan(p, ['pack']);
    const s = runState(only, [started('build'), failed('build'), skipped('test', 'dependency build failed'), skipped('pack', 'dependency build failed')]);
    expect(tasksToReset(only, s, true, new Set())).toEqual(['build', 'test', 'pack']);
    expect(tasksToReset(only, s, false, new Set())).toEqual(['lint', 'build', 'test', 'pack']);
    // The full plan against that run's state: e2e and docs are not part of the run.
    expect(tasksToReset(p, s, false, new Set())).toEqual(['lint', 'build', 'test', 'pack']);
  });
});
