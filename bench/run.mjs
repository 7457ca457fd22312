#!/usr/bin/env node
// aad's benchmark. Usage: node bench/run.mjs [--quick] [--json] [--only NAME[,NAME]]
//   sections: dag, output, validate, startup, schedule, scale, artifacts (bench/artifacts.mjs, when present),
//             worktree (isolation: worktree on a generated 10,000-file git repository; 2,000 with --quick),
//             children (a planner adding 10,000 dynamic child tasks vs the same tasks in the plan file; 1,000 with --quick),
//             watchdog (stall_timeout_sec / max_memory_mb through aad run: the sampler's CPU with 200 watched sleeps
//             against the same plan unwatched, and how soon a stall and a memory excess stop the attempt; 50 with --quick),
//             incremental (the up-to-date check of `sources` matching 10,000 files, 100 MB: nothing changed, everything changed vs sha256sum),
//             workers (aad run --redis on aad workers and a redis-server it starts on a unix socket: a 200-task layered DAG
//             vs local, per-hop time of a 100-task chain, 100 MiB of output from one task, a worker killed mid-attempt)
//   --json   all figures as one JSON object on stdout; tables and progress go to stderr
//   --quick  fewer rounds and smaller sizes: a smoke test (< 2 min)
// Every comparison runs in this one process, alternating its contenders over several rounds after a
// warm-up, and reports medians and ratios. Child processes never get NODE_EXTRA_CA_CERTS.
import { existsSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { AAD, cleanup, hasGnuTime, memMethod, table, verdict } from './lib.mjs';

const SECTIONS = {
  dag: () => import('./section-dag.mjs'),
  output: () => import('./section-output.mjs'),
  validate: () => import('./section-validate.mjs'),
  startup: () => import('./section-startup.mjs'),
  schedule: () => import('./section-schedule.mjs'),
  scale: () => import('./section-scale.mjs'),
  artifacts: () => import('./section-artifacts.mjs'),
  worktree: () => import('./section-worktree.mjs'),
  children: () => import('./section-children.mjs'),
  watchdog: () => import('./section-watchdog.mjs'),
  incremental: () => import('./section-incremental.mjs'),
  workers: () => import('./section-workers.mjs'),
};

function parseArgs(argv) {
  const o = { json: false, quick: false, only: null };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--json') o.json = true;
    else if (a === '--quick') o.quick = true;
    else if (a === '--only' || a.startsWith('--only=')) {
      const v = a.includes('=') ? a.slice(a.indexOf('=') + 1) : argv[++i];
      if (!v) usage('--only needs a section name');
      o.only = v.split(',').map((s) => s.trim()).filter(Boolean);
      for (const s of o.only) if (!(s in SECTIONS)) usage(`unknown section "${s}"`);
    } else if (a === '--help' || a === '-h') usage();
    else usage(`unknown argument "${a}"`);
  }
  return o;
}

function usage(problem) {
  const text = `usage: node bench/run.mjs [--quick] [--json] [--only ${Object.keys(SECTIONS).join('|')}]`;
  if (problem) {
    process.stderr.write(`bench: ${problem}\n${text}\n`);
    process.exit(2);
  }
  process.stdout.write(text + '\n');
  process.exit(0);
}

const opts = parseArgs(process.argv.slice(2));
const tables = opts.json ? process.stderr : process.stdout;
const log = (m) => process.stderr.write(m + '\n');
const say = (t) => tables.write(t);

if (!existsSync(AAD)) {
  log(`bench: ${AAD} is missing: build first (npm run build)`);
  process.exit(2);
}

const t0 = Date.now();
const report = {
  meta: {
    date: new Date().toISOString(),
    node: process.version,
    cpus: cpus().length,
    mem_gib: Math.round(totalmem() / 2 ** 30),
    quick: opts.quick,
    loadavg_start: loadavg().map((x) => Math.round(x * 100) / 100),
    child_env: 'NODE_EXTRA_CA_CERTS removed from every measured child process (it adds ~40 ms to each Node start here)',
    peak_memory: memMethod(),
    gnu_time: hasGnuTime(),
  },
  sections: {},
};

say(
  `aad benchmark${opts.quick ? ' (--quick)' : ''} — node ${process.version}, ${cpus().length} CPUs, load average ${report.meta.loadavg_start.join(' ')}\n` +
    `Child processes run without NODE_EXTRA_CA_CERTS (it adds ~40 ms to every Node start here).\n` +
    `Peak memory: ${report.meta.peak_memory}.\n` +
    `Contenders alternate round by round (order rotated) after a warm-up; figures are medians.\n`,
);
if (report.meta.loadavg_start[0] > cpus().length) say(`Note: the machine is busy (load ${report.meta.loadavg_start[0]} on ${cpus().length} CPUs): absolute times are inflated; ratios are the figures to read.\n`);

let failed = false;
const targets = [];
for (const name of opts.only ?? Object.keys(SECTIONS)) {
  const s0 = Date.now();
  log(`\n[${name}]`);
  try {
    const mod = await SECTIONS[name]();
    const res = await mod.run({ quick: opts.quick, log, json: opts.json, only: opts.only !== null });
    if (res === null) {
      log(`  (skipped)`);
      continue;
    }
    report.sections[name] = { ...res.data, seconds: Math.round((Date.now() - s0) / 100) / 10 };
    for (const t of res.targets ?? []) targets.push({ section: name, ...t });
    say(res.table);
  } catch (err) {
    failed = true;
    const msg = String(err?.stack ?? err);
    report.sections[name] = { error: msg };
    say(`\n## ${name}: FAILED\n  ${msg.split('\n').slice(0, 6).join('\n  ')}\n`);
  } finally {
    cleanup();
  }
}

report.targets = targets;
if (targets.length) say(table('Targets', ['figure', 'measured', 'target', ''], targets.map((t) => [t.figure, t.value, t.target, verdict(t.pass)])));
report.meta.loadavg_end = loadavg().map((x) => Math.round(x * 100) / 100);
report.meta.seconds = Math.round((Date.now() - t0) / 100) / 10;
say(`\nTotal ${report.meta.seconds} s; load average at the end ${report.meta.loadavg_end.join(' ')}.\n`);
if (opts.json) process.stdout.write(JSON.stringify(report, null, 2) + '\n');
process.exitCode = failed ? 1 : 0;
