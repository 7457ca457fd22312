// Shared helpers of the benchmark: child environment, timed runs with peak memory, medians, tables.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, openSync, closeSync, readFileSync, readdirSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';

export const BENCH_DIR = dirname(fileURLToPath(import.meta.url));
export const ROOT = dirname(BENCH_DIR);
export const AAD = join(ROOT, 'bin', 'aad.cjs');
export const NODE = process.execPath;

/**
 * The environment of every child process: ours without NODE_EXTRA_CA_CERTS (loading the extra CA file
 * adds ~40 ms to every Node start here), without colours, and without aad/Turborepo/wireit settings
 * that would change what is measured.
 */
export function childEnv(extra = {}) {
  const env = { ...process.env };
  delete env.NODE_EXTRA_CA_CERTS;
  delete env.AAD_HOME;
  delete env.FORCE_COLOR;
  env.NO_COLOR = '1';
  return { ...env, ...extra };
}

/** A fresh temporary folder (removed by cleanup()). */
const temps = [];
export function tempDir(prefix = 'aad-bench-') {
  const d = mkdtempSync(join(tmpdir(), prefix));
  temps.push(d);
  return d;
}
export function cleanup() {
  for (const d of temps.splice(0)) rmSync(d, { recursive: true, force: true });
}

/** Whether GNU time is there (`/usr/bin/time -f %M -o FILE`): it reports the peak RSS of the process in KiB. */
let gnuTime;
export function hasGnuTime() {
  if (gnuTime === undefined) {
    const d = tempDir();
    const out = join(d, 'm');
    const r = spawnSync('/usr/bin/time', ['-f', '%M', '-o', out, 'true'], { env: childEnv(), stdio: 'ignore' });
    gnuTime = r.status === 0 && existsSync(out) && /^\d+\s*$/.test(readFileSync(out, 'utf8'));
  }
  return gnuTime;
}

/** How peak memory is measured, for the report. */
export function memMethod() {
  return hasGnuTime()
    ? '/usr/bin/time -f %M (peak RSS of the process; GNU time folds in its reaped children, here only sh/true/yes/head, far smaller than node)'
    : 'VmHWM of the node process polled from /proc/<pid>/status every 10 ms';
}

/**
 * Runs a command once and measures its wall time (ms, spawn to exit) and, with mem, its peak RSS (MiB).
 * stdout: 'ignore' | 'null' (/dev/null, a real file descriptor, as a shell redirect would give) | 'pipe' (captured).
 */
export function runTimed(file, args, { cwd, env = childEnv(), stdout = 'ignore', mem = false, timeoutMs = 600_000, okCodes = [0] } = {}) {
  let outFd = 'ignore';
  let devnull;
  if (stdout === 'null') outFd = devnull = openSync('/dev/null', 'w');
  else if (stdout === 'pipe') outFd = 'pipe';
  let memFile;
  let argv = [file, ...args];
  if (mem && hasGnuTime()) {
    memFile = join(tempDir('aad-bench-mem-'), 'm');
    argv = ['/usr/bin/time', '-f', '%M', '-o', memFile, ...argv];
  }
  return new Promise((resolve) => {
    const t0 = performance.now();
    const child = spawn(argv[0], argv.slice(1), { cwd, env, stdio: ['ignore', outFd, 'pipe'] });
    let err = '';
    let out = '';
    child.stderr.on('data', (c) => {
      if (err.length < 20000) err += c;
    });
    if (outFd === 'pipe') child.stdout.on('data', (c) => (out += c));
    let hwm = 0;
    let poll;
    if (mem && !memFile) {
      const read = () => {
        try {
          const m = /VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
          if (m) hwm = Math.max(hwm, Number(m[1]));
        } catch {
          /* gone */
        }
      };
      poll = setInterval(read, 10);
    }
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', (e) => (err += String(e)));
    child.on('close', (code, signal) => {
      const ms = performance.now() - t0;
      clearTimeout(timer);
      if (poll) clearInterval(poll);
      if (devnull !== undefined) closeSync(devnull);
      let peakMiB = null;
      if (memFile) {
        try {
          peakMiB = Number(readFileSync(memFile, 'utf8').trim().split('\n').pop()) / 1024;
        } catch {
          /* time failed */
        }
      } else if (mem) peakMiB = hwm / 1024;
      const ok = okCodes.includes(code);
      resolve({ ms, code, signal, ok, peakMiB, stderr: err, stdout: out });
    });
  });
}

/** Throws with the command's stderr when a run did not end as expected. */
export function check(r, what) {
  if (!r.ok) throw new Error(`${what} exited ${r.code ?? r.signal}: ${r.stderr.trim().split('\n').slice(-8).join('\n')}`);
  return r;
}

export function median(xs) {
  const a = xs.filter((x) => x !== null && x !== undefined && !Number.isNaN(x)).sort((p, q) => p - q);
  if (a.length === 0) return null;
  const m = a.length >> 1;
  return a.length % 2 ? a[m] : (a[m - 1] + a[m]) / 2;
}

/**
 * Runs contenders alternately: `warmup` unmeasured rounds, then `rounds` measured ones, the order rotated
 * each round so no contender always goes first. A contender is { name, run: async () => ({ms, peakMiB?}),
 * rounds?: number (fewer rounds for a slow one) }. A contender that throws is dropped with its error.
 */
export async function alternate(contenders, { rounds, warmup = 1, log = () => {} }) {
  const res = new Map(contenders.map((c) => [c.name, { name: c.name, ms: [], peakMiB: [], error: null, extra: [] }]));
  const live = [...contenders];
  for (let r = -warmup; r < rounds; r++) {
    const order = live.map((_, i) => live[(i + Math.max(0, r)) % live.length]);
    for (const c of order) {
      const slot = res.get(c.name);
      if (slot.error) continue;
      const max = c.rounds ?? rounds;
      const cwarm = c.warmup ?? warmup;
      if (r < 0 && r < -cwarm) continue;
      if (r >= max) continue;
      try {
        const m = await c.run();
        if (r >= 0) {
          slot.ms.push(m.ms);
          if (m.peakMiB !== undefined && m.peakMiB !== null) slot.peakMiB.push(m.peakMiB);
          if (m.extra !== undefined) slot.extra.push(m.extra);
        }
        log(`  ${r < 0 ? 'warm-up' : `round ${r + 1}/${max}`}  ${c.name.padEnd(34)} ${fmtMs(m.ms)}${m.peakMiB ? `  ${m.peakMiB.toFixed(0)} MiB` : ''}`);
      } catch (e) {
        slot.error = String(e.message ?? e);
        log(`  ${c.name}: FAILED: ${slot.error}`);
      }
    }
  }
  return [...res.values()].map((s) => ({ ...s, medianMs: median(s.ms), medianPeakMiB: median(s.peakMiB), n: s.ms.length }));
}

export function fmtMs(ms) {
  if (ms === null || ms === undefined) return '—';
  return ms >= 10_000 ? `${(ms / 1000).toFixed(1)} s` : ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(ms < 10 ? 1 : 0)} ms`;
}
export function fmtMiB(m) {
  return m === null || m === undefined ? '—' : `${m.toFixed(0)} MiB`;
}
export function fmtRatio(r) {
  return r === null || r === undefined || !Number.isFinite(r) ? '—' : `${r.toFixed(2)}×`;
}
export const verdict = (ok) => (ok === null || ok === undefined ? '—' : ok ? 'PASS' : 'FAIL');

/** A plain text table. */
export function table(title, header, rows, notes = []) {
  const cells = [header, ...rows].map((r) => r.map((c) => (c === null || c === undefined ? '—' : String(c))));
  const w = header.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  const line = (r) => r.map((c, i) => (i === 0 ? c.padEnd(w[i]) : c.padStart(w[i]))).join('  ').trimEnd();
  const out = [`\n## ${title}`, line(cells[0]), w.map((n) => '-'.repeat(n)).join('  '), ...cells.slice(1).map(line)];
  for (const n of notes) out.push(`  ${n}`);
  return out.join('\n') + '\n';
}

/** Rounds a figure for the JSON report. */
export const r1 = (x) => (x === null || x === undefined ? null : Math.round(x * 10) / 10);
export const r3 = (x) => (x === null || x === undefined ? null : Math.round(x * 1000) / 1000);

/** The events of the one run in `home` (a partial last line, being written as we read, is left out). */
export function readEvents(home) {
  const runs = join(home, 'runs');
  if (!existsSync(runs)) return [];
  const ids = readdirSync(runs).filter((d) => existsSync(join(runs, d, 'events.jsonl')));
  if (ids.length !== 1) return [];
  const out = [];
  for (const line of readFileSync(join(runs, ids[0], 'events.jsonl'), 'utf8').split('\n')) {
    if (!line) continue;
    try {
      out.push(JSON.parse(line));
    } catch {
      // being written
    }
  }
  return out;
}

/** /proc/<pid>/stat after the command name: rest[0] is field 3 (state), so field k is rest[k − 3]. Null when gone. */
export function procStat(pid) {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return text.slice(text.lastIndexOf(')') + 2).split(' ');
  } catch {
    return null;
  }
}
