// Workers (issue 15): `aad run --redis URL --queue Q` dispatching to `aad worker`s, end to end through the built
// CLI, on a real redis-server (/usr/bin/redis-server, Debian's package) that this section starts on a unix socket
// in a temporary folder (no TCP port, no persistence) and kills by PID at the end, with every worker it started.
// Every child process (runner, workers, redis-server) runs without NODE_EXTRA_CA_CERTS (lib.mjs's childEnv).
// The workers' --workdir is the folder holding the plans (a task's cwd resolves there); AAD_WORKER_KEY is the
// same on both sides. Remote runs are `aad run PLAN --redis URL --queue Q --quiet` (--max-parallel left at its
// default, the number of CPUs; recorded as max_parallel), local ones `aad run PLAN --max-parallel 2 --quiet`.
//   a. a layered DAG of 200 `true` tasks: 10 layers × 20, each task of layer k depending on ALL 20 tasks of
//      layer k−1 (a full barrier between layers: 3,420 edges, a 25 KB plan), wall time with 2 workers at
//      --concurrency 1 against the same plan run locally: target remote ≤ 3× local;
//   b. a serial chain of 100 `true` tasks (each depending on the previous), on the same 2 workers at
//      --concurrency 1 (only one job is ever queued, so one of them runs each hop): wall time / 100 per hop,
//      target ≤ 10 ms per hop remote; the local chain's per hop and the journal's steady-state hop beside it;
//   c. 100 MiB of random bytes from one remote task (`cat` of a file prepared here): bytes / (task_succeeded −
//      task_on_worker in the run's journal), the log checked byte-exact (size and sha256): target ≥ 100 MiB/s;
//   d. a worker killed with SIGKILL mid-attempt (AAD_WORKER_LEASE_SEC=2 on the runner, 2 fresh workers): from
//      the kill to the task_started of attempt 2 in the journal: target ≤ lease + 2 s.
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { closeSync, createReadStream, existsSync, mkdirSync, openSync, readFileSync, readdirSync, rmSync, writeSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { AAD, NODE, alternate, check, childEnv, fmtMs, fmtRatio, median, r1, r3, runTimed, table, tempDir, verdict, readEvents, procStat } from './lib.mjs';

export const TARGET = { dagRatio: 3, hopMs: 10, mibPerSec: 100, killSlackMs: 2000 };
const REDIS_SERVER = '/usr/bin/redis-server';
const KEY = 'aad-bench-worker-key-0123456789abcdef';
const LEASE_SEC = 2;
const BIG = 100 * 2 ** 20;

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
/** Waits for `p` at most `ms`, leaving no timer behind (a pending one would hold the process open after the report). */
function within(p, ms) {
  let timer;
  return Promise.race([p, new Promise((r) => (timer = setTimeout(r, ms)))]).finally(() => clearTimeout(timer));
}

/** The run id of the one run in `home`. */
function runId(home) {
  return readdirSync(join(home, 'runs'))[0];
}

const ppidOf = (pid) => {
  const s = procStat(pid);
  return s ? Number(s[1]) : null;
};
const aliveNotZombie = (pid) => {
  const s = procStat(pid);
  return s !== null && s[0] !== 'Z' && s[0] !== 'X';
};

/** The plan's YAML: tasks of { id, cmd, deps?, keys? } (keys: more task keys, as YAML scalars). */
function planYaml(tasks) {
  const lines = ['version: 1', 'tasks:'];
  for (const t of tasks) {
    lines.push(`  - id: ${t.id}`, `    cmd: ${JSON.stringify(t.cmd)}`);
    if (t.deps?.length) lines.push(`    depends_on: [${t.deps.join(', ')}]`);
    for (const [k, v] of Object.entries(t.keys ?? {})) lines.push(`    ${k}: ${v}`);
  }
  return lines.join('\n') + '\n';
}

/** A child we started, killed by its PID: SIGTERM first (with `graceMs`), then SIGKILL. */
async function stop(proc, graceMs) {
  if (!proc || proc.done) return;
  if (graceMs > 0) {
    try {
      process.kill(proc.pid, 'SIGTERM');
    } catch {
      // gone
    }
    await within(proc.exited, graceMs);
  }
  if (!proc.done) {
    try {
      process.kill(proc.pid, 'SIGKILL');
    } catch {
      // gone
    }
    await within(proc.exited, 5000);
  }
}

/** Spawns a long-lived child, keeping its output (up to 20 kB) and whether it has ended. */
function startChild(file, args, { cwd, env }) {
  const child = spawn(file, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const proc = { child, pid: child.pid, out: '', done: false, code: null, signal: null };
  const keep = (c) => {
    if (proc.out.length < 20000) proc.out += c;
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  child.on('error', (e) => keep(String(e)));
  proc.exited = new Promise((resolve) =>
    child.on('close', (code, signal) => {
      Object.assign(proc, { done: true, code, signal });
      resolve(proc);
    }),
  );
  return proc;
}

async function startRedis(dir) {
  const socket = join(dir, 'redis.sock');
  const proc = startChild(REDIS_SERVER, ['--port', '0', '--unixsocket', socket, '--unixsocketperm', '700', '--save', '', '--appendonly', 'no', '--dir', dir], { cwd: dir, env: childEnv() });
  const t0 = performance.now();
  while (!existsSync(socket)) {
    if (proc.done) throw new Error(`redis-server exited ${proc.code ?? proc.signal}: ${proc.out.trim().split('\n').slice(-5).join('\n')}`);
    if (performance.now() - t0 > 10_000) throw new Error('redis-server did not create its socket within 10 s');
    await sleep(10);
  }
  proc.url = `unix://${socket}`;
  return proc;
}

/** Starts `aad worker` and waits for its first line (`aad worker on …`). */
async function startWorker(url, queue, workdir, concurrency) {
  const proc = startChild(NODE, [AAD, 'worker', '--redis', url, '--queue', queue, '--concurrency', String(concurrency), '--workdir', workdir], {
    cwd: workdir,
    env: childEnv({ AAD_WORKER_KEY: KEY }),
  });
  const t0 = performance.now();
  while (!proc.out.includes('aad worker on')) {
    if (proc.done) throw new Error(`aad worker exited ${proc.code ?? proc.signal}: ${proc.out.trim().split('\n').slice(-5).join('\n')}`);
    if (performance.now() - t0 > 15_000) throw new Error(`aad worker did not say it was ready within 15 s: ${proc.out.trim()}`);
    await sleep(10);
  }
  return proc;
}

/** sha256 and size of a file, streamed. */
async function digest(file) {
  const h = createHash('sha256');
  let size = 0;
  for await (const c of createReadStream(file, { highWaterMark: 1 << 20 })) {
    h.update(c);
    size += c.length;
  }
  return { size, sha256: h.digest('hex') };
}

const ts = (e) => Date.parse(e.ts);

export async function run({ quick, log, only }) {
  if (!existsSync(REDIS_SERVER)) {
    if (only) throw new Error(`${REDIS_SERVER} is missing (Debian: apt-get install redis-server)`);
    log(`  ${REDIS_SERVER} is missing: skipped (Debian: apt-get install redis-server)`);
    return { data: { skipped: `${REDIS_SERVER} missing` }, table: `\n## Workers: skipped (${REDIS_SERVER} is missing)\n` };
  }
  const rounds = quick ? 1 : 3;
  const warmup = quick ? 0 : 1;
  const bigRounds = quick ? 1 : 3;
  const killReps = quick ? 1 : 3;
  const dir = tempDir('aad-bench-workers-');
  const runnerEnv = childEnv({ AAD_WORKER_KEY: KEY });
  log(`Workers: a redis-server on a unix socket in ${dir}; runner, workers and redis-server all start without NODE_EXTRA_CA_CERTS (it adds ~40 ms to each Node start here)`);
  log(`  ${rounds} measured round(s) after ${warmup} warm-up round(s) per comparison; ${bigRounds} round(s) of the 100 MiB output; ${killReps} worker kill(s)`);

  // The plans, in the workers' workdir.
  const dagTasks = [];
  for (let k = 0; k < 10; k++)
    for (let i = 0; i < 20; i++) dagTasks.push({ id: `L${k}_${i}`, cmd: 'true', deps: k === 0 ? [] : Array.from({ length: 20 }, (_, j) => `L${k - 1}_${j}`) });
  const dagPlan = join(dir, 'dag.yaml');
  writeFileSync(dagPlan, planYaml(dagTasks));
  const chainPlan = join(dir, 'chain.yaml');
  writeFileSync(chainPlan, planYaml(Array.from({ length: 100 }, (_, i) => ({ id: `c${i}`, cmd: 'true', deps: i ? [`c${i - 1}`] : [] }))));
  const bigPlan = join(dir, 'big.yaml');
  writeFileSync(bigPlan, planYaml([{ id: 'big', cmd: 'cat big.bin' }]));
  const killPlan = join(dir, 'kill.yaml');
  writeFileSync(killPlan, planYaml([{ id: 'victim', cmd: 'if [ "$AAD_ATTEMPT" = 1 ]; then sleep 30; fi', keys: { retries: 1, retry_backoff_sec: 0 } }]));
  const warmPlan = join(dir, 'warm.yaml');
  writeFileSync(warmPlan, planYaml([{ id: 'warm', cmd: 'true' }]));

  // 100 MiB of random bytes, and its digest.
  const bigFile = join(dir, 'big.bin');
  let bigDigest;
  {
    const h = createHash('sha256');
    const fd = openSync(bigFile, 'w');
    for (let o = 0; o < BIG; o += 1 << 20) {
      const b = randomBytes(1 << 20);
      h.update(b);
      writeSync(fd, b);
    }
    closeSync(fd);
    bigDigest = { size: BIG, sha256: h.digest('hex') };
  }

  let homes = 0;
  const freshHome = () => join(dir, 'homes', `h${homes++}`);
  mkdirSync(join(dir, 'homes'));
  const remoteArgs = (plan, url, queue, home) => [AAD, 'run', plan, '--redis', url, '--queue', queue, '--quiet', '--home', home];
  const localArgs = (plan, home) => [AAD, 'run', plan, '--max-parallel', '2', '--quiet', '--home', home];

  const started = [];
  const data = { lease_sec: LEASE_SEC, rounds, warmup, child_env: 'NODE_EXTRA_CA_CERTS removed from the runner, the workers and redis-server' };
  let redis;
  try {
    redis = await startRedis(dir);
    started.push(redis);
    const url = redis.url;
    log(`  redis-server pid ${redis.pid} at ${url}`);

    // Two workers at --concurrency 1 on queue `bench` for a, b and c.
    const pool = await Promise.all([0, 1].map(() => startWorker(url, 'bench', dir, 1)));
    started.push(...pool);
    log(`  2 workers on queue bench at --concurrency 1: pids ${pool.map((w) => w.pid).join(', ')}`);
    const warm = check(await runTimed(NODE, remoteArgs(warmPlan, url, 'bench', freshHome()), { cwd: dir, env: runnerEnv, timeoutMs: 60_000 }), 'aad run --redis (warm-up, 1 task)');
    log(`  a 1-task remote run first (Redis's scripts loaded, the workers warm): ${fmtMs(warm.ms)}`);

    /** A remote run that must end 0 with every task on a worker; its journal's events come back in extra. */
    const remote = async (plan, queue, nTasks, what) => {
      const home = freshHome();
      const r = check(await runTimed(NODE, remoteArgs(plan, url, queue, home), { cwd: dir, env: runnerEnv, timeoutMs: 300_000 }), what);
      const ev = readEvents(home);
      const on = ev.filter((e) => e.event === 'task_on_worker').length;
      if (on !== nTasks) throw new Error(`${what}: ${on} task_on_worker events, not ${nTasks}`);
      return { ms: r.ms, extra: { ev, home } };
    };
    const local = async (plan, nTasks, what) => {
      const home = freshHome();
      const r = check(await runTimed(NODE, localArgs(plan, home), { cwd: dir, env: childEnv(), timeoutMs: 300_000 }), what);
      const ev = readEvents(home);
      const ok = ev.filter((e) => e.event === 'task_succeeded').length;
      if (ok !== nTasks) throw new Error(`${what}: ${ok} tasks succeeded, not ${nTasks}`);
      return { ms: r.ms, extra: { ev, home } };
    };

    // a. The layered DAG.
    log('a. 200-task layered DAG (10 layers × 20, each task after all 20 of the previous layer): remote (2 workers × 1) vs local --max-parallel 2');
    const dagRes = await alternate(
      [
        { name: 'DAG 200, remote (2 workers × 1)', run: async () => (await remote(dagPlan, 'bench', 200, 'aad run --redis (DAG)')) },
        { name: 'DAG 200, local --max-parallel 2', run: async () => (await local(dagPlan, 200, 'aad run (DAG)')) },
      ],
      { rounds, warmup, log },
    );
    const [dagR, dagL] = dagRes;
    for (const r of dagRes) if (r.error) throw new Error(`${r.name}: ${r.error}`);
    const maxParallel = dagR.extra[0]?.ev.find((e) => e.event === 'run_started')?.max_parallel ?? null;
    const dagRatio = dagR.medianMs / dagL.medianMs;
    data.dag = { tasks: 200, layers: 10, width: 20, edges: 9 * 20 * 20, remote_ms: r1(dagR.medianMs), local_ms: r1(dagL.medianMs), remote_all_ms: dagR.ms.map(r1), local_all_ms: dagL.ms.map(r1), ratio: r3(dagRatio), remote_max_parallel: maxParallel, pass: dagRatio <= TARGET.dagRatio };

    // b. The serial chain.
    log('b. serial chain of 100 `true` tasks: remote (the same 2 workers × 1) vs local');
    const chainRes = await alternate(
      [
        { name: 'chain 100, remote (2 workers × 1)', run: async () => (await remote(chainPlan, 'bench', 100, 'aad run --redis (chain)')) },
        { name: 'chain 100, local', run: async () => (await local(chainPlan, 100, 'aad run (chain)')) },
      ],
      { rounds, warmup, log },
    );
    for (const r of chainRes) if (r.error) throw new Error(`${r.name}: ${r.error}`);
    const [chR, chL] = chainRes;
    // The steady-state hop from the journal: task_started of c(k) to task_started of c(k+1), median over the chain,
    // and for the remote runs its parts: started → on_worker (dispatch, pick-up, spawn), on_worker → succeeded
    // (the task, its end reported back), succeeded → next started (the runner's decision).
    const hops = (ev) => {
      const at = (event, task) => ev.find((e) => e.event === event && e.task === task);
      const out = { hop: [], dispatch: [], onWorker: [], decide: [] };
      for (let i = 0; i < 99; i++) {
        const s = at('task_started', `c${i}`);
        const n = at('task_started', `c${i + 1}`);
        const w = at('task_on_worker', `c${i}`);
        const d = at('task_succeeded', `c${i}`);
        if (s && n) out.hop.push(ts(n) - ts(s));
        if (s && w) out.dispatch.push(ts(w) - ts(s));
        if (w && d) out.onWorker.push(ts(d) - ts(w));
        if (d && n) out.decide.push(ts(n) - ts(d));
      }
      return out;
    };
    const med = (runs, k) => median(runs.map((x) => median(hops(x.ev)[k])));
    const hopR = chR.medianMs / 100;
    const hopL = chL.medianMs / 100;
    data.chain = {
      tasks: 100,
      workers: '2 × --concurrency 1 (one job at a time: either takes it)',
      remote_ms: r1(chR.medianMs),
      local_ms: r1(chL.medianMs),
      remote_all_ms: chR.ms.map(r1),
      local_all_ms: chL.ms.map(r1),
      remote_per_hop_ms: r3(hopR),
      local_per_hop_ms: r3(hopL),
      journal_hop_ms: { remote: med(chR.extra, 'hop'), local: med(chL.extra, 'hop'), remote_dispatch: med(chR.extra, 'dispatch'), remote_on_worker: med(chR.extra, 'onWorker'), remote_decide: med(chR.extra, 'decide') },
      pass: hopR <= TARGET.hopMs,
    };

    // c. 100 MiB of output from one remote task (and locally, for comparison).
    log(`c. 100 MiB of random bytes (cat of a prepared file, sha256 ${bigDigest.sha256.slice(0, 12)}…) from one task: remote vs local`);
    const bigRun = (remoteRun) => async () => {
      const m = remoteRun ? await remote(bigPlan, 'bench', 1, 'aad run --redis (100 MiB)') : await local(bigPlan, 1, 'aad run (100 MiB)');
      const { ev, home } = m.extra;
      const from = ev.find((e) => e.event === (remoteRun ? 'task_on_worker' : 'task_spawned'));
      const to = ev.find((e) => e.event === 'task_succeeded');
      if (!from || !to) throw new Error(`no ${remoteRun ? 'task_on_worker' : 'task_spawned'} or task_succeeded event`);
      const logFile = join(home, 'runs', runId(home), 'logs', 'big', '1.log');
      const got = await digest(logFile);
      const exact = got.size === bigDigest.size && got.sha256 === bigDigest.sha256;
      if (!exact) log(`  the log is NOT byte-exact: ${got.size} bytes, sha256 ${got.sha256}`);
      rmSync(home, { recursive: true, force: true });
      const ms = ts(to) - ts(from);
      return { ms: m.ms, extra: { ms, mibPerSec: BIG / 2 ** 20 / (ms / 1000), exact, size: got.size } };
    };
    const bigRes = await alternate(
      [
        { name: '100 MiB output, remote', run: bigRun(true) },
        { name: '100 MiB output, local', run: bigRun(false) },
      ],
      { rounds: bigRounds, warmup, log },
    );
    for (const r of bigRes) if (r.error) throw new Error(`${r.name}: ${r.error}`);
    const [bigR, bigL] = bigRes;
    for (const r of bigRes) log(`  ${r.name}: ${r.extra.map((x) => `${x.mibPerSec.toFixed(0)} MiB/s (${x.ms} ms${x.exact ? ', byte-exact' : ', NOT byte-exact'})`).join('; ')}`);
    const bigMiBs = median(bigR.extra.map((x) => x.mibPerSec));
    const bigLocalMiBs = median(bigL.extra.map((x) => x.mibPerSec));
    const bigExact = bigR.extra.every((x) => x.exact);
    data.output = {
      bytes: BIG,
      sha256: bigDigest.sha256,
      remote_mib_per_s: r1(bigMiBs),
      remote_task_ms: bigR.extra.map((x) => x.ms),
      remote_run_ms: bigR.ms.map(r1),
      remote_byte_exact: bigExact,
      local_mib_per_s: r1(bigLocalMiBs),
      local_task_ms: bigL.extra.map((x) => x.ms),
      local_byte_exact: bigL.extra.every((x) => x.exact),
      pass: bigMiBs >= TARGET.mibPerSec && bigExact,
    };

    // The pool is done: stop it (SIGTERM, as a user would) before the kill test's own workers start.
    await Promise.all(pool.map((w) => stop(w, 10_000)));
    const poolExit = pool.map((w) => w.code ?? w.signal);

    // d. kill -9 of the worker running an attempt.
    log(`d. worker kill -9 mid-attempt: AAD_WORKER_LEASE_SEC=${LEASE_SEC} on the runner, 2 fresh workers × 1 per kill, retries: 1 (no backoff)`);
    const kills = [];
    for (let rep = 0; rep < killReps; rep++) {
      const queue = `kill${rep}`;
      const ws = await Promise.all([0, 1].map(() => startWorker(url, queue, dir, 1)));
      started.push(...ws);
      const home = freshHome();
      const runner = startChild(NODE, remoteArgs(killPlan, url, queue, home), { cwd: dir, env: childEnv({ AAD_WORKER_KEY: KEY, AAD_WORKER_LEASE_SEC: String(LEASE_SEC) }) });
      started.push(runner);
      try {
        let on;
        const t0 = performance.now();
        while (!(on = readEvents(home).find((e) => e.event === 'task_on_worker' && e.attempt === 1))) {
          if (runner.done) throw new Error(`aad run ended before the task reached a worker (${runner.code ?? runner.signal}): ${runner.out.trim()}`);
          if (performance.now() - t0 > 30_000) throw new Error('no task_on_worker within 30 s');
          await sleep(5);
        }
        const taskPid = on.pid;
        const workerPid = ppidOf(taskPid);
        const victim = ws.find((w) => w.pid === workerPid);
        if (!victim) throw new Error(`the task's pid ${taskPid} has parent ${workerPid}, none of the workers (${ws.map((w) => w.pid).join(', ')})`);
        const tKill = Date.now();
        const pKill = performance.now();
        process.kill(victim.pid, 'SIGKILL');
        // The attempt's sleep: how soon it goes (the guard kills the group when its worker dies).
        let taskGoneMs = null;
        let next;
        while (!(next = readEvents(home).find((e) => e.event === 'task_started' && e.attempt === 2))) {
          if (taskGoneMs === null && !aliveNotZombie(taskPid)) taskGoneMs = performance.now() - pKill;
          if (runner.done) throw new Error(`aad run ended before attempt 2 started (${runner.code ?? runner.signal}): ${runner.out.trim()}`);
          if (performance.now() - pKill > 30_000) throw new Error('attempt 2 did not start within 30 s of the kill');
          await sleep(5);
        }
        const latency = ts(next) - tKill;
        while (taskGoneMs === null && performance.now() - pKill < 10_000) {
          if (!aliveNotZombie(taskPid)) taskGoneMs = performance.now() - pKill;
          else await sleep(5);
        }
        await within(runner.exited, 30_000);
        if (!runner.done) throw new Error('aad run did not end within 30 s of attempt 2');
        const ev = readEvents(home);
        const end1 = ev.find((e) => /^task_(retrying|failed)$/.test(e.event) && e.attempt === 1) ?? ev.find((e) => e.event === 'task_retrying');
        const on2 = ev.find((e) => e.event === 'task_on_worker' && e.attempt === 2);
        const k = {
          latency_ms: latency,
          lost_after_kill_ms: end1 ? ts(end1) - tKill : null,
          attempt1_end: end1 ? { event: end1.event, reason: end1.reason ?? null } : null,
          attempt2_on_worker: Boolean(on2),
          runner_exit: runner.code ?? runner.signal,
          task_pid: taskPid,
          task_gone_ms: taskGoneMs === null ? null : r1(taskGoneMs),
          killed_worker_pid: victim.pid,
        };
        kills.push(k);
        log(
          `  kill ${rep + 1}/${killReps}: worker ${victim.pid} (parent of task pid ${taskPid}) killed; attempt 1 ${k.attempt1_end?.event ?? '?'} "${k.attempt1_end?.reason ?? '?'}" ${fmtMs(k.lost_after_kill_ms)} after; ` +
            `attempt 2 started ${fmtMs(latency)} after the kill${on2 ? ' on the other worker' : ''}; run exit ${k.runner_exit}; the attempt's sleep ${taskGoneMs === null ? 'STILL ALIVE 10 s after the kill' : `gone ${fmtMs(taskGoneMs)} after the kill`}`,
        );
        if (k.runner_exit !== 0) throw new Error(`aad run exited ${k.runner_exit}, not 0: ${runner.out.trim().split('\n').slice(-5).join('\n')}`);
        if (taskGoneMs === null) {
          try {
            process.kill(taskPid, 'SIGKILL');
          } catch {
            // gone meanwhile
          }
        }
      } finally {
        await stop(runner, 0);
        await Promise.all(ws.map((w) => stop(w, 10_000)));
      }
    }
    const killMed = median(kills.map((k) => k.latency_ms));
    const killMax = Math.max(...kills.map((k) => k.latency_ms));
    const killTarget = LEASE_SEC * 1000 + TARGET.killSlackMs;
    data.kill = { lease_sec: LEASE_SEC, reps: killReps, median_ms: killMed, max_ms: killMax, target_ms: killTarget, runs: kills, pass: killMed <= killTarget };

    // The table.
    const mibs = (x) => (x === null || x === undefined ? '—' : `${x.toFixed(0)} MiB/s`);
    const j = data.chain.journal_hop_ms;
    const rows = [
      ['a. DAG 200 (10 × 20, full barriers), remote: 2 workers × 1', fmtMs(dagR.medianMs), `${fmtRatio(dagRatio)} local (≤ ${TARGET.dagRatio}×): ${verdict(data.dag.pass)}`, dagR.n],
      ['   same plan, local --max-parallel 2', fmtMs(dagL.medianMs), '', dagL.n],
      ['b. chain of 100, remote (2 workers × 1): wall / 100', fmtMs(hopR), `≤ ${TARGET.hopMs} ms: ${verdict(data.chain.pass)}`, chR.n],
      ['   chain of 100, local: wall / 100', fmtMs(hopL), `${fmtRatio(hopR / hopL)} remote/local`, chL.n],
      ['   journal hop (started → next started), remote / local', `${fmtMs(j.remote)} / ${fmtMs(j.local)}`, '', ''],
      ['   remote hop: dispatch / on worker / decide', `${fmtMs(j.remote_dispatch)} / ${fmtMs(j.remote_on_worker)} / ${fmtMs(j.remote_decide)}`, '', ''],
      ['c. 100 MiB output, remote (on_worker → succeeded)', mibs(bigMiBs), `≥ ${TARGET.mibPerSec} MiB/s, byte-exact: ${verdict(data.output.pass)}`, bigR.n],
      ['   byte-exact (size + sha256 of logs/big/1.log)', bigExact ? 'yes' : 'NO', '', bigR.n],
      ['   100 MiB output, local (spawned → succeeded)', mibs(bigLocalMiBs), '', bigL.n],
      [`d. worker kill -9 → attempt 2 started (lease ${LEASE_SEC} s), median`, fmtMs(killMed), `≤ ${fmtMs(killTarget)}: ${verdict(data.kill.pass)}`, killReps],
      ['   max', fmtMs(killMax), '', killReps],
    ];
    const notes = [
      `Every child (runner, workers, redis-server) starts without NODE_EXTRA_CA_CERTS. Redis ${REDIS_SERVER} on a unix socket; workers' --workdir = the plans' folder.`,
      `Remote runs: aad run PLAN --redis unix://… --queue Q --quiet (--max-parallel at its default: ${maxParallel} here); local: --max-parallel 2 --quiet. Times are spawn-to-exit of the runner, Node start included on both sides; the workers were started (and warmed by a 1-task run) beforehand.`,
      'a: each task of layer k depends on all 20 of layer k−1 (a barrier per layer: the workers idle while the runner sees the last of a layer end).',
      'b: the same 2 workers at --concurrency 1 (one job queued at a time, either takes it). Journal hop parts: task_started → task_on_worker (queued, picked up, spawned on the worker), task_on_worker → task_succeeded (ran, end sent back), task_succeeded → next task_started.',
      'c: MiB = 2^20 bytes; the task `cat`s a 100 MiB random file; the time is task_on_worker → task_succeeded in the journal (ms resolution); the runner runs --quiet.',
      `d: ${killReps} kill(s), each with 2 fresh workers on their own queue; the killed worker is the parent of the task_on_worker pid (/proc/<pid>/stat field 4); the time is from our kill to attempt 2's task_started (both wall clock).` +
        (kills.length ? ` Attempt 1 ended: ${[...new Set(kills.map((k) => `${k.attempt1_end?.event} "${k.attempt1_end?.reason}"`))].join(', ')}; its sleep was gone ${kills.map((k) => (k.task_gone_ms === null ? 'never' : fmtMs(k.task_gone_ms))).join(', ')} after the kill.` : ''),
      `Workers of a, b, c stopped with SIGTERM: exit ${poolExit.join(', ')}.`,
    ];
    const targets = [
      { figure: `200-task layered DAG on 2 remote workers / local --max-parallel 2 (${fmtMs(dagR.medianMs)} vs ${fmtMs(dagL.medianMs)})`, value: fmtRatio(dagRatio), target: `≤ ${TARGET.dagRatio}×`, pass: data.dag.pass },
      { figure: `serial chain of 100, remote wall / 100 (local ${fmtMs(hopL)})`, value: fmtMs(hopR), target: `≤ ${TARGET.hopMs} ms`, pass: data.chain.pass },
      { figure: `100 MiB output of one remote task, byte-exact ${bigExact ? 'yes' : 'NO'} (local ${mibs(bigLocalMiBs)})`, value: mibs(bigMiBs), target: `≥ ${TARGET.mibPerSec} MiB/s`, pass: data.output.pass },
      { figure: `worker kill -9 → attempt 2 started, lease ${LEASE_SEC} s, median of ${killReps} (max ${fmtMs(killMax)})`, value: fmtMs(killMed), target: `≤ ${fmtMs(killTarget)}`, pass: data.kill.pass },
    ];
    return { data, targets, table: table(`Workers — aad run --redis on a local redis-server (issue 15)`, ['figure', 'measured', 'target', 'n'], rows, notes) };
  } finally {
    // Everything we started, by PID: runners and workers first, redis-server last.
    for (const p of started.filter((p) => p !== redis)) await stop(p, 0);
    if (redis) await stop(redis, 0);
  }
}
