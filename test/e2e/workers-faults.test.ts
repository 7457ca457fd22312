// Faults injected by PID into runs on workers (a real redis-server, real `aad worker` processes), with a lease of
// 2 s: a worker killed with -9 or stopped (SIGSTOP) past its lease, Redis killed mid-run, the runner killed
// mid-run. After each: the attempt is recorded lost and retried (or the run stops resumable), no task ran twice
// at once for longer than the lease, nothing of a task is left alive, the final states and exit codes are right.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, it } from 'vitest';
import { processGone, runCli, startCli, tmpDir, waitFor, writePlan, type CliResult } from '../helpers/cli.js';
import { KEY, skipWithoutRedis, startRedis, startWorker, workerReady, type RedisServer, type WorkerProcess } from '../helpers/redis.js';
import { readProcStat } from '../../src/store/proc.js';
import type { RunStatusJson } from '../../src/report/status.js';

const LEASE_SEC = 2;
let shared: RedisServer;
let root: string;

beforeAll(async () => {
  if (skipWithoutRedis) return;
  root = tmpDir('aad-e2e-worker-faults-');
  shared = await startRedis();
});

type Event = { event: string; task?: string; attempt?: number; pid?: number; reason?: string; [k: string]: unknown };

async function workspace(name: string, yaml: string, onEnd: (f: () => Promise<void>) => void, opts: { workers?: number; redis?: RedisServer; leaseSec?: number } = {}) {
  const redis = opts.redis ?? shared;
  const dir = path.join(root, name);
  fs.mkdirSync(dir, { recursive: true });
  const home = path.join(dir, 'home');
  writePlan(dir, yaml);
  const env = { AAD_WORKER_KEY: KEY, AAD_WORKER_LEASE_SEC: String(opts.leaseSec ?? LEASE_SEC), NODE_EXTRA_CA_CERTS: undefined };
  const ws = {
    dir,
    home,
    workers: [] as WorkerProcess[],
    aad: (...args: string[]): Promise<CliResult> => runCli([...args, '--home', home], { cwd: dir, env }),
    start: (...args: string[]) => startCli([...args, '--home', home, '--redis', redis.url, '--queue', name], { cwd: dir, env, timeoutMs: 40_000 }),
    remote: (...args: string[]) => runCli([...args, '--home', home, '--redis', redis.url, '--queue', name], { cwd: dir, env, timeoutMs: 40_000 }),
    async status(): Promise<RunStatusJson> {
      const r = await ws.aad('status', '--json');
      if (r.code !== 0) throw new Error(`aad status exited ${r.code}: ${r.stderr}`);
      return JSON.parse(r.stdout) as RunStatusJson;
    },
    events(): Event[] {
      const runs = fs.readdirSync(path.join(home, 'runs'));
      return fs.readFileSync(path.join(home, 'runs', runs[0]!, 'events.jsonl'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Event);
    },
    /** The task's pid on its worker, once a worker took attempt `attempt`. */
    remotePid: (task: string, attempt: number) =>
      waitFor(`${task} attempt ${attempt} on a worker`, () => {
        try {
          return ws.events().find((e) => e.event === 'task_on_worker' && e.task === task && e.attempt === attempt)?.pid;
        } catch {
          return undefined;
        }
      }, 15_000),
    /** The worker process running the task whose pid is `pid` (its parent). */
    workerOf(pid: number): WorkerProcess {
      const ppid = Number(fs.readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ')[1]);
      const w = ws.workers.find((x) => x.pid === ppid);
      if (!w) throw new Error(`no worker is the parent (${ppid}) of ${pid}`);
      return w;
    },
  };
  for (let i = 0; i < (opts.workers ?? 2); i++) ws.workers.push(startWorker(redis.url, dir, { args: ['--queue', name] }));
  onEnd(async () => {
    for (const w of ws.workers) {
      w.child.kill('SIGCONT');
      w.child.kill('SIGKILL');
    }
    await Promise.all(ws.workers.map((w) => w.exited));
  });
  await Promise.all(ws.workers.map(workerReady));
  return ws;
}

/** Attempt 1 runs until killed, ticking into `ticks` (time in ms); attempt 2 and later write a line and succeed. */
const FIRST_HANGS = `tasks:
  - id: job
    retries: 2
    cmd: 'if [ "$AAD_ATTEMPT" = 1 ]; then while :; do echo "a1 $(date +%s%3N)" >> ticks; echo tick1; sleep 0.1; done; else echo "a$AAD_ATTEMPT start $(date +%s%3N)" >> ticks; echo second; sleep 0.3; fi'
`;

function ticks(dir: string): { first: number[]; secondStart: number | undefined } {
  const lines = fs.readFileSync(path.join(dir, 'ticks'), 'utf8').split('\n').filter(Boolean);
  return {
    first: lines.filter((l) => l.startsWith('a1 ')).map((l) => Number(l.split(' ')[1])),
    secondStart: lines.filter((l) => /^a\d+ start /.test(l)).map((l) => Number(l.split(' ')[2]))[0],
  };
}

describe.skipIf(skipWithoutRedis).concurrent('workers: faults', () => {
  it('kill -9 of the worker mid-task: the attempt is recorded "worker <host> lost" and retried on another worker', async ({ expect, onTestFinished }) => {
    const ws = await workspace('kill9', FIRST_HANGS, onTestFinished);
    const run = ws.start('run');
    const pid = await ws.remotePid('job', 1);
    const victim = ws.workerOf(pid);
    await waitFor('a tick', () => (fs.existsSync(path.join(ws.dir, 'ticks')) ? true : undefined));
    victim.child.kill('SIGKILL');
    const r = await run.done;
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const events = ws.events();
    const retry = events.find((e) => e.event === 'task_retrying')!;
    expect(retry.reason).toMatch(/^worker \S+ lost$/);
    // The guard killed the task's group as soon as its worker's pipe closed.
    expect(processGone(pid)).toBe(true);
    const t = ticks(ws.dir);
    expect(t.secondStart).toBeDefined();
    expect(Math.max(...t.first)).toBeLessThan(t.secondStart!);
    const s = await ws.status();
    expect(s.tasks.map((x) => [x.state, x.attempts])).toEqual([['succeeded', 2]]);
    // The retry's log has the retry's output only.
    expect(fs.readFileSync(path.join(ws.home, 'runs', s.run_id, 'logs', 'job', '2.log'), 'utf8')).toBe('second\n');
  });

  it('a worker stopped (SIGSTOP) past its lease: its task is killed by the guard, retried elsewhere, and its late output dropped after SIGCONT', async ({ expect, onTestFinished }) => {
    const ws = await workspace('sigstop', FIRST_HANGS, onTestFinished);
    const run = ws.start('run');
    const pid = await ws.remotePid('job', 1);
    const victim = ws.workerOf(pid);
    // Some of its output has reached the runner's log.
    await waitFor('a tick in the log', () => {
      const runs = fs.readdirSync(path.join(ws.home, 'runs'));
      const log = path.join(ws.home, 'runs', runs[0]!, 'logs', 'job', '1.log');
      return fs.existsSync(log) && fs.readFileSync(log, 'utf8').includes('tick1') ? true : undefined;
    });
    victim.child.kill('SIGSTOP');
    const r = await run.done;
    expect(r.code, r.stdout + r.stderr).toBe(0);
    // Killed by its guard while its worker was stopped: before the retry started, not after.
    expect(processGone(pid)).toBe(true);
    const t = ticks(ws.dir);
    expect(Math.max(...t.first) - t.secondStart!).toBeLessThan(LEASE_SEC * 1000);
    victim.child.kill('SIGCONT');
    // Continued, the worker learns that its guard stopped the task meanwhile; what it still sends of it is dropped.
    await waitFor('the continued worker to tell of its guard', () => (/the guard stopped the running tasks: this worker was stopped or cut off/.test(victim.output()) ? true : undefined), 10_000);
    const s = await ws.status();
    expect(s.tasks.map((x) => [x.state, x.attempts])).toEqual([['succeeded', 2]]);
    expect(ws.events().find((e) => e.event === 'task_retrying')?.reason).toMatch(/^worker \S+ lost$/);
    expect(fs.readFileSync(path.join(ws.home, 'runs', s.run_id, 'logs', 'job', '2.log'), 'utf8')).toBe('second\n');
    // The first attempt's log holds only its own ticks.
    expect(fs.readFileSync(path.join(ws.home, 'runs', s.run_id, 'logs', 'job', '1.log'), 'utf8')).toMatch(/^(tick1\n)+$/);
  });

  it('Redis killed mid-run: the run stops (exit 1) resumable, the remote task is killed; resume once Redis is back', async ({ expect, onTestFinished }) => {
    const redis = await startRedis();
    const ws = await workspace(
      'redis-down',
      `tasks:
  - id: job
    cmd: 'if [ "$AAD_ATTEMPT" = 1 ]; then sleep 30; else echo resumed; fi'
`,
      onTestFinished,
      { redis, workers: 1 },
    );
    const run = ws.start('run');
    const pid = await ws.remotePid('job', 1);
    redis.child.kill('SIGKILL');
    const r = await run.done;
    expect(r.code, r.stdout + r.stderr).toBe(1);
    expect(r.stderr).toContain(`lost the connection to Redis at ${redis.url}`);
    expect((await ws.status()).state).toBe('interrupted');
    // The worker could not renew its lease: its task was stopped (fenced).
    await waitFor('the remote task to be gone', () => (processGone(pid) ? true : undefined), 10_000);
    await redis.restart();
    const again = await ws.remote('resume');
    expect(again.code, again.stdout + again.stderr).toBe(0);
    const s = await ws.status();
    expect(s.tasks.map((x) => [x.state, x.attempts])).toEqual([['succeeded', 2]]);
  });

  it('the runner killed mid-run: resume needs --redis, then has the workers kill what the dead run left before it goes on', async ({ expect, onTestFinished }) => {
    const ws = await workspace(
      'runner-dies',
      `tasks:
  - id: job
    cmd: 'if [ "$AAD_ATTEMPT" = 1 ]; then trap "" TERM; sleep 30; else echo resumed; fi'
    kill_grace_sec: 0.5
`,
      onTestFinished,
      // A lease of 5 s: the dead runner's session (3 leases) outlives the steps below even on a loaded machine, so
      // what stops the task is the resume's word to the workers, not the session lapsing (the queued-job test's path).
      { workers: 1, leaseSec: 5 },
    );
    const run = ws.start('run');
    const pid = await ws.remotePid('job', 1);
    run.child.kill('SIGKILL');
    await run.done;
    expect((await ws.status()).state).toBe('interrupted');
    expect((await ws.aad('status')).stdout).toMatch(/job \(on \S+\) ran on workers: `aad resume \S+ --redis URL` has them stopped first/);
    const refused = await ws.aad('resume');
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/had 1 task\(s\) sent to workers \(\S+:job:1\) through unix:\/\/\S+, queue runner-dies: resume it with --redis/);
    expect(readProcStat(pid)?.state).not.toBe('Z');
    const r = await ws.remote('resume');
    expect(r.code, r.stdout + r.stderr).toBe(0);
    // Stopped (SIGKILL after its grace: it ignores SIGTERM) before the resume ran it again.
    expect(processGone(pid)).toBe(true);
    const s = await ws.status();
    expect(s.tasks.map((x) => [x.state, x.attempts])).toEqual([['succeeded', 2]]);
    expect(ws.workers[0]!.output(), ws.workers[0]!.output() + r.stdout).toMatch(/stop \S+:job:1: its run was resumed elsewhere/);
  });
  it('a worker asked to stop (SIGTERM) lets its task run for its grace, then stops it: "worker <host> shut down", retried elsewhere', async ({ expect, onTestFinished }) => {
    const ws = await workspace(
      'sigterm',
      `tasks:
  - id: job
    retries: 1
    kill_grace_sec: 0.5
    cmd: 'if [ "$AAD_ATTEMPT" = 1 ]; then sleep 30; else echo second; fi'
`,
      onTestFinished,
    );
    const run = ws.start('run');
    const pid = await ws.remotePid('job', 1);
    const leaving = ws.workerOf(pid);
    leaving.child.kill('SIGTERM');
    expect(await leaving.exited).toBe(0);
    expect(leaving.output()).toContain('SIGTERM: finishing 1 running task(s), taking no more');
    expect(processGone(pid)).toBe(true);
    const r = await run.done;
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(ws.events().find((e) => e.event === 'task_retrying')?.reason).toMatch(/^worker \S+ shut down$/);
    const s = await ws.status();
    expect(s.tasks.map((x) => [x.state, x.attempts])).toEqual([['succeeded', 2]]);
  });
  it('aad cancel of a run whose runner died: with --redis its workers stop what it left; without, it says what may still run', async ({ expect, onTestFinished }) => {
    const plan = `tasks:
  - id: job
    cmd: 'sleep 30'
`;
    // A lease of 5 s: the dead runners' sessions do not lapse (which would stop the tasks anyway) during the test.
    const [withRedis, without] = await Promise.all([
      workspace('cancel-redis', plan, onTestFinished, { workers: 1, leaseSec: 5 }),
      workspace('cancel-bare', plan, onTestFinished, { workers: 1, leaseSec: 5 }),
    ]);
    const runs = [withRedis.start('run'), without.start('run')];
    const pids = await Promise.all([withRedis.remotePid('job', 1), without.remotePid('job', 1)]);
    for (const r of runs) r.child.kill('SIGKILL');
    await Promise.all(runs.map((r) => r.done));
    const idOf = (ws: { home: string }) => fs.readdirSync(path.join(ws.home, 'runs'))[0]!;
    const c1 = await withRedis.remote('cancel', idOf(withRedis));
    expect(c1.code, c1.stderr).toBe(0);
    expect(c1.stdout).toMatch(/its attempts on workers were stopped: \S+:job:1/);
    expect(processGone(pids[0]!)).toBe(true);
    expect((await withRedis.status()).state).toBe('cancelled');
    const c2 = await without.aad('cancel', idOf(without));
    expect(c2.code, c2.stderr).toBe(0);
    expect(c2.stderr).toMatch(/\S+:job:1 may still run on workers: `aad cancel \S+ --redis URL`/);
    expect(processGone(pids[1]!)).toBe(false);
    process.kill(-pids[1]!, 'SIGKILL');
    expect((await without.status()).state).toBe('cancelled');
  });
  it('a job still queued when its runner died: resume needs --redis, and no worker ever runs that job after', async ({ expect, onTestFinished }) => {
    const ws = await workspace('queued', `tasks:\n  - id: job\n    cmd: 'echo "$AAD_ATTEMPT" >> ran'\n`, onTestFinished, { workers: 0 });
    const run = ws.start('run');
    await waitFor('the attempt to be queued', () => {
      try {
        return ws.events().some((e) => e.event === 'task_started') ? true : undefined;
      } catch {
        return undefined;
      }
    });
    await new Promise((r) => setTimeout(r, 300));
    run.child.kill('SIGKILL');
    await run.done;
    const refused = await ws.aad('resume');
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/had 1 task\(s\) sent to workers \(\S+:job:1\)/);
    // The dead runner's session lapses (3 leases): a worker that comes along then refuses its queued job.
    const runId = fs.readdirSync(path.join(ws.home, 'runs'))[0]!;
    await waitFor('the dead session to lapse', () => (execFileSync('redis-cli', ['-s', shared.socket, 'EXISTS', `aadw:queued:session:${runId}`], { encoding: 'utf8' }).trim() === '0' ? true : undefined), 15_000, 200);
    const w = startWorker(shared.url, ws.dir, { args: ['--queue', 'queued'] });
    ws.workers.push(w);
    await workerReady(w);
    await waitFor('the old job to be refused', () => (/refuse \S+:job:1: its run session is over/.test(w.output()) ? true : undefined), 5000).catch(() => {
      throw new Error(w.output());
    });
    const r = await ws.remote('resume');
    expect(r.code, r.stdout + r.stderr).toBe(0);
    // Attempt 2 ran, once; attempt 1 never did.
    expect(fs.readFileSync(path.join(ws.dir, 'ran'), 'utf8')).toBe('2\n');
  });
});
