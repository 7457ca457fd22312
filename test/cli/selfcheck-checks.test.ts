// The fan-out check's count of tasks running at once, from a journal's order of events.
import { describe, expect, it } from 'vitest';
import { mostAtOnce } from '../../src/cli/selfcheck-checks.js';
import type { RunEvent } from '../../src/run/events.js';

/** A journal from `+a` (a started), `-a` (a succeeded), `~a` (a will retry), `xa` (a cancelled). */
function journal(...steps: string[]): RunEvent[] {
  const event = { '+': 'task_started', '-': 'task_succeeded', '~': 'task_retrying', x: 'task_cancelled' } as const;
  return steps.map((s) => ({ v: 1, ts: '2026-01-01T00:00:00.000Z', event: event[s[0] as keyof typeof event], task: s.slice(1), attempt: 1 }) as unknown as RunEvent);
}

describe('mostAtOnce', () => {
  it.each([
    [[], 0],
    [['+a', '-a', '+b', '-b'], 1],
    [['+a', '+b', '-a', '+c', '-b', '-c'], 2],
    [['+a', '+b', '+c', '-a', '-b', '-c'], 3],
    // A retrying task is not running while it waits; its next attempt counts again.
    [['+a', '~a', '+b', '+a', '-a', '-b'], 2],
    [['+a', '+b', 'xa', 'xb', '+c'], 2],
  ])('%j → %i', (steps, most) => {
    expect(mostAtOnce(journal(...steps))).toBe(most);
  });
});
