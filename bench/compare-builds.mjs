#!/usr/bin/env node
// The dag section's aad row for two builds of aad, side by side: the same generated DAG (1000 no-op tasks,
// 10 layers × 100, 2 dependencies each) run by `node <AAD> run plan --quiet --max-parallel 2 --home <fresh>`
// with each build, alternating round by round (order rotated) after a warm-up; medians and new/old.
//
//   node bench/compare-builds.mjs OLD_AAD NEW_AAD [--rounds 7] [--layers 10] [--width 100] [--parallel 2]
//                                 [--target 1.05] [--json]
//   e.g. git worktree add /tmp/aad-old d2b957c && (cd /tmp/aad-old && npm ci && npm run build)
//        node bench/compare-builds.mjs /tmp/aad-old/bin/aad.cjs bin/aad.cjs
// OLD_AAD / NEW_AAD: the CLI entry of each build (bin/aad.cjs, or dist/cli.js in older trees). Children run
// without NODE_EXTRA_CA_CERTS (bench/lib.mjs's childEnv).
// Besides wall time, each run's CPU time (user + system of aad and the tasks it reaped, from GNU time) is
// reported: on a shared machine it moves far less than wall time with what else runs.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { cpus, loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { NODE, alternate, check, childEnv, cleanup, fmtMs, fmtRatio, hasGnuTime, median, r1, r3, runTimed, table, tempDir, verdict } from './lib.mjs';
import { aadPlan, layeredDag } from './dag.mjs';

const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(name);
  if (i < 0) return dflt;
  const v = Number(args[i + 1]);
  args.splice(i, 2);
  if (!Number.isFinite(v) || v <= 0) usage(`${name} needs a positive number`);
  return v;
};
function usage(problem) {
  process.stderr.write(`${problem ? `compare-builds: ${problem}\n` : ''}usage: node bench/compare-builds.mjs OLD_AAD NEW_AAD [--rounds 7] [--layers 10] [--width 100] [--parallel 2] [--target 1.05] [--json]\n`);
  process.exit(2);
}
const json = args.includes('--json');
if (json) args.splice(args.indexOf('--json'), 1);
const rounds = opt('--rounds', 7);
const layers = opt('--layers', 10);
const width = opt('--width', 100);
const parallel = opt('--parallel', 2);
const target = opt('--target', 1.05);
if (args.length !== 2) usage();
const [oldAad, newAad] = args.map((a) => resolve(a));
for (const a of [oldAad, newAad]) if (!existsSync(a)) usage(`${a} does not exist (build it first)`);

/** The commit of the tree a CLI entry is in, for the labels. */
function commitOf(path) {
  const r = spawnSync('git', ['-C', dirname(path), 'log', '-1', '--format=%h'], { encoding: 'utf8', env: childEnv() });
  return r.status === 0 ? r.stdout.trim() : '?';
}

/**
 * Runs `node AAD args…` once: wall ms, and with GNU time the CPU ms (user + system, the reaped tasks included).
 * { ms, cpuMs, code, ok, stderr }.
 */
function runCpu(aad, argv, timeoutMs) {
  const tfile = join(tempDir('aad-bench-cmp-time-'), 't');
  const cmd = hasGnuTime() ? ['/usr/bin/time', '-f', '%U %S', '-o', tfile, NODE, aad, ...argv] : [NODE, aad, ...argv];
  return new Promise((resolve) => {
    const t0 = performance.now();
    const child = spawn(cmd[0], cmd.slice(1), { env: childEnv(), stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (c) => {
      if (err.length < 20000) err += c;
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', (e) => (err += String(e)));
    child.on('close', (code, signal) => {
      const ms = performance.now() - t0;
      clearTimeout(timer);
      let cpuMs = null;
      try {
        const [u, s] = readFileSync(tfile, 'utf8').trim().split('\n').pop().split(' ').map(Number);
        if (Number.isFinite(u) && Number.isFinite(s)) cpuMs = (u + s) * 1000;
      } catch {
        // no GNU time
      }
      resolve({ ms, cpuMs, code, signal, ok: code === 0, stderr: err, extra: cpuMs });
    });
  });
}

const log = (m) => process.stderr.write(m + '\n');
const out = json ? process.stderr : process.stdout;
try {
  const dag = layeredDag(layers, width);
  const n = dag.tasks.length;
  const dir = tempDir('aad-bench-cmp-');
  const plan = join(dir, 'aad.yaml');
  writeFileSync(plan, aadPlan(dag));
  const builds = [
    { label: 'old', path: oldAad, commit: commitOf(oldAad) },
    { label: 'new', path: newAad, commit: commitOf(newAad) },
  ];
  log(`${n} tasks (${layers} × ${width}), --max-parallel ${parallel}, ${rounds} rounds + 1 warm-up, alternating; load average ${loadavg().map((x) => x.toFixed(2)).join(' ')}:`);
  for (const b of builds) log(`  ${b.label}: ${b.path} (${b.commit})`);
  const contenders = builds.map((b) => {
    let checked = false;
    return {
      name: `${b.label} ${b.commit}`,
      async run() {
        // A fresh home each round, kept until the end (as section-dag keeps its run folders).
        const home = tempDir('aad-bench-cmp-home-');
        const r = check(await runCpu(b.path, ['run', plan, '--quiet', '--max-parallel', String(parallel), '--home', home], 300_000), `${b.label} aad run`);
        if (!checked) {
          const s = check(await runTimed(NODE, [b.path, 'status', '--json', '--home', home], { stdout: 'pipe' }), `${b.label} aad status`);
          const ok = JSON.parse(s.stdout).counts.succeeded;
          if (ok !== n) throw new Error(`${b.label} ran ${ok} of ${n} tasks`);
          checked = true;
        }
        return r;
      },
    };
  });
  const res = await alternate(contenders, { rounds, warmup: 1, log });
  const [o, w] = res;
  for (const r of res) if (r.error) throw new Error(`${r.name}: ${r.error}`);
  const ratio = o.medianMs && w.medianMs ? w.medianMs / o.medianMs : null;
  const cpuO = median(o.extra);
  const cpuW = median(w.extra);
  const cpuRatio = cpuO && cpuW ? cpuW / cpuO : null;
  const pass = ratio === null ? null : ratio <= target;
  const data = {
    tasks: n,
    layers,
    width,
    parallel,
    rounds,
    old: { path: oldAad, commit: builds[0].commit, median_ms: r1(o.medianMs), ms: o.ms.map(r1), median_cpu_ms: r1(cpuO), cpu_ms: o.extra.map(r1) },
    new: { path: newAad, commit: builds[1].commit, median_ms: r1(w.medianMs), ms: w.ms.map(r1), median_cpu_ms: r1(cpuW), cpu_ms: w.extra.map(r1) },
    ratio: r3(ratio),
    cpu_ratio: r3(cpuRatio),
    target: `<= ${target}`,
    pass,
  };
  out.write(
    table(
      `aad run of a ${n}-task DAG, --max-parallel ${parallel}: two builds (median of ${rounds})`,
      ['build', 'wall median', 'per task', 'min', 'max', 'CPU median', 'n'],
      res.map((r) => [r.name, fmtMs(r.medianMs), `${(r.medianMs / n).toFixed(2)} ms`, fmtMs(Math.min(...r.ms)), fmtMs(Math.max(...r.ms)), fmtMs(median(r.extra)), r.n]),
      [
        `new / old, wall: ${fmtRatio(ratio)} (target ≤ ${target}×): ${verdict(pass)}`,
        `new / old, CPU (user + system of aad and its reaped tasks, GNU time): ${fmtRatio(cpuRatio)}`,
        ...res.map((r) => `${r.name} per round: wall ${r.ms.map((x) => fmtMs(x)).join(', ')}; CPU ${r.extra.map((x) => fmtMs(x)).join(', ')}`),
        `load average at the end: ${loadavg().map((x) => x.toFixed(2)).join(' ')} (${cpus().length} CPUs)`,
      ],
    ),
  );
  if (json) process.stdout.write(JSON.stringify(data, null, 2) + '\n');
} finally {
  cleanup();
}
