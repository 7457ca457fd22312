// decide alone over a simulated run of a layered DAG (no processes): the scan of every task on each tick
// against the frontier that follows the state's moves. Usage: node bench/decide-sim.mjs LAYERS WIDTH PARALLEL
// (build first: npm run build).
import { decide, decideByScan } from '../dist/run/decide.js';
import { reduce } from '../dist/run/reduce.js';
import { compilePlan } from '../dist/plan/compile.js';
import { layeredDag } from './dag.mjs';
const [layers, width, par] = [process.argv[2] ?? 100, process.argv[3] ?? 100, process.argv[4] ?? 8].map(Number);
const dag = layeredDag(layers, width);
const p = compilePlan({ tasks: dag.tasks.map((t) => ({ id: t.id, cmd: 'true', depends_on: t.deps })) });
for (const [name, fn] of [['scan', decideByScan], ['frontier', decide], ['scan', decideByScan], ['frontier', decide]]) {
  let ms = 0; const ts = () => new Date(1e12 + ms++).toISOString();
  const s = reduce(undefined, { v: 1, ts: ts(), event: 'run_started', run_id: 'r', plan: 'p', workdir: '/', tasks: p.tasks.map((t) => t.id), max_parallel: par, fail_fast: false, owner: { pid: 1, hostname: 'h' } });
  const running = [];
  let calls = 0, spent = 0;
  for (;;) {
    const t0 = performance.now();
    const d = fn(p, s, 1e12 + ms, par);
    spent += performance.now() - t0; calls++;
    if (d.actions.some((a) => a.kind === 'finish')) break;
    for (const a of d.actions) if (a.kind === 'start') { reduce(s, { v: 1, ts: ts(), event: 'task_started', task: a.task, attempt: 1 }); running.push(a.task); }
    const done = running.shift();
    reduce(s, { v: 1, ts: ts(), event: 'task_succeeded', task: done, attempt: 1, exit_code: 0, signal: null, duration_ms: 1, reason: 'succeeded' });
  }
  console.log(name, `${p.tasks.length} tasks -j${par}: ${calls} decides, ${spent.toFixed(0)} ms`);
}
