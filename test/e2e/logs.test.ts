// `aad logs`: --tail on long lines, escalations' log_tail, --follow of a task and of a whole run, the hook's log.
// The BUILT CLI, real processes; every case has its own workdir and home, so the cases run in parallel.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it, onTestFinished } from 'vitest';
import { cleanEnv, distMain, runCli, startCli, tmpDir, waitFor, writePlan, type CliOptions, type CliResult } from '../helpers/cli.js';

const K64 = 64 * 1024;

function workspace(yaml: string) {
  const dir = tmpDir('aad-e2e-logs-');
  const home = path.join(dir, 'home');
  writePlan(dir, yaml);
  const withHome = (args: string[]) => [...args, '--home', home];
  return {
    dir,
    home,
    aad: (args: string[], opts: Partial<CliOptions> = {}): Promise<CliResult> => runCli(withHome(args), { cwd: dir, ...opts }),
    start: (args: string[], opts: Partial<CliOptions> = {}) => startCli(withHome(args), { cwd: dir, ...opts }),
    /** `aad ...args` with stdout kept as bytes. */
    bytes: (args: string[]): Promise<Buffer> =>
      new Promise((resolve, reject) => {
        const child = spawn(process.execPath, [distMain, ...withHome(args)], { cwd: dir, env: cleanEnv(), stdio: ['ignore', 'pipe', 'inherit'] });
        const out: Buffer[] = [];
        child.stdout.on('data', (b: Buffer) => out.push(b));
        child.on('error', reject);
        child.on('close', () => resolve(Buffer.concat(out)));
      }),
    runIds: (): string[] => (fs.existsSync(path.join(home, 'runs')) ? fs.readdirSync(path.join(home, 'runs')).sort() : []),
    runDir: (id: string) => path.join(home, 'runs', id),
    events: (id: string): { event: string; [k: string]: unknown }[] =>
      fs.existsSync(path.join(home, 'runs', id, 'events.jsonl'))
        ? fs.readFileSync(path.join(home, 'runs', id, 'events.jsonl'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as { event: string })
        : [],
  };
}

describe.concurrent('aad logs --tail', () => {
  it('prints a last line longer than 64 KiB (its last 64 KiB) instead of dropping it; --tail 0 prints nothing', async ({ expect }) => {
    const ws = workspace(`tasks:\n  - id: t\n    cmd: node -e "process.stdout.write('first\\\\n' + 'a'.repeat(69999) + 'Z\\\\nshort\\\\n')"\n`);
    expect((await ws.aad(['run', '--quiet'])).code).toBe(0);
    const long = 'a'.repeat(69_999) + 'Z';
    expect(await ws.aad(['logs', '--task', 't', '--tail', '1'])).toMatchObject({ code: 0, stdout: 'short\n', stderr: '' });
    expect(await ws.aad(['logs', '--task', 't', '--tail', '2'])).toMatchObject({ code: 0, stdout: `${long.slice(-K64)}\nshort\n`, stderr: '' });
    expect(await ws.aad(['logs', '--task', 't', '--tail', '5'])).toMatchObject({ code: 0, stdout: `first\n${long.slice(-K64)}\nshort\n` });
    expect(await ws.aad(['logs', '--task', 't', '--tail', '0'])).toEqual(expect.objectContaining({ code: 0, stdout: '', stderr: '' }));
    // Without --task: every task's last lines, prefixed; --tail 0 still prints nothing.
    expect(await ws.aad(['logs', '--tail', '1'])).toMatchObject({ code: 0, stdout: 't │ short\n' });
    expect(await ws.aad(['logs', '--tail', '0'])).toMatchObject({ code: 0, stdout: '' });
    expect(await ws.aad(['logs', '--task', 't', '--tail', 'x'])).toEqual(expect.objectContaining({ code: 2, stdout: '', stderr: 'aad: --tail must be a whole number >= 0, not "x"\n' }));
  });

  it('prints the end of a log that is one 5 MB line without a newline', async ({ expect }) => {
    const ws = workspace(`tasks:\n  - id: big\n    cmd: head -c 5000000 /dev/zero | tr '\\0' x; printf END\n`);
    expect((await ws.aad(['run', '--quiet'])).code).toBe(0);
    const r = await ws.aad(['logs', '--task', 'big', '--tail', '5']);
    expect(r).toMatchObject({ code: 0, stderr: '' });
    expect(r.stdout).toBe('x'.repeat(K64 - 3) + 'END\n');
  });

  it("keeps the task's bytes as they are (no decoding) in the prefixed view of every task", async ({ expect }) => {
    const ws = workspace(`tasks:\n  - id: raw\n    cmd: printf 'ok \\377\\376 bytes\\npartial'\n`);
    expect((await ws.aad(['run', '--quiet'])).code).toBe(0);
    const expected = Buffer.concat([Buffer.from('raw │ ok '), Buffer.from([0xff, 0xfe]), Buffer.from(' bytes\nraw │ partial\n')]);
    expect((await ws.bytes(['logs'])).equals(expected)).toBe(true);
    expect((await ws.bytes(['logs', '--tail', '1'])).equals(Buffer.from('raw │ partial\n'))).toBe(true);
  });

  it("writes the end of a one-line output into the escalation's log_tail instead of []", async ({ expect }) => {
    const ws = workspace(`tasks:\n  - id: f\n    cmd: head -c 100000 /dev/zero | tr '\\0' y; printf LAST; exit 1\n`);
    expect((await ws.aad(['run', '--quiet'])).code).toBe(3);
    const [id] = ws.runIds();
    const records = JSON.parse(fs.readFileSync(path.join(ws.runDir(id!), 'escalations', 'f.json'), 'utf8')) as { level: string; log_tail: string[] }[];
    expect(records.map((r) => r.level)).toEqual(['error']);
    expect(records[0]!.log_tail).toEqual(['y'.repeat(K64 - 4) + 'LAST']);
  });
});

describe.concurrent('aad logs --follow', () => {
  it('--task waits for a task that has not started, follows its attempts and its rollback, and ends when the task has ended for good', async ({ expect }) => {
    const ws = workspace(
      [
        'tasks:',
        '  - id: first',
        '    cmd: sleep 0.6',
        '  - id: late',
        '    depends_on: [first]',
        // Attempt 1 goes on once the test saw --follow print its first line.
        '    cmd: echo "try $AAD_ATTEMPT begins"; while [ $AAD_ATTEMPT = 1 ] && [ ! -e go ]; do sleep 0.05; done; sleep 0.2; printf "try $AAD_ATTEMPT ends"; exit 1',
        '    retries: 1',
        '    retry_backoff_sec: 0.3',
        '    rollback: sleep 0.2; echo undone',
        '  - id: slow',
        '    cmd: while [ ! -e stop ]; do sleep 0.05; done',
        '',
      ].join('\n'),
    );
    const run = ws.start(['run', '--quiet']);
    // Whatever happens, the run ends (SIGTERM cancels it, killing the tasks that wait for the test).
    onTestFinished(async () => {
      if (run.child.exitCode === null && run.child.signalCode === null) run.child.kill('SIGTERM');
      await run.done;
    });
    const id = await waitFor('the run', () => (ws.events(ws.runIds()[0] ?? 'none').some((e) => e.event === 'run_started') ? ws.runIds()[0] : undefined));
    const following = ws.start(['logs', id, '--task', 'late', '--follow']);
    const rollback = ws.start(['logs', id, '--task', 'late', '--follow', '--attempt', 'rollback']);
    await waitFor('--follow to print attempt 1', () => (following.stdoutSoFar() === 'try 1 begins\n' ? true : undefined));
    fs.writeFileSync(path.join(ws.dir, 'go'), '');
    const follow = await following.done;
    // --attempt rollback waits for the task to end and follows its rollback alone.
    expect(await rollback.done).toMatchObject({ code: 0, stdout: 'undone\n', stderr: '' });
    expect(follow).toEqual(expect.objectContaining({ code: 0, stderr: '', stdout: 'try 1 begins\ntry 1 ends\ntry 2 begins\ntry 2 ends\nundone\n' }));
    // It ended with the task, not with the run (whose `slow` waits for the test).
    expect(ws.events(id).some((e) => e.event === 'run_finished')).toBe(false);
    expect(ws.events(id).some((e) => e.event === 'rollback_succeeded')).toBe(true);
    fs.writeFileSync(path.join(ws.dir, 'stop'), '');
    expect((await run.done).code).toBe(3);
    // Once the run is over, --follow prints the task's logs and ends at once; --attempt N follows that attempt alone.
    expect(await ws.aad(['logs', id, '--task', 'late', '-f'])).toMatchObject({ code: 0, stdout: 'try 2 begins\ntry 2 ends\nundone\n' });
    expect(await ws.aad(['logs', id, '--task', 'late', '-f', '--attempt', '1'])).toMatchObject({ code: 0, stdout: 'try 1 begins\ntry 1 ends' });
    expect(await ws.aad(['logs', id, '--task', 'late', '-f', '--tail', '1'])).toMatchObject({ code: 0, stdout: 'try 2 ends\nundone\n' });
  });

  it('without --task follows the whole run, every line prefixed by its task id, until the run ends', async ({ expect }) => {
    const ws = workspace(
      [
        'tasks:',
        '  - id: a',
        '    cmd: for i in 1 2 3; do echo "a$i"; sleep 0.2; done',
        '  - id: b',
        '    depends_on: [a]',
        '    cmd: printf "b1\\nb2 "; sleep 0.3; echo "end"',
        '  - id: c',
        '    depends_on: [a]',
        '    cmd: exit 4',
        '  - id: d',
        '    depends_on: [c]',
        '    cmd: echo never',
        '',
      ].join('\n'),
    );
    const run = ws.start(['run', '--quiet']);
    const id = await waitFor('the run', () => (ws.events(ws.runIds()[0] ?? 'none').some((e) => e.event === 'run_started') ? ws.runIds()[0] : undefined));
    const follow = await ws.aad(['logs', id, '--follow']);
    const ran = await run.done;
    expect(ran.code).toBe(3);
    expect(follow).toMatchObject({ code: 0, stderr: '' });
    const lines = follow.stdout.split('\n');
    expect(lines.pop()).toBe('');
    expect(lines.filter((l) => l.startsWith('a │ '))).toEqual(['a │ a1', 'a │ a2', 'a │ a3']);
    expect(lines.filter((l) => l.startsWith('b │ '))).toEqual(['b │ b1', 'b │ b2 end']);
    expect(lines).toHaveLength(5);
  });

  it('ends when the runner dies (interrupted), with what the task printed', async ({ expect }) => {
    const ws = workspace(`tasks:\n  - id: hang\n    cmd: echo before; exec sleep 30\n`);
    const run = ws.start(['run', '--quiet']);
    const id = await waitFor('the task', () => {
      const rid = ws.runIds()[0];
      return rid && ws.events(rid).some((e) => e.event === 'task_spawned') ? rid : undefined;
    });
    const pid = ws.events(id).find((e) => e.event === 'task_spawned')!.pid as number;
    const follow = ws.start(['logs', id, '--task', 'hang', '--follow']);
    try {
      await waitFor('the first line', () => (follow.stdoutSoFar() === 'before\n' ? true : undefined));
      run.child.kill('SIGKILL');
      const r = await follow.done;
      expect(r).toMatchObject({ code: 0, stdout: 'before\n', stderr: '' });
      expect(r.ms).toBeLessThan(5000);
    } finally {
      process.kill(-pid, 'SIGKILL');
    }
  });

  it('--follow of a task with no attempt in a finished run ends at once and prints nothing', async ({ expect }) => {
    const ws = workspace(`tasks:\n  - id: bad\n    cmd: exit 1\n  - id: after\n    depends_on: [bad]\n    cmd: echo no\n`);
    expect((await ws.aad(['run', '--quiet'])).code).toBe(3);
    expect(await ws.aad(['logs', '--task', 'after', '--follow'])).toMatchObject({ code: 0, stdout: '', stderr: '' });
  });
});

describe.concurrent('on_escalation hook output', () => {
  it('goes to logs/_hooks/on_escalation.log, one block per call naming its escalation, secrets masked; a failing hook\'s notice names that log', async ({ expect }) => {
    const ws = workspace(
      [
        `on_escalation: 'cat > /dev/null; echo "out for $AAD_TASK_ID $API_TOKEN"; echo "err here" >&2; exit 5'`,
        'tasks:',
        '  - id: flaky',
        '    cmd: if [ "$AAD_ATTEMPT" = 1 ]; then exit 1; fi',
        '    retries: 1',
        '    retry_backoff_sec: 0',
        '    env: { API_TOKEN: tok-secret-1234 }',
        '  - id: bad',
        '    depends_on: [flaky]',
        '    cmd: exit 2',
        '',
      ].join('\n'),
    );
    const r = await ws.aad(['run', '--quiet']);
    expect(r.code).toBe(3);
    const [id] = ws.runIds();
    const log = path.join(ws.runDir(id!), 'logs', '_hooks', 'on_escalation.log');
    const blocks = fs.readFileSync(log, 'utf8').replace(/\d{4}-\d\d-\d\dT[\d:.]+Z/g, '<ts>');
    expect(blocks).toBe(
      [
        '── <ts> on_escalation for flaky (warning, attempt 1): failed (exit code 5)',
        'out for flaky ***',
        '── stderr',
        'err here',
        '── <ts> on_escalation for bad (error, attempt 1): failed (exit code 5)',
        'out for bad ',
        '── stderr',
        'err here',
        '',
      ].join('\n'),
    );
    expect(r.stderr).toContain(`on_escalation hook failed (exit code 5): err here; its output: ${log}`);
    // A hook that cannot start says so, and where its log is.
    const ws2 = workspace(`on_escalation: [./no-such-hook]\ntasks:\n  - id: t\n    cmd: exit 1\n`);
    const r2 = await ws2.aad(['run', '--quiet']);
    expect(r2.code).toBe(3);
    const log2 = path.join(ws2.runDir(ws2.runIds()[0]!), 'logs', '_hooks', 'on_escalation.log');
    expect(r2.stderr).toMatch(/on_escalation hook could not start: .*no-such-hook.*; its output: /);
    expect(r2.stderr).toContain(log2);
    expect(fs.readFileSync(log2, 'utf8')).toMatch(/^── \S+ on_escalation for t \(error, attempt 1\): could not start: /);
  });
});
