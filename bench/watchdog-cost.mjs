// What the watchdog (the built dist/run/watchdog.js) costs aad: 200 process groups (`sleep 30`, each
// leading its own group, output to its own log) watched with both limits (stall 60 s, memory 512 MB) for
// ~10 s. Prints this process's CPU time (process.cpuUsage(), user + system) over the watched window as a
// percentage of its wall time, beside the same window with nothing watched (the floor). Build first:
// npm run build.
//
//   node bench/watchdog-cost.mjs [--tasks 200] [--seconds 10] [--json]
import { spawn } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Watchdog } from '../dist/run/watchdog.js';

const arg = (name, dflt) => {
  const i = process.argv.indexOf(name);
  return i < 0 ? dflt : Number(process.argv[i + 1]);
};
const TASKS = arg('--tasks', 200);
const SECONDS = arg('--seconds', 10);
const json = process.argv.includes('--json');

const dir = mkdtempSync(join(tmpdir(), 'aad-bench-watchdog-'));
const groups = [];
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** CPU time of this process over `ms` of wall time, as a percentage of one core. */
async function cpuOver(ms) {
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  await sleep(ms);
  const cpu = process.cpuUsage(cpu0);
  const wallUs = Number(process.hrtime.bigint() - t0) / 1000;
  return { pct: ((cpu.user + cpu.system) / wallUs) * 100, cpuMs: (cpu.user + cpu.system) / 1000, wallMs: wallUs / 1000 };
}

try {
  for (let i = 0; i < TASKS; i++) {
    const log = join(dir, `t${i}.log`);
    const fd = openSync(log, 'a');
    const child = spawn('sleep', ['30'], { detached: true, stdio: ['ignore', fd, fd] });
    closeSync(fd);
    child.on('error', (err) => console.error(err.message));
    groups.push({ pid: child.pid, log, heartbeat: join(dir, `t${i}.beat`), child });
  }
  await sleep(500); // let the spawns settle
  const floor = await cpuOver(2000);

  const w = new Watchdog();
  const trips = [];
  const now = Date.now();
  const stops = groups.map((g, i) =>
    w.watch(
      { pgid: g.pid, runId: 'bench-run', taskId: `t${i}`, logPath: g.log, heartbeatPath: g.heartbeat, startedMs: now, stallMs: 60_000, maxMemoryBytes: 512 * 2 ** 20 },
      (t) => trips.push(t),
    ),
  );
  const watched = await cpuOver(SECONDS * 1000);
  for (const stop of stops) stop();
  w.close();

  const result = { tasks: TASKS, seconds: SECONDS, floorPct: +floor.pct.toFixed(3), watchedPct: +watched.pct.toFixed(3), watchedCpuMs: +watched.cpuMs.toFixed(1), trips: trips.length };
  if (json) console.log(JSON.stringify(result));
  else {
    console.log(`${TASKS} groups watched (stall 60 s, memory 512 MB) for ${(watched.wallMs / 1000).toFixed(1)} s`);
    console.log(`  aad CPU while watching: ${result.watchedPct}% of one core (${result.watchedCpuMs} ms)`);
    console.log(`  same process, nothing watched: ${result.floorPct}%`);
    console.log(`  trips: ${trips.length}`);
  }
} finally {
  for (const g of groups) {
    try {
      process.kill(-g.pid, 'SIGKILL');
    } catch {
      // gone already
    }
  }
  rmSync(dir, { recursive: true, force: true });
}
