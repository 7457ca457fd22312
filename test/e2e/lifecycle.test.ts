// The run lifecycle through the built CLI on real processes: resume after a failure, --failed-only,
// cancel from another process, Ctrl-C and SIGTERM, a runner killed with SIGKILL and resumed, processes
// that escape their task's group with setsid, a torn journal line, and two resumes racing for one run.
// Every case has its own temp dir and --home; task processes report their pids through files, and a
// process counts as gone when /proc has no entry for it or shows it as a zombie (PID 1 reaps slowly).
import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, existsSync, mkdtempSync, readFileSync, readdirSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, it } from 'vitest';

const CLI = fileURLToPath(new URL('../../bin/aad.cjs', import.meta.url));
const KILL_GRACE_SEC = 0.5;

interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

interface Started {
  child: ChildProcess;
  pid: number;
  done: Promise<CliResult>;
}

interface TaskStatus {
  id: string;
  state: string;
  attempts: number;
  exit_code: number | null;
  reason: string | null;
}

interface StatusJson {
  run_id: string;
  state: string;
  exit_code: number | null;
  tasks: TaskStatus[];
}

interface TaskDef {
  id: string;
  cmd: string;
  depends_on?: string[];
  timeout_sec?: number;
  retries?: number;
  retry_backoff_sec?: number;
}

const dirs: string[] = [];
const children = new Set<ChildProcess>();

beforeAll(() => {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: build first (npx tsc -p tsconfig.json)`);
});

afterAll(() => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null && c.pid !== undefined) kill(c.pid);
  // Whatever a failed case left running: every process whose environment names one of our runs.
  const runIds = dirs.flatMap((d) => runIdsIn(join(d, 'home')));
  for (const pid of processesOfRuns(runIds)) kill(pid);
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function kill(pid: number, signal: NodeJS.Signals = 'SIGKILL'): void {
  try {
    process.kill(pid, signal);
  } catch {
    /* already gone */
  }
}

/** Starts the CLI; its output is collected until it closes. */
function startCli(cwd: string, args: string[]): Started {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' };
  delete env.AAD_HOME;
  const child = spawn(process.execPath, [CLI, ...args], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const done = new Promise<CliResult>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code, signal) => {
      children.delete(child);
      resolve({ code, signal, stdout, stderr });
    });
  });
  return { child, pid: child.pid!, done };
}

/** A temp dir with a plan (JSON is YAML) and its own home; commands run with `--home` there. */
function setup(tasks: TaskDef[]) {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), 'aad-e2e-lifecycle-')));
  dirs.push(dir);
  const home = join(dir, 'home');
  writeFileSync(join(dir, 'aad.yaml'), JSON.stringify({ version: 1, max_parallel: 4, defaults: { kill_grace_sec: KILL_GRACE_SEC }, tasks }, null, 2) + '\n');
  const start = (...args: string[]) => startCli(dir, [...args, '--home', home]);
  const cli = (...args: string[]) => start(...args).done;
  const c = {
    dir,
    home,
    start,
    cli,
    /** Starts `aad run` on the plan. */
    run: (...args: string[]) => start('run', 'aad.yaml', ...args),
    /** The only run of the home. */
    runId(): string {
      const ids = runIdsIn(home);
      if (ids.length !== 1) throw new Error(`expected one run in ${home}, found ${ids.length}`);
      return ids[0]!;
    },
    async status(): Promise<StatusJson> {
      const r = await cli('status', c.runId(), '--json');
      if (r.code !== 0) throw new Error(`status exited ${r.code}: ${r.stderr}`);
      return JSON.parse(r.stdout) as StatusJson;
    },
    path: (...p: string[]) => join(dir, ...p),
    touch: (name: string) => writeFileSync(join(dir, name), ''),
    /** The lines a task appended to its counter file: one per attempt that started. */
    counter: (name: string): string[] => (existsSync(join(dir, name)) ? readFileSync(join(dir, name), 'utf8').split('\n').filter(Boolean) : []),
    /** Waits for a pid file a task wrote. */
    pidFile: (name: string) => waitFor(`${name} in ${dir}`, () => readPid(join(dir, name))),
    /** The events of the run's journal (complete lines only). */
    events(): { event: string; task?: string }[] {
      const file = join(home, 'runs', c.runId(), 'events.jsonl');
      return readFileSync(file, 'utf8').split('\n').filter((l) => l.endsWith('}')).map((l) => JSON.parse(l) as { event: string; task?: string });
    },
    hasEvent: (event: string, task?: string) => {
      try {
        return c.events().some((e) => e.event === event && (task === undefined || e.task === task));
      } catch {
        return false;
      }
    },
  };
  return c;
}

function runIdsIn(home: string): string[] {
  try {
    return readdirSync(join(home, 'runs')).sort();
  } catch {
    return [];
  }
}

function readPid(file: string): number | undefined {
  try {
    const text = readFileSync(file, 'utf8');
    if (!text.endsWith('\n')) return undefined;
    const pid = Number(text.trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** /proc/<pid>/stat: state and process group; undefined when there is no such process. */
function procStat(pid: number): { state: string; pgid: number } | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const rest = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return { state: rest[0]!, pgid: Number(rest[2]) };
  } catch {
    return undefined;
  }
}

function isAlive(pid: number): boolean {
  const st = procStat(pid);
  return st !== undefined && st.state !== 'Z' && st.state !== 'X';
}

/** Waits until every pid is gone (signals take a moment to land); returns those still alive. */
async function stillAlive(pids: number[], withinMs = 3000): Promise<number[]> {
  const deadline = Date.now() + withinMs;
  for (;;) {
    const alive = pids.filter(isAlive);
    if (alive.length === 0 || Date.now() > deadline) return alive;
    await sleep(50);
  }
}

function processesOfRuns(runIds: string[]): number[] {
  if (runIds.length === 0) return [];
  const needles = runIds.map((id) => Buffer.from(`AAD_RUN_ID=${id}\0`));
  const found: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const env = readFileSync(`/proc/${name}/environ`);
      if (needles.some((n) => env.includes(n))) found.push(Number(name));
    } catch {
      /* gone, or not ours */
    }
  }
  return found;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitFor<T>(what: string, probe: () => T | undefined | false, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = probe();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(25);
  }
}

function statesOf(s: StatusJson): Record<string, string> {
  return Object.fromEntries(s.tasks.map((t) => [t.id, t.state]));
}

function taskOf(s: StatusJson, id: string): TaskStatus {
  const t = s.tasks.find((x) => x.id === id);
  if (!t) throw new Error(`no task ${id} in status`);
  return t;
}

/** A task body that counts its attempts in `count-<id>` (one line each, the attempt number). */
const count = (id: string) => `echo $AAD_ATTEMPT >> count-${id}`;

/** A task that writes its pid (`<id>.pid`) and a background child's pid (`<id>.bg`), then waits for it. */
const sleeper = (id: string) => `${count(id)}; sleep 30 & echo $! > ${id}.bg; echo $$ > ${id}.pid; wait`;

/** The same on its first attempt only; later attempts succeed at once. */
const sleepsOnce = (id: string) => `${count(id)}; if [ "$AAD_ATTEMPT" = 1 ]; then sleep 30 & echo $! > ${id}.bg; echo $$ > ${id}.pid; wait; fi`;

/** A task that starts a process leaving its group with setsid (its pid in `escaped.pid`), then sleeps. */
const escaper = `setsid sh -c 'echo $$ > escaped.pid; exec sleep 30' & echo $$ > task.pid; sleep 30 & wait`;

describe.concurrent('run lifecycle through the CLI', () => {
  it('resume after a failure: succeeded tasks stay, the failed one re-runs with attempt numbers and a fresh budget, a fix makes it exit 0', async ({ expect }) => {
    const c = setup([
      { id: 'prep', cmd: count('prep') },
      { id: 'flaky', cmd: `${count('flaky')}; echo "attempt $AAD_ATTEMPT"; test -f fixed`, depends_on: ['prep'], retries: 1, retry_backoff_sec: 0 },
      { id: 'after', cmd: count('after'), depends_on: ['flaky'] },
      { id: 'side', cmd: count('side') },
    ]);
    const first = await c.run().done;
    expect(first.code).toBe(3);
    let st = await c.status();
    expect(st.state).toBe('failed');
    expect(statesOf(st)).toEqual({ prep: 'succeeded', flaky: 'failed', after: 'skipped', side: 'succeeded' });
    expect(taskOf(st, 'flaky').attempts).toBe(2);

    // Not fixed yet: a fresh budget of 1 + 1 retries, numbered on from 3.
    const second = await c.cli('resume', c.runId());
    expect(second.code).toBe(3);
    st = await c.status();
    expect(taskOf(st, 'flaky')).toMatchObject({ state: 'failed', attempts: 4 });
    expect(c.counter('count-flaky')).toEqual(['1', '2', '3', '4']);

    c.touch('fixed');
    const third = await c.cli('resume', c.runId());
    expect(third.code, third.stderr).toBe(0);
    st = await c.status();
    expect(st).toMatchObject({ state: 'succeeded', exit_code: 0 });
    expect(statesOf(st)).toEqual({ prep: 'succeeded', flaky: 'succeeded', after: 'succeeded', side: 'succeeded' });
    expect(taskOf(st, 'flaky').attempts).toBe(5);
    expect(c.counter('count-prep')).toEqual(['1']);
    expect(c.counter('count-side')).toEqual(['1']);
    expect(c.counter('count-flaky')).toEqual(['1', '2', '3', '4', '5']);
    expect(c.counter('count-after')).toEqual(['1']);

    // Every attempt kept its own log.
    for (const n of [1, 2, 5]) {
      const log = await c.cli('logs', c.runId(), '--task', 'flaky', '--attempt', String(n));
      expect(log.code).toBe(0);
      expect(log.stdout).toContain(`attempt ${n}\n`);
    }
    const latest = await c.cli('logs', c.runId(), '--task', 'flaky');
    expect(latest.stdout).toContain('attempt 5\n');
    expect(latest.stdout).not.toContain('attempt 4');
  });

  it('cancel after a task failed exits 4; resume --failed-only re-runs the failed task and its skipped dependents, not the cancelled ones', async ({ expect }) => {
    const c = setup([
      { id: 'bad', cmd: `${count('bad')}; test -f fixed` },
      { id: 'bad-dep', cmd: count('bad-dep'), depends_on: ['bad'] },
      { id: 'slow', cmd: sleeper('slow') },
      { id: 'slow-dep', cmd: count('slow-dep'), depends_on: ['slow'] },
    ]);
    const runner = c.run();
    await c.pidFile('slow.pid');
    await waitFor('bad to fail', () => c.hasEvent('task_failed', 'bad'));
    const cancel = await c.cli('cancel', c.runId());
    expect(cancel.code, cancel.stderr).toBe(0);
    expect((await runner.done).code).toBe(4);
    let st = await c.status();
    expect(st).toMatchObject({ state: 'cancelled', exit_code: 4 });
    expect(statesOf(st)).toEqual({ bad: 'failed', 'bad-dep': 'skipped', slow: 'cancelled', 'slow-dep': 'cancelled' });

    c.touch('fixed');
    const resumed = await c.cli('resume', c.runId(), '--failed-only');
    // The run still holds cancelled tasks, so it is not a success.
    expect(resumed.code, resumed.stderr).toBe(3);
    st = await c.status();
    expect(statesOf(st)).toEqual({ bad: 'succeeded', 'bad-dep': 'succeeded', slow: 'cancelled', 'slow-dep': 'cancelled' });
    expect(taskOf(st, 'slow').attempts).toBe(1);
    expect(taskOf(st, 'slow-dep').attempts).toBe(0);
    expect(c.counter('count-bad')).toEqual(['1', '2']);
    expect(c.counter('count-bad-dep')).toEqual(['1']);
    expect(c.counter('count-slow')).toEqual(['1']);
    expect(c.counter('count-slow-dep')).toEqual([]);
  });

  it('resume of a succeeded run does nothing and exits 0; cancel of a finished run exits 2', async ({ expect }) => {
    const c = setup([{ id: 'once', cmd: count('once') }]);
    expect((await c.run().done).code).toBe(0);
    const journal = readFileSync(join(c.home, 'runs', c.runId(), 'events.jsonl'), 'utf8');
    const resumed = await c.cli('resume', c.runId());
    expect(resumed.code).toBe(0);
    expect(resumed.stdout).toContain(`run ${c.runId()} already succeeded: nothing to resume`);
    expect(c.counter('count-once')).toEqual(['1']);
    expect(readFileSync(join(c.home, 'runs', c.runId(), 'events.jsonl'), 'utf8')).toBe(journal);

    const cancel = await c.cli('cancel', c.runId());
    expect(cancel.code).toBe(2);
    expect(cancel.stderr).toContain(`aad: run ${c.runId()} is not running (it succeeded)`);
  });

  it('a run driven from another host: cancel and resume refuse it (exit 2, naming the host)', async ({ expect }) => {
    const c = setup([{ id: 'a', cmd: count('a') }]);
    expect((await c.run().done).code).toBe(0);
    // As if a runner on another machine sharing this home had claimed it.
    const journal = join(c.home, 'runs', c.runId(), 'events.jsonl');
    const base = c.events().length;
    appendFileSync(journal, JSON.stringify({ v: 1, ts: new Date().toISOString(), event: 'run_claimed', purpose: 'resume', base, owner: { pid: 4242, hostname: 'build-host-7' } }) + '\n');
    expect((await c.status()).state).toBe('running');
    const cancel = await c.cli('cancel', c.runId());
    expect(cancel.code).toBe(2);
    expect(cancel.stderr).toContain(`aad: run ${c.runId()} is driven from host build-host-7 (pid 4242): cancel it there`);
    const resume = await c.cli('resume', c.runId());
    expect(resume.code).toBe(2);
    expect(resume.stderr).toContain('still running (pid 4242 on build-host-7)');
    expect(c.counter('count-a')).toEqual(['1']);
  });

  it('resume of an unknown run id exits 2 and lists the runs', async ({ expect }) => {
    const c = setup([{ id: 'a', cmd: 'true' }]);
    expect((await c.run().done).code).toBe(0);
    const r = await c.cli('resume', '20000101-000000-zzzz');
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain('unknown run id "20000101-000000-zzzz"');
    expect(r.stderr).toContain(c.runId());
  });

  it('cancel from another process: resume is refused while it runs, then the runner exits 4, every task process is gone, pending tasks end cancelled; a plain resume runs them all', async ({ expect }) => {
    const c = setup([
      { id: 't1', cmd: sleepsOnce('t1') },
      { id: 't2', cmd: `${count('t2')}; if [ "$AAD_ATTEMPT" = 1 ]; then echo $$ > t2.pid; exec sleep 30; fi` },
      { id: 't3', cmd: count('t3'), depends_on: ['t1'] },
      { id: 't4', cmd: count('t4'), depends_on: ['t2'] },
    ]);
    const runner = c.run();
    const pids = [await c.pidFile('t1.pid'), await c.pidFile('t1.bg'), await c.pidFile('t2.pid')];
    expect(pids.filter(isAlive)).toEqual(pids);

    const resume = await c.cli('resume', c.runId());
    expect(resume.code).toBe(2);
    expect(resume.stderr).toContain(`run ${c.runId()} is still running (pid ${runner.pid} on `);

    const cancel = await c.cli('cancel', c.runId());
    expect(cancel.code, cancel.stderr).toBe(0);
    expect(cancel.stdout).toContain(`run ${c.runId()} cancelled`);
    expect((await runner.done).code).toBe(4);
    expect(await stillAlive(pids)).toEqual([]);
    const st = await c.status();
    expect(st).toMatchObject({ state: 'cancelled', exit_code: 4 });
    expect(statesOf(st)).toEqual({ t1: 'cancelled', t2: 'cancelled', t3: 'cancelled', t4: 'cancelled' });
    expect(c.counter('count-t3')).toEqual([]);
    expect(c.counter('count-t4')).toEqual([]);

    const again = await c.cli('cancel', c.runId());
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('is not running (it is cancelled)');

    const resumed = await c.cli('resume', c.runId());
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(statesOf(await c.status())).toEqual({ t1: 'succeeded', t2: 'succeeded', t3: 'succeeded', t4: 'succeeded' });
    expect(c.counter('count-t1')).toEqual(['1', '2']);
    expect(c.counter('count-t2')).toEqual(['1', '2']);
    expect(c.counter('count-t3')).toEqual(['1']);
    expect(c.counter('count-t4')).toEqual(['1']);
  });

  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    it(`${signal} to the runner cancels the run: exit 4, task processes gone, tasks cancelled`, async ({ expect }) => {
      const c = setup([
        { id: 'a', cmd: sleeper('a') },
        { id: 'b', cmd: count('b'), depends_on: ['a'] },
      ]);
      const runner = c.run();
      const pids = [await c.pidFile('a.pid'), await c.pidFile('a.bg')];
      runner.child.kill(signal);
      const r = await runner.done;
      expect(r.code).toBe(4);
      expect(await stillAlive(pids)).toEqual([]);
      const st = await c.status();
      expect(st).toMatchObject({ state: 'cancelled', exit_code: 4 });
      expect(statesOf(st)).toEqual({ a: 'cancelled', b: 'cancelled' });
      expect(taskOf(st, 'a').reason).toContain(signal);
      expect(c.counter('count-b')).toEqual([]);
    });
  }

  it('a second SIGINT kills at once the tasks that ignore SIGTERM', async ({ expect }) => {
    // The ignored SIGTERM is inherited by the background child too; the grace would last 20 s.
    const c = setup([{ id: 'stubborn', cmd: `trap '' TERM; ${sleeper('stubborn')}` }]);
    const plan = JSON.parse(readFileSync(c.path('aad.yaml'), 'utf8')) as { tasks: { kill_grace_sec?: number }[] };
    plan.tasks[0]!.kill_grace_sec = 20;
    writeFileSync(c.path('aad.yaml'), JSON.stringify(plan));
    const runner = c.run();
    const pids = [await c.pidFile('stubborn.pid'), await c.pidFile('stubborn.bg')];
    const started = Date.now();
    runner.child.kill('SIGINT');
    await waitFor('the cancel to be recorded', () => c.hasEvent('cancel_requested'));
    await sleep(200);
    expect(pids.filter(isAlive)).toEqual(pids);
    runner.child.kill('SIGINT');
    expect((await runner.done).code).toBe(4);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(await stillAlive(pids)).toEqual([]);
    expect(statesOf(await c.status())).toEqual({ stubborn: 'cancelled' });
  });

  it('SIGKILL of the runner: status says interrupted; resume reaps the orphan, re-runs the interrupted task, never re-runs a succeeded one', async ({ expect }) => {
    const c = setup([
      { id: 'a', cmd: count('a') },
      // The orphan ignores SIGTERM: the reaper has to follow up with SIGKILL.
      { id: 'b', cmd: `${count('b')}; if [ "$AAD_ATTEMPT" = 1 ]; then trap '' TERM; echo $$ > b.pid; exec sleep 30; fi`, depends_on: ['a'] },
      { id: 'c', cmd: count('c'), depends_on: ['b'] },
      { id: 'd', cmd: count('d') },
    ]);
    const runner = c.run();
    const orphan = await c.pidFile('b.pid');
    await waitFor('d to succeed', () => c.hasEvent('task_succeeded', 'd'));
    runner.child.kill('SIGKILL');
    expect((await runner.done).signal).toBe('SIGKILL');
    expect(isAlive(orphan)).toBe(true);

    const st = await c.status();
    expect(st.state).toBe('interrupted');
    expect(statesOf(st)).toEqual({ a: 'succeeded', b: 'running', c: 'pending', d: 'succeeded' });
    const text = await c.cli('status', c.runId());
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^b +interrupted +1 /m);
    expect(text.stdout).toContain(`aad resume ${c.runId()}`);

    const resumed = await c.cli('resume', c.runId());
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(await stillAlive([orphan])).toEqual([]);
    const after = await c.status();
    expect(after).toMatchObject({ state: 'succeeded', exit_code: 0 });
    expect(taskOf(after, 'b').attempts).toBe(2);
    expect(c.counter('count-a')).toEqual(['1']);
    expect(c.counter('count-d')).toEqual(['1']);
    expect(c.counter('count-b')).toEqual(['1', '2']);
    expect(c.counter('count-c')).toEqual(['1']);
  });

  it('cancel while resume is still reaping the orphans of a dead runner: the resume ends cancelled (exit 4), the orphan is gone', async ({ expect }) => {
    // The orphan ignores SIGTERM, so the reaping lasts its kill grace: the cancel lands in that window.
    const c = setup([
      { id: 'a', cmd: `${count('a')}; if [ "$AAD_ATTEMPT" = 1 ]; then trap '' TERM; echo $$ > a.pid; exec sleep 30; fi` },
      { id: 'b', cmd: count('b'), depends_on: ['a'] },
    ]);
    const plan = JSON.parse(readFileSync(c.path('aad.yaml'), 'utf8')) as { tasks: { kill_grace_sec?: number }[] };
    plan.tasks[0]!.kill_grace_sec = 2;
    writeFileSync(c.path('aad.yaml'), JSON.stringify(plan));
    const runner = c.run();
    const orphan = await c.pidFile('a.pid');
    runner.child.kill('SIGKILL');
    await runner.done;

    const resume = c.start('resume', c.runId());
    await waitFor('the resume to claim the run', () => c.hasEvent('run_claimed'));
    const cancel = await c.cli('cancel', c.runId());
    expect(cancel.code, cancel.stderr).toBe(0);
    expect(cancel.stdout).toContain(`run ${c.runId()} cancelled`);
    const r = await resume.done;
    expect(r.code, r.stderr).toBe(4);
    expect(await stillAlive([orphan])).toEqual([]);
    const st = await c.status();
    expect(st).toMatchObject({ state: 'cancelled', exit_code: 4 });
    expect(statesOf(st)).toEqual({ a: 'cancelled', b: 'cancelled' });
    expect(c.counter('count-a')).toEqual(['1']);
    expect(c.counter('count-b')).toEqual([]);
  });

  it('cancel of a run whose runner was SIGKILLed reaps its processes and marks it cancelled', async ({ expect }) => {
    const c = setup([
      { id: 'a', cmd: sleeper('a') },
      { id: 'b', cmd: count('b'), depends_on: ['a'] },
    ]);
    const runner = c.run();
    const pids = [await c.pidFile('a.pid'), await c.pidFile('a.bg')];
    runner.child.kill('SIGKILL');
    await runner.done;
    expect(pids.filter(isAlive)).toEqual(pids);
    expect((await c.status()).state).toBe('interrupted');

    const cancel = await c.cli('cancel', c.runId());
    expect(cancel.code, cancel.stderr).toBe(0);
    expect(cancel.stdout).toContain(`run ${c.runId()} was interrupted (its runner is gone): marked cancelled`);
    expect(await stillAlive(pids)).toEqual([]);
    const st = await c.status();
    expect(st).toMatchObject({ state: 'cancelled', exit_code: 4 });
    expect(statesOf(st)).toEqual({ a: 'cancelled', b: 'cancelled' });
  });

  describe('a process that escapes its group with setsid', () => {
    /** Waits for the escaped process and checks that it did leave the task's group. */
    async function escapedPid(c: ReturnType<typeof setup>): Promise<{ escaped: number; task: number }> {
      const task = await c.pidFile('task.pid');
      const escaped = await c.pidFile('escaped.pid');
      const st = procStat(escaped);
      if (!st || st.pgid === task || st.pgid === procStat(task)?.pgid) throw new Error('the escaped process did not leave its group');
      return { escaped, task };
    }

    it('is killed with its task on timeout', async ({ expect }) => {
      const c = setup([{ id: 'esc', cmd: escaper, timeout_sec: 1.5 }]);
      const runner = c.run();
      const { escaped, task } = await escapedPid(c);
      const r = await runner.done;
      expect(r.code).toBe(3);
      expect(taskOf(await c.status(), 'esc').reason).toContain('timeout');
      expect(await stillAlive([escaped, task])).toEqual([]);
    });

    it('is killed with its task on cancel', async ({ expect }) => {
      const c = setup([{ id: 'esc', cmd: escaper }]);
      const runner = c.run();
      const { escaped, task } = await escapedPid(c);
      const cancel = await c.cli('cancel', c.runId());
      expect(cancel.code, cancel.stderr).toBe(0);
      expect((await runner.done).code).toBe(4);
      expect(await stillAlive([escaped, task])).toEqual([]);
    });

    it('is reaped by resume after the runner was SIGKILLed', async ({ expect }) => {
      const c = setup([{ id: 'esc', cmd: `if [ "$AAD_ATTEMPT" = 1 ]; then ${escaper}; fi` }]);
      const runner = c.run();
      const { escaped, task } = await escapedPid(c);
      runner.child.kill('SIGKILL');
      await runner.done;
      expect([escaped, task].filter(isAlive)).toEqual([escaped, task]);
      const resumed = await c.cli('resume', c.runId());
      expect(resumed.code, resumed.stderr).toBe(0);
      expect(await stillAlive([escaped, task])).toEqual([]);
      expect(taskOf(await c.status(), 'esc')).toMatchObject({ state: 'succeeded', attempts: 2 });
    });
  });

  it('a torn last journal line: status still works and resume goes on from there', async ({ expect }) => {
    const c = setup([
      { id: 'ok', cmd: count('ok') },
      { id: 'bad', cmd: `${count('bad')}; test -f fixed`, depends_on: ['ok'] },
    ]);
    expect((await c.run().done).code).toBe(3);
    const journal = join(c.home, 'runs', c.runId(), 'events.jsonl');
    appendFileSync(journal, '{"v":1,"ts":"2026-11-21T08:30:15.123Z","event":"task_st');
    const st = await c.status();
    expect(st).toMatchObject({ state: 'failed', exit_code: 3 });
    expect(statesOf(st)).toEqual({ ok: 'succeeded', bad: 'failed' });

    c.touch('fixed');
    const resumed = await c.cli('resume', c.runId());
    expect(resumed.code, resumed.stderr).toBe(0);
    const after = await c.status();
    expect(after).toMatchObject({ state: 'succeeded', exit_code: 0 });
    expect(taskOf(after, 'bad').attempts).toBe(2);
    expect(c.counter('count-ok')).toEqual(['1']);
    expect(c.counter('count-bad')).toEqual(['1', '2']);
    // The torn fragment stays on a line of its own: every event after it is whole.
    const lines = readFileSync(journal, 'utf8').split('\n');
    const torn = lines.findIndex((l) => l.endsWith('"event":"task_st'));
    expect(torn).toBeGreaterThan(0);
    for (const l of lines.slice(torn + 1, -1)) expect(() => JSON.parse(l)).not.toThrow();
  });

  it('two concurrent resumes of one failed run: exactly one runs it, the other exits 2', async ({ expect }) => {
    const c = setup([
      { id: 'ok', cmd: count('ok') },
      { id: 'bad', cmd: `${count('bad')}; test -f fixed && sleep 1.5` },
    ]);
    expect((await c.run().done).code).toBe(3);
    c.touch('fixed');
    const a = c.start('resume', c.runId());
    const b = c.start('resume', c.runId());
    const results = await Promise.all([a.done, b.done]);
    const codes = results.map((r) => r.code);
    const winner = codes.indexOf(0);
    expect([...codes].sort(), results.map((r) => r.stderr).join('\n')).toEqual([0, 2]);
    expect(results[1 - winner]!.stderr).toMatch(/still running|claimed by another process/);
    expect(c.counter('count-bad')).toEqual(['1', '2']);
    expect(c.counter('count-ok')).toEqual(['1']);
    const st = await c.status();
    expect(st).toMatchObject({ state: 'succeeded', exit_code: 0 });
    // runner.json names the process that drove the run, not the one that lost the race.
    const runnerFile = JSON.parse(readFileSync(join(c.home, 'runs', c.runId(), 'runner.json'), 'utf8')) as { pid: number };
    expect(runnerFile.pid).toBe([a, b][winner]!.pid);
  });

  it('resume --fail-fast: the first failure cancels the running task and the pending ones; its dependents are skipped; exit 3', async ({ expect }) => {
    const c = setup([
      // On the resume, f fails only once s is running.
      { id: 'f', cmd: `${count('f')}; if [ -f slow ]; then while [ ! -f s.pid ]; do sleep 0.05; done; fi; exit 1` },
      { id: 'g', cmd: count('g'), depends_on: ['f'] },
      { id: 's', cmd: `${count('s')}; [ -f slow ] || exit 1; echo $$ > s.pid; exec sleep 30` },
      { id: 'p', cmd: count('p'), depends_on: ['s'] },
    ]);
    expect((await c.run().done).code).toBe(3);
    expect(statesOf(await c.status())).toEqual({ f: 'failed', g: 'skipped', s: 'failed', p: 'skipped' });
    c.touch('slow');
    const started = Date.now();
    const resumed = await c.cli('resume', c.runId(), '--fail-fast');
    expect(resumed.code, resumed.stderr).toBe(3);
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(await stillAlive([readPid(c.path('s.pid'))!])).toEqual([]);
    const st = await c.status();
    expect(st).toMatchObject({ state: 'failed', exit_code: 3 });
    expect(statesOf(st)).toEqual({ f: 'failed', g: 'skipped', s: 'cancelled', p: 'cancelled' });
    expect(taskOf(st, 's').reason).toContain('fail-fast');
    expect(c.counter('count-f')).toEqual(['1', '2']);
    expect(c.counter('count-s')).toEqual(['1', '2']);
    expect(c.counter('count-g')).toEqual([]);
    expect(c.counter('count-p')).toEqual([]);
  });
});
