// Human approval and safer rollbacks, through the built CLI: approve, reject, timeout, approval ahead,
// approval while the runner is dead then resume, cancel while waiting; rollback approval (approved,
// rejected), rollback_verify failing, max_rollbacks across resumes; the error-storm stop.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, it } from 'vitest';
import { runCli, startCli, tmpDir, waitFor, writePlan, type CliProcess, type CliResult } from '../helpers/cli.js';
import type { RunStatusJson } from '../../src/report/status.js';

const running: CliProcess[] = [];
afterAll(() => {
  for (const p of running) p.child.kill('SIGKILL');
});

type Ev = { event: string; task?: string; [k: string]: unknown };

function workspace(yaml: string) {
  const dir = tmpDir('aad-e2e-approvals-');
  const home = path.join(dir, 'home');
  writePlan(dir, yaml);
  const ws = {
    dir,
    home,
    aad: (...args: string[]): Promise<CliResult> => runCli([...args, '--home', home], { cwd: dir }),
    start: (...args: string[]): CliProcess => {
      const p = startCli([...args, '--home', home], { cwd: dir });
      running.push(p);
      return p;
    },
    runId(): string {
      const ids = fs.existsSync(path.join(home, 'runs')) ? fs.readdirSync(path.join(home, 'runs')) : [];
      if (ids.length !== 1) throw new Error(`expected one run, found ${ids.length}`);
      return ids[0]!;
    },
    async status(): Promise<RunStatusJson> {
      const r = await ws.aad('status', '--json');
      if (r.code !== 0) throw new Error(`aad status exited ${r.code}: ${r.stderr}`);
      return JSON.parse(r.stdout) as RunStatusJson;
    },
    /** Waits until `task` is in `state` (or its rollback, with `rollback`). */
    async until(task: string, state: string, rollback = false): Promise<RunStatusJson> {
      return waitFor(`${task} ${rollback ? 'rollback ' : ''}${state}`, async () => {
        if (!fs.existsSync(path.join(home, 'runs'))) return undefined;
        const s = await ws.status();
        const t = s.tasks.find((x) => x.id === task);
        return (rollback ? t?.rollback?.state : t?.state) === state ? s : undefined;
      });
    },
    events: (): Ev[] =>
      fs.readFileSync(path.join(home, 'runs', ws.runId(), 'events.jsonl'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Ev),
    escalations: (task: string): { level: string; reason: string }[] => {
      const file = path.join(home, 'runs', ws.runId(), 'escalations', `${task}.json`);
      return fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, 'utf8')) as { level: string; reason: string }[]) : [];
    },
    lines: (name: string) => (fs.existsSync(path.join(dir, name)) ? fs.readFileSync(path.join(dir, name), 'utf8').split('\n').filter(Boolean) : []),
  };
  return ws;
}

const GATED = `tasks:
  - id: build
    cmd: 'echo built >> ran'
  - id: deploy
    depends_on: [build]
    approval: "Deploy to production?"
    rollback: 'echo rolled >> rollbacks'
    cmd: 'echo deployed >> ran'
  - id: after
    depends_on: [deploy]
    cmd: 'echo after >> ran'
  - id: other
    cmd: 'echo other >> ran'
`;

describe.concurrent('approvals', () => {
  it('waits in awaiting_approval (other tasks go on), prints the exact command, and starts once approved from another terminal', async ({ expect }) => {
    const ws = workspace(GATED);
    const run = ws.start('run');
    const s = await ws.until('deploy', 'awaiting_approval');
    expect(s.counts.awaiting_approval).toBe(1);
    expect(s.tasks.find((t) => t.id === 'other')!.state).toBe('succeeded');
    expect(ws.lines('ran').sort()).toEqual(['built', 'other']);
    const id = ws.runId();
    // The command printed is the one that works from another terminal (it names the home: not ./.aad).
    const printed = await waitFor('the approve command', () => /approve: (aad approve \S+ deploy --home \S+)/.exec(run.stdoutSoFar())?.[1]);
    expect(printed).toBe(`aad approve ${id} deploy --home ${ws.home}`);
    expect(run.stdoutSoFar()).toContain('deploy │ ⏸ waits for approval: Deploy to production?');
    const text = await ws.aad('status');
    expect(text.stdout).toMatch(/1 awaiting approval/);
    // Approving a task that is not waiting says its state, exit 2.
    const early = await ws.aad('approve', id, 'other');
    expect(early.code).toBe(2);
    expect(early.stderr).toContain('task other of run ' + id + ' is not awaiting approval (it is succeeded)');
    const ok = await ws.aad('approve', id, 'deploy', '--by', 'alice', '--reason', 'change 42 reviewed');
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toContain('deploy approved (by alice)');
    const r = await run.done;
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(ws.lines('ran').slice(2)).toEqual(['deployed', 'after']);
    const ev = ws.events().filter((e) => e.task === 'deploy').map((e) => e.event);
    expect(ev.slice(0, 4)).toEqual(['approval_requested', 'escalation', 'task_approved', 'task_started']);
    expect(ws.events().find((e) => e.event === 'task_approved')).toMatchObject({ task: 'deploy', by: 'alice', reason: 'change 42 reviewed' });
    expect(ws.escalations('deploy')).toEqual([expect.objectContaining({ level: 'warning', reason: 'waiting for approval: Deploy to production?' })]);
    // Once the run is over nothing waits.
    const late = await ws.aad('approve', id, 'deploy');
    expect(late.code).toBe(2);
    expect(late.stderr).toContain(`run ${id} is over (it succeeded)`);
  });

  it('reject: the task fails without an attempt and without rollback, its dependents are skipped, exit 3', async ({ expect }) => {
    const ws = workspace(GATED);
    const run = ws.start('run');
    await ws.until('deploy', 'awaiting_approval');
    // Without a run id: the newest run where the task waits.
    const no = await ws.aad('reject', 'deploy', '--by', 'bob', '--reason', 'too risky on a Friday');
    expect(no.code, no.stderr).toBe(0);
    expect(no.stdout).toContain('deploy rejected (by bob)');
    const r = await run.done;
    expect(r.code).toBe(3);
    expect(r.stdout).toContain('deploy │ ✗ rejected by bob: too risky on a Friday');
    const s = await ws.status();
    expect(s.tasks.map((t) => [t.id, t.state, t.attempts, t.reason])).toEqual([
      ['build', 'succeeded', 1, null],
      ['deploy', 'failed', 0, 'rejected by bob: too risky on a Friday'],
      ['after', 'skipped', 0, 'dependency deploy failed'],
      ['other', 'succeeded', 1, null],
    ]);
    expect(ws.lines('rollbacks')).toEqual([]);
    expect(ws.events().find((e) => e.event === 'task_rejected')).toMatchObject({ task: 'deploy', by: 'bob', reason: 'too risky on a Friday' });
  });

  it('approval_timeout_sec rejects a task whose approval does not come in time', async ({ expect }) => {
    const ws = workspace(`tasks:
  - id: deploy
    approval: true
    approval_timeout_sec: 0.3
    cmd: 'echo deployed >> ran'
  - id: after
    depends_on: [deploy]
    cmd: 'echo after >> ran'
`);
    const r = await ws.aad('run');
    expect(r.code).toBe(3);
    expect(r.stdout).toContain('deploy │ ✗ rejected: no approval within 0.3s');
    const s = await ws.status();
    expect(s.tasks.map((t) => [t.id, t.state, t.reason])).toEqual([
      ['deploy', 'failed', 'rejected: no approval within 0.3s'],
      ['after', 'skipped', 'dependency deploy failed'],
    ]);
    expect(ws.lines('ran')).toEqual([]);
  });

  it('run --approve approves ahead (ids or all); an unknown id or a task without approval is exit 2', async ({ expect }) => {
    const ws = workspace(GATED);
    const bad = await ws.aad('run', '--approve', 'deplyo');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--approve deplyo: no such task in the run (did you mean "deploy"?)');
    const plain = await ws.aad('run', '--approve', 'build');
    expect(plain.code).toBe(2);
    expect(plain.stderr).toContain('--approve build: this task does not ask for approval');
    expect(fs.existsSync(path.join(ws.home, 'runs'))).toBe(false);
    const r = await ws.aad('run', '--approve', 'all');
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const ev = ws.events();
    expect(ev.some((e) => e.event === 'approval_requested')).toBe(false);
    expect(ev.find((e) => e.event === 'task_approved')).toMatchObject({ task: 'deploy', by: 'aad run --approve' });
    expect(ws.lines('ran')).toContain('deployed');
  });

  it('an approval given while the runner is dead is recorded and honoured by resume', async ({ expect }) => {
    const ws = workspace(GATED);
    const run = ws.start('run');
    await ws.until('deploy', 'awaiting_approval');
    run.child.kill('SIGKILL');
    await run.done;
    const id = ws.runId();
    expect((await ws.status()).state).toBe('interrupted');
    const given = await ws.aad('approve', id, 'deploy', '--by', 'carol');
    expect(given.code, given.stderr).toBe(0);
    expect(given.stdout).toContain(`run ${id}'s runner is gone: \`aad resume ${id}\` honours it`);
    const r = await ws.aad('resume', id);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(ws.lines('ran')).toContain('deployed');
    const ev = ws.events();
    const claim = ev.findIndex((e) => e.event === 'run_claimed');
    const approved = ev.findIndex((e) => e.event === 'task_approved');
    expect(approved).toBeGreaterThan(claim);
    expect(ev[approved]).toMatchObject({ task: 'deploy', by: 'carol' });
    // The request is used up: nothing is left for another resume.
    expect(fs.readdirSync(path.join(ws.home, 'runs', id, 'requests'))).toEqual([]);
  });

  it('aad cancel and Ctrl-C work while a run waits for an approval', async ({ expect }) => {
    const ws = workspace(GATED);
    const run = ws.start('run');
    await ws.until('deploy', 'awaiting_approval');
    const c = await ws.aad('cancel');
    expect(c.code, c.stderr).toBe(0);
    const r = await run.done;
    expect(r.code).toBe(4);
    const s = await ws.status();
    expect(s.tasks.find((t) => t.id === 'deploy')!.state).toBe('cancelled');

    const ws2 = workspace(GATED);
    const run2 = ws2.start('run');
    await ws2.until('deploy', 'awaiting_approval');
    run2.child.kill('SIGINT');
    expect((await run2.done).code).toBe(4);
  });
});

describe.concurrent('safer rollbacks', () => {
  const failing = (extra: string) => `tasks:
  - id: deploy
    cmd: 'echo broke; exit 1'
    rollback: 'echo rolled >> rollbacks'
${extra}
`;

  it('rollback_approval: the rollback waits for aad approve --rollback, then runs', async ({ expect }) => {
    const ws = workspace(failing('    rollback_approval: true\n    rollback_verify: test -f rollbacks'));
    const run = ws.start('run');
    const s = await ws.until('deploy', 'awaiting_approval', true);
    expect(s.tasks[0]!.state).toBe('failed');
    expect(ws.lines('rollbacks')).toEqual([]);
    expect(run.stdoutSoFar()).toContain(`aad approve ${ws.runId()} deploy --rollback --home ${ws.home}`);
    // Approving the task itself is refused: it is the rollback that waits.
    const wrong = await ws.aad('approve', 'deploy');
    expect(wrong.code).toBe(2);
    const ok = await ws.aad('approve', 'deploy', '--rollback', '--by', 'dana');
    expect(ok.code, ok.stderr).toBe(0);
    const r = await run.done;
    expect(r.code).toBe(3);
    expect(ws.lines('rollbacks')).toEqual(['rolled']);
    expect((await ws.status()).tasks[0]!.rollback).toEqual({ state: 'succeeded', exit_code: 0 });
    expect(ws.events().find((e) => e.event === 'task_approved')).toMatchObject({ task: 'deploy', by: 'dana', rollback: true });
  });

  it('rollback_approval rejected: the rollback is skipped with a critical escalation', async ({ expect }) => {
    const ws = workspace(failing('    rollback_approval: true'));
    const run = ws.start('run');
    await ws.until('deploy', 'awaiting_approval', true);
    const no = await ws.aad('reject', 'deploy', '--rollback', '--by', 'erin', '--reason', 'I will look first');
    expect(no.code, no.stderr).toBe(0);
    const r = await run.done;
    expect(r.code).toBe(3);
    expect(ws.lines('rollbacks')).toEqual([]);
    expect((await ws.status()).tasks[0]!.rollback).toEqual({ state: 'skipped', exit_code: null });
    const skipped = ws.events().find((e) => e.event === 'rollback_skipped');
    expect(skipped).toMatchObject({ task: 'deploy', reason: 'rejected by erin: I will look first: the workspace was left as the task left it' });
    expect(ws.escalations('deploy').filter((e) => e.level === 'critical').map((e) => e.reason)).toEqual([
      'rollback skipped: rejected by erin: I will look first: the workspace was left as the task left it',
    ]);
  });

  it('rollback_verify failing fails the rollback (critical), with its own log', async ({ expect }) => {
    const ws = workspace(failing("    rollback_verify: 'echo still broken; exit 1'"));
    const r = await ws.aad('run');
    expect(r.code).toBe(3);
    expect(ws.lines('rollbacks')).toEqual(['rolled']);
    const t = (await ws.status()).tasks[0]!;
    expect(t.rollback).toEqual({ state: 'failed', exit_code: 0 });
    expect(ws.events().find((e) => e.event === 'rollback_failed')).toMatchObject({ reason: 'verify failed: exit code 1' });
    expect(fs.readFileSync(path.join(ws.home, 'runs', ws.runId(), 'logs', 'deploy', 'rollback-verify.log'), 'utf8')).toBe('still broken\n');
    expect(ws.escalations('deploy').some((e) => e.level === 'critical' && e.reason.startsWith('rollback failed: verify failed: exit code 1'))).toBe(true);
  });

  it('max_rollbacks holds across resumes: the next final failure skips the rollback (critical)', async ({ expect }) => {
    const ws = workspace(failing('    max_rollbacks: 2'));
    expect((await ws.aad('run')).code).toBe(3);
    expect((await ws.aad('resume')).code).toBe(3);
    expect(ws.lines('rollbacks')).toEqual(['rolled', 'rolled']);
    const third = await ws.aad('resume');
    expect(third.code).toBe(3);
    expect(ws.lines('rollbacks')).toEqual(['rolled', 'rolled']);
    expect(third.stdout).toContain('rollback skipped: rollback limit reached (2): manual intervention needed');
    expect(ws.events().filter((e) => e.event === 'rollback_skipped')).toEqual([
      expect.objectContaining({ task: 'deploy', reason: 'rollback limit reached (2): manual intervention needed' }),
    ]);
    expect(ws.escalations('deploy').filter((e) => e.level === 'critical').map((e) => e.reason)).toEqual([
      'rollback skipped: rollback limit reached (2): manual intervention needed',
    ]);
  });
});

describe.concurrent('the error-storm stop', () => {
  it('the same failure 3 times in a row stops the retries (critical); varied failures keep retrying', async ({ expect }) => {
    const ws = workspace(`defaults:
  retries: 5
  max_identical_failures: 3
tasks:
  - id: storm
    cmd: 'echo "connect to db:5432 failed after $AAD_ATTEMPT tries"; echo "$AAD_ATTEMPT" >> storm-tries; exit 1'
  - id: varied
    cmd: 'case $AAD_ATTEMPT in 1) echo alpha;; 2) echo beta;; 3) echo gamma;; 4) echo delta;; 5) echo epsilon;; *) echo zeta;; esac; echo "$AAD_ATTEMPT" >> varied-tries; exit 1'
`);
    const r = await ws.aad('run');
    expect(r.code).toBe(3);
    expect(ws.lines('storm-tries')).toEqual(['1', '2', '3']);
    expect(ws.lines('varied-tries')).toEqual(['1', '2', '3', '4', '5', '6']);
    const s = await ws.status();
    const storm = s.tasks.find((t) => t.id === 'storm')!;
    expect(storm.reason).toBe('the same failure 3 times in a row: exit code 1: connect to db:# failed after # tries');
    expect(ws.escalations('storm').filter((e) => e.level === 'critical').map((e) => e.reason)).toEqual([
      'failed for good after 3 attempts: the same failure 3 times in a row: exit code 1: connect to db:# failed after # tries',
    ]);
    expect(s.tasks.find((t) => t.id === 'varied')!.reason).toBe('exit code 1');
    expect(ws.escalations('varied').some((e) => e.level === 'critical')).toBe(false);
    const decided = ws.events().filter((e) => e.event === 'task_decided' && e.task === 'storm');
    expect(decided.map((e) => e.signature)).toEqual(Array(3).fill('exit code 1: connect to db:# failed after # tries'));
  });
});
