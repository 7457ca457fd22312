// parseJournal: event kinds this aad does not know (written by a newer aad) are skipped and counted by kind,
// so the reducer's exhaustive switch never sees them. Pure strings.
import { describe, expect, it } from 'vitest';
import { parseEvents, parseJournal } from '../../src/store/journal.js';

const line = (o: object) => JSON.stringify(o);
const started = { v: 1, ts: '2026-01-01T00:00:00.000Z', event: 'run_started', run_id: 'r1', plan: '/p', workdir: '/w', tasks: ['a'], max_parallel: 1, fail_fast: false, owner: { pid: 1, hostname: 'h' } };
const taskStarted = { v: 1, ts: '2026-01-01T00:00:01.000Z', event: 'task_started', task: 'a', attempt: 1 };
const future = (event: string) => ({ v: 1, ts: '2026-01-01T00:00:02.000Z', event, task: 'a' });

describe('parseJournal', () => {
  it('skips unknown kinds and counts them by kind; known events keep their order', () => {
    const text = [started, future('task_teleported'), taskStarted, future('quantum_state'), future('task_teleported')].map(line).join('\n') + '\n';
    const read = parseJournal(text);
    expect(read.events).toEqual([started, taskStarted]);
    expect([...read.unknown]).toEqual([['task_teleported', 2], ['quantum_state', 1]]);
    expect(parseEvents(text)).toEqual([started, taskStarted]);
  });

  it('a journal of known events reports no unknown kind', () => {
    expect(parseJournal(`${line(started)}\n${line(taskStarted)}\n`).unknown.size).toBe(0);
  });

  it.each(['toString', 'constructor', '__proto__', 'hasOwnProperty'])('a kind named like an Object property (%s) is unknown, not known', (kind) => {
    const read = parseJournal(`${line(started)}\n${line(future(kind))}\n`);
    expect(read.events).toEqual([started]);
    expect([...read.unknown]).toEqual([[kind, 1]]);
  });

  it('garbage and torn lines are dropped, not counted as unknown kinds', () => {
    const read = parseJournal(`${line(started)}\nhello\n{"v":1}\n${line(taskStarted).slice(0, 10)}`);
    expect(read.events).toEqual([started]);
    expect(read.unknown.size).toBe(0);
  });

  it('tells the 1-based line of each event it keeps, counting the lines it skipped', () => {
    const text = `hello\n${line(started)}\n${line(future('x'))}\n\n${line(taskStarted)}\n`;
    expect(parseJournal(text).lines).toEqual([2, 5]);
  });
});
