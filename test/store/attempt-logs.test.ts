// The attempts' log files: created on the main thread while that is quick, on libuv's threads once it is slow.
import { closeSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { AttemptLogs } from '../../src/store/attempt-logs.js';
import { runPaths } from '../../src/store/paths.js';

const homes: string[] = [];
afterEach(() => {
  for (const h of homes.splice(0)) rmSync(h, { recursive: true, force: true });
});

function paths() {
  const home = mkdtempSync(join(tmpdir(), 'aad-logs-'));
  homes.push(home);
  const p = runPaths(home, '20261121-000000-test');
  mkdirSync(join(p.dir, 'logs'), { recursive: true });
  return p;
}

async function writeTo(logs: AttemptLogs, task: string, attempt: number, text: string): Promise<void> {
  const fd = await logs.open(task, attempt);
  writeSync(fd, text);
  closeSync(fd);
}

describe('AttemptLogs', () => {
  it('creates logs/<task>/<n>.log on the main thread on a quick disk, appending, and prepares nothing ahead', async () => {
    const p = paths();
    const logs = new AttemptLogs(p);
    await writeTo(logs, 'build', 1, 'one\n');
    await writeTo(logs, 'build', 2, 'two\n');
    await writeTo(logs, 'build', 2, 'more\n');
    logs.prepare('test', 1);
    expect(logs.async).toBe(false);
    expect(existsSync(p.taskLogDir('test'))).toBe(false);
    await logs.dropUnused();
    expect(readFileSync(p.attemptLog('build', 1), 'utf8')).toBe('one\n');
    expect(readFileSync(p.attemptLog('build', 2), 'utf8')).toBe('two\nmore\n');
  });

  it('moves to libuv threads once creating is slow: prepares ahead, and removes what no attempt used', async () => {
    const p = paths();
    // Every creation counts as slow: the first one moves the rest off the main thread.
    const logs = new AttemptLogs(p, -1);
    await writeTo(logs, 'a', 1, 'a1\n');
    expect(logs.async).toBe(true);
    logs.prepare('b', 1);
    logs.prepare('c', 1);
    await writeTo(logs, 'b', 1, 'b1\n');
    await writeTo(logs, 'a', 2, 'a2\n');
    await logs.dir('d');
    expect(existsSync(p.taskLogDir('d'))).toBe(true);
    await logs.dropUnused();
    expect(readFileSync(p.attemptLog('a', 1), 'utf8')).toBe('a1\n');
    expect(readFileSync(p.attemptLog('a', 2), 'utf8')).toBe('a2\n');
    expect(readFileSync(p.attemptLog('b', 1), 'utf8')).toBe('b1\n');
    // c was prepared but never ran: no log file is left for it.
    expect(readdirSync(p.taskLogDir('c'))).toEqual([]);
  });

  it('fails the open (not the process) when the log cannot be created, in both modes', async () => {
    for (const slow of [undefined, -1]) {
      const p = paths();
      const logs = new AttemptLogs(p, slow);
      await writeTo(logs, 'first', 1, 'ok\n');
      expect(logs.async).toBe(slow === -1);
      rmSync(join(p.dir, 'logs'), { recursive: true });
      await expect(logs.open('x', 1)).rejects.toThrow(/ENOENT/);
    }
  });
});
