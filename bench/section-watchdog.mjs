// 10. Watchdogs (issue 13), end to end through the built CLI (`node <AAD> run … --home <tmp>`):
//   a. the sampler's CPU: N tasks `sleep S` all running with stall_timeout_sec: 120 and max_memory_mb: 512,
//      aad's own utime + stime (/proc/<pid>/stat fields 14 and 15) over a window while they sleep, as a
//      percentage of one core, beside the same plan without the two keys (the floor);
//   b. stall detection latency: `sleep 30` with stall_timeout_sec: 1 — the attempt's duration_ms − 1000;
//   c. memory detection latency: a task filling 150 MiB over max_memory_mb: 100 — the task_failed event's
//      time minus the time the task's own rss went over 100 MiB (and minus the time its allocation ended).
// (bench/watchdog-cost.mjs measures the Watchdog class alone, in-process; bench/compare-builds.mjs compares
// the dag row of two builds.)
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { AAD, NODE, childEnv, fmtMs, median, r1, r3, runTimed, table, tempDir, verdict, readEvents, procStat } from './lib.mjs';

export const TARGET = { cpuPct: 3, stallMs: 1000, memoryMs: 2000 };

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Clock ticks per second of /proc/<pid>/stat's times (getconf CLK_TCK; 100 almost everywhere). */
function clockTicks() {
  const r = spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8', env: childEnv() });
  const n = Number(String(r.stdout ?? '').trim());
  return r.status === 0 && Number.isInteger(n) && n > 0 ? n : 100;
}


/** utime + stime of a process, in clock ticks (fields 14 and 15). */
function cpuTicks(pid) {
  const s = procStat(pid);
  if (!s) throw new Error(`process ${pid} is gone`);
  return Number(s[11]) + Number(s[12]);
}

/** Whether the process `pid`, started at `start` (field 22, as task_spawned's proc_start), is alive (not a zombie). */
function alive(pid, start) {
  const s = procStat(pid);
  return s !== null && s[0] !== 'Z' && s[0] !== 'X' && (start === undefined || s[19] === String(start));
}

/** The plan's YAML: tasks of { id, cmd, keys } (keys: more task keys, as YAML scalars). */
function planYaml(tasks) {
  const lines = ['version: 1', 'tasks:'];
  for (const t of tasks) {
    lines.push(`  - id: ${t.id}`, `    cmd: ${JSON.stringify(t.cmd)}`);
    for (const [k, v] of Object.entries(t.keys ?? {})) lines.push(`    ${k}: ${v}`);
  }
  return lines.join('\n') + '\n';
}

async function statusCounts(home) {
  const s = await runTimed(NODE, [AAD, 'status', '--json', '--home', home], { stdout: 'pipe', timeoutMs: 30_000 });
  if (!s.ok) throw new Error(`aad status exited ${s.code ?? s.signal}: ${s.stderr.trim()}`);
  return JSON.parse(s.stdout).counts;
}

/** How many processes the machine has (a memory scan reads each one's /proc/<pid>/stat). */
function processCount() {
  return readdirSync('/proc').filter((n) => /^\d+$/.test(n)).length;
}

/**
 * One CPU window: runs the N-task plan, waits until all N are running, reads aad's CPU time at the start
 * and end of `windowMs`, then cancels the run and makes sure no `sleep` is left. Returns { pct, ... }.
 */
async function cpuWindow({ watched, n, sleepSec, windowMs, clk, log }) {
  const dir = tempDir('aad-bench-wd-cpu-');
  const home = join(dir, 'home');
  const keys = watched ? { stall_timeout_sec: 120, max_memory_mb: 512 } : {};
  const tasks = Array.from({ length: n }, (_, i) => ({ id: `t${String(i).padStart(3, '0')}`, cmd: `sleep ${sleepSec}`, keys }));
  const plan = join(dir, 'aad.yaml');
  writeFileSync(plan, planYaml(tasks));

  const child = spawn(NODE, [AAD, 'run', plan, '--max-parallel', String(n), '--quiet', '--home', home], { env: childEnv(), stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (c) => {
    if (stderr.length < 20000) stderr += c;
  });
  let exit = null;
  const exited = new Promise((resolve) => child.on('close', (code, signal) => resolve((exit = { code, signal }))));
  child.on('error', (e) => (stderr += String(e)));
  let spawned = new Map(); // pid -> proc_start
  const gather = () => {
    for (const e of readEvents(home)) if (e.event === 'task_spawned' && e.pid) spawned.set(e.pid, e.proc_start);
  };
  let leftAfterCancel = null;
  try {
    // All N running: N task_spawned in the journal and nothing ended.
    const t0 = performance.now();
    for (;;) {
      if (exit) throw new Error(`aad run ended early (${exit.code ?? exit.signal}): ${stderr.trim().split('\n').slice(-5).join('\n')}`);
      const ev = readEvents(home);
      const started = ev.filter((e) => e.event === 'task_spawned').length;
      const ended = ev.filter((e) => /^task_(succeeded|failed|cancelled|retrying)$/.test(e.event)).length;
      if (ended > 0) throw new Error(`a task ended before the window: ${JSON.stringify(ev.find((e) => /^task_(succeeded|failed|cancelled|retrying)$/.test(e.event)))}`);
      if (started === n) break;
      if (performance.now() - t0 > 60_000) throw new Error(`only ${started} of ${n} tasks started within 60 s`);
      await sleep(100);
    }
    const launchMs = performance.now() - t0;
    gather();
    const before = await statusCounts(home);
    if (before.running !== n) throw new Error(`aad status says ${before.running} running, not ${n}`);
    await sleep(1000); // the launch's aftermath (GC, the first memory scan's opening of every stat file) settles
    const procs = processCount();
    const w0 = performance.now();
    const c0 = cpuTicks(child.pid);
    await sleep(windowMs);
    const c1 = cpuTicks(child.pid);
    const w1 = performance.now();
    const after = await statusCounts(home);
    if (after.running !== n) throw new Error(`the window was not all sleep: ${after.running} of ${n} running at its end (raise sleep or shorten the window)`);
    const cpuMs = ((c1 - c0) / clk) * 1000;
    const wallMs = w1 - w0;
    const pct = (cpuMs / wallMs) * 100;

    // Cancel, as a user would, then check every sleep is gone.
    const c = await runTimed(NODE, [AAD, 'cancel', '--home', home], { timeoutMs: 30_000, stdout: 'pipe' });
    const done = await Promise.race([exited, sleep(30_000).then(() => null)]);
    if (!c.ok) log(`  aad cancel exited ${c.code ?? c.signal}: ${c.stderr.trim()}`);
    if (!done) log('  aad run did not end within 30 s of aad cancel: killed');
    gather();
    leftAfterCancel = [...spawned].filter(([pid, start]) => alive(pid, start)).length;
    log(`  ${watched ? 'watched' : 'floor  '}  ${n} tasks running after ${fmtMs(launchMs)}; aad CPU ${r3(pct)}% of one core (${r1(cpuMs)} ms over ${fmtMs(wallMs)}); ${procs} processes on the machine; exit ${exit?.code ?? exit?.signal ?? '—'} after cancel, ${leftAfterCancel} sleep left`);
    return { pct, cpuMs, wallMs, launchMs, procs, leftAfterCancel, cancelExit: exit?.code ?? exit?.signal ?? null };
  } finally {
    if (!exit) {
      child.kill('SIGKILL');
      await Promise.race([exited, sleep(5000)]);
    }
    gather();
    for (const [pid, start] of spawned) {
      if (!alive(pid, start)) continue;
      try {
        process.kill(-pid, 'SIGKILL');
      } catch {
        // gone meanwhile
      }
    }
  }
}

/** Runs a one-task plan to its end (exit 3 expected: the watchdog fails the task) and returns its events. */
async function runOne(dir, task, timeoutMs = 60_000) {
  const home = tempDir('aad-bench-wd-home-');
  const plan = join(dir, `plan-${task.id}.yaml`);
  writeFileSync(plan, planYaml([task]));
  const r = await runTimed(NODE, [AAD, 'run', plan, '--quiet', '--home', home], { timeoutMs, okCodes: [3] });
  if (!r.ok) throw new Error(`aad run (${task.id}) exited ${r.code ?? r.signal}, not 3: ${r.stderr.trim().split('\n').slice(-5).join('\n')}`);
  const ev = readEvents(home);
  const failed = ev.find((e) => e.event === 'task_failed');
  if (!failed) throw new Error(`no task_failed event in ${home}`);
  return { ev, failed, home };
}

export async function run({ quick, log }) {
  const clk = clockTicks();
  const n = quick ? 50 : 200;
  const sleepSec = quick ? 10 : 30;
  const windowMs = quick ? 6000 : 20_000;
  const cpuRounds = quick ? 1 : 3;
  const reps = quick ? 2 : 5;
  const notes = [];
  const data = { clk_tck: clk, tasks: n, sleep_sec: sleepSec, window_ms: windowMs, cpu_rounds: cpuRounds, repeats: reps };

  // a. CPU: watched and floor windows alternate, the order rotated each round.
  log(`Watchdog sampler CPU: ${n} × sleep ${sleepSec}, --max-parallel ${n}, ${windowMs / 1000} s windows, ${cpuRounds} round(s) each, alternating`);
  const cpu = { watched: [], floor: [] };
  for (let r = 0; r < cpuRounds; r++) {
    const order = r % 2 === 0 ? [true, false] : [false, true];
    for (const watched of order) cpu[watched ? 'watched' : 'floor'].push(await cpuWindow({ watched, n, sleepSec, windowMs, clk, log }));
  }
  const wPct = median(cpu.watched.map((x) => x.pct));
  const fPct = median(cpu.floor.map((x) => x.pct));
  const diff = wPct !== null && fPct !== null ? wPct - fPct : null;
  const left = [...cpu.watched, ...cpu.floor].reduce((a, x) => a + (x.leftAfterCancel ?? 0), 0);
  data.cpu = {
    watched_pct: r3(wPct),
    floor_pct: r3(fPct),
    difference_pct: r3(diff),
    watched_windows: cpu.watched.map((x) => ({ pct: r3(x.pct), cpu_ms: r1(x.cpuMs), wall_ms: r1(x.wallMs), launch_ms: r1(x.launchMs), processes: x.procs })),
    floor_windows: cpu.floor.map((x) => ({ pct: r3(x.pct), cpu_ms: r1(x.cpuMs), wall_ms: r1(x.wallMs), launch_ms: r1(x.launchMs), processes: x.procs })),
    sleeps_left_after_cancel: left,
    pass: wPct === null ? null : wPct < TARGET.cpuPct,
  };
  if (left > 0) notes.push(`${left} sleep process(es) were still alive after aad cancel returned and aad run exited (killed by the bench).`);

  // b. Stall latency.
  const dir = tempDir('aad-bench-wd-');
  log(`Stall detection: sleep 30 with stall_timeout_sec: 1, ${reps} runs`);
  const stall = [];
  for (let i = 0; i < reps; i++) {
    const { ev, failed } = await runOne(dir, { id: 'stall', cmd: 'sleep 30', keys: { stall_timeout_sec: 1, retries: 0 } });
    if (!/^stalled/.test(failed.reason ?? '')) throw new Error(`the stall task failed for another reason: ${failed.reason}`);
    const spawnedEv = ev.find((e) => e.event === 'task_spawned');
    const lat = failed.duration_ms - 1000;
    const fromSpawn = spawnedEv ? Date.parse(failed.ts) - Date.parse(spawnedEv.ts) - 1000 : null;
    stall.push({ latency_ms: lat, spawned_to_failed_minus_limit_ms: fromSpawn, signal: failed.signal });
    log(`  run ${i + 1}/${reps}: duration_ms ${failed.duration_ms} → ${lat} ms after the limit (${failed.signal ?? `exit ${failed.exit_code}`})`);
  }
  const sMed = median(stall.map((x) => x.latency_ms));
  const sMax = Math.max(...stall.map((x) => x.latency_ms));
  data.stall = { median_ms: sMed, max_ms: sMax, runs: stall, pass: sMax < TARGET.stallMs };

  // c. Memory latency. The task fills 150 MiB 1 MiB at a time and writes Date.now() twice: when its own
  // resident size first exceeds the 100 MiB limit (it is the group's only process: aad sums the same rss),
  // and when the allocation is complete. A scan may fall mid-fill, stopping the task before the second.
  // aad's scans come every second from the attempt's start: a fill starting at a fixed time would always meet
  // the same phase of them, so run i waits i/reps of a second before it fills (runs spread over the period).
  log(`Memory detection: a task filling 150 MiB with max_memory_mb: 100, ${reps} runs`);
  const alloc = join(dir, 'alloc.cjs');
  writeFileSync(
    alloc,
    [
      "const fs = require('node:fs');",
      'const [crossFile, endFile, delay] = process.argv.slice(2);',
      "console.log('allocating');",
      'setTimeout(fill, Number(delay));',
      'function fill() {',
      '  const LIMIT = 100 * 2 ** 20;',
      '  const CHUNK = 2 ** 20;',
      '  const b = Buffer.allocUnsafeSlow(150 * 2 ** 20);',
      '  let crossed = false;',
      '  for (let o = 0; o < b.length; o += CHUNK) {',
      '    b.fill(1, o, o + CHUNK);',
      '    if (!crossed && process.memoryUsage.rss() > LIMIT) {',
      '      fs.writeFileSync(crossFile, String(Date.now()));',
      '      crossed = true;',
      '    }',
      '  }',
      '  fs.writeFileSync(endFile, String(Date.now()));',
      '  setTimeout(() => b.length, 60_000);',
      '}',
    ].join('\n') + '\n',
  );
  const mem = [];
  for (let i = 0; i < reps; i++) {
    const cross = join(dir, `cross-${i}`);
    const end = join(dir, `end-${i}`);
    const delay = Math.round((i * 1000) / reps);
    const { failed } = await runOne(dir, { id: 'mem', cmd: `${NODE} ${alloc} ${cross} ${end} ${delay}`, keys: { max_memory_mb: 100, retries: 0 } });
    if (!/^memory/.test(failed.reason ?? '')) throw new Error(`the memory task failed for another reason: ${failed.reason}`);
    if (!existsSync(cross)) throw new Error(`the memory task was stopped before its rss crossed 100 MiB (${failed.reason})`);
    const failedAt = Date.parse(failed.ts);
    const fromCross = failedAt - Number(readFileSync(cross, 'utf8'));
    const fromEnd = existsSync(end) ? failedAt - Number(readFileSync(end, 'utf8')) : null;
    mem.push({ delay_ms: delay, latency_ms: fromCross, from_allocation_end_ms: fromEnd, reason: failed.reason, attempt_ms: failed.duration_ms });
    log(`  run ${i + 1}/${reps} (fill after ${delay} ms): task_failed ${fromCross} ms after the task's rss crossed 100 MiB, ${fromEnd === null ? 'stopped before the allocation ended' : `${fromEnd} ms after the allocation ended`}; ${failed.reason}`);
  }
  const mMed = median(mem.map((x) => x.latency_ms));
  const mMax = Math.max(...mem.map((x) => x.latency_ms));
  const ends = mem.map((x) => x.from_allocation_end_ms).filter((x) => x !== null);
  const eMed = median(ends);
  const eMax = ends.length ? Math.max(...ends) : null;
  data.memory = { median_ms: mMed, max_ms: mMax, from_allocation_end: { median_ms: eMed, max_ms: eMax, n: ends.length }, runs: mem, pass: mMax < TARGET.memoryMs };

  const pct = (x) => (x === null ? '—' : `${x.toFixed(2)}%`);
  const rows = [
    [`sampler CPU, ${n} tasks watched (stall 120 s, memory 512 MB)`, pct(wPct), `< ${TARGET.cpuPct}% of one core`, verdict(data.cpu.pass), cpu.watched.length],
    [`sampler CPU, same plan without the keys (floor)`, pct(fPct), '', '', cpu.floor.length],
    [`  difference (watched − floor)`, pct(diff), '', '', ''],
    ['stall detection: duration − 1 s, median', fmtMs(sMed), '', '', reps],
    ['stall detection: duration − 1 s, max', fmtMs(sMax), `< ${fmtMs(TARGET.stallMs)}`, verdict(data.stall.pass), reps],
    ['memory detection: task_failed − rss over the limit, median', fmtMs(mMed), '', '', reps],
    ['memory detection: task_failed − rss over the limit, max', fmtMs(mMax), `< ${fmtMs(TARGET.memoryMs)}`, verdict(data.memory.pass), reps],
    ['  task_failed − allocation end, median / max', ends.length ? `${fmtMs(eMed)} / ${fmtMs(eMax)}` : '—', '', '', ends.length],
  ];
  notes.push(
    `CPU: aad's utime + stime (/proc/<pid>/stat fields 14, 15; CLK_TCK ${clk}) over a ${windowMs / 1000} s window while all ${n} tasks sleep (after a 1 s settle), as % of one core; median of ${cpuRounds} window(s) per plan, alternating. Each memory scan reads every process's stat: ~${cpu.watched[0]?.procs ?? '?'} processes on the machine here.`,
    'Stall: the attempt\'s duration_ms (aad\'s own, from just before the spawn to the attempt\'s end) minus the 1 s limit: the timer\'s lateness, SIGTERM, the exit and the reaping.',
    'Memory: the task fills 150 MiB in 1 MiB steps and writes Date.now() when its own rss (process.memoryUsage.rss()) first exceeds 100 MiB and when the fill is done; task_failed\'s ts is aad\'s.',
    `aad scans /proc once a second from the attempt's start: expect 0–1 s of waiting for the next scan plus the stop; run i starts its fill i/${reps} s late so the runs meet different phases of the scans. Runs stopped mid-fill (a scan fell during it) have no allocation-end figure.`,
  );
  const targets = [
    { figure: `watchdog sampler CPU, ${n} tasks watched (floor ${pct(fPct)})`, value: pct(wPct), target: `< ${TARGET.cpuPct}%`, pass: data.cpu.pass },
    { figure: `stall detection latency, max of ${reps} (median ${fmtMs(sMed)})`, value: fmtMs(sMax), target: `< ${fmtMs(TARGET.stallMs)}`, pass: data.stall.pass },
    { figure: `memory detection latency after the rss crossed the limit, max of ${reps} (median ${fmtMs(mMed)})`, value: fmtMs(mMax), target: `< ${fmtMs(TARGET.memoryMs)}`, pass: data.memory.pass },
  ];
  return { data, targets, table: table(`10. Watchdogs — through aad run (issue 13)`, ['figure', 'measured', 'target', '', 'n'], rows, notes) };
}
