// How `aad validate` / `aad run` read a plan's bytes, through the BUILT CLI: self-referring aliases,
// bytes that are not UTF-8, named pipes with and without a writer. Each case in its own temp dir.
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, tmpDir, writePlan } from '../helpers/cli.js';

const STACK = /^ {4}at /m;

describe.concurrent('aad reads plan bytes', () => {
  it('refuses a YAML alias that refers to itself with exit 2 and its position, for validate and run', async () => {
    const cwd = tmpDir();
    writePlan(cwd, 'x-loop: &a [*a]\ntasks:\n  - { id: a, cmd: ls }\n');
    const expected = [
      'aad.yaml:1:13  the alias "*a" lies inside the node its anchor "&a" names: a YAML alias may not contain itself',
      '    1 | x-loop: &a [*a]',
      '      |             ~~',
      '1 problem in aad.yaml',
      '',
    ].join('\n');
    for (const cmd of ['validate', 'run']) {
      const r = await runCli([cmd, 'aad.yaml'], { cwd, timeoutMs: 10_000 });
      expect({ code: r.code, stdout: r.stdout, stderr: r.stderr }).toEqual({ code: 2, stdout: '', stderr: expected });
    }
    expect(fs.existsSync(path.join(cwd, '.aad'))).toBe(false);
  });

  it('refuses a plan that is not UTF-8 at the line and column of its first bad byte (no silent replacement)', async () => {
    const cwd = tmpDir();
    fs.writeFileSync(path.join(cwd, 'aad.yaml'), Buffer.concat([Buffer.from('tasks:\n  - id: caf'), Buffer.from([0xe9]), Buffer.from('\n    cmd: ls\n')]));
    const r = await runCli(['run', 'aad.yaml'], { cwd, timeoutMs: 10_000 });
    expect(r.code).toBe(2);
    expect(r.stderr.split('\n')[0]).toBe('aad.yaml:2:12  the file is not valid UTF-8: byte 0xe9 at offset 18 cannot be read; save the plan as UTF-8');
    expect(r.stderr).toMatch(/\n1 problem in aad\.yaml\n$/);
    expect(fs.existsSync(path.join(cwd, '.aad'))).toBe(false);
  });

  it('refuses a named pipe that nobody writes to, quickly, instead of hanging', async () => {
    const cwd = tmpDir();
    execFileSync('mkfifo', [path.join(cwd, 'plan.fifo')]);
    const r = await runCli(['validate', 'plan.fifo'], { cwd, timeoutMs: 5_000 });
    expect({ code: r.code, stdout: r.stdout, stderr: r.stderr }).toEqual({
      code: 2,
      stdout: '',
      stderr: 'aad: cannot read plan plan.fifo: it is a pipe with nothing to read and no process writing to it; save the plan to a file\n',
    });
    expect(r.ms).toBeLessThan(4_000);
  });

  it('reads a named pipe whose writer is waiting for a reader', async () => {
    const cwd = tmpDir();
    const fifo = path.join(cwd, 'plan.fifo');
    execFileSync('mkfifo', [fifo]);
    const writer = spawn('sh', ['-c', `printf 'tasks:\\n  - { id: a, cmd: ls }\\n' > '${fifo}'`], { stdio: 'ignore' });
    try {
      const r = await runCli(['validate', 'plan.fifo'], { cwd, timeoutMs: 5_000 });
      expect({ code: r.code, stdout: r.stdout, stderr: r.stderr }).toEqual({ code: 0, stdout: 'plan.fifo: valid: 1 task, 0 dependencies, 1 wave\n', stderr: '' });
    } finally {
      writer.kill();
    }
  });

  it('refuses a socket as a plan file', async () => {
    const cwd = tmpDir();
    const { createServer } = await import('node:net');
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(path.join(cwd, 'plan.sock'), resolve));
    try {
      const r = await runCli(['validate', 'plan.sock'], { cwd, timeoutMs: 5_000 });
      expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 2, stderr: 'aad: cannot read plan plan.sock: it is not a regular file but a socket; save the plan to a file\n' });
      expect(r.stderr).not.toMatch(STACK);
    } finally {
      server.close();
    }
  });
});
