// Resume and cancel through the built CLI: `cancel` without a run id, `resume --failed-only` after a
// fail-fast, `resume --dry-run`, the leftover processes of an interrupted run in `status`, and the
// `.gitignore` a new home writes. Each case has its own folder and --home; task processes report their
// pids through files, and a process counts as gone when /proc shows it gone or a zombie.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, it } from 'vitest';
import { processGone, runCli, startCli, tmpDir, waitFor, writePlan, type CliProcess, type CliResult } from '../helpers/cli.js';
import type { RunStatusJson } from '../../src/report/status.js';

const pidsToKill: number[] = [];
afterAll(() => {
  for (const pid of pidsToKill) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      /* already gone */
    }
  }
});

/** A folder with plans (`yaml` as aad.yaml, `more` by name) and its own home. */
function workspace(yaml: string, more: Record<string, string> = {}) {
  const dir = tmpDir('aad-e2e-resume-cancel-');
  const home = path.join(dir, 'home');
  writePlan(dir, yaml);
  for (const [name, text] of Object.entries(more)) writePlan(dir, text, name);
  const ws = {
    dir,
    home,
    aad: (...args: string[]): Promise<CliResult> => runCli([...args, '--home', home], { cwd: dir }),
    start: (...args: string[]): CliProcess => startCli([...args, '--home', home], { cwd: dir }),
    runIds: (): string[] => (fs.existsSync(path.join(home, 'runs')) ? fs.readdirSync(path.join(home, 'runs')).sort() : []),
    onlyRun(): string {
      const ids = ws.runIds();
      if (ids.length !== 1) throw new Error(`expected one run in ${home}, found ${ids.length}`);
      return ids[0]!;
    },
    async status(id?: string): Promise<RunStatusJson> {
      const r = await ws.aad('status', ...(id ? [id] : []), '--json');
      if (r.code !== 0) throw new Error(`aad status exited ${r.code}: ${r.stderr}`);
      return JSON.parse(r.stdout) as RunStatusJson;
    },
    states: async (id?: string) => Object.fromEntries((await ws.status(id)).tasks.map((t) => [t.id, t.state])),
    /** A pid a task wrote to `name` (a whole line), once it is there. */
    pid: (name: string) =>
      waitFor(`${name} in ${dir}`, () => {
        const f = path.join(dir, name);
        const text = fs.existsSync(f) ? fs.readFileSync(f, 'utf8') : '';
        if (!text.endsWith('\n')) return undefined;
        const pid = Number(text.trim());
        pidsToKill.push(pid);
        return pid;
      }),
    hasEvent: (id: string, event: string, task?: string) => {
      const f = path.join(home, 'runs', id, 'events.jsonl');
      if (!fs.existsSync(f)) return undefined;
      return fs.readFileSync(f, 'utf8').split('\n').some((l) => l.includes(`"event":"${event}"`) && (task === undefined || l.includes(`"task":"${task}"`))) || undefined;
    },
    count: (name: string) => (fs.existsSync(path.join(dir, name)) ? fs.readFileSync(path.join(dir, name), 'utf8').split('\n').filter(Boolean).length : 0),
    touch: (name: string) => fs.writeFileSync(path.join(dir, name), ''),
    runFiles(id: string): Record<string, string> {
      const out: Record<string, string> = {};
      const walk = (d: string) => {
        for (const e of fs.readdirSync(d, { withFileTypes: true })) {
          const p = path.join(d, e.name);
          if (e.isDirectory()) walk(p);
          else out[path.relative(home, p)] = fs.readFileSync(p, 'utf8');
        }
      };
      walk(path.join(home, 'runs', id));
      return out;
    },
  };
  return ws;
}

/** Whether a process is alive (a zombie is not). */
const alive = (pid: number) => !processGone(pid);

/** Waits until every pid is gone; returns those still alive after `withinMs`. */
async function stillAlive(pids: number[], withinMs = 5000): Promise<number[]> {
  const end = Date.now() + withinMs;
  for (;;) {
    const left = pids.filter(alive);
    if (left.length === 0 || Date.now() > end) return left;
    await new Promise((r) => setTimeout(r, 50));
  }
}

const KILL_GRACE = 'defaults: { kill_grace_sec: 0.5 }\n';

describe.concurrent('aad cancel without a run id', () => {
  it('cancels the newest running run, not a newer run that has finished', async ({ expect }) => {
    const ws = workspace(`${KILL_GRACE}tasks:\n  - id: slow\n    cmd: 'echo $$ > slow.pid; exec sleep 30'\n`, { 'quick.yaml': 'tasks:\n  - id: quick\n    cmd: "true"\n' });
    const slow = ws.start('run');
    const slowPid = await ws.pid('slow.pid');
    const running = ws.onlyRun();
    // A run id starts with its second: one second later, the finished run is surely the newest.
    await new Promise((r) => setTimeout(r, 1100));
    const quick = await ws.aad('run', 'quick.yaml');
    expect(quick.code, quick.stderr).toBe(0);
    const finished = ws.runIds().find((id) => id !== running)!;
    expect(ws.runIds()).toEqual([running, finished]);

    const cancel = await ws.aad('cancel');
    expect([cancel.code, cancel.stderr]).toEqual([0, '']);
    expect(cancel.stdout).toBe(`run ${running} cancelled\n`);
    expect((await slow.done).code).toBe(4);
    expect(await stillAlive([slowPid])).toEqual([]);
    expect((await ws.status(running)).state).toBe('cancelled');
    expect((await ws.status(finished)).state).toBe('succeeded');
  });

  it('with no run running: exit 2, naming each run with its state; with no run at all: exit 2 too', async ({ expect }) => {
    const ws = workspace('tasks:\n  - id: t\n    cmd: test -f ok\n');
    const none = await ws.aad('cancel');
    expect([none.code, none.stderr]).toEqual([2, `aad: no runs in ${ws.home}/runs: nothing to cancel\n`]);
    expect((await ws.aad('run')).code).toBe(3);
    ws.touch('ok');
    expect((await ws.aad('run')).code).toBe(0);
    const [a, b] = ws.runIds();
    const state = { [a!]: (await ws.status(a)).state, [b!]: (await ws.status(b)).state };
    const cancel = await ws.aad('cancel');
    expect(cancel.code).toBe(2);
    expect(cancel.stderr).toBe(`aad: no run is running in ${ws.home}/runs: nothing to cancel; runs: ${b} (${state[b!]}), ${a} (${state[a!]})\n`);
    expect(Object.values(state).sort()).toEqual(['failed', 'succeeded']);
  });
});

describe.concurrent('aad resume --failed-only after --fail-fast', () => {
  it('re-runs the tasks the fail-fast cancelled (running and not started), and exits 0 once nothing fails', async ({ expect }) => {
    const ws = workspace(`${KILL_GRACE}tasks:
  - id: f
    cmd: 'echo 1 >> count-f; test -f fixed && exit 0; while [ ! -f s.pid ]; do sleep 0.05; done; exit 1'
  - id: g
    cmd: 'echo 1 >> count-g'
    depends_on: [f]
  - id: s
    cmd: 'echo 1 >> count-s; test -f fixed && exit 0; echo $$ > s.pid; exec sleep 30'
  - id: p
    cmd: 'echo 1 >> count-p'
    depends_on: [s]
`);
    const first = await ws.aad('run', '--fail-fast');
    expect(first.code, first.stderr).toBe(3);
    expect(await ws.states()).toEqual({ f: 'failed', g: 'skipped', s: 'cancelled', p: 'cancelled' });

    ws.touch('fixed');
    const resumed = await ws.aad('resume', '--failed-only');
    expect(resumed.code, resumed.stderr).toBe(0);
    const st = await ws.status();
    expect(st).toMatchObject({ state: 'succeeded', exit_code: 0 });
    expect(await ws.states()).toEqual({ f: 'succeeded', g: 'succeeded', s: 'succeeded', p: 'succeeded' });
    expect([ws.count('count-f'), ws.count('count-g'), ws.count('count-s'), ws.count('count-p')]).toEqual([2, 1, 2, 1]);
  });
});

describe.concurrent('aad resume --dry-run', () => {
  it('shows the tasks the resume would run and those that stay, with --failed-only too; changes nothing; exit 0', async ({ expect }) => {
    const ws = workspace(`${KILL_GRACE}tasks:
  - id: ok
    cmd: 'echo 1 >> count-ok'
  - id: bad
    cmd: 'echo 1 >> count-bad; exit 1'
  - id: bad-dep
    cmd: 'echo 1 >> count-bad-dep'
    depends_on: [bad]
  - id: slow
    cmd: 'echo 1 >> count-slow; echo $$ > slow.pid; exec sleep 30'
  - id: slow-dep
    cmd: 'echo 1 >> count-slow-dep'
    depends_on: [slow]
`);
    const runner = ws.start('run');
    await ws.pid('slow.pid');
    const id = await waitFor('the run id', () => ws.runIds()[0]);
    await waitFor('bad to fail', () => ws.hasEvent(id, 'task_failed', 'bad'));
    await waitFor('ok to succeed', () => ws.hasEvent(id, 'task_succeeded', 'ok'));
    expect((await ws.aad('cancel', id)).code).toBe(0);
    expect((await runner.done).code).toBe(4);
    expect(await ws.states()).toEqual({ ok: 'succeeded', bad: 'failed', 'bad-dep': 'skipped', slow: 'cancelled', 'slow-dep': 'cancelled' });
    const before = ws.runFiles(id);

    const plain = await ws.aad('resume', '--dry-run');
    expect([plain.code, plain.stderr]).toEqual([0, '']);
    expect(plain.stdout).toBe(
      [
        `aad resume of run ${id} (cancelled) would run 4 of 5 tasks:`,
        '  bad       failed',
        '  bad-dep   skipped',
        '  slow      cancelled',
        '  slow-dep  cancelled',
        'It would leave as they are:',
        '  ok        succeeded',
        'Nothing was changed (--dry-run).',
        '',
      ].join('\n'),
    );
    const failedOnly = await ws.aad('resume', id, '--failed-only', '--dry-run');
    expect([failedOnly.code, failedOnly.stderr]).toEqual([0, '']);
    expect(failedOnly.stdout).toBe(
      [
        `aad resume --failed-only of run ${id} (cancelled) would run 2 of 5 tasks:`,
        '  bad       failed',
        '  bad-dep   skipped',
        'It would leave as they are:',
        '  ok        succeeded',
        '  slow      cancelled',
        '  slow-dep  cancelled',
        'Nothing was changed (--dry-run).',
        '',
      ].join('\n'),
    );
    const json = await ws.aad('resume', '--failed-only', '--dry-run', '--json');
    expect(json.code, json.stderr).toBe(0);
    expect(JSON.parse(json.stdout)).toEqual({
      run_id: id, state: 'cancelled', failed_only: true, would_run: ['bad', 'bad-dep'], would_keep: ['ok', 'slow', 'slow-dep'], leftover_processes: null,
    });

    // Nothing changed: the run directory byte for byte, and no task ran.
    expect(ws.runFiles(id)).toEqual(before);
    expect([ws.count('count-ok'), ws.count('count-bad'), ws.count('count-bad-dep'), ws.count('count-slow'), ws.count('count-slow-dep')]).toEqual([1, 1, 0, 1, 0]);
  });

  it('of a running run exits 2 as resume does, and leaves it running; of an unknown id exits 2', async ({ expect }) => {
    const ws = workspace(`${KILL_GRACE}tasks:\n  - id: slow\n    cmd: 'echo $$ > slow.pid; exec sleep 30'\n`);
    const runner = ws.start('run');
    const pid = await ws.pid('slow.pid');
    const id = ws.onlyRun();
    const r = await ws.aad('resume', id, '--dry-run');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(new RegExp(`^aad: run ${id} is still running \\(pid ${runner.child.pid} on .+\\); cancel it first with \`aad cancel ${id}\`\\n$`));
    expect(alive(pid)).toBe(true);
    const unknown = await ws.aad('resume', '20200101-000000-zzzz', '--dry-run');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('aad: unknown run id "20200101-000000-zzzz"');
    expect((await ws.aad('cancel', id)).code).toBe(0);
    expect((await runner.done).code).toBe(4);
  });
});

describe.concurrent('leftover processes of an interrupted run', () => {
  it('status counts the live task processes (in the group or escaped with setsid; a zombie is dead) and says cancel or resume stops them; resume --dry-run leaves them; cancel stops them', async ({ expect }) => {
    const ws = workspace(`${KILL_GRACE}tasks:
  - id: a
    cmd: 'sleep 0.1 & echo $! > zombie.pid; echo $$ > a.pid; exec sleep 30'
  - id: b
    cmd: "setsid sh -c 'echo $$ > escaped.pid; exec sleep 30' & echo $$ > b.pid; exec sleep 30"
`);
    const runner = ws.start('run');
    const pids = [await ws.pid('a.pid'), await ws.pid('b.pid'), await ws.pid('escaped.pid')];
    const zombie = await ws.pid('zombie.pid');
    // The short child has exited, but its parent (now `sleep 30`) never reaps it: a zombie in a's group.
    await waitFor('the zombie', () => processGone(zombie) || undefined);
    const id = ws.onlyRun();
    await waitFor('both tasks spawned', () => (ws.hasEvent(id, 'task_spawned', 'a') && ws.hasEvent(id, 'task_spawned', 'b')) || undefined);
    runner.child.kill('SIGKILL');
    await runner.done;
    expect(pids.filter(alive)).toEqual(pids);

    const text = await ws.aad('status', id);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toContain(`3 of its task processes are still alive: \`aad cancel ${id}\` or \`aad resume ${id}\` stops them.\n`);
    const st = await ws.status(id);
    expect(st).toMatchObject({ state: 'interrupted', leftover_processes: 3 });
    const runs = await ws.aad('runs', '--json');
    expect(JSON.parse(runs.stdout)).toMatchObject([{ run_id: id, state: 'interrupted', leftover_processes: 3 }]);

    const dry = await ws.aad('resume', '--dry-run');
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toContain(`aad resume of run ${id} (interrupted) would run 2 of 2 tasks:\n  a  interrupted\n  b  interrupted\n`);
    expect(dry.stdout).toContain('It would first stop 3 leftover task processes of the dead runner.\n');
    expect(pids.filter(alive)).toEqual(pids);

    // An interrupted run is not running: cancel without an id names it and leaves it.
    const noId = await ws.aad('cancel');
    expect([noId.code, noId.stderr]).toEqual([2, `aad: no run is running in ${ws.home}/runs: nothing to cancel; runs: ${id} (interrupted)\n`]);
    expect(pids.filter(alive)).toEqual(pids);

    const cancel = await ws.aad('cancel', id);
    expect(cancel.code, cancel.stderr).toBe(0);
    expect(await stillAlive(pids)).toEqual([]);
    const after = await ws.aad('status', id);
    expect(after.stdout).not.toContain('still alive');
    expect(await ws.status(id)).toMatchObject({ state: 'cancelled', leftover_processes: null });
  });

  it('with every task process gone, status says nothing about leftovers and counts 0', async ({ expect }) => {
    const ws = workspace(`${KILL_GRACE}tasks:\n  - id: a\n    cmd: 'echo $$ > a.pid; exec sleep 30'\n`);
    const runner = ws.start('run');
    const pid = await ws.pid('a.pid');
    const id = ws.onlyRun();
    await waitFor('a spawned', () => ws.hasEvent(id, 'task_spawned', 'a'));
    runner.child.kill('SIGKILL');
    await runner.done;
    process.kill(pid, 'SIGKILL');
    expect(await stillAlive([pid])).toEqual([]);
    const text = await ws.aad('status', id);
    expect(text.stdout).toContain(`aad resume ${id}`);
    expect(text.stdout).not.toContain('still alive');
    expect(await ws.status(id)).toMatchObject({ state: 'interrupted', leftover_processes: 0 });
  });
});

describe.concurrent('the home marks itself', () => {
  it('a home aad creates gets a .gitignore of `*`: git sees none of the run history', async ({ expect }) => {
    const dir = tmpDir('aad-e2e-home-');
    const git = (...args: string[]) => execFileSync('git', args, { cwd: dir, encoding: 'utf8', env: { ...process.env, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null' } });
    git('init', '-q');
    git('config', 'user.name', 't');
    git('config', 'user.email', 't@t');
    writePlan(dir, 'tasks:\n  - id: t\n    cmd: "echo hi"\n');
    const r = await runCli(['run'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    expect(fs.readFileSync(path.join(dir, '.aad', '.gitignore'), 'utf8')).toBe('*\n');
    expect(git('status', '--porcelain', '--untracked-files=all')).toBe('?? aad.yaml\n');
    // A second run in the same home leaves the file as it is.
    fs.writeFileSync(path.join(dir, '.aad', '.gitignore'), '*\n# mine\n');
    expect((await runCli(['run'], { cwd: dir })).code).toBe(0);
    expect(fs.readFileSync(path.join(dir, '.aad', '.gitignore'), 'utf8')).toBe('*\n# mine\n');
  });

  it('a home that already exists is not marked: its .gitignore, or its lack of one, stays', async ({ expect }) => {
    const dir = tmpDir('aad-e2e-home-');
    writePlan(dir, 'tasks:\n  - id: t\n    cmd: "true"\n');
    fs.mkdirSync(path.join(dir, 'own'));
    fs.writeFileSync(path.join(dir, 'own', '.gitignore'), 'runs/\n');
    fs.mkdirSync(path.join(dir, 'bare'));
    expect((await runCli(['run', '--home', 'own'], { cwd: dir })).code).toBe(0);
    expect((await runCli(['run', '--home', 'bare'], { cwd: dir })).code).toBe(0);
    expect(fs.readFileSync(path.join(dir, 'own', '.gitignore'), 'utf8')).toBe('runs/\n');
    expect(fs.existsSync(path.join(dir, 'bare', '.gitignore'))).toBe(false);
    // A nested home that aad creates with its parents is marked.
    expect((await runCli(['run', '--home', 'deep/er/home'], { cwd: dir })).code).toBe(0);
    expect(fs.readFileSync(path.join(dir, 'deep/er/home/.gitignore'), 'utf8')).toBe('*\n');
    expect(fs.existsSync(path.join(dir, 'deep/.gitignore'))).toBe(false);
  });
});
