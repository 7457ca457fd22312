// An attempt whose log aad cannot write (here /dev/full, which refuses every write with ENOSPC) is aad's
// I/O error: the attempt is stopped and reports it, instead of throwing from the pipe's read callback.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { IoError } from '../../src/errors.js';
import { spawnTask, type SpawnRequest } from '../../src/run/process.js';
import { readProcStat } from '../../src/store/proc.js';
import { tmpDir } from '../helpers/cli.js';

function req(over: Partial<SpawnRequest>): SpawnRequest {
  const d = tmpDir('aad-proc-io-');
  return { cmd: { kind: 'shell', script: 'true' }, cwd: d, env: { PATH: process.env.PATH ?? '/usr/bin:/bin' }, logPath: join(d, 'out.log'), killGraceMs: 300, secrets: [], ...over };
}

describe.concurrent('spawnTask when the log refuses writes', () => {
  it('read through a pipe: the attempt is stopped (its whole group) and ends with the IoError naming the log', async () => {
    const shown: string[] = [];
    const p = spawnTask(req({ cmd: { kind: 'shell', script: 'while :; do echo output; done' }, logPath: '/dev/full', onOutput: (c) => void shown.push(c.toString()) }));
    const r = await p.done;
    expect(r.ioError).toBeInstanceOf(IoError);
    expect(r.ioError).toMatchObject({ path: '/dev/full', errno: 'ENOSPC', message: 'cannot write /dev/full: no space left on device' });
    expect(r.stopped).toBe(true);
    expect(r.signal).toBe('SIGTERM');
    // Nothing the log did not take was shown as if it had been.
    expect(shown).toEqual([]);
    const st = readProcStat(p.pid!);
    expect(st === undefined || st.state === 'Z').toBe(true);
  });

  it('an attempt that fails to start and whose note cannot be written reports the IoError too', async () => {
    const r = await spawnTask(req({ cmd: { kind: 'argv', argv: ['no-such-program-aad'] }, logPath: '/dev/full', secrets: ['s3cret-value'] })).done;
    expect(r.spawnError).toBe('command not found: no-such-program-aad');
    expect(r.ioError?.message).toBe('cannot write /dev/full: no space left on device');
  });

  it('a log that writes fine gives no IoError', async () => {
    const r = await spawnTask(req({ cmd: { kind: 'shell', script: 'echo fine; exit 2' }, onOutput: () => true })).done;
    expect(r.exitCode).toBe(2);
    expect(r.ioError).toBeUndefined();
  });
});
