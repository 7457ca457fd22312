// Times collectOutputs (the built dist/run/artifacts.js) on a tree of 100,000 small files of which
// 10,000 match the outputs patterns. Build first: npx tsc -p tsconfig.json.
//
//   node bench/artifacts.mjs          a table
//   node bench/artifacts.mjs --json   the figures as JSON on stdout
//
// The tree is made under os.tmpdir() (set TMPDIR to measure another disk) and removed at the end.
// A baseline, a plain copyFileSync loop over the known 10,000 paths, gives the floor that this
// machine's file system sets. The scenarios alternate, one warm-up round then 3 rounds, each into a fresh
// dest; the median is reported, and the median ratio to the baseline of the same round.
// Before each run, `sync` (untimed) flushes the writes of the run before, so that no run pays for
// the disk's write-back of another. CPU time (user + system, all threads) is reported beside the
// wall time: on a loaded machine it shows the work done, where the wall time shows the wait.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { collectOutputs } from '../dist/run/artifacts.js';

const TARGET_MS = 2000;
const RUNS = 3;
const json = process.argv.includes('--json');
const loadAtStart = os.loadavg()[0];

/** Writes the tree: out/ holds the 10,000 .txt to collect beside 10,000 .log; 80,000 others elsewhere. */
function makeTree(cwd) {
  let total = 0;
  const fill = (dir, count, ext) => {
    fs.mkdirSync(dir, { recursive: true });
    for (let i = 0; i < count; i++) fs.writeFileSync(path.join(dir, `f${i}.${ext}`), `${dir} ${i}\n`);
    total += count;
  };
  for (let p = 0; p < 50; p++) {
    for (let s = 0; s < 10; s++) {
      const dir = path.join(cwd, 'out', `pkg${p}`, `sub${s}`);
      fill(dir, 20, 'txt');
      fill(path.join(dir, 'logs'), 20, 'log');
    }
  }
  for (let m = 0; m < 400; m++) fill(path.join(cwd, 'node_modules', `m${m}`, 'lib'), 100, 'js');
  for (let a = 0; a < 100; a++) for (let b = 0; b < 10; b++) fill(path.join(cwd, 'src', `a${a}`, `b${b}`), 40, 'ts');
  return total;
}

/** The floor to compare with: copyFileSync of the 10,000 known paths, no walk, no matching. */
function copyKnown(cwd, dest) {
  let count = 0;
  for (let p = 0; p < 50; p++) {
    for (let s = 0; s < 10; s++) {
      const rel = path.join('out', `pkg${p}`, `sub${s}`);
      fs.mkdirSync(path.join(dest, rel), { recursive: true });
      for (let i = 0; i < 20; i++, count++) fs.copyFileSync(path.join(cwd, rel, `f${i}.txt`), path.join(dest, rel, `f${i}.txt`));
    }
  }
  return { files: { length: count }, warnings: [] };
}

const scenarios = [
  { name: 'baseline: copyFileSync loop', patterns: ['(known list)'], copyTo: false, baseline: true },
  { name: 'static prefix', patterns: ['out/**/*.txt'], copyTo: false },
  { name: 'whole tree walked', patterns: ['**/*.txt'], copyTo: false },
  { name: 'static prefix + copyTo', patterns: ['out/**/*.txt'], copyTo: true },
];

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'aad-bench-artifacts-'));
try {
  const cwd = path.join(root, 'work');
  let t = performance.now();
  const total = makeTree(cwd);
  const setupMs = performance.now() - t;
  let n = 0;
  // Rounds alternate the scenarios (the first is a warm-up): the disk's state drifts (on this journal-less
  // ext4, creating files gets slower as recently deleted inodes pile up), and what runs side by side
  // meets the same state. Nothing is deleted before the end, for the same reason.
  const acc = scenarios.map(() => ({ runs: [], cpus: [], ratios: [], files: 0 }));
  for (let i = 0; i <= RUNS; i++) {
    let baselineMs;
    for (const [k, sc] of scenarios.entries()) {
      const dest = path.join(root, 'runs', String(n), 'artifacts', 'task');
      const copyTo = sc.copyTo ? path.join(root, 'copies', String(n), 'task') : undefined;
      n++;
      settle();
      t = performance.now();
      const cpu0 = process.cpuUsage();
      const r = sc.baseline ? copyKnown(cwd, dest) : await collectOutputs({ cwd, patterns: sc.patterns, dest, copyTo });
      const ms = performance.now() - t;
      const cpu = process.cpuUsage(cpu0);
      if (r.warnings.length > 0) throw new Error(`unexpected warnings: ${r.warnings.slice(0, 3).join('; ')}`);
      acc[k].files = r.files.length;
      if (sc.baseline) baselineMs = ms;
      if (i > 0) {
        acc[k].runs.push(ms);
        acc[k].cpus.push((cpu.user + cpu.system) / 1000);
        if (baselineMs !== undefined) acc[k].ratios.push(ms / baselineMs);
      }
    }
  }
  const results = scenarios.map((sc, k) => {
    const a = acc[k];
    if (a.files !== 10_000) throw new Error(`${sc.name}: collected ${a.files} files, expected 10000`);
    const median = medianOf(a.runs);
    return {
      name: sc.name,
      patterns: sc.patterns,
      copy_to: sc.copyTo,
      files: a.files,
      runs_ms: a.runs.map(round),
      median_ms: round(median),
      cpu_median_ms: round(medianOf(a.cpus)),
      ratio_to_baseline: sc.baseline ? null : Math.round(medianOf(a.ratios) * 100) / 100,
      under_target: sc.baseline ? null : median < TARGET_MS,
    };
  });
  const report = { node: process.version, cpus: os.cpus().length, load_avg_1m_at_start: round(loadAtStart), tmpdir: os.tmpdir(), files_total: total, files_matching: 10_000, setup_ms: round(setupMs), target_ms: TARGET_MS, scenarios: results };
  if (json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  else printTable(report);
} finally {
  fs.rmSync(root, { recursive: true, force: true });
}

function settle() {
  try {
    execFileSync('sync', { stdio: 'ignore' });
  } catch {
    // no sync(1) here: the figures then include some write-back
  }
}

function medianOf(xs) {
  return [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
}

function round(ms) {
  return Math.round(ms * 10) / 10;
}

function printTable(r) {
  console.log(`collectOutputs: ${r.files_total} files in ${r.tmpdir}, ${r.files_matching} matching; node ${r.node}, ${r.cpus} CPUs, load ${r.load_avg_1m_at_start}; tree made in ${r.setup_ms} ms`);
  const rows = [['scenario', 'patterns', 'files', `median of ${RUNS}`, 'runs (ms)', 'CPU (median)', '× baseline', `< ${r.target_ms} ms`]];
  for (const s of r.scenarios) {
    rows.push([s.name, s.patterns.join(' '), String(s.files), `${s.median_ms} ms`, s.runs_ms.join(' / '), `${s.cpu_median_ms} ms`, s.ratio_to_baseline === null ? '' : `${s.ratio_to_baseline}×`, s.under_target === null ? '' : s.under_target ? 'yes' : 'NO']);
  }
  const widths = rows[0].map((_, c) => Math.max(...rows.map((row) => row[c].length)));
  for (const row of rows) console.log(row.map((cell, c) => cell.padEnd(widths[c])).join('  ').trimEnd());
}
