// The journal's write side when the file system refuses a write: an IoError naming the journal, and no
// later write, so that the file never holds an event written after one that was lost.
import { appendFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { IoError } from '../../src/errors.js';
import { Journal, readEvents } from '../../src/store/journal.js';
import { tmpDir } from '../helpers/cli.js';

const started = { event: 'task_started', task: 'a', attempt: 1 } as const;

describe('Journal writes', () => {
  it('a refused write is an IoError naming the journal, and every later flush is refused without writing', () => {
    const j = new Journal('/dev/full', () => 0);
    j.append(started);
    let first: unknown;
    try {
      j.flush();
    } catch (err) {
      first = err;
    }
    expect(first).toBeInstanceOf(IoError);
    expect(first).toMatchObject({ code: 'AAD_IO', exitCode: 1, path: '/dev/full', errno: 'ENOSPC', message: 'cannot write /dev/full: no space left on device' });
    j.append(started);
    expect(() => j.flush()).toThrow(first as Error);
    expect(() => j.sync()).toThrow(first as Error);
    // Closing after the refusal does not throw again.
    expect(() => j.close()).not.toThrow();
  });

  it('stamps an event with the time it is given', () => {
    const path = join(tmpDir('aad-journal-'), 'events.jsonl');
    const j = new Journal(path, () => 0);
    j.append(started, Date.parse('2026-01-02T03:04:05.678Z'));
    j.close();
    expect(readEvents(path)[0]!.ts).toBe('2026-01-02T03:04:05.678Z');
  });

  it('a line torn by a refused write is ended by the next writer, so the events after it are read', () => {
    const path = join(tmpDir('aad-journal-'), 'events.jsonl');
    appendFileSync(path, JSON.stringify({ v: 1, ts: 'x', ...started }) + '\n{"v":1,"ts":"x","event":"task_suc');
    const j = new Journal(path, () => 0);
    j.append({ event: 'task_spawned', task: 'a', attempt: 1, pid: 1 });
    j.close();
    expect(readEvents(path).map((e) => e.event)).toEqual(['task_started', 'task_spawned']);
    expect(readFileSync(path, 'utf8').split('\n')).toHaveLength(4);
  });
});
