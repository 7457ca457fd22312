// Workers on BullMQ and a real Redis (test/helpers/redis.ts), through the built CLI: the same states, logs, exit
// codes, outputs and outcome files as a local run; signatures; cancel and timeouts enforced on the worker;
// what is refused before a run starts. One worker runs under `unshare -n`: it shares nothing with the runner but
// the Redis socket and the checkout.
import { execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, it } from 'vitest';
import { cleanEnv, distMain, processGone, runCli, startCli, tmpDir, waitFor, writePlan, type CliResult } from '../helpers/cli.js';
import { KEY, haveUnshare, skipWithoutRedis, startRedis, startRedisTls, startWorker, workerReady, type RedisServer, type WorkerProcess } from '../helpers/redis.js';
import type { RunStatusJson } from '../../src/report/status.js';

let redis: RedisServer;
/** The worker tests' folders: each test's checkout under it, its own queue and workers. */
let root: string;

beforeAll(async () => {
  if (skipWithoutRedis) return;
  root = tmpDir('aad-e2e-workers-');
  redis = await startRedis();
});

/**
 * A test's checkout (its plan, the runner's workdir) and its own queue, with `n` workers whose workdir is that
 * checkout (the first under `unshare -n` where it can), stopped (SIGTERM) when the test ends.
 */
async function workspace(name: string, yaml: string, onEnd: (f: () => Promise<void>) => void, n = 2) {
  const dir = path.join(root, name);
  fs.mkdirSync(dir, { recursive: true });
  const home = path.join(dir, 'home');
  writePlan(dir, yaml);
  const ws = {
    dir,
    home,
    queue: name,
    workers: [] as WorkerProcess[],
    aad: (...args: string[]): Promise<CliResult> => runCli([...args, '--home', home], { cwd: dir, env: { AAD_WORKER_KEY: KEY, NODE_EXTRA_CA_CERTS: undefined } }),
    start: (...args: string[]) => startCli([...args, '--home', home], { cwd: dir, env: { AAD_WORKER_KEY: KEY, NODE_EXTRA_CA_CERTS: undefined } }),
    remote: (...args: string[]) => ws.aad(...args, '--redis', redis.url, '--queue', name),
    async status(): Promise<RunStatusJson> {
      const r = await ws.aad('status', '--json');
      if (r.code !== 0) throw new Error(`aad status exited ${r.code}: ${r.stderr}`);
      return JSON.parse(r.stdout) as RunStatusJson;
    },
    events(runId: string): { event: string; task?: string; [k: string]: unknown }[] {
      return fs.readFileSync(path.join(home, 'runs', runId, 'events.jsonl'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
    },
    log: (runId: string, task: string, attempt = 1) => fs.readFileSync(path.join(home, 'runs', runId, 'logs', task, `${attempt}.log`)),
  };
  for (let i = 0; i < n; i++) ws.workers.push(startWorker(redis.url, dir, { unshare: i === 0 && haveUnshare, args: ['--queue', name, '--concurrency', '4'] }));
  onEnd(async () => {
    for (const w of ws.workers) w.child.kill('SIGTERM');
    await Promise.all(ws.workers.map((w) => w.exited));
  });
  await Promise.all(ws.workers.map(workerReady));
  return ws;
}

describe.skipIf(skipWithoutRedis).concurrent('aad run --redis: tasks on workers', () => {
  it('gives the same states, reasons, logs, outputs and exit code as a local run; local: true stays here', async ({ expect, onTestFinished }) => {
    const ws = await workspace(
      'same',
      `tasks:
  - id: hello
    cmd: 'echo "out $AAD_TASK_ID"; echo "err line" >&2; printf "no newline"'
  - id: build
    depends_on: [hello]
    cmd: 'mkdir -p dist/sub && echo one > dist/a.txt && echo two > dist/sub/b.txt && echo built'
    outputs: ["dist/**"]
  - id: flaky
    depends_on: [hello]
    retries: 2
    cmd: 'n=$(cat tries 2>/dev/null || echo 0); n=$((n+1)); echo $n > tries; echo "try $n"; [ $n -ge 2 ]'
  - id: decides
    depends_on: [hello]
    cmd: 'echo "{\\"outcome\\": \\"blocked\\", \\"reason\\": \\"needs a person\\"}" > "$AAD_OUTCOME"'
  - id: broken
    cmd: exit 7
  - id: after
    depends_on: [broken]
    cmd: 'true'
  - id: here
    local: true
    cmd: 'echo "worker=\${AAD_WORKER:-none}"'
`,
      onTestFinished,
    );
    const remote = await ws.remote('run');
    expect(remote.code, remote.stdout + remote.stderr).toBe(3);
    const s = await ws.status();
    const rows = s.tasks.map((t) => [t.id, t.state, t.attempts, t.reason, t.artifacts]);
    // The same plan locally, from a clean folder.
    fs.rmSync(path.join(ws.dir, 'tries'));
    fs.rmSync(path.join(ws.dir, 'dist'), { recursive: true });
    const local = await ws.aad('run');
    expect(local.code).toBe(3);
    const l = await ws.status();
    expect(rows).toEqual(l.tasks.map((t) => [t.id, t.state, t.attempts, t.reason, t.artifacts]));
    expect(rows).toEqual([
      ['hello', 'succeeded', 1, null, []],
      ['build', 'succeeded', 1, null, ['dist/a.txt', 'dist/sub/b.txt']],
      ['flaky', 'succeeded', 2, null, []],
      ['decides', 'blocked', 1, 'needs a person', []],
      ['broken', 'failed', 1, 'exit code 7', []],
      ['after', 'skipped', 0, 'dependency broken failed', []],
      ['here', 'succeeded', 1, null, []],
    ]);
    // Logs byte for byte; stderr in order; the artifacts' contents; where each ran.
    expect(ws.log(s.run_id, 'hello').toString()).toBe('out hello\nerr line\nno newline');
    expect(ws.log(s.run_id, 'flaky', 2).toString()).toBe('try 2\n');
    expect(fs.readFileSync(path.join(ws.home, 'runs', s.run_id, 'artifacts', 'build', 'dist', 'sub', 'b.txt'), 'utf8')).toBe('two\n');
    expect(ws.log(s.run_id, 'here').toString()).toBe('worker=none\n');
    const byTask = Object.fromEntries(s.tasks.map((t) => [t.id, t.worker]));
    expect(byTask.here).toBeUndefined();
    expect(byTask.hello?.job).toBe(`${s.run_id}:hello:1`);
    expect(byTask.flaky?.job).toBe(`${s.run_id}:flaky:2`);
    const on = ws.events(s.run_id).filter((e) => e.event === 'task_on_worker');
    expect(on.map((e) => e.task).sort()).toEqual(['broken', 'build', 'decides', 'flaky', 'flaky', 'hello']);
    expect(remote.stdout).toMatch(/hello +│ on worker \S+ \(pid \d+\)/);
    expect(remote.stdout).toContain(`on workers of queue same at ${redis.url}`);
  });

  it('streams a large binary output byte for byte, with secrets masked by the worker', async ({ expect, onTestFinished }) => {
    const ws = await workspace(
      'bytes',
      `tasks:
  - id: big
    env: { API_TOKEN: s3cr3t-value-xyz }
    cmd: 'head -c 3000000 /dev/urandom > blob; cat blob; echo; echo "token is $API_TOKEN"'
`,
      onTestFinished,
    );
    const r = await ws.remote('run', '--quiet');
    expect(r.code, r.stderr).toBe(0);
    const s = await ws.status();
    const log = ws.log(s.run_id, 'big');
    const blob = fs.readFileSync(path.join(ws.dir, 'blob'));
    const tail = Buffer.from('\ntoken is ***\n');
    // Masking may touch the random bytes only where they spell the secret (practically never): compare hashes.
    expect(log.length).toBe(blob.length + tail.length);
    expect(createHash('sha256').update(log.subarray(0, blob.length)).digest('hex')).toBe(createHash('sha256').update(blob).digest('hex'));
    expect(log.subarray(blob.length).toString()).toBe(tail.toString());
  });

  it('refuses a job signed with another key: the attempt fails "rejected by worker <host>: bad signature"', async ({ expect, onTestFinished }) => {
    // Its only worker has another key.
    const ws = await workspace('badsig', 'tasks:\n  - id: t\n    cmd: touch ran\n', onTestFinished, 0);
    const w = startWorker(redis.url, ws.dir, { key: 'another-key-0123456789', args: ['--queue', ws.queue] });
    onTestFinished(async () => {
      w.child.kill('SIGTERM');
      await w.exited;
    });
    await workerReady(w);
    const r = await ws.remote('run');
    expect(r.code, r.stdout + r.stderr).toBe(3);
    const s = await ws.status();
    expect(s.tasks[0]!.reason).toMatch(/^rejected by worker \S+: bad signature$/);
    expect(fs.existsSync(path.join(ws.dir, 'ran'))).toBe(false);
    expect(w.output()).toMatch(/refuse \S+:t:1: bad signature/);
  });

  it('a timeout is enforced on the worker; cancel from another terminal stops the remote task, nothing of it left', async ({ expect, onTestFinished }) => {
    const ws = await workspace(
      'stop',
      `tasks:
  - id: slow
    timeout_sec: 0.5
    cmd: 'sleep 20'
  - id: long
    cmd: 'echo $$ > long.pid; sleep 30 & wait'
`,
      onTestFinished,
    );
    const run = ws.start('run', '--redis', redis.url, '--queue', ws.queue);
    const pid = await waitFor('the remote task to start', () => {
      try {
        return Number(fs.readFileSync(path.join(ws.dir, 'long.pid'), 'utf8')) || undefined;
      } catch {
        return undefined;
      }
    });
    await waitFor('slow to time out', async () => ((await ws.status()).tasks[0]!.state === 'failed' ? true : undefined));
    const c = await ws.aad('cancel');
    expect(c.code, c.stderr).toBe(0);
    const r = await run.done;
    expect(r.code, r.stdout + r.stderr).toBe(4);
    const s = await ws.status();
    expect(s.tasks.map((t) => [t.id, t.state, t.reason])).toEqual([
      ['slow', 'failed', 'timeout after 0.5s'],
      ['long', 'cancelled', 'cancelled (SIGTERM)'],
    ]);
    await waitFor('the remote task to be gone', () => (processGone(pid) ? true : undefined), 5000);
  });

  it('refuses before the run starts: an unreachable Redis (password masked), no key, a bad URL; a worker without a key', async ({ expect, onTestFinished }) => {
    const ws = await workspace('refused', 'tasks:\n  - id: t\n    cmd: touch ran\n', onTestFinished, 0);
    const down = await ws.aad('run', '--redis', 'redis://user:hunter2pass@127.0.0.1:1/0');
    expect(down.code).toBe(2);
    expect(down.stderr).toContain('cannot use Redis at redis://user:***@127.0.0.1:1/0');
    expect(down.stderr + down.stdout).not.toContain('hunter2pass');
    expect(fs.existsSync(path.join(ws.home, 'runs'))).toBe(false);
    const noKey = await runCli(['run', '--redis', redis.url, '--home', ws.home], { cwd: ws.dir });
    expect(noKey.code).toBe(2);
    expect(noKey.stderr).toContain('AAD_WORKER_KEY is not set');
    const badUrl = await ws.aad('run', '--redis', 'http://x');
    expect(badUrl.code).toBe(2);
    expect(badUrl.stderr).toContain('unknown scheme http:');
    const queueAlone = await ws.aad('run', '--queue', 'q');
    expect(queueAlone.code).toBe(2);
    const w = await runCli(['worker', '--redis', redis.url], { cwd: ws.dir });
    expect(w.code).toBe(2);
    expect(w.stderr).toContain('AAD_WORKER_KEY is not set');
    expect(fs.existsSync(path.join(ws.dir, 'ran'))).toBe(false);
  });
  it('a runner that reads slowly pauses the task on its worker (Redis holds a bounded window), keeps its session, then gets every byte', async ({ expect, onTestFinished }) => {
    const MB = 120;
    const ws = await workspace('slow-reader', `tasks:\n  - id: big\n    cmd: 'head -c ${MB * 1048576} /dev/zero | tr "\\\\0" x; touch finished'\n`, onTestFinished, 1);
    const runner = spawn(process.execPath, [distMain, 'run', '--redis', redis.url, '--queue', ws.queue, '--home', ws.home], {
      cwd: ws.dir,
      // A lease of 1 s: the run's session lives 5 s unless renewed, and the console is held back longer than that.
      env: cleanEnv({ AAD_WORKER_KEY: KEY, NODE_EXTRA_CA_CERTS: undefined, AAD_WORKER_LEASE_SEC: '1' }),
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    // Nobody reads the runner's console: it stops reading the stream, and the worker stops reading the task.
    runner.stdout!.pause();
    const exited = new Promise<number | null>((r) => runner.once('close', (code) => r(code)));
    await waitFor('the task to start', () => (fs.existsSync(path.join(ws.home, 'runs')) && fs.readdirSync(path.join(ws.home, 'runs')).length > 0 && ws.events(fs.readdirSync(path.join(ws.home, 'runs'))[0]!).some((e) => e.event === 'task_on_worker') ? true : undefined));
    await new Promise((r) => setTimeout(r, 6500));
    const used = Number(/used_memory:(\d+)/.exec(execFileSync('redis-cli', ['-s', redis.socket, 'info', 'memory'], { encoding: 'utf8' }))![1]);
    expect(fs.existsSync(path.join(ws.dir, 'finished'))).toBe(false);
    expect(used / 1048576).toBeLessThan(MB / 2);
    runner.stdout!.resume();
    runner.stdout!.on('data', () => {});
    expect(await exited).toBe(0);
    const s = await ws.status();
    expect(fs.statSync(path.join(ws.home, 'runs', s.run_id, 'logs', 'big', '1.log')).size).toBe(MB * 1048576);
    expect(fs.existsSync(path.join(ws.dir, 'finished'))).toBe(true);
  });

  it('runs examples/matrix.yaml on workers: the tests there, their outputs sent back, the local: true report here', async ({ expect, onTestFinished }) => {
    const ws = await workspace('matrix', 'tasks:\n  - id: unused\n    cmd: "true"\n', onTestFinished);
    const plan = path.resolve('examples', 'matrix.yaml');
    const r = await ws.remote('run', plan, '--workdir', ws.dir);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const s = await ws.status();
    expect(s.tasks.map((t) => [t.id, t.state, t.worker === undefined ? 'here' : 'worker'])).toEqual([
      ['test-node20', 'succeeded', 'worker'],
      ['test-node22', 'succeeded', 'worker'],
      ['test-bookworm', 'succeeded', 'worker'],
      ['report', 'succeeded', 'here'],
    ]);
    const sent = fs.readFileSync(path.join(ws.home, 'runs', s.run_id, 'artifacts', 'test-node22', 'results', 'node22.txt'), 'utf8');
    expect(sent).toMatch(/^node22: ok on \S+\n$/);
    expect(sent).not.toContain('this machine');
  });

  it('outputs over 100 MB stay on the worker, and the run says where (nothing is collected from the runner\'s own checkout)', async ({ expect, onTestFinished }) => {
    const ws = await workspace(
      'big-outputs',
      `tasks:
  - id: huge
    cmd: 'mkdir -p out && head -c ${101 * 1048576} /dev/zero > out/big.bin && echo small > out/small.txt'
    outputs: ["out/**"]
  - id: none
    cmd: 'true'
    outputs: ["nothing/**"]
`,
      onTestFinished,
      1,
    );
    const r = await ws.remote('run');
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const s = await ws.status();
    const huge = s.tasks.find((t) => t.id === 'huge')!;
    expect(huge.artifacts).toEqual([]);
    const collected = ws.events(s.run_id).filter((e) => e.event === 'artifacts_collected');
    const warning = (collected.find((e) => e.task === 'huge')!.warnings as string[])[0]!;
    const m = /^outputs of 101\.0 MB are over the 100 MB sent back: kept on worker \S+ in (\S+)$/.exec(warning);
    expect(m, warning).not.toBeNull();
    onTestFinished(() => fs.rmSync(m![1]!, { recursive: true, force: true }));
    expect(fs.statSync(path.join(m![1]!, 'out', 'big.bin')).size).toBe(101 * 1048576);
    expect(r.stderr + r.stdout).toContain(warning);
    // The runner shares this folder with the worker here: it still took nothing from it.
    expect(fs.existsSync(path.join(ws.home, 'runs', s.run_id, 'artifacts', 'huge'))).toBe(false);
    expect(collected.find((e) => e.task === 'none')!.warnings).toEqual(['output pattern "nothing/**" matched nothing']);
  });

  it('a job carries the task\'s own secrets (masked on the worker), never the runner\'s other ones', async ({ expect, onTestFinished }) => {
    const ws = await workspace(
      'secrets',
      `tasks:
  - id: t
    env: { DEPLOY_TOKEN: task-secret-4455 }
    cmd: 'echo "token $DEPLOY_TOKEN"; echo "worker $WORKER_PASSWORD"; echo "key=\${AAD_WORKER_KEY:-none} url=\${AAD_REDIS_URL:-none}"; touch started; sleep 1'
  - id: here
    local: true
    cmd: 'echo "key=\${AAD_WORKER_KEY:-none} url=\${AAD_REDIS_URL:-none}"'
`,
      onTestFinished,
      0,
    );
    const w = startWorker(redis.url, ws.dir, { args: ['--queue', ws.queue], env: { WORKER_PASSWORD: 'worker-secret-6677', AAD_REDIS_URL: redis.url } });
    onTestFinished(async () => {
      w.child.kill('SIGTERM');
      await w.exited;
    });
    await workerReady(w);
    const run = startCli(['run', '--redis', redis.url, '--queue', ws.queue, '--home', ws.home], { cwd: ws.dir, env: { AAD_WORKER_KEY: KEY, NODE_EXTRA_CA_CERTS: undefined, RUNNER_PASSWORD: 'runner-only-secret-8899', AAD_REDIS_URL: redis.url } });
    await waitFor('the task to start', () => (fs.existsSync(path.join(ws.dir, 'started')) ? true : undefined));
    const runId = fs.readdirSync(path.join(ws.home, 'runs'))[0]!;
    const data = execFileSync('redis-cli', ['-s', redis.socket, 'HGET', `aad:${ws.queue}:${runId}:t:1`, 'data'], { encoding: 'utf8' });
    expect(data).toContain('task-secret-4455');
    expect(data).not.toContain('runner-only-secret-8899');
    const r = await run.done;
    expect(r.code, r.stdout + r.stderr).toBe(0);
    // Neither side gives a task the workers' key or their Redis URL.
    expect(ws.log(runId, 't').toString()).toBe('token ***\nworker ***\nkey=none url=none\n');
    expect(ws.log(runId, 'here').toString()).toBe('key=none url=none\n');
  });

  it('works over TLS (rediss://) with an ACL user and password, the password never printed nor recorded', async ({ expect, onTestFinished }) => {
    const password = 'tls-pass-7788';
    const tls = await startRedisTls(password);
    const dir = path.join(root, 'tls');
    fs.mkdirSync(dir, { recursive: true });
    const home = path.join(dir, 'home');
    writePlan(dir, 'tasks:\n  - id: t\n    cmd: echo over tls\n  - id: u\n    depends_on: [t]\n    cmd: echo and back\n');
    const w = startWorker(tls.url, dir, { env: { NODE_EXTRA_CA_CERTS: tls.ca } });
    onTestFinished(async () => {
      w.child.kill('SIGTERM');
      await w.exited;
    });
    await workerReady(w);
    const r = await runCli(['run', '--redis', tls.url, '--home', home], { cwd: dir, env: { AAD_WORKER_KEY: KEY, NODE_EXTRA_CA_CERTS: tls.ca } });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/t +│ over tls/);
    const shown = tls.url.replace(password, '***');
    expect(r.stdout).toContain(`at ${shown}`);
    expect(w.output()).toContain(`at ${shown}`);
    const runDir = path.join(home, 'runs', fs.readdirSync(path.join(home, 'runs'))[0]!);
    const everything = [r.stdout, r.stderr, w.output(), ...fs.readdirSync(runDir, { recursive: true }).map(String).filter((f) => fs.statSync(path.join(runDir, f)).isFile()).map((f) => fs.readFileSync(path.join(runDir, f), 'utf8'))].join('\n');
    expect(everything).toContain(shown);
    expect(everything).not.toContain(password);
    // Without the CA, TLS verification fails before the run starts.
    const untrusted = await runCli(['run', '--redis', tls.url, '--home', home], { cwd: dir, env: { AAD_WORKER_KEY: KEY, NODE_EXTRA_CA_CERTS: undefined } });
    expect(untrusted.code).toBe(2);
    expect(untrusted.stderr).toContain(`cannot use Redis at ${shown}`);
    expect(untrusted.stderr).not.toContain(password);
  });
});
