// `aad run`, `status`, `logs` and `runs` end to end: plans in temp dirs, the BUILT CLI, real processes.
// Every case has its own workdir and its own --home, so the cases run in parallel.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, it } from 'vitest';
import { cleanEnv, distMain, filesUnder, processGone, runCli, startCli, tmpDir, waitFor, writePlan, type CliOptions, type CliProcess, type CliResult } from '../helpers/cli.js';
import { execFile } from 'node:child_process';
import type { RunStatusJson as RunStatus, TaskStatusJson as TaskStatus } from '../../src/report/status.js';

const RUN_ID = /^\d{8}-\d{6}-[a-z0-9]{4}$/;
const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;
const STATUS_KEYS = ['run_id', 'state', 'exit_code', 'plan_path', 'workdir', 'started_at', 'ended_at', 'counts', 'leftover_processes'];
const TASK_KEYS = ['id', 'parent', 'state', 'attempts', 'exit_code', 'reason', 'started_at', 'ended_at', 'duration_ms', 'rollback', 'artifacts'];
const STATES = ['pending', 'running', 'retrying', 'awaiting_approval', 'decomposed', 'succeeded', 'failed', 'blocked', 'skipped', 'cancelled'] as const;

type TaskState = (typeof STATES)[number];
type Counts = Record<TaskState, number>;



type JournalEvent = { event: string; ts: string; [k: string]: unknown };

/** All ten counts, zero unless given, in SPEC order. */
function counts(c: Partial<Counts>): Counts {
  return Object.fromEntries(STATES.map((s) => [s, c[s] ?? 0])) as Counts;
}

/** Durations printed by the console (`14ms`, `1.2s`) made comparable. */
function normDurations(text: string): string {
  return text.replace(/\b\d+(?:ms|\.\ds)\b/g, '<d>');
}

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

/** A case's own workdir, plan and home. */
function workspace(yaml: string) {
  const dir = tmpDir('aad-e2e-run-');
  dirs.push(dir);
  const home = path.join(dir, 'home');
  const plan = writePlan(dir, yaml);
  const withHome = (args: string[]) => [...args, '--home', home];
  const ws = {
    dir,
    home,
    plan,
    /** `aad ...args --home <home>`, from the workdir. */
    aad: (args: string[], opts: Partial<CliOptions> = {}): Promise<CliResult> => runCli(withHome(args), { cwd: dir, ...opts }),
    start: (args: string[], opts: Partial<CliOptions> = {}): CliProcess => startCli(withHome(args), { cwd: dir, ...opts }),
    /** `aad status --json`, parsed; fails the case when it does not exit 0. */
    async status(runId?: string): Promise<RunStatus> {
      const r = await ws.aad(['status', ...(runId ? [runId] : []), '--json']);
      if (r.code !== 0) throw new Error(`aad status exited ${r.code}: ${r.stderr}`);
      return JSON.parse(r.stdout) as RunStatus;
    },
    runIds: (): string[] => (fs.existsSync(path.join(home, 'runs')) ? fs.readdirSync(path.join(home, 'runs')).sort() : []),
    runDir: (runId: string) => path.join(home, 'runs', runId),
    log: (runId: string, task: string, attempt: number | 'rollback') => path.join(home, 'runs', runId, 'logs', task, `${attempt}.log`),
    readLog: (runId: string, task: string, attempt: number) => fs.readFileSync(ws.log(runId, task, attempt), 'utf8'),
    events: (runId: string): JournalEvent[] =>
      fs.readFileSync(path.join(home, 'runs', runId, 'events.jsonl'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as JournalEvent),
    /** The single run of this home. */
    onlyRun(): string {
      const ids = ws.runIds();
      if (ids.length !== 1) throw new Error(`expected one run in ${home}, found ${ids.length}`);
      return ids[0]!;
    },
  };
  return ws;
}

function byId(s: RunStatus): Record<string, TaskStatus> {
  return Object.fromEntries(s.tasks.map((t) => [t.id, t]));
}


/** Lines `<kind> <nanoseconds> ...` written by tasks with `date +%s%N`. */
function stamps(file: string): { kind: string; ms: number; rest: string[] }[] {
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => {
      const [kind, ns, ...rest] = l.split(' ');
      return { kind: kind!, ms: Number(BigInt(ns!) / 1000n) / 1000, rest };
    });
}

describe.concurrent('aad run end to end', () => {
  it('succeeds: exit 0, the console lines, the status JSON exactly per SPEC, logs and the run directory', async ({ expect }) => {
    const yaml = `version: 1
goal: e2e success
tasks:
  - id: prepare
    cmd: 'echo "prepare $AAD_TASK_ID attempt $AAD_ATTEMPT"'
  - id: build
    cmd: ["sh", "-c", "echo out-1; echo out-2"]
    depends_on: [prepare]
  - id: check
    cmd: 'echo "$GREETING $COUNT $FLAG"; echo "$AAD_RUN_ID $AAD_RUN_DIR"'
    env: { GREETING: hello, COUNT: 3, FLAG: true }
    depends_on: [build]
`;
    const ws = workspace(yaml);
    const r = await ws.aad(['run', 'aad.yaml', '--max-parallel', '2']);
    expect(r.stderr).toBe('');
    expect(r.code, r.stderr).toBe(0);
    const id = ws.onlyRun();
    expect(id).toMatch(RUN_ID);
    const runDir = ws.runDir(id);

    expect(normDurations(r.stdout)).toBe(
      [
        `▶ run ${id}: 3 tasks, up to 2 at once`,
        'prepare │ started',
        'prepare │ prepare prepare attempt 1',
        'prepare │ ✓ succeeded in <d>',
        'build   │ started',
        'build   │ out-1',
        'build   │ out-2',
        'build   │ ✓ succeeded in <d>',
        'check   │ started',
        'check   │ hello 3 true',
        `check   │ ${id} ${runDir}`,
        'check   │ ✓ succeeded in <d>',
        '',
        `Run ${id} succeeded in <d>: 3 succeeded, 0 failed, 0 skipped, 0 cancelled (exit 0)`,
        `  status: aad status ${id}`,
        '',
      ].join('\n'),
    );

    const s = await ws.status();
    expect(Object.keys(s)).toEqual([...STATUS_KEYS, 'progress', 'tasks']);
    expect(s).toEqual({
      run_id: id,
      state: 'succeeded',
      exit_code: 0,
      plan_path: ws.plan,
      workdir: ws.dir,
      started_at: expect.stringMatching(ISO),
      ended_at: expect.stringMatching(ISO),
      counts: counts({ succeeded: 3 }),
      leftover_processes: null,
      progress: { done: 3, total: 3, percent: 100, eta_ms: null },
      tasks: ['prepare', 'build', 'check'].map((tid) => ({
        id: tid,
        parent: null,
        state: 'succeeded',
        attempts: 1,
        exit_code: 0,
        reason: null,
        started_at: expect.stringMatching(ISO),
        ended_at: expect.stringMatching(ISO),
        duration_ms: expect.any(Number),
        rollback: null,
        artifacts: [],
      })),
    });
    expect(Object.keys(s.counts)).toEqual([...STATES]);
    for (const t of s.tasks) {
      expect(Object.keys(t)).toEqual(TASK_KEYS);
      expect(t.duration_ms).toBe(Date.parse(t.ended_at!) - Date.parse(t.started_at!));
      expect(Date.parse(t.started_at!)).toBeGreaterThanOrEqual(Date.parse(s.started_at));
      expect(Date.parse(t.ended_at!)).toBeLessThanOrEqual(Date.parse(s.ended_at!));
    }
    // Dependencies ran in order.
    const t = byId(s);
    expect(Date.parse(t.build!.started_at!)).toBeGreaterThanOrEqual(Date.parse(t.prepare!.ended_at!));
    expect(Date.parse(t.check!.started_at!)).toBeGreaterThanOrEqual(Date.parse(t.build!.ended_at!));

    // The run directory.
    expect(filesUnder(runDir).map((f) => path.relative(runDir, f))).toEqual([
      'events.jsonl',
      'logs/build/1.log',
      'logs/check/1.log',
      'logs/prepare/1.log',
      'plan.yaml',
      'runner.json',
    ]);
    expect(fs.readdirSync(path.join(runDir, 'escalations'))).toEqual([]);
    expect(fs.readFileSync(path.join(runDir, 'plan.yaml'), 'utf8')).toBe(yaml);
    const runner = JSON.parse(fs.readFileSync(path.join(runDir, 'runner.json'), 'utf8')) as Record<string, unknown>;
    expect(runner).toMatchObject({ pid: expect.any(Number), hostname: expect.any(String), started_at: expect.stringMatching(ISO) });
    const events = ws.events(id);
    for (const e of events) expect(e).toMatchObject({ v: 1, ts: expect.stringMatching(ISO), event: expect.any(String) });
    expect(events[0]).toMatchObject({ event: 'run_started', run_id: id, plan: ws.plan, workdir: ws.dir, tasks: ['prepare', 'build', 'check'], max_parallel: 2 });
    expect(events.at(-1)).toMatchObject({ event: 'run_finished', state: 'succeeded', exit_code: 0, counts: counts({ succeeded: 3 }) });

    // Logs, and `aad logs` prints them raw.
    expect(ws.readLog(id, 'prepare', 1)).toBe('prepare prepare attempt 1\n');
    expect(ws.readLog(id, 'build', 1)).toBe('out-1\nout-2\n');
    expect(ws.readLog(id, 'check', 1)).toBe(`hello 3 true\n${id} ${runDir}\n`);
    const logs = await ws.aad(['logs', id, '--task', 'build']);
    expect(logs).toMatchObject({ code: 0, stdout: 'out-1\nout-2\n', stderr: '' });
  });

  it('never runs more tasks at once than --max-parallel (the flag wins over the plan)', async ({ expect }) => {
    const task = (i: number) => `  - id: t${i}
    cmd: 'echo "start $(date +%s%N) t${i}" >> stamps; sleep 0.3; echo "end $(date +%s%N) t${i}" >> stamps'
`;
    const ws = workspace(`max_parallel: 6\ntasks:\n${[1, 2, 3, 4, 5, 6].map(task).join('')}`);
    const r = await ws.aad(['run', '--max-parallel', '2', '--quiet']);
    expect(r.code, r.stderr).toBe(0);
    const marks = stamps(path.join(ws.dir, 'stamps'));
    expect(marks).toHaveLength(12);
    // At equal times an end comes before a start: the slot was free.
    marks.sort((a, b) => a.ms - b.ms || (a.kind === 'end' ? -1 : 1));
    let running = 0;
    let most = 0;
    for (const m of marks) {
      running += m.kind === 'start' ? 1 : -1;
      most = Math.max(most, running);
    }
    expect(running).toBe(0);
    expect(most).toBe(2);
    const s = await ws.status();
    expect(s.counts).toEqual(counts({ succeeded: 6 }));
    expect(ws.events(s.run_id)[0]).toMatchObject({ event: 'run_started', max_parallel: 2 });
    // Three waves of 0.3 s at the least.
    expect(Date.parse(s.ended_at!) - Date.parse(s.started_at)).toBeGreaterThanOrEqual(900);
  });

  it('retries a failing task until it succeeds: 3 attempts, one log per attempt', async ({ expect }) => {
    const ws = workspace(`tasks:
  - id: flaky
    retries: 3
    cmd: 'n=$(cat count 2>/dev/null || echo 0); n=$((n+1)); echo $n > count; echo "attempt $AAD_ATTEMPT"; test $n -ge 3'
`);
    const r = await ws.aad(['run', '--quiet']);
    expect(r.code, r.stderr).toBe(0);
    const id = ws.onlyRun();
    const s = await ws.status();
    expect(s.state).toBe('succeeded');
    expect(s.tasks).toEqual([expect.objectContaining({ id: 'flaky', state: 'succeeded', attempts: 3, exit_code: 0, reason: null })]);
    expect(fs.readdirSync(path.join(ws.runDir(id), 'logs', 'flaky')).sort()).toEqual(['1.log', '2.log', '3.log']);
    for (const n of [1, 2, 3]) expect(ws.readLog(id, 'flaky', n)).toBe(`attempt ${n}\n`);
    expect(await ws.aad(['logs', '--task', 'flaky', '--attempt', '2'])).toMatchObject({ code: 0, stdout: 'attempt 2\n' });
    expect(await ws.aad(['logs', '--task', 'flaky'])).toMatchObject({ code: 0, stdout: 'attempt 3\n' });
    const esc = JSON.parse(fs.readFileSync(path.join(ws.runDir(id), 'escalations', 'flaky.json'), 'utf8')) as { level: string; attempt: number }[];
    expect(esc.map((e) => [e.level, e.attempt])).toEqual([
      ['warning', 1],
      ['warning', 2],
    ]);
  });

  it('fails a task whose retries are exhausted, skips its dependents transitively, runs the independent ones, exits 3', async ({ expect }) => {
    const ws = workspace(`tasks:
  - id: bad
    retries: 1
    cmd: 'echo "bad attempt $AAD_ATTEMPT"; exit 4'
  - id: mid
    depends_on: [bad]
    cmd: 'echo mid'
  - id: leaf
    depends_on: [mid]
    cmd: 'echo leaf'
  - id: solo
    cmd: 'sleep 0.2; echo solo'
`);
    const r = await ws.aad(['run']);
    expect(r.code, r.stderr).toBe(3);
    const id = ws.onlyRun();
    const s = await ws.status();
    expect(s).toMatchObject({ state: 'failed', exit_code: 3, counts: counts({ succeeded: 1, failed: 1, skipped: 2 }) });
    const t = byId(s);
    expect(t.bad).toMatchObject({ state: 'failed', attempts: 2, exit_code: 4, reason: 'exit code 4' });
    const skipped = { state: 'skipped', attempts: 0, exit_code: null, reason: 'dependency bad failed', started_at: null, duration_ms: null };
    expect(t.mid).toMatchObject(skipped);
    expect(t.leaf).toMatchObject(skipped);
    expect(t.mid!.ended_at).toMatch(ISO);
    expect(t.solo).toMatchObject({ state: 'succeeded', attempts: 1, exit_code: 0 });
    expect(ws.readLog(id, 'bad', 1)).toBe('bad attempt 1\n');
    expect(ws.readLog(id, 'bad', 2)).toBe('bad attempt 2\n');
    expect(fs.readdirSync(path.join(ws.runDir(id), 'logs')).sort()).toEqual(['bad', 'solo']);

    // The summary says what failed and why, then what was skipped.
    expect(normDurations(r.stdout)).toContain(
      [
        'Failed (1):',
        '  ✗ bad: exit code 4 (2 attempts, <d>)',
        'Skipped (2): mid, leaf',
        'Escalations: 0 critical, 1 error, 1 warning (files in escalations/ of the run directory)',
        `Run ${id} failed in <d>: 1 succeeded, 1 failed, 2 skipped, 0 cancelled (exit 3)`,
        `  logs:   aad logs ${id} --task bad`,
        `  resume: aad resume ${id}   (or --failed-only)`,
        '',
      ].join('\n'),
    );
    expect(r.stdout).toContain('mid  │ - skipped: dependency bad failed\n');

    const esc = JSON.parse(fs.readFileSync(path.join(ws.runDir(id), 'escalations', 'bad.json'), 'utf8')) as Record<string, unknown>[];
    expect(esc).toEqual([
      { task: 'bad', level: 'warning', reason: 'attempt 1 failed (exit code 4); retrying in 0s', attempt: 1, timestamp: expect.stringMatching(ISO), log_tail: ['bad attempt 1'] },
      { task: 'bad', level: 'error', reason: 'failed for good after 2 attempts: exit code 4', attempt: 2, timestamp: expect.stringMatching(ISO), log_tail: ['bad attempt 2'] },
    ]);

    // A task that never ran has no log: `logs` prints nothing and exits 0.
    expect(await ws.aad(['logs', id, '--task', 'leaf'])).toEqual(expect.objectContaining({ code: 0, stdout: '', stderr: '' }));
  });

  it('waits the configured backoff before each retry (the last item repeats)', async ({ expect }) => {
    const ws = workspace(`tasks:
  - id: slowpoke
    retries: 3
    retry_backoff_sec: [0.2, 0.4]
    cmd: 'echo "start $(date +%s%N)" >> stamps; echo "end $(date +%s%N)" >> stamps; exit 1'
`);
    const r = await ws.aad(['run', '--json']);
    expect(r.code, r.stderr).toBe(3);
    const events = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as JournalEvent);
    expect(events.filter((e) => e.event === 'task_retrying').map((e) => [e.attempt, e.delay_ms, e.reason])).toEqual([
      [1, 200, 'exit code 1'],
      [2, 400, 'exit code 1'],
      [3, 400, 'exit code 1'],
    ]);
    const marks = stamps(path.join(ws.dir, 'stamps'));
    expect(marks.map((m) => m.kind)).toEqual(['start', 'end', 'start', 'end', 'start', 'end', 'start', 'end']);
    const gaps = [1, 2, 3].map((k) => marks[2 * k]!.ms - marks[2 * k - 1]!.ms);
    // The journal stamps whole milliseconds: allow 1 ms of rounding, no more.
    expect(gaps[0]).toBeGreaterThanOrEqual(200 - 1);
    expect(gaps[1]).toBeGreaterThanOrEqual(400 - 1);
    expect(gaps[2]).toBeGreaterThanOrEqual(400 - 1);
    const s = await ws.status();
    expect(s.tasks[0]).toMatchObject({ state: 'failed', attempts: 4, reason: 'exit code 1' });
  });

  it.for([['console'], ['quiet']])('a timeout kills the task and its background children (%s mode)', async ([mode], { expect }) => {
    const ws = workspace(`tasks:
  - id: hang
    timeout_sec: 0.5
    kill_grace_sec: 0.5
    cmd: 'sleep 30 & echo $! > bg.pid; echo waiting; sleep 30'
`);
    const r = await ws.aad(['run', ...(mode === 'quiet' ? ['--quiet'] : [])]);
    expect(r.code, r.stderr).toBe(3);
    const bg = Number(fs.readFileSync(path.join(ws.dir, 'bg.pid'), 'utf8'));
    expect(bg).toBeGreaterThan(0);
    expect(processGone(bg)).toBe(true);
    const s = await ws.status();
    expect(s.tasks[0]).toMatchObject({ state: 'failed', attempts: 1, exit_code: null, reason: 'timeout after 0.5s' });
    // Ended by the timeout, not by `sleep 30` (a generous bound: the machine may be busy).
    expect(s.tasks[0]!.duration_ms).toBeLessThan(10_000);
    expect(s.tasks[0]!.reason).toContain('timeout');
    expect(ws.readLog(s.run_id, 'hang', 1)).toBe('waiting\n');
  });

  it('a command that is not found fails its task with the reason, string and argv forms, without a crash (exit 3)', async ({ expect }) => {
    const ws = workspace(`tasks:
  - id: plain
    cmd: 'no-such-command-e2e --flag'
  - id: script
    cmd: 'no-such-command-e2e --flag && echo never'
  - id: argv
    cmd: ['no-such-command-e2e', '--flag']
  - id: after
    depends_on: [argv]
    cmd: 'true'
  - id: fine
    cmd: 'echo fine'
`);
    const r = await ws.aad(['run']);
    expect(r.code, r.stderr).toBe(3);
    expect(r.stderr).toBe('');
    const s = await ws.status();
    const t = byId(s);
    // A string without shell syntax runs as argv (as make does); one with shell syntax goes through /bin/sh.
    const notFound = { state: 'failed', attempts: 1, exit_code: null, reason: 'spawn failed: command not found: no-such-command-e2e' };
    expect(t.plain).toMatchObject(notFound);
    expect(t.argv).toMatchObject(notFound);
    expect(t.script).toMatchObject({ state: 'failed', attempts: 1, exit_code: 127, reason: 'exit code 127 (command not found)' });
    expect(t.after).toMatchObject({ state: 'skipped', reason: 'dependency argv failed' });
    expect(t.fine).toMatchObject({ state: 'succeeded' });
    expect(s.counts).toEqual(counts({ succeeded: 1, failed: 3, skipped: 1 }));
    expect(ws.readLog(s.run_id, 'plain', 1)).toBe('aad: spawn failed: command not found: no-such-command-e2e\n');
    expect(ws.readLog(s.run_id, 'argv', 1)).toBe('aad: spawn failed: command not found: no-such-command-e2e\n');
    expect(ws.readLog(s.run_id, 'script', 1)).toMatch(/no-such-command-e2e: (command )?not found\n$/);
    expect(normDurations(r.stdout)).toContain('argv   │ ✗ failed: spawn failed: command not found: no-such-command-e2e after 1 attempt in <d>\n');
  });

  it('a missing cwd (or one that is a file) fails the task with a spawn failed reason', async ({ expect }) => {
    const ws = workspace(`tasks:
  - id: missing
    cwd: no-such-dir
    cmd: 'echo never'
  - id: file
    cwd: aad.yaml
    cmd: 'echo never'
`);
    const r = await ws.aad(['run', '--quiet']);
    expect(r.code, r.stderr).toBe(3);
    const s = await ws.status();
    const t = byId(s);
    const missing = path.join(ws.dir, 'no-such-dir');
    expect(t.missing).toMatchObject({ state: 'failed', exit_code: null, reason: `spawn failed: working directory does not exist: ${missing}` });
    expect(t.file).toMatchObject({ state: 'failed', exit_code: null, reason: `spawn failed: working directory is not a directory: ${ws.plan}` });
    expect(ws.readLog(s.run_id, 'missing', 1)).toBe(`aad: working directory does not exist: ${missing}\n`);
    expect(ws.readLog(s.run_id, 'file', 1)).toBe(`aad: working directory is not a directory: ${ws.plan}\n`);
  });

  it("a task's stdin is at EOF at once, even when aad's own stdin is an open pipe", async ({ expect }) => {
    const ws = workspace(`tasks:
  - id: cat
    timeout_sec: 5
    cmd: cat
  - id: read
    timeout_sec: 5
    cmd: 'if read -r line; then echo "got $line"; else echo eof; fi'
`);
    const r = await ws.aad(['run', '--quiet'], { input: 'typed into aad\n', keepStdinOpen: true });
    expect(r.code, r.stderr).toBe(0);
    const s = await ws.status();
    const t = byId(s);
    expect(t.cat).toMatchObject({ state: 'succeeded', exit_code: 0 });
    expect(t.cat!.duration_ms).toBeLessThan(3000);
    expect(ws.readLog(s.run_id, 'cat', 1)).toBe('');
    expect(ws.readLog(s.run_id, 'read', 1)).toBe('eof\n');
  });

  it('copes with 50 MB of output on one line: the log has every byte, the console gets it in pieces', async ({ expect }) => {
    const size = 50 * 1024 * 1024;
    const ws = workspace(`tasks:
  - id: big
    env: { MY_TOKEN: abcd-1234 }
    cmd: "head -c ${size} /dev/zero | tr '\\\\0' a"
`);
    const r = await ws.aad(['run'], { stdoutLimit: 4096 });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdoutBytes).toBeGreaterThan(size);
    const id = ws.onlyRun();
    const log = ws.log(id, 'big', 1);
    expect(fs.statSync(log).size).toBe(size);
    const fd = fs.openSync(log, 'r');
    const head = Buffer.alloc(16);
    fs.readSync(fd, head, 0, 16, 0);
    fs.readSync(fd, head, 0, 16, size - 16);
    fs.closeSync(fd);
    expect(head.toString()).toBe('a'.repeat(16));
    expect((await ws.status()).tasks[0]).toMatchObject({ state: 'succeeded', exit_code: 0 });
  });

  it('gives a pipe task output byte for byte (UTF-8, control characters), prefixed per line; a terminal gets it without control characters', async ({ expect }) => {
    // é ✓ \x01 ESC[31m red ESC[0m \r | a line cut by the end of the output, then 😀 with no newline.
    const ws = workspace(`tasks:
  - id: bytes
    cmd: |
      printf 'h\\303\\251llo \\342\\234\\223\\001 \\033[31mred\\033[0m\\r|end\\nlast \\360\\237\\230\\200'
`);
    const wrote = 'h\u00e9llo \u2713\u0001 \u001b[31mred\u001b[0m\r|end\nlast \u{1F600}';
    const r = await ws.aad(['run']);
    expect(r.code, r.stderr).toBe(0);
    expect(ws.readLog(ws.onlyRun(), 'bytes', 1)).toBe(wrote);
    expect(r.stdout).toContain('\nbytes │ h\u00e9llo \u2713\u0001 \u001b[31mred\u001b[0m\r|end\nbytes │ last \u{1F600}\n');
    // On a terminal (script(1) gives aad a pty): the same, less \x01 and \r; the colour codes stay.
    const line = [process.execPath, distMain, 'run', '--home', path.join(ws.dir, 'tty-home')].map((a) => `'${a}'`).join(' ');
    const tty = await new Promise<{ code: number | null; stdout: string }>((resolve) => {
      execFile('script', ['-qec', line, '/dev/null'], { cwd: ws.dir, env: { ...cleanEnv(), TERM: 'xterm', NO_COLOR: '1', CI: '1' } }, (err, stdout) =>
        resolve({ code: err ? (typeof err.code === 'number' ? err.code : null) : 0, stdout }),
      );
    });
    expect(tty.code).toBe(0);
    expect(tty.stdout).toContain('\r\nbytes │ h\u00e9llo \u2713 \u001b[31mred\u001b[0m|end\r\nbytes │ last \u{1F600}\r\n');
  });

  it('cuts a line longer than 64 KiB into pieces between UTF-8 characters, never inside one', async ({ expect }) => {
    // One byte, then 100,001 two-byte characters (é), no newline: 64 KiB pieces would end inside a character.
    const ws = workspace(`tasks:
  - id: e
    cmd: "printf a; head -c 100001 /dev/zero | tr '\\\\0' x | sed 's/x/\u00e9/g'"
`);
    const r = await ws.aad(['run']);
    expect(r.code, r.stderr).toBe(0);
    const want = 'a' + '\u00e9'.repeat(100_001);
    expect(ws.readLog(ws.onlyRun(), 'e', 1)).toBe(want);
    const pieces = r.stdout.split('\n').filter((l) => /^e │ [a\u00e9]/.test(l)).map((l) => l.slice(4));
    expect(pieces.length).toBeGreaterThan(1);
    expect(pieces.join('')).toBe(want);
  });

  it('masks secrets (plan env, defaults.env, aad env; split across writes) everywhere aad writes or prints', async ({ expect }) => {
    const yaml = `on_escalation: 'cat >> hook-records.jsonl'
defaults:
  env:
    DB_PASSWORD: hunter2-pass
tasks:
  - id: leak
    retries: 1
    env:
      MY_TOKEN: s3cr3t-value
    cmd: |
      test "$MY_TOKEN" = s3cr3t-value && test "$API_KEY" = "ak-live-$((4000 + 242))" && test "$DB_PASSWORD" = hunter2-pass && echo env-ok
      echo "token=$MY_TOKEN"
      printf 's3cr3'; sleep 0.1; printf 't-value\\n'
      echo "key=$API_KEY"
      printf 'ak-'; sleep 0.1; printf 'live-%s\\n' $((4000 + 242))
      echo "pw=$DB_PASSWORD"
      exit 1
  - id: leak-err
    cmd: 'echo "key=$API_KEY" >&2; echo "pw=$DB_PASSWORD" >&2; echo "pw=$DB_PASSWORD"'
  - id: bad-cwd
    cwd: s3cr3t-value-dir
    cmd: 'true'
`;
    const ws = workspace(yaml);
    const env = { API_KEY: 'ak-live-4242' };
    const planSecrets = ['s3cr3t-value', 'hunter2-pass'];
    const allSecrets = [...planSecrets, 'ak-live-4242'];
    const [run, jsonRun] = await Promise.all([ws.aad(['run'], { env }), ws.aad(['run', '--json'], { env })]);
    expect(run!.code, run!.stderr).toBe(3);
    expect(jsonRun!.code, jsonRun!.stderr).toBe(3);
    const [first, second] = ws.runIds();
    const inspect = [['status'], ['status', '--json'], ['status', first!], ['logs', first!, '--task', 'leak'], ['logs', first!, '--task', 'leak', '--attempt', '1'], ['logs', first!], ['runs'], ['runs', '--json']];
    const outputs = [run!, jsonRun!, ...(await Promise.all(inspect.map((args) => ws.aad(args, { env }))))];
    for (const [i, args] of inspect.entries()) expect(outputs[i + 2]!.code, args.join(' ')).toBe(0);
    for (const r of outputs) {
      for (const secret of allSecrets) {
        expect(r.stdout).not.toContain(secret);
        expect(r.stderr).not.toContain(secret);
      }
    }
    // Masked where it was, and the task did see the real values.
    const masked = 'env-ok\ntoken=***\n***\nkey=***\n***\npw=***\n';
    for (const id of [first!, second!]) {
      expect(ws.readLog(id, 'leak', 1)).toBe(masked);
      expect(ws.readLog(id, 'leak', 2)).toBe(masked);
      expect(ws.readLog(id, 'leak-err', 1).split('\n').sort()).toEqual(['', 'key=***', 'pw=***', 'pw=***']);
    }
    expect(run!.stdout).toContain('leak     │ token=***\nleak     │ ***\nleak     │ key=***\nleak     │ ***\n');
    const s = await ws.status(first);
    expect(byId(s)['bad-cwd']!.reason).toBe(`spawn failed: working directory does not exist: ${ws.dir}/***-dir`);
    const esc = JSON.parse(fs.readFileSync(path.join(ws.runDir(first!), 'escalations', 'leak.json'), 'utf8')) as { log_tail: string[] }[];
    expect(esc.at(-1)!.log_tail).toEqual(masked.trimEnd().split('\n'));

    // Every file under the home; plan.yaml alone keeps the plan as written (resume needs it).
    const files = filesUnder(ws.home);
    expect(files.length).toBeGreaterThan(10);
    for (const f of files) {
      const text = fs.readFileSync(f, 'utf8');
      const allowed = path.basename(f) === 'plan.yaml' ? planSecrets : [];
      for (const secret of allSecrets) if (!allowed.includes(secret)) expect(text, f).not.toContain(secret);
    }
    for (const id of [first!, second!]) expect(fs.readFileSync(path.join(ws.runDir(id), 'plan.yaml'), 'utf8')).toBe(yaml);
    // What the escalation hook was given is masked too.
    const hook = fs.readFileSync(path.join(ws.dir, 'hook-records.jsonl'), 'utf8');
    expect(hook.trim().split('\n')).toHaveLength(6);
    for (const secret of allSecrets) expect(hook).not.toContain(secret);
  });

  it('--json: stdout is only the SPEC events as JSON lines, in order, run_finished last', async ({ expect }) => {
    const ws = workspace(`tasks:
  - id: a
    cmd: 'echo task output must not reach stdout'
  - id: b
    depends_on: [a]
    retries: 1
    cmd: 'echo b fails; exit 2'
  - id: c
    depends_on: [b]
    cmd: 'true'
`);
    const r = await ws.aad(['run', '--json']);
    expect(r.code, r.stderr).toBe(3);
    expect(r.stderr).toBe('');
    expect(r.stdout.endsWith('\n')).toBe(true);
    const lines = r.stdout.slice(0, -1).split('\n');
    const events = lines.map((l) => JSON.parse(l) as JournalEvent);
    for (const e of events) {
      expect(e.ts).toMatch(ISO);
      expect(typeof e.event).toBe('string');
    }
    expect(events.map((e) => [e.event, e.task ?? null])).toEqual([
      ['run_started', null],
      ['task_started', 'a'],
      ['task_decided', 'a'],
      ['task_succeeded', 'a'],
      ['task_started', 'b'],
      ['task_decided', 'b'],
      ['task_retrying', 'b'],
      ['escalation', 'b'],
      ['task_started', 'b'],
      ['task_decided', 'b'],
      ['task_failed', 'b'],
      ['escalation', 'b'],
      ['task_skipped', 'c'],
      ['run_finished', null],
    ]);
    const id = ws.onlyRun();
    expect(events[0]).toMatchObject({ run_id: id, plan: ws.plan, tasks: ['a', 'b', 'c'] });
    expect(events[1]).toMatchObject({ task: 'a', attempt: 1 });
    expect(events[2]).toMatchObject({ task: 'a', attempt: 1, outcome: 'success', decision: 'succeed', reason: 'succeeded' });
    expect(events[3]).toMatchObject({ task: 'a', attempt: 1, duration_ms: expect.any(Number) });
    expect(events[5]).toMatchObject({ task: 'b', attempt: 1, outcome: 'failure', decision: 'retry', reason: 'exit code 2', delay_ms: 0 });
    expect(events[6]).toMatchObject({ task: 'b', attempt: 1, delay_ms: 0, reason: 'exit code 2' });
    expect(events[7]).toMatchObject({ level: 'warning', reason: expect.any(String) });
    expect(events[8]).toMatchObject({ task: 'b', attempt: 2 });
    expect(events[9]).toMatchObject({ task: 'b', attempt: 2, outcome: 'failure', decision: 'fail', reason: 'exit code 2' });
    expect(events[10]).toMatchObject({ task: 'b', attempts: 2, reason: 'exit code 2' });
    expect(events[11]).toMatchObject({ level: 'error', reason: 'failed for good after 2 attempts: exit code 2' });
    expect(events[12]).toMatchObject({ reason: 'dependency b failed' });
    expect(events[13]).toMatchObject({ state: 'failed', exit_code: 3, counts: counts({ succeeded: 1, failed: 1, skipped: 1 }) });
    // Timestamps never go back.
    const ts = events.map((e) => Date.parse(e.ts));
    expect([...ts].sort((x, y) => x - y)).toEqual(ts);
  });

  it('--quiet prints only the summary; the log still gets stdout and stderr', async ({ expect }) => {
    const ws = workspace(`tasks:
  - id: one
    cmd: 'echo one'
  - id: two
    cmd: 'echo out-1; echo err-1 >&2; echo out-2; echo err-2 >&2'
`);
    const r = await ws.aad(['run', '--quiet']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe('');
    const id = ws.onlyRun();
    expect(normDurations(r.stdout)).toBe(`\nRun ${id} succeeded in <d>: 2 succeeded, 0 failed, 0 skipped, 0 cancelled (exit 0)\n  status: aad status ${id}\n`);
    // stdout and stderr of an attempt go to its one log, interleaved in order.
    expect(ws.readLog(id, 'two', 1)).toBe('out-1\nerr-1\nout-2\nerr-2\n');
  });

  it('--only (alias --specs) runs those tasks and their dependencies; the others are not part of the run', async ({ expect }) => {
    const ws = workspace(`tasks:
  - id: a
    cmd: 'true'
  - id: b
    depends_on: [a]
    cmd: 'true'
  - id: c
    cmd: 'true'
  - id: d
    depends_on: [c]
    cmd: 'true'
  - id: e
    depends_on: [b, d]
    cmd: 'exit 1'
`);
    const only = await ws.aad(['run', '--only', 'b', '--quiet']);
    expect(only.code, only.stderr).toBe(0);
    const [first] = ws.runIds();
    const s1 = await ws.status(first);
    expect(s1.tasks.map((t) => [t.id, t.state])).toEqual([
      ['a', 'succeeded'],
      ['b', 'succeeded'],
    ]);
    expect(s1.counts).toEqual(counts({ succeeded: 2 }));

    const specs = await ws.aad(['run', '--specs', 'd,a', '--quiet']);
    expect(specs.code, specs.stderr).toBe(0);
    const second = ws.runIds().find((i) => i !== first)!;
    const s2 = await ws.status(second);
    expect(s2.tasks.map((t) => t.id)).toEqual(['a', 'c', 'd']);
    expect(ws.events(second)[0]).toMatchObject({ event: 'run_started', tasks: ['a', 'c', 'd'] });
    expect(fs.readdirSync(path.join(ws.runDir(second), 'logs')).sort()).toEqual(['a', 'c', 'd']);

    const unknown = await ws.aad(['run', '--only', 'nope']);
    expect(unknown).toMatchObject({ code: 2, stdout: '', stderr: 'aad: --only: unknown task "nope"; tasks: a, b, c, d, e\n' });
    expect(ws.runIds()).toHaveLength(2);
  });

  it('--dry-run prints the graph (as `aad graph`) and creates no run', async ({ expect }) => {
    const ws = workspace(`tasks:
  - id: lint
    cmd: 'exit 1'
  - id: build
    depends_on: [lint]
    cmd: 'touch built'
`);
    const r = await ws.aad(['run', '--dry-run']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe('');
    const graph = await runCli(['graph'], { cwd: ws.dir });
    expect(graph.code, graph.stderr).toBe(0);
    expect(r.stdout).toBe(graph.stdout);
    expect(r.stdout).toContain('lint');
    expect(r.stdout).toContain('build');
    expect(fs.existsSync(ws.home)).toBe(false);
    expect(fs.existsSync(path.join(ws.dir, 'built'))).toBe(false);
    expect(await ws.aad(['runs'])).toMatchObject({ code: 0, stdout: `no runs in ${ws.home}\n` });
  });

  it('runs 3 runs at once in one home: distinct ids, none touching the files of another', async ({ expect }) => {
    const ws = workspace(`tasks:
  - id: one
    cmd: 'touch "arrived-$AAD_RUN_ID"; i=0; while [ $(ls arrived-* | wc -l) -lt 3 ] && [ $i -lt 300 ]; do sleep 0.05; i=$((i+1)); done; echo "$AAD_RUN_ID"'
  - id: two
    depends_on: [one]
    cmd: 'echo "$AAD_RUN_ID $AAD_TASK_ID"'
`);
    const results = await Promise.all([1, 2, 3].map(() => ws.aad(['run', '--quiet'])));
    for (const r of results) expect(r.code, r.stderr).toBe(0);
    const ids = ws.runIds();
    expect(ids).toHaveLength(3);
    // Each summary names its own run.
    const named = results.map((r) => /Run (\S+) succeeded/.exec(r.stdout)?.[1]);
    expect([...named].sort()).toEqual(ids);
    const statuses = await Promise.all(ids.map((id) => ws.status(id)));
    for (const [i, id] of ids.entries()) {
      const dir = ws.runDir(id);
      expect(filesUnder(dir).map((f) => path.relative(dir, f))).toEqual(['events.jsonl', 'logs/one/1.log', 'logs/two/1.log', 'plan.yaml', 'runner.json']);
      expect(ws.readLog(id, 'one', 1)).toBe(`${id}\n`);
      expect(ws.readLog(id, 'two', 1)).toBe(`${id} two\n`);
      const events = ws.events(id);
      expect(events[0]).toMatchObject({ event: 'run_started', run_id: id });
      expect(events.filter((e) => e.event === 'run_started')).toHaveLength(1);
      expect(events.filter((e) => e.event === 'run_finished')).toHaveLength(1);
      expect(statuses[i]).toMatchObject({ run_id: id, state: 'succeeded', counts: counts({ succeeded: 2 }) });
    }
    // They did run at the same time: each first task waited for the other two to arrive.
    const latestStart = Math.max(...statuses.map((s) => Date.parse(s.started_at)));
    const earliestEnd = Math.min(...statuses.map((s) => Date.parse(s.ended_at!)));
    expect(latestStart).toBeLessThan(earliestEnd);

    // `runs --json`: the status objects without progress and tasks, newest first.
    const runs = await ws.aad(['runs', '--json']);
    expect(runs.code, runs.stderr).toBe(0);
    const list = JSON.parse(runs.stdout) as Record<string, unknown>[];
    expect(list.map((r) => r.run_id)).toEqual([...ids].reverse());
    for (const r of list) {
      expect(Object.keys(r)).toEqual(STATUS_KEYS);
      const { tasks: _tasks, progress: _progress, ...withoutTasks } = statuses.find((s) => s.run_id === r.run_id)!;
      expect(r).toEqual(withoutTasks);
    }
  });

  it('status, logs and runs of a finished run', async ({ expect }) => {
    const ws = workspace(`tasks:
  - id: ok
    cmd: 'printf "l1\\nl2\\nl3\\n"'
  - id: broken
    cmd: 'echo broken; exit 5'
`);
    const r = await ws.aad(['run', '--quiet']);
    expect(r.code, r.stderr).toBe(3);
    const id = ws.onlyRun();
    const s = await ws.status(id);
    expect(s).toMatchObject({ state: 'failed', exit_code: 3 });
    expect(await ws.status()).toEqual(s);

    const text = await ws.aad(['status', id]);
    expect(text.code, text.stderr).toBe(0);
    const lines = text.stdout.split('\n');
    expect(lines[0]).toMatch(new RegExp(`^Run ${id}  failed \\(exit 3\\)  \\d+(ms|\\.\\ds)$`));
    expect(lines[1]).toBe(`plan ${ws.plan}  ·  started ${s.started_at}`);
    expect(lines[2]).toBe('2/2 done, 100%  ·  1 succeeded, 1 failed, 0 skipped, 0 cancelled, 0 running, 0 pending');
    expect(lines[3]).toBe('');
    expect(lines[4]).toMatch(/^TASK +STATE +ATTEMPTS +DURATION +REASON$/);
    expect(lines[5]).toMatch(/^ok +succeeded +1 +\d+(ms|\.\ds)$/);
    expect(lines[6]).toMatch(/^broken +failed +1 +\d+(ms|\.\ds) +exit code 5$/);

    expect(await ws.aad(['logs', id, '--task', 'ok'])).toMatchObject({ code: 0, stdout: 'l1\nl2\nl3\n', stderr: '' });
    expect(await ws.aad(['logs', '--task', 'ok', '--tail', '2'])).toMatchObject({ code: 0, stdout: 'l2\nl3\n' });
    expect(await ws.aad(['logs', id])).toMatchObject({ code: 0, stdout: 'ok │ l1\nok │ l2\nok │ l3\nbroken │ broken\n' });

    const runs = await ws.aad(['runs']);
    expect(runs.code, runs.stderr).toBe(0);
    const rows = runs.stdout.trimEnd().split('\n');
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatch(/^RUN +STATE +STARTED +DURATION +TASKS$/);
    expect(rows[1]).toMatch(new RegExp(`^${id}  failed  \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\dZ  \\d+(ms|\\.\\ds) +1 ok, 1 failed$`));
  });

  it('status, logs --follow and runs on a RUNNING run', async ({ expect }) => {
    // The tasks wait for files the test creates, so the run is where the test wants it whatever the load.
    const waitFile = (f: string) => `i=0; while [ ! -e ${f} ]; do sleep 0.05; i=$((i+1)); if [ $i -gt 400 ]; then exit 9; fi; done`;
    const ws = workspace(`tasks:
  - id: slow
    cmd: 'echo first; ${waitFile('go-slow')}; echo later'
  - id: after
    depends_on: [slow]
    cmd: '${waitFile('go-after')}; echo after-done'
`);
    const touch = (f: string) => fs.writeFileSync(path.join(ws.dir, f), '');
    const run = ws.start(['run', '--quiet']);
    let runEnded = false;
    void run.done.then(() => (runEnded = true));

    const s = await waitFor('status to show slow running', async () => {
      // Until the run directory and its journal exist, status has no run to show (exit 2).
      const r = await ws.aad(['status', '--json']);
      if (r.code !== 0) return undefined;
      const st = JSON.parse(r.stdout) as RunStatus;
      return st.state === 'running' && st.tasks[0]?.state === 'running' ? st : undefined;
    });
    const id = s.run_id;
    expect(s).toMatchObject({ state: 'running', exit_code: null, ended_at: null, counts: counts({ running: 1, pending: 1 }) });
    expect(s.tasks[0]).toEqual({
      id: 'slow', parent: null, state: 'running', attempts: 1, exit_code: null, reason: null,
      started_at: expect.stringMatching(ISO), ended_at: null, duration_ms: null, rollback: null, artifacts: [],
    });
    expect(s.tasks[1]).toMatchObject({ id: 'after', state: 'pending', attempts: 0, started_at: null });

    const [pendingLog, runs, text] = await Promise.all([ws.aad(['logs', id, '--task', 'after']), ws.aad(['runs', '--json']), ws.aad(['status'])]);
    // A pending task has no log yet: nothing printed, exit 0.
    expect(pendingLog).toMatchObject({ code: 0, stdout: '', stderr: '' });
    expect(runs.code, runs.stderr).toBe(0);
    expect(JSON.parse(runs.stdout)).toEqual([expect.objectContaining({ run_id: id, state: 'running', exit_code: null, ended_at: null })]);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout.split('\n')[0]).toMatch(new RegExp(`^Run ${id}  running  \\d+(ms|\\.\\ds)$`));
    expect(text.stdout).toMatch(/\nslow +running +1 +\d+(ms|\.\ds)…\nafter +pending +0\n$/);

    // --follow prints what is there, then what comes later, and ends with the attempt (the run goes on).
    const follow = ws.start(['logs', id, '--task', 'slow', '--follow']);
    await waitFor('follow to print the first line', () => (follow.stdoutSoFar() === 'first\n' ? true : undefined));
    touch('go-slow');
    expect(await follow.done).toMatchObject({ code: 0, stdout: 'first\nlater\n', stderr: '' });
    expect(runEnded).toBe(false);
    const mid = await ws.status(id);
    expect(mid.state).toBe('running');
    expect(byId(mid).slow).toMatchObject({ state: 'succeeded', exit_code: 0 });
    expect(byId(mid).after!.state).toBe('running');

    touch('go-after');
    const done = await run.done;
    expect(done.code, done.stderr).toBe(0);
    expect(done.stdout).toMatch(new RegExp(`^\nRun ${id} succeeded in `));
    expect((await ws.status(id)).state).toBe('succeeded');
    expect(ws.readLog(id, 'slow', 1)).toBe('first\nlater\n');
    expect(ws.readLog(id, 'after', 1)).toBe('after-done\n');
  });

  it('unknown run id and unknown task id: exit 2 with a message listing what exists', async ({ expect }) => {
    const ws = workspace(`tasks:
  - id: alpha
    cmd: 'echo a'
  - id: beta
    cmd: 'echo b'
`);
    const runsDir = path.join(ws.home, 'runs');
    expect(await ws.aad(['status'])).toMatchObject({ code: 2, stdout: '', stderr: `aad: no runs in ${runsDir} (start one with \`aad run\`, or pass --home)\n` });
    expect((await ws.aad(['run', '--quiet'])).code).toBe(0);
    const id = ws.onlyRun();
    for (const cmd of [['status', '20200101-000000-zzzz'], ['logs', '20200101-000000-zzzz', '--task', 'alpha']]) {
      expect(await ws.aad(cmd)).toMatchObject({ code: 2, stdout: '', stderr: `aad: unknown run id "20200101-000000-zzzz" in ${runsDir}; recent runs: ${id}\n` });
    }
    expect(await ws.aad(['logs', id, '--task', 'gamma'])).toMatchObject({ code: 2, stdout: '', stderr: `aad: run ${id} has no task "gamma"; tasks: alpha, beta\n` });
    expect(await ws.aad(['logs', id, '--task', 'alpha', '--attempt', '2'])).toMatchObject({ code: 2, stdout: '', stderr: `aad: task "alpha" has 1 attempt in run ${id}; no attempt 2\n` });
  });

  it('invalid plans and invalid usage exit 2 and create no run', async ({ expect }) => {
    const ws = workspace(`tasks:
  - id: a
    cmd: 'true'
    timeout: 5
`);
    const invalid = await ws.aad(['run']);
    expect(invalid.code, invalid.stderr).toBe(2);
    expect(invalid.stdout).toBe('');
    expect(invalid.stderr).toContain('aad.yaml:4:5  tasks[0].timeout  unknown key "timeout" (did you mean "timeout_sec"?)');
    writePlan(ws.dir, "tasks:\n  - id: a\n    cmd: 'true'\n", 'ok.yaml');
    expect(await ws.aad(['run', 'ok.yaml', '--max-parallel', '0'])).toMatchObject({ code: 2, stderr: 'aad: --max-parallel must be a whole number >= 1, not "0"\n' });
    expect(await ws.aad(['run', 'ok.yaml', '--json', '--quiet'])).toMatchObject({ code: 2, stderr: 'aad: --json and --quiet cannot be used together\n' });
    expect(await ws.aad(['run', 'ok.yaml', '--workdir', 'nope'])).toMatchObject({ code: 2, stderr: 'aad: --workdir nope: no such directory\n' });
    const unknownFlag = await ws.aad(['run', 'ok.yaml', '--max-paralel', '2']);
    expect(unknownFlag.code, unknownFlag.stderr).toBe(2);
    expect(unknownFlag.stderr).toContain('unknown flag "--max-paralel"');
    expect(ws.runIds()).toEqual([]);
  });

  it('finds the run in ./.aad by default, and under AAD_HOME', async ({ expect }) => {
    const dir = tmpDir('aad-e2e-run-');
    dirs.push(dir);
    writePlan(path.join(dir, 'sub'), "tasks:\n  - id: a\n    cmd: 'pwd'\n");
    const r = await runCli(['run', 'sub/aad.yaml', '--quiet'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    const ids = fs.readdirSync(path.join(dir, '.aad', 'runs'));
    expect(ids).toHaveLength(1);
    const s = JSON.parse((await runCli(['status', '--json'], { cwd: dir })).stdout) as RunStatus;
    expect(s).toMatchObject({ run_id: ids[0], state: 'succeeded', workdir: path.join(dir, 'sub'), plan_path: path.join(dir, 'sub', 'aad.yaml') });
    expect(fs.readFileSync(path.join(dir, '.aad', 'runs', ids[0]!, 'logs', 'a', '1.log'), 'utf8')).toBe(`${path.join(dir, 'sub')}\n`);

    const env = { AAD_HOME: path.join(dir, 'elsewhere') };
    expect((await runCli(['run', 'sub/aad.yaml', '--quiet'], { cwd: dir, env })).code).toBe(0);
    expect(fs.readdirSync(path.join(dir, 'elsewhere', 'runs'))).toHaveLength(1);
    expect(fs.readdirSync(path.join(dir, '.aad', 'runs'))).toHaveLength(1);
  });

  it('--fail-fast: exit 3, the running independent task ends cancelled, the failed task\'s dependents skipped', async ({ expect }) => {
    const ws = workspace(`tasks:
  - id: bad
    cmd: 'sleep 0.3; exit 1'
  - id: dep
    depends_on: [bad]
    cmd: 'true'
  - id: long
    cmd: 'echo long-started; sleep 20'
  - id: after-long
    depends_on: [long]
    cmd: 'true'
`);
    const r = await ws.aad(['run', '--fail-fast', '--max-parallel', '4']);
    expect(r.code, r.stderr).toBe(3);
    const s = await ws.status();
    expect(s).toMatchObject({ state: 'failed', exit_code: 3, counts: counts({ failed: 1, skipped: 1, cancelled: 2 }) });
    const t = byId(s);
    expect(t.bad).toMatchObject({ state: 'failed', attempts: 1, exit_code: 1, reason: 'exit code 1' });
    expect(t.dep).toMatchObject({ state: 'skipped', attempts: 0, reason: 'dependency bad failed' });
    expect(t.long).toMatchObject({ state: 'cancelled', attempts: 1, reason: 'fail-fast: another task failed' });
    // Stopped, not left to finish its `sleep 20`.
    expect(t.long!.duration_ms).toBeLessThan(10_000);
    expect(t['after-long']).toMatchObject({ state: 'cancelled', attempts: 0, reason: 'fail-fast: another task failed' });
    expect(r.stdout).toContain('Cancelled (2): long, after-long\n');
  });
});
