// When tasks fail, end to end through the BUILT CLI: rollback commands, `rollback: git` on real
// repositories, escalation records and the on_escalation hook, output artifacts, secret masking.
// Every case has its own workdir and its own --home, so the cases run in parallel.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, it } from 'vitest';
import { filesUnder, processGone, runCli, startCli, tmpDir, waitFor, writePlan, type CliOptions, type CliProcess, type CliResult } from '../helpers/cli.js';
import type { RunStatusJson as RunStatus, TaskStatusJson as TaskStatus } from '../../src/report/status.js';



interface Escalation {
  task: string;
  level: 'warning' | 'error' | 'critical';
  reason: string;
  attempt: number | null;
  timestamp: string;
  log_tail: string[];
}

type JsonEvent = { event: string; ts: string; task?: string; [k: string]: unknown };

const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;
const RECORD_KEYS = ['attempt', 'level', 'log_tail', 'reason', 'task', 'timestamp'];

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

/** Git without the user's or the system's configuration (their hooks, their identity). */
const GIT_ENV = { GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null' };
const execFileAsync = promisify(execFile);

async function git(cwd: string, ...args: string[]): Promise<string> {
  const env = { ...process.env, ...GIT_ENV, GIT_OPTIONAL_LOCKS: '0' };
  const r = await execFileAsync('git', ['-c', 'user.name=t', '-c', 'user.email=t@t', ...args], { cwd, encoding: 'utf8', env });
  return r.stdout;
}

async function gitFails(cwd: string, ...args: string[]): Promise<boolean> {
  return git(cwd, ...args).then(() => false, () => true);
}

/** A case's own folder; the plan goes to `<dir>/<planDir>/aad.yaml` and the home is `<dir>/home` unless told. */
function workspace(yaml: string, opts: { planDir?: string; home?: string | null } = {}) {
  const dir = tmpDir('aad-e2e-failure-');
  dirs.push(dir);
  const workdir = path.join(dir, opts.planDir ?? '.');
  fs.mkdirSync(workdir, { recursive: true });
  // null: no --home, the default `.aad` of the current directory (the workdir).
  const home = opts.home === null ? path.join(workdir, '.aad') : path.join(dir, opts.home ?? 'home');
  const homeArgs = opts.home === null ? [] : ['--home', home];
  const plan = writePlan(workdir, yaml);
  const ws = {
    dir,
    workdir,
    home,
    plan,
    /** `aad ...args --home <home>`, from the workdir. */
    aad: (args: string[], o: Partial<CliOptions> = {}): Promise<CliResult> => runCli([...args, ...homeArgs], { cwd: workdir, ...o }),
    start: (args: string[], o: Partial<CliOptions> = {}): CliProcess => startCli([...args, ...homeArgs], { cwd: workdir, ...o }),
    async status(o: Partial<CliOptions> = {}): Promise<RunStatus> {
      const r = await ws.aad(['status', '--json'], o);
      if (r.code !== 0) throw new Error(`aad status exited ${r.code}: ${r.stderr}`);
      return JSON.parse(r.stdout) as RunStatus;
    },
    runIds: (): string[] => (fs.existsSync(path.join(home, 'runs')) ? fs.readdirSync(path.join(home, 'runs')).sort() : []),
    onlyRun(): string {
      const ids = ws.runIds();
      if (ids.length !== 1) throw new Error(`expected one run in ${home}, found ${ids.length}`);
      return ids[0]!;
    },
    runDir: (id: string) => path.join(home, 'runs', id),
    escalations(id: string, task: string): Escalation[] {
      return JSON.parse(fs.readFileSync(path.join(home, 'runs', id, 'escalations', `${task}.json`), 'utf8')) as Escalation[];
    },
    events(id: string): JsonEvent[] {
      return jsonLines(fs.readFileSync(path.join(home, 'runs', id, 'events.jsonl'), 'utf8'));
    },
    read: (rel: string) => fs.readFileSync(path.join(workdir, rel), 'utf8'),
    exists: (rel: string) => fs.existsSync(path.join(workdir, rel)),
  };
  return ws;
}

function jsonLines<T = JsonEvent>(text: string): T[] {
  return text
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as T);
}

function byId(s: RunStatus): Record<string, TaskStatus> {
  return Object.fromEntries(s.tasks.map((t) => [t.id, t]));
}

/** A task's events from `--json` output, as `event` names (escalations with their level). */
function eventNames(events: JsonEvent[], task: string): string[] {
  return events.filter((e) => e.task === task).map((e) => (e.event === 'escalation' ? `escalation:${String(e.level)}` : e.event));
}


describe.concurrent('when tasks fail: rollback, escalations, artifacts, masking', () => {
  it('a rollback runs exactly once, after the last attempt, in the task cwd and env; logs, status and --json show it; a succeeded task never rolls back', async ({ expect }) => {
    const ws = workspace(`tasks:
  - id: t
    cwd: sub
    cmd: 'echo "attempt $AAD_ATTEMPT" >> attempts; echo "task output $AAD_ATTEMPT"; exit 3'
    env: { FOO: bar-value }
    retries: 2
    retry_backoff_sec: 0
    rollback: 'echo "after $(wc -l < attempts) attempts id=$AAD_TASK_ID foo=$FOO attempt=$AAD_ATTEMPT pwd=$(pwd)" >> counter; echo undoing-now'
  - id: ok
    cmd: 'echo fine'
    rollback: 'echo rolled > ok-rolled-back'
`);
    fs.mkdirSync(path.join(ws.workdir, 'sub'));
    const r = await ws.aad(['run', '--json']);
    expect(r.code, r.stderr).toBe(3);
    const id = ws.onlyRun();
    const sub = path.join(ws.workdir, 'sub');

    // Once, after attempt 3, in sub/, with the task's env and aad's variables.
    expect(ws.read('sub/counter')).toBe(`after 3 attempts id=t foo=bar-value attempt=rollback pwd=${sub}\n`);
    expect(ws.read('sub/attempts')).toBe('attempt 1\nattempt 2\nattempt 3\n');

    // --json: the rollback after the final failure, never after a retried attempt.
    const events = jsonLines(r.stdout);
    expect(eventNames(events, 't')).toEqual([
      'task_started', 'task_decided', 'task_retrying', 'escalation:warning',
      'task_started', 'task_decided', 'task_retrying', 'escalation:warning',
      'task_started', 'task_decided', 'task_failed', 'rollback_started', 'rollback_succeeded', 'escalation:error',
    ]);
    for (const e of events) expect(e.ts).toMatch(ISO);

    // Its log, through `aad logs --attempt rollback` and in the run directory.
    const logs = await ws.aad(['logs', '--task', 't', '--attempt', 'rollback']);
    expect(logs.code, logs.stderr).toBe(0);
    expect(logs.stdout).toBe('undoing-now\n');
    expect(fs.readFileSync(path.join(ws.runDir(id), 'logs', 't', 'rollback.log'), 'utf8')).toBe('undoing-now\n');

    const st = byId(await ws.status());
    expect(st.t).toMatchObject({ state: 'failed', attempts: 3, exit_code: 3, rollback: { state: 'succeeded', exit_code: 0 } });
    const error = ws.escalations(id, 't').at(-1)!;
    expect(error.level).toBe('error');
    expect(error.reason).toMatch(/Rollback succeeded/);

    // The succeeded task: no rollback at all.
    expect(st.ok).toMatchObject({ state: 'succeeded', rollback: null });
    expect(ws.exists('ok-rolled-back')).toBe(false);
    expect(eventNames(events, 'ok')).toEqual(['task_started', 'task_decided', 'task_succeeded']);
    expect(fs.existsSync(path.join(ws.runDir(id), 'logs', 'ok', 'rollback.log'))).toBe(false);
  });

  it('a failing rollback is failed with its exit code and a critical escalation; rollback_timeout_sec kills a hanging one', async ({ expect }) => {
    const ws = workspace(`tasks:
  - id: f
    cmd: 'exit 1'
    rollback: 'echo undo-went-wrong; exit 7'
  - id: h
    cmd: 'exit 1'
    rollback: 'echo $$ > rb.pid; echo rb-start; exec sleep 30'
    rollback_timeout_sec: 0.3
    kill_grace_sec: 0.2
`);
    const r = await ws.aad(['run', '--json', '--max-parallel', '2']);
    expect(r.code, r.stderr).toBe(3);
    expect(r.ms).toBeLessThan(10_000);
    const id = ws.onlyRun();
    const st = byId(await ws.status());
    expect(st.f!.rollback).toEqual({ state: 'failed', exit_code: 7 });
    expect(st.h!.rollback).toEqual({ state: 'failed', exit_code: null });

    const events = jsonLines(r.stdout);
    expect(eventNames(events, 'f')).toEqual(['task_started', 'task_decided', 'task_failed', 'rollback_started', 'rollback_failed', 'escalation:critical', 'escalation:error']);
    expect(events.find((e) => e.event === 'rollback_failed' && e.task === 'f')).toMatchObject({ exit_code: 7 });
    expect(events.find((e) => e.event === 'rollback_failed' && e.task === 'h')!.reason).toMatch(/timeout/);

    const [critF, errF] = ws.escalations(id, 'f');
    expect(critF).toMatchObject({ task: 'f', level: 'critical', attempt: null, log_tail: ['undo-went-wrong'] });
    expect(critF!.reason).toMatch(/rollback failed: exit code 7/);
    expect(errF).toMatchObject({ level: 'error', attempt: 1 });
    expect(errF!.reason).toMatch(/Rollback failed: exit code 7/);
    const [critH] = ws.escalations(id, 'h');
    expect(critH).toMatchObject({ level: 'critical', log_tail: ['rb-start'] });
    expect(critH!.reason).toMatch(/rollback failed: timeout/);

    // The hanging rollback's process is gone, not left sleeping.
    const pid = Number(ws.read('rb.pid').trim());
    expect(pid).toBeGreaterThan(1);
    await waitFor('the hanging rollback to be gone', () => (processGone(pid) ? true : undefined), 3000);
    const logs = await ws.aad(['logs', '--task', 'h', '--attempt', 'rollback']);
    expect(logs.stdout).toBe('rb-start\n');
  });

  it('a cancelled task (SIGTERM to aad) rolls back only with rollback_on_cancel: true', async ({ expect }) => {
    const ws = workspace(`tasks:
  - id: keen
    cmd: 'echo go > keen.started; exec sleep 20'
    rollback: 'echo "$AAD_TASK_ID" > keen.rolled-back'
    rollback_on_cancel: true
  - id: plain
    cmd: 'echo go > plain.started; exec sleep 20'
    rollback: 'echo "$AAD_TASK_ID" > plain.rolled-back'
`);
    const p = ws.start(['run', '--json', '--max-parallel', '2']);
    await waitFor('both tasks to start', () => (ws.exists('keen.started') && ws.exists('plain.started') ? true : undefined));
    p.child.kill('SIGTERM');
    const r = await p.done;
    expect(r.code, r.stderr).toBe(4);
    expect(ws.read('keen.rolled-back')).toBe('keen\n');
    expect(ws.exists('plain.rolled-back')).toBe(false);
    const st = byId(await ws.status());
    expect(st.keen).toMatchObject({ state: 'cancelled', rollback: { state: 'succeeded', exit_code: 0 } });
    expect(st.plain).toMatchObject({ state: 'cancelled', rollback: null });
    const events = jsonLines(r.stdout);
    expect(eventNames(events, 'keen')).toEqual(['task_started', 'task_decided', 'task_cancelled', 'rollback_started', 'rollback_succeeded']);
    expect(eventNames(events, 'plain')).toEqual(['task_started', 'task_decided', 'task_cancelled']);
    expect(events.at(-1)).toMatchObject({ event: 'run_finished', state: 'cancelled', exit_code: 4 });
  });

  it('rollback: git restores what the task changed in a real repository and leaves HEAD, index, stash and ignored files alone', async ({ expect }) => {
    const ws = workspace(
      `tasks:
  - id: t
    cmd: "echo task >> a.txt; rm b.txt; echo created > new.txt; echo task >> keep.log; echo task >> notes.txt; exit 1"
    rollback: git
`,
      { planDir: 'repo' },
    );
    const repo = ws.workdir;
    const write = (rel: string, text: string) => fs.writeFileSync(path.join(repo, rel), text);
    await git(repo, 'init', '-q', '-b', 'main');
    write('a.txt', 'one\n');
    write('b.txt', 'two\n');
    write('c.txt', 'three\n');
    write('.gitignore', '*.log\n');
    await git(repo, 'add', 'a.txt', 'b.txt', 'c.txt', '.gitignore');
    await git(repo, 'commit', '-q', '--no-verify', '-m', 'init');
    write('b.txt', 'two\nstashed edit\n');
    await git(repo, 'stash', 'push', '-q', '--', 'b.txt'); // a stash entry
    write('c.txt', 'staged\n');
    await git(repo, 'add', 'c.txt'); // something staged
    write('a.txt', 'one\nuser edit\n'); // the user's uncommitted edit
    write('notes.txt', 'mine\n'); // the user's untracked file
    write('keep.log', 'ignored orig\n'); // an ignored file

    const snapshot = async () => ({
      head: await git(repo, 'rev-parse', 'HEAD'),
      cached: await git(repo, 'diff', '--cached'),
      stash: await git(repo, 'stash', 'list'),
      stashRef: await git(repo, 'rev-parse', 'refs/stash'),
      status: await git(repo, 'status', '--porcelain', '--untracked-files=all'),
    });
    const before = await snapshot();
    expect(before.cached).toMatch(/\+staged/);
    expect(before.stash).toMatch(/stash@\{0\}/);

    const r = await ws.aad(['run', '--json'], { env: GIT_ENV });
    expect(r.code, r.stderr).toBe(3);
    const id = ws.onlyRun();

    // Tracked and untracked changes are back, the created file is gone, the ignored file keeps the task's edit.
    expect(ws.read('a.txt')).toBe('one\nuser edit\n');
    expect(ws.read('b.txt')).toBe('two\n');
    expect(ws.read('c.txt')).toBe('staged\n');
    expect(ws.read('notes.txt')).toBe('mine\n');
    expect(ws.exists('new.txt')).toBe(false);
    expect(ws.read('keep.log')).toBe('ignored orig\ntask\n');
    expect(await snapshot()).toEqual(before);

    // The failed state is kept under refs/aad/<run_id>/<task>/failed.
    const ref = `refs/aad/${id}/t/failed`;
    expect(await git(repo, 'show', `${ref}:a.txt`)).toBe('one\nuser edit\ntask\n');
    expect(await git(repo, 'show', `${ref}:new.txt`)).toBe('created\n');
    expect(await git(repo, 'show', `${ref}:notes.txt`)).toBe('mine\ntask\n');
    expect(await gitFails(repo, 'cat-file', '-e', `${ref}:b.txt`)).toBe(true);
    expect(await gitFails(repo, 'cat-file', '-e', `${ref}:keep.log`)).toBe(true);
    const diff = await git(repo, 'diff', `refs/aad/${id}/t/before..${ref}`, '--', 'new.txt');
    expect(diff).toMatch(/\+created/);

    const st = byId(await ws.status());
    expect(st.t).toMatchObject({ state: 'failed', rollback: { state: 'succeeded', exit_code: null } });
    const events = jsonLines(r.stdout);
    expect(eventNames(events, 't')).toEqual(['task_started', 'task_decided', 'task_failed', 'rollback_started', 'rollback_succeeded', 'escalation:error']);
    const [error] = ws.escalations(id, 't');
    expect(error!.level).toBe('error');
    expect(error!.reason).toContain(ref);
    expect(error!.reason).toContain('git diff');
  });

  it('rollback: git with the default home and artifacts_dir inside the repository leaves aad\'s own files alone', async ({ expect }) => {
    const ws = workspace(
      `artifacts_dir: collected
tasks:
  - id: t
    cmd: "echo task >> a.txt; echo out > result.txt; echo a-log-line; exit 1"
    outputs: [result.txt]
    rollback: git
`,
      { home: null },
    );
    const repo = ws.workdir;
    fs.writeFileSync(path.join(repo, 'a.txt'), 'one\n');
    await git(repo, 'init', '-q', '-b', 'main');
    await git(repo, 'add', 'a.txt');
    await git(repo, 'commit', '-q', '--no-verify', '-m', 'init');

    const r = await ws.aad(['run', '--quiet'], { env: GIT_ENV });
    expect(r.code, r.stderr).toBe(3);
    const id = ws.onlyRun();
    expect(ws.read('a.txt')).toBe('one\n');
    expect(ws.exists('result.txt')).toBe(false);
    // The run directory is whole: its journal, its logs, its artifacts; and the artifacts_dir copy stays.
    const status = await ws.status();
    expect(status).toMatchObject({ state: 'failed', exit_code: 3 });
    expect(byId(status).t).toMatchObject({ state: 'failed', rollback: { state: 'succeeded', exit_code: null }, artifacts: ['result.txt'] });
    expect((await ws.aad(['logs', '--task', 't'])).stdout).toBe('a-log-line\n');
    expect(fs.readFileSync(path.join(ws.runDir(id), 'artifacts', 't', 'result.txt'), 'utf8')).toBe('out\n');
    expect(ws.read('collected/t/result.txt')).toBe('out\n');
    expect(ws.escalations(id, 't').map((e) => e.level)).toEqual(['error']);
  });

  it('rollback: git whose work tree is gone when the task starts fails the attempt instead of running it unprotected', async ({ expect }) => {
    const ws = workspace(`tasks:
  - id: prep
    cmd: 'rm -rf .git'
  - id: t
    cmd: 'echo changed > file.txt; exit 1'
    depends_on: [prep]
    rollback: git
`);
    await git(ws.workdir, 'init', '-q', '-b', 'main');
    const r = await ws.aad(['run', '--json'], { env: { ...GIT_ENV, GIT_CEILING_DIRECTORIES: path.dirname(ws.dir) } });
    expect(r.code, r.stderr).toBe(3);
    const id = ws.onlyRun();
    const t = byId(await ws.status()).t!;
    expect(t).toMatchObject({ state: 'failed', rollback: { state: 'failed', exit_code: null } });
    expect(t.reason).toBe(`spawn failed: git snapshot for the rollback failed: not a git work tree: ${ws.workdir}`);
    const events = jsonLines(r.stdout);
    expect(eventNames(events, 't')).toEqual(['task_started', 'task_decided', 'task_failed', 'rollback_started', 'rollback_failed', 'escalation:critical', 'escalation:error']);
    const [critical, error] = ws.escalations(id, 't');
    expect(critical).toMatchObject({ level: 'critical', attempt: null });
    expect(critical!.reason).toMatch(/git rollback impossible: not a git work tree/);
    expect(error!.level).toBe('error');
    expect(ws.exists('file.txt')).toBe(false); // the task never ran without its safety net
  });

  it('escalations: a warning per retried attempt and an error at the end, each with the last 20 log lines; the hook gets every record; --json has them', async ({ expect }) => {
    const ws = workspace(`on_escalation: 'cat >> hook.jsonl'
tasks:
  - id: t
    cmd: 'for i in $(seq 1 30); do echo "a$AAD_ATTEMPT line $i"; done; exit 5'
    retries: 1
    retry_backoff_sec: 0
`);
    const r = await ws.aad(['run', '--json']);
    expect(r.code, r.stderr).toBe(3);
    const id = ws.onlyRun();
    const records = ws.escalations(id, 't');
    expect(records.map((e) => [e.level, e.attempt])).toEqual([
      ['warning', 1],
      ['error', 2],
    ]);
    for (const [i, rec] of records.entries()) {
      expect(Object.keys(rec).sort()).toEqual(RECORD_KEYS);
      expect(rec.task).toBe('t');
      expect(rec.timestamp).toMatch(ISO);
      const n = i + 1;
      expect(rec.log_tail).toEqual(Array.from({ length: 20 }, (_, k) => `a${n} line ${k + 11}`));
    }
    expect(records[0]!.reason).toMatch(/attempt 1 failed \(exit code 5\)/);
    expect(records[1]!.reason).toMatch(/failed for good after 2 attempts: exit code 5/);

    // The hook ran in the workdir with each record on stdin.
    const hooked = jsonLines<Escalation>(ws.read('hook.jsonl')).sort((a, b) => (a.attempt ?? 0) - (b.attempt ?? 0));
    expect(hooked).toEqual(records);

    const escalations = jsonLines(r.stdout).filter((e) => e.event === 'escalation');
    expect(escalations.map((e) => [e.task, e.level, e.reason])).toEqual(records.map((e) => ['t', e.level, e.reason]));
  });

  it('a task that had to be SIGKILLed is a critical escalation; the summary counts escalations', async ({ expect }) => {
    const ws = workspace(`tasks:
  - id: stubborn
    cmd: "trap '' TERM; echo ignoring-term; sleep 10"
    timeout_sec: 0.3
    kill_grace_sec: 0.3
`);
    const r = await ws.aad(['run']);
    expect(r.code, r.stderr).toBe(3);
    expect(r.ms).toBeLessThan(8000);
    const id = ws.onlyRun();
    const records = ws.escalations(id, 'stubborn');
    expect(records.map((e) => e.level)).toEqual(['critical', 'error']);
    expect(records[0]!.reason).toMatch(/SIGKILL/);
    expect(records[0]!.attempt).toBe(1);
    expect(records[0]!.log_tail).toEqual(['ignoring-term']);
    expect(records[1]!.reason).toMatch(/timeout/);
    expect(r.stdout).toMatch(/critical: killed by SIGKILL/);
    expect(r.stdout).toMatch(/Escalations: 1 critical, 1 error, 0 warning/);
    expect(byId(await ws.status()).stubborn).toMatchObject({ state: 'failed' });
  });

  it('a failing on_escalation hook is reported on stderr and does not change the exit code', async ({ expect }) => {
    const ws = workspace(`on_escalation: 'cat > /dev/null; echo hook-broke >&2; exit 1'
tasks:
  - id: flaky
    cmd: 'if [ "$AAD_ATTEMPT" = 1 ]; then echo first-fails; exit 1; fi; echo second-works'
    retries: 1
    retry_backoff_sec: 0
`);
    const r = await ws.aad(['run']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/on_escalation hook failed \(exit code 1\): hook-broke/);
    const id = ws.onlyRun();
    expect(ws.escalations(id, 'flaky').map((e) => e.level)).toEqual(['warning']);
    expect(r.stdout).toMatch(/Escalations: 0 critical, 0 error, 1 warning/);
    expect(byId(await ws.status()).flaky).toMatchObject({ state: 'succeeded', attempts: 2 });
  });

  it('a slow on_escalation hook (1 s) is waited for and breaks nothing', async ({ expect }) => {
    const ws = workspace(`on_escalation: 'sleep 1; cat >> hook.jsonl'
tasks:
  - id: flaky
    cmd: 'if [ "$AAD_ATTEMPT" = 1 ]; then exit 1; fi'
    retries: 1
    retry_backoff_sec: 0
`);
    const r = await ws.aad(['run']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).not.toMatch(/hook/);
    expect(r.ms).toBeGreaterThanOrEqual(1000);
    const hooked = jsonLines<Escalation>(ws.read('hook.jsonl'));
    expect(hooked.map((e) => [e.task, e.level, e.attempt])).toEqual([['flaky', 'warning', 1]]);
    expect(byId(await ws.status()).flaky).toMatchObject({ state: 'succeeded', attempts: 2 });
  });

  it('outputs are collected on success and on failure, keeping relative paths, also into artifacts_dir; symlinks out of the cwd are not followed', async ({ expect }) => {
    const outside = tmpDir('aad-e2e-outside-');
    dirs.push(outside);
    const OUTSIDE_CONTENT = 'content-from-outside-the-task-cwd';
    fs.writeFileSync(path.join(outside, 'private.txt'), `${OUTSIDE_CONTENT}\n`);
    const ws = workspace(`artifacts_dir: art
tasks:
  - id: ok
    cwd: sub
    cmd: >-
      mkdir -p dist/x && echo one > dist/x/a.txt && echo '{}' > report.json && echo no > other.txt &&
      ln -s ${outside}/private.txt dist/leak.txt && ln -s ${outside} dist/dirlink && ln -s x/a.txt dist/inside.txt
    outputs: ["dist/**", "report.json"]
  - id: bad
    cmd: 'mkdir -p out/deep && echo partial > out/deep/p.txt; exit 2'
    outputs: ["out/**"]
`);
    fs.mkdirSync(path.join(ws.workdir, 'sub'));
    const r = await ws.aad(['run', '--max-parallel', '2']);
    expect(r.code, r.stderr).toBe(3);
    const id = ws.onlyRun();
    const rel = (root: string) => filesUnder(root).map((f) => path.relative(root, f));
    const runArt = path.join(ws.runDir(id), 'artifacts');
    const okFiles = ['dist/inside.txt', 'dist/x/a.txt', 'report.json'];
    expect(rel(path.join(runArt, 'ok'))).toEqual(okFiles);
    expect(rel(path.join(runArt, 'bad'))).toEqual(['out/deep/p.txt']);
    expect(rel(path.join(ws.workdir, 'art', 'ok'))).toEqual(okFiles);
    expect(rel(path.join(ws.workdir, 'art', 'bad'))).toEqual(['out/deep/p.txt']);
    for (const root of [runArt, path.join(ws.workdir, 'art')]) {
      expect(fs.readFileSync(path.join(root, 'ok', 'dist', 'x', 'a.txt'), 'utf8')).toBe('one\n');
      expect(fs.readFileSync(path.join(root, 'ok', 'dist', 'inside.txt'), 'utf8')).toBe('one\n');
      expect(fs.lstatSync(path.join(root, 'ok', 'dist', 'inside.txt')).isFile()).toBe(true);
      expect(fs.readFileSync(path.join(root, 'bad', 'out', 'deep', 'p.txt'), 'utf8')).toBe('partial\n');
    }
    const st = byId(await ws.status());
    expect(st.ok).toMatchObject({ state: 'succeeded', artifacts: okFiles });
    expect(st.bad).toMatchObject({ state: 'failed', artifacts: ['out/deep/p.txt'] });
    // The outside file's content was copied nowhere.
    for (const f of [...filesUnder(ws.home), ...filesUnder(path.join(ws.workdir, 'art'))]) {
      expect(fs.readFileSync(f, 'utf8'), f).not.toContain(OUTSIDE_CONTENT);
    }
    expect(r.stderr).toMatch(/skipped symlink dist\/leak\.txt -> .* \(points outside the task's cwd\)/);
  });

  it('an output pattern that matches nothing is a warning: the run still succeeds', async ({ expect }) => {
    const ws = workspace(`artifacts_dir: art
tasks:
  - id: t
    cmd: 'echo made > made.txt'
    outputs: ["nope/**", "*.bin"]
`);
    const r = await ws.aad(['run']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/output pattern "nope\/\*\*" matched nothing/);
    expect(byId(await ws.status()).t).toMatchObject({ state: 'succeeded', artifacts: [] });
    expect(filesUnder(path.join(ws.runDir(ws.onlyRun()), 'artifacts'))).toEqual([]);
    expect(filesUnder(path.join(ws.workdir, 'art'))).toEqual([]);
  });

  it('secrets from the plan env and from aad\'s env appear in no file of the home or artifacts and in no console output', async ({ expect }) => {
    const PW = 'pa55word-xyz';
    const TOKEN = 'tok-123456';
    const ws = workspace(`artifacts_dir: art
on_escalation: 'cat >> hook.jsonl; echo "hook saw $DB_PASSWORD $GITHUB_TOKEN" >&2; exit 1'
defaults:
  env: { DB_PASSWORD: "${PW}" }
tasks:
  - id: ok
    cmd: 'echo "ok pw=$DB_PASSWORD tok=$GITHUB_TOKEN"; env | grep -E "DB_PASSWORD|GITHUB_TOKEN"; echo result > out.txt'
    outputs: [out.txt]
  - id: bad
    cmd: 'for i in 1 2 3; do echo "line $i $DB_PASSWORD"; done; echo "tok=$GITHUB_TOKEN" >&2; echo partial > partial.txt; exit 1'
    retries: 1
    retry_backoff_sec: 0
    outputs: [partial.txt]
    rollback: 'echo "undo $DB_PASSWORD $GITHUB_TOKEN"; exit 1'
`);
    const env = { GITHUB_TOKEN: TOKEN };
    const outputs: CliResult[] = [];
    const first = await ws.aad(['run', '--max-parallel', '2'], { env });
    expect(first.code, first.stderr).toBe(3);
    const second = await ws.aad(['run', '--max-parallel', '2', '--json'], { env });
    expect(second.code, second.stderr).toBe(3);
    outputs.push(first, second);
    const [id1, id2] = ws.runIds();

    // The masks are there: the values were printed and written, masked.
    expect(first.stdout).toContain('ok pw=*** tok=***');
    expect(first.stderr).toContain('hook saw *** ***');
    for (const id of [id1!, id2!]) {
      const recs = ws.escalations(id, 'bad');
      expect(recs.map((e) => e.level)).toEqual(['warning', 'critical', 'error']);
      expect(recs[0]!.log_tail).toContain('line 1 ***');
      expect(recs[1]!.log_tail).toEqual(['undo *** ***']);
    }
    for (const args of [
      ['status'],
      ['status', '--json'],
      ['status', id1!, '--json'],
      ['runs'],
      ['runs', '--json'],
      ['logs', '--task', 'ok'],
      ['logs', '--task', 'bad', '--attempt', '1'],
      ['logs', '--task', 'bad'],
      ['logs', '--task', 'bad', '--attempt', 'rollback'],
      ['logs', id1!, '--task', 'bad', '--attempt', 'rollback'],
    ]) {
      const r = await ws.aad(args, { env });
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(0);
      outputs.push(r);
    }
    expect(outputs.at(-1)!.stdout).toBe('undo *** ***\n');

    const files = [...filesUnder(ws.home), ...filesUnder(path.join(ws.workdir, 'art')), path.join(ws.workdir, 'hook.jsonl')];
    expect(files.some((f) => f.endsWith(path.join('escalations', 'bad.json')))).toBe(true);
    expect(files.some((f) => f.endsWith(path.join('art', 'ok', 'out.txt')))).toBe(true);
    let checked = 0;
    for (const f of files) {
      if (path.basename(f) === 'plan.yaml' && path.dirname(path.dirname(f)) === path.join(ws.home, 'runs')) continue;
      const text = fs.readFileSync(f, 'utf8');
      expect(text, f).not.toContain(PW);
      expect(text, f).not.toContain(TOKEN);
      checked++;
    }
    expect(checked).toBeGreaterThan(10);
    for (const o of outputs) {
      for (const text of [o.stdout, o.stderr]) {
        expect(text).not.toContain(PW);
        expect(text).not.toContain(TOKEN);
      }
    }
  });
});
