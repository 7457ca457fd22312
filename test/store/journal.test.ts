// parseEvents: journal text → events, dropping a torn last line and anything that is not an event. Pure strings.
import { describe, expect, it } from 'vitest';
import { parseEvents } from '../../src/store/journal.js';

const line = (o: object) => JSON.stringify(o);
const e1 = { v: 1, ts: '2026-01-01T00:00:00.000Z', event: 'run_started', run_id: 'r1', plan: '/p', workdir: '/w', tasks: ['a'], max_parallel: 1, fail_fast: false, owner: { pid: 1, hostname: 'h' } };
const e2 = { v: 1, ts: '2026-01-01T00:00:01.000Z', event: 'task_started', task: 'a', attempt: 1 };
const e3 = { v: 1, ts: '2026-01-01T00:00:02.000Z', event: 'task_succeeded', task: 'a', attempt: 1, exit_code: 0, signal: null, reason: 'succeeded', duration_ms: 1000 };

describe('parseEvents', () => {
  it('parses one event a line, in order', () => {
    expect(parseEvents(`${line(e1)}\n${line(e2)}\n${line(e3)}\n`)).toEqual([e1, e2, e3]);
  });

  it.each([
    { name: 'empty text', text: '', want: [] },
    { name: 'only newlines', text: '\n\n\n', want: [] },
    { name: 'blank lines between events', text: `${line(e1)}\n\n${line(e2)}\n`, want: [e1, e2] },
  ])('$name', ({ text, want }) => {
    expect(parseEvents(text)).toEqual(want);
  });

  it('drops a torn last line (no newline after it), even one that happens to be valid JSON', () => {
    const whole = `${line(e1)}\n${line(e2)}\n`;
    expect(parseEvents(whole + line(e3).slice(0, 20))).toEqual([e1, e2]);
    expect(parseEvents(whole + line(e3))).toEqual([e1, e2]);
    expect(parseEvents(line(e1))).toEqual([]);
  });

  it('drops a torn line in the middle (a crash, then a new writer starting on a fresh line)', () => {
    expect(parseEvents(`${line(e1)}\n${line(e2).slice(0, 15)}\n${line(e3)}\n`)).toEqual([e1, e3]);
  });

  it.each([
    ['not JSON', 'hello world'],
    ['JSON null', 'null'],
    ['a number', '42'],
    ['a string', '"task_started"'],
    ['an array', '[1,2,3]'],
    ['an object without event', '{"v":1,"ts":"x"}'],
    ['an object whose event is not a string', '{"v":1,"event":7}'],
    ['a half object', '{"v":1,"event":"task_started"'],
    ['a NUL-filled block (a crash on some filesystems)', '\u0000\u0000\u0000\u0000'],
  ])('drops garbage: %s', (_name, garbage) => {
    expect(parseEvents(`${line(e1)}\n${garbage}\n${line(e2)}\n`)).toEqual([e1, e2]);
  });

  it('accepts CRLF line ends', () => {
    expect(parseEvents(`${line(e1)}\r\n${line(e2)}\r\n`)).toEqual([e1, e2]);
  });

  it('keeps newlines inside strings, which JSON escapes', () => {
    const e = { ...e2, event: 'escalation', task: 'a', level: 'warning', reason: 'line one\nline two' };
    expect(parseEvents(`${line(e)}\n`)).toEqual([e]);
  });

  it('a big journal', () => {
    const events = Array.from({ length: 5000 }, (_, i) => ({ ...e2, attempt: i + 1 }));
    expect(parseEvents(events.map(line).join('\n') + '\n')).toEqual(events);
  });
});
