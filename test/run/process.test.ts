import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { spawnTask, type SpawnRequest } from '../../src/run/process.js';
import { tmpDir } from '../helpers/cli.js';
import { readProcStat } from '../../src/store/proc.js';

function dir(): string {
  return tmpDir('aad-proc-');
}

function req(d: string, over: Partial<SpawnRequest>): SpawnRequest {
  return { cmd: { kind: 'shell', script: 'true' }, cwd: d, env: { PATH: process.env.PATH ?? '/usr/bin:/bin' }, logPath: join(d, 'out.log'), killGraceMs: 300, secrets: [], ...over };
}

/** Dead means gone or a zombie (PID 1 reaps slowly here). */
function dead(pid: number): boolean {
  const st = readProcStat(pid);
  return st === undefined || st.state === 'Z';
}

async function waitFor(cond: () => boolean, ms = 3000): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (cond()) return true;
    await new Promise((r) => setTimeout(r, 20));
  }
  return cond();
}

describe.concurrent('spawnTask', () => {
  it('reports the exit code and writes stdout and stderr to the log in arrival order', async () => {
    const d = dir();
    const p = spawnTask(req(d, { cmd: { kind: 'shell', script: 'echo one; echo two >&2; sleep 0.05; echo three; exit 3' } }));
    const r = await p.done;
    expect(r.exitCode).toBe(3);
    expect(r.signal).toBeNull();
    expect(readFileSync(join(d, 'out.log'), 'utf8')).toBe('one\ntwo\nthree\n');
  });

  it('keeps the order of stdout and stderr when output is read through a pipe (console, masking)', async () => {
    const d = dir();
    const script = 'for i in 1 2 3 4 5; do echo out$i; echo err$i >&2; done';
    const shown: Buffer[] = [];
    const r = await spawnTask(req(d, { cmd: { kind: 'shell', script }, secrets: ['zzzz-secret'], onOutput: (c) => void shown.push(Buffer.from(c)) })).done;
    expect(r.exitCode).toBe(0);
    const want = [1, 2, 3, 4, 5].map((i) => `out${i}\nerr${i}\n`).join('');
    expect(readFileSync(join(d, 'out.log'), 'utf8')).toBe(want);
    expect(Buffer.concat(shown).toString()).toBe(want);
    const argv = await spawnTask(req(d, { cmd: { kind: 'argv', argv: ['sh', '-c', 'echo a; echo b >&2; echo c'] }, logPath: join(d, 'argv.log'), onOutput: () => {} })).done;
    expect(argv.exitCode).toBe(0);
    expect(readFileSync(join(d, 'argv.log'), 'utf8')).toBe('a\nb\nc\n');
  });

  it('fails the same way on a missing program whether output is piped or not', async () => {
    const d = dir();
    for (const onOutput of [undefined, () => {}]) {
      const r = await spawnTask(req(d, { cmd: { kind: 'argv', argv: ['no-such-program-aad', 'x'] }, onOutput })).done;
      expect(r.spawnError).toBe('command not found: no-such-program-aad');
    }
  });

  it('runs an argv without a shell: shell syntax is passed through literally', async () => {
    const d = dir();
    const r = await spawnTask(req(d, { cmd: { kind: 'argv', argv: ['echo', '$HOME', '&&', 'x'] } })).done;
    expect(r.exitCode).toBe(0);
    expect(readFileSync(join(d, 'out.log'), 'utf8')).toBe('$HOME && x\n');
  });

  it('closes stdin: a task reading it sees EOF at once', async () => {
    const d = dir();
    const started = Date.now();
    const r = await spawnTask(req(d, { cmd: { kind: 'argv', argv: ['cat'] } })).done;
    expect(r.exitCode).toBe(0);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('turns a missing command into a spawn failure, not a throw', async () => {
    const d = dir();
    const r = await spawnTask(req(d, { cmd: { kind: 'argv', argv: ['no-such-command-aad'] } })).done;
    expect(r.spawnError).toBe('command not found: no-such-command-aad');
    expect(r.exitCode).toBeNull();
    expect(readFileSync(join(d, 'out.log'), 'utf8')).toContain('spawn failed: command not found');
  });

  it('turns a missing cwd into a spawn failure', async () => {
    const d = dir();
    const r = await spawnTask(req(d, { cwd: join(d, 'nope') })).done;
    expect(r.spawnError).toMatch(/^working directory does not exist: /);
  });

  it('on timeout kills the whole process group, background children included', async () => {
    const d = dir();
    const pidFile = join(d, 'bg.pid');
    const p = spawnTask(req(d, { cmd: { kind: 'shell', script: `sleep 30 & echo $! > ${pidFile}; sleep 30` }, timeoutMs: 300, killGraceMs: 300 }));
    const r = await p.done;
    expect(r.timedOut).toBe(true);
    expect(r.durationMs).toBeLessThan(5000);
    const bg = Number(readFileSync(pidFile, 'utf8'));
    expect(await waitFor(() => dead(bg))).toBe(true);
    expect(dead(p.pid!)).toBe(true);
  });

  it('escalates to SIGKILL when the group ignores SIGTERM', async () => {
    const d = dir();
    const p = spawnTask(req(d, { cmd: { kind: 'shell', script: `trap '' TERM; echo ready; sleep 30 & wait` }, timeoutMs: 200, killGraceMs: 200 }));
    const r = await p.done;
    expect(r.timedOut).toBe(true);
    expect(r.killedHard).toBe(true);
  });

  it('leaves no process behind when output goes straight to the log (no pipes): leftovers ignoring SIGTERM are SIGKILLed', async () => {
    const d = dir();
    const pidFile = join(d, 'bg.pid');
    const p = spawnTask(req(d, { cmd: { kind: 'shell', script: `(trap '' TERM; exec sleep 30) & echo $! > ${pidFile}; sleep 0.1` }, killGraceMs: 200 }));
    const r = await p.done;
    expect(r.exitCode).toBe(0);
    expect(r.killedHard).toBe(true);
    expect(dead(Number(readFileSync(pidFile, 'utf8')))).toBe(true);
  });

  it('stop() ends a running task and marks the attempt stopped', async () => {
    const d = dir();
    const p = spawnTask(req(d, { cmd: { kind: 'shell', script: 'sleep 30' } }));
    setTimeout(() => p.stop(), 100);
    const r = await p.done;
    expect(r.stopped).toBe(true);
    expect(r.signal).toBe('SIGTERM');
  });

  it('kills a process that left the group with setsid, found by its AAD_RUN_ID', async () => {
    const d = dir();
    const pidFile = join(d, 'escaped.pid');
    const ids = { runId: `20990101-000000-${Math.random().toString(36).slice(2, 6)}`, taskId: 'esc' };
    const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', AAD_RUN_ID: ids.runId, AAD_TASK_ID: ids.taskId };
    for (const secrets of [[], ['zzzz-secret']]) {
      const p = spawnTask(req(d, { env, ids, secrets, cmd: { kind: 'shell', script: `setsid sh -c 'echo $$ > ${pidFile}; exec sleep 30' & sleep 30` }, timeoutMs: 400 }));
      const r = await p.done;
      expect(r.timedOut).toBe(true);
      expect(existsSync(pidFile)).toBe(true);
      // Gone when the attempt ends, whether output went through pipes (secrets) or straight to the log.
      expect(dead(Number(readFileSync(pidFile, 'utf8')))).toBe(true);
    }
  });

  it('masks secrets in the log, also when a secret is split across writes', async () => {
    const d = dir();
    const out: Buffer[] = [];
    const r = await spawnTask(
      req(d, {
        cmd: { kind: 'shell', script: `printf 'a hunter'; sleep 0.1; printf '2-secret b\\n'; echo hunter2-secret` },
        secrets: ['hunter2-secret'],
        onOutput: (c) => void out.push(Buffer.from(c)),
      }),
    ).done;
    expect(r.exitCode).toBe(0);
    expect(readFileSync(join(d, 'out.log'), 'utf8')).toBe('a *** b\n***\n');
    expect(Buffer.concat(out).toString()).toBe('a *** b\n***\n');
  });

  it('writes large output to the log without loss', async () => {
    const d = dir();
    const script = join(d, 'big.js');
    writeFileSync(script, "const b = Buffer.alloc(1 << 20, 97); for (let i = 0; i < 20; i++) process.stdout.write(b);");
    const r = await spawnTask(req(d, { cmd: { kind: 'argv', argv: [process.execPath, script] }, secrets: ['zzzz'] })).done;
    expect(r.exitCode).toBe(0);
    expect(readFileSync(join(d, 'out.log')).length).toBe(20 << 20);
  });
});
