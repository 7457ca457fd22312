import { formatMs } from '../graph/render.js';
import { printOut } from '../report/print.js';
import { runEstimateMs } from '../report/progress.js';
import { damagedObject, runObject, statusObject, statusText } from '../report/status.js';
import { colorEnabled, painter } from '../report/style.js';
import { countStates } from '../run/reduce.js';
import { resolveHome } from '../store/paths.js';
import { countLeftovers } from '../run/reap.js';
import { loadRun, resolveRunId, scanRuns, type LoadedRun } from '../store/runs.js';
import { warnUnknownEvents } from './unknown-events.js';

/** `aad status`. */
export function showStatus(runIdArg: string | undefined, homeArg: string | undefined, json: boolean): void {
  const home = resolveHome(homeArg);
  const run = loadRun(home, resolveRunId(home, runIdArg));
  warnUnknownEvents([run]);
  const leftovers = run.live === 'interrupted' ? countLeftovers(run.state) : null;
  const now = Date.now();
  // The time left, from earlier runs of the plan (at most 5 read): only while the run is running.
  const eta = run.live === 'running' ? runEstimateMs(home, run, now) : undefined;
  if (json) printOut(JSON.stringify(statusObject(run.state, run.live, leftovers, eta), null, 2));
  else printOut(statusText(run.state, run.live, painter(colorEnabled(process.stdout)), now, process.stdout.columns ?? 100, leftovers, eta));
}

/** `aad runs`: newest first; a damaged run directory is listed as `damaged`, with what is wrong with it. */
export function showRuns(homeArg: string | undefined, json: boolean): void {
  const home = resolveHome(homeArg);
  const runs = scanRuns(home);
  warnUnknownEvents(runs.filter((r): r is LoadedRun => !('damaged' in r)));
  if (json) {
    printOut(JSON.stringify(runs.map((r) => ('damaged' in r ? damagedObject(r.runId, r.damaged) : runObject(r.state, r.live, r.live === 'interrupted' ? countLeftovers(r.state) : null))), null, 2));
    return;
  }
  if (runs.length === 0) {
    printOut(`no runs in ${home}`);
    return;
  }
  const paint = painter(colorEnabled(process.stdout));
  const now = Date.now();
  const rows = runs.map((r) => {
    if ('damaged' in r) return [r.runId, 'damaged', '', '', r.damaged];
    const c = countStates(r.state);
    const end = r.state.endedAt ? Date.parse(r.state.endedAt) : now;
    const counts = [`${c.succeeded} ok`, c.failed && `${c.failed} failed`, c.skipped && `${c.skipped} skipped`, c.cancelled && `${c.cancelled} cancelled`, c.running + c.retrying && `${c.running + c.retrying} running`, c.pending && `${c.pending} pending`].filter(Boolean).join(', ');
    return [r.runId, r.live, r.state.startedAt.replace('T', ' ').replace(/\.\d+Z$/, 'Z'), formatMs(end - Date.parse(r.state.startedAt)), counts];
  });
  const header = ['RUN', 'STATE', 'STARTED', 'DURATION', 'TASKS'];
  const w = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const fmt = (r: string[]) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(w[i]!))).join('  ');
  printOut([paint('dim', fmt(header)), ...rows.map(fmt)].join('\n'));
}
