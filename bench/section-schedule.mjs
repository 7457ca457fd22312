// 5. Scheduling quality: uneven task durations under --max-parallel 2, where plain plan-order scheduling is
// ≥ 25% slower than the lower bound max(critical path, total work / 2).
import { writeFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { AAD, BENCH_DIR, NODE, alternate, check, fmtMs, fmtRatio, median, r1, r3, runTimed, table, tempDir, verdict } from './lib.mjs';
import { aadPlan, criticalPathAndWork, dagJson, listSchedule, makefile } from './dag.mjs';

export const TARGET = 0.05;
const WORKERS = 2;

/**
 * The design, in units u (plan order): three independent tasks a1, a2 (1.4u) and a3 (1u) listed first, then a
 * chain c1 → c2 → c3 → c4 (1u each). Critical path 4u, work 7.8u (/2 = 3.9u), so the bound is 4u.
 * Plan order starts a1, a2, then a3 and c1 at 1.4u: the chain ends at 5.4u (+35%). Longest-task-first does the
 * same (a1, a2 are the longest). Longest-remaining-path first (c1 heads a 4-task chain) keeps the chain on one
 * worker from 0 and the a's on the other: 4u. No two tasks end at the same moment where it would matter.
 */
export function design(u) {
  const t = (id, units, deps = []) => ({ id, units, sec: units * u, deps, cmd: `sleep ${+(units * u).toFixed(3)}` });
  return [t('a1', 1.4), t('a2', 1.4), t('a3', 1), t('c1', 1), t('c2', 1, ['c1']), t('c3', 1, ['c2']), t('c4', 1, ['c3'])];
}

/** Longest remaining path in task counts (aad does not know durations): what a critical-path-first scheduler without history sees. */
function remainingCounts(tasks) {
  const rem = new Map();
  for (const t of [...tasks].reverse()) {
    const dependents = tasks.filter((d) => d.deps.includes(t.id));
    rem.set(t.id, 1 + Math.max(0, ...dependents.map((d) => rem.get(d.id))));
  }
  return rem;
}

export async function run({ quick, log }) {
  const u = quick ? 0.4 : 0.75;
  const rounds = quick ? 1 : 3;
  const tasks = design(u);
  const { cp, work } = criticalPathAndWork(tasks);
  const bound = Math.max(cp, work / WORKERS);
  const planOrder = listSchedule(tasks, WORKERS);
  const rem = remainingCounts(tasks);
  const cpFirst = listSchedule(tasks, WORKERS, (a, b) => rem.get(b.id) - rem.get(a.id) || a.index - b.index);
  const longestFirst = listSchedule(tasks, WORKERS, (a, b) => b.sec - a.sec || a.index - b.index);
  if (planOrder < bound * 1.25) throw new Error(`design error: plan order ${planOrder}s is not 25% over the bound ${bound}s`);
  log(`Scheduling: bound ${bound}s, plan order ${planOrder}s (simulated), ${rounds} rounds + warm-up`);

  const dag = { tasks, sinks: ['a1', 'a2', 'a3', 'c4'] };
  const dir = tempDir('aad-bench-sched-');
  writeFileSync(join(dir, 'aad.yaml'), aadPlan(dag));
  writeFileSync(join(dir, 'Makefile'), makefile(dag));
  writeFileSync(join(dir, 'dag.json'), dagJson(dag));

  const contenders = [
    {
      name: 'aad run --max-parallel 2',
      async run() {
        const home = tempDir('aad-bench-home-');
        const r = check(await runTimed(NODE, [AAD, 'run', join(dir, 'aad.yaml'), '--quiet', '--max-parallel', String(WORKERS), '--home', home]), 'aad run');
        const s = check(await runTimed(NODE, [AAD, 'status', '--json', '--home', home], { stdout: 'pipe' }), 'aad status');
        const st = JSON.parse(s.stdout);
        rmSync(home, { recursive: true, force: true });
        const makespan = Date.parse(st.ended_at) - Date.parse(st.started_at);
        const starts = st.tasks.map((t) => Date.parse(t.started_at));
        const ends = st.tasks.map((t) => Date.parse(t.ended_at));
        const taskSpan = Math.max(...ends) - Math.min(...starts);
        const order = [...st.tasks].sort((a, b) => Date.parse(a.started_at) - Date.parse(b.started_at)).map((t) => t.id);
        return { ms: makespan, extra: { wall_ms: r.ms, task_span_ms: taskSpan, start_order: order.join(' ') } };
      },
    },
    { name: 'raw floor (plan order, real)', run: async () => check(await runTimed(NODE, [join(BENCH_DIR, 'raw-floor.mjs'), join(dir, 'dag.json'), String(WORKERS)]), 'raw floor') },
    { name: 'GNU make -j2 (plan order, real)', run: async () => check(await runTimed('make', ['-j2', '-s', '-f', join(dir, 'Makefile'), 'all'], { cwd: dir }), 'make') },
  ];
  const results = await alternate(contenders, { rounds, warmup: 1, log });
  const a = results[0];
  const boundMs = bound * 1000;
  const over = a.medianMs === null ? null : a.medianMs / boundMs - 1;
  const pass = over === null ? null : over <= TARGET;
  const rows = [
    ['lower bound max(CP, work/2)', fmtMs(boundMs), '1.00×', '', '', ''],
    ['plan order (simulated)', fmtMs(planOrder * 1000), fmtRatio(planOrder / bound), '', '', ''],
    ['longest task first (simulated)', fmtMs(longestFirst * 1000), fmtRatio(longestFirst / bound), '', '', ''],
    ['longest remaining path, unit weights (simulated)', fmtMs(cpFirst * 1000), fmtRatio(cpFirst / bound), '', '', ''],
    ...results.map((r, i) => [
      r.name + (i === 0 ? ' (status --json started→ended)' : ' (wall, incl. start-up)'),
      r.error ? 'failed' : fmtMs(r.medianMs),
      fmtRatio(r.medianMs === null ? null : r.medianMs / boundMs),
      i === 0 ? fmtRatio(r.medianMs === null ? null : r.medianMs / (planOrder * 1000)) : '',
      i === 0 ? `≤ bound +${TARGET * 100}%: ${verdict(pass)}` : '',
      r.n,
    ]),
  ];
  const aadWall = a.extra.map((e) => e.wall_ms);
  const notes = [
    `Design (u = ${u}s, in plan order): a1, a2 = 1.4u; a3 = 1u; chain c1 → c2 → c3 → c4 = 1u each. Critical path ${+cp.toFixed(3)}s, work ${+work.toFixed(3)}s / ${WORKERS} = ${+(work / WORKERS).toFixed(3)}s.`,
    `aad start order (round 1): ${a.extra[0]?.start_order ?? '—'}; aad wall incl. start-up (median): ${fmtMs(median(aadWall))}; first task start → last task end: ${fmtMs(median(a.extra.map((e) => e.task_span_ms)))}.`,
  ];
  for (const r of results) if (r.error) notes.push(`${r.name}: ${r.error}`);
  return {
    data: {
      unit_s: u,
      rounds,
      critical_path_s: cp,
      work_s: work,
      bound_ms: boundMs,
      plan_order_ms: planOrder * 1000,
      plan_order_over_bound: r3(planOrder / bound - 1),
      longest_task_first_ms: longestFirst * 1000,
      cp_first_unit_weights_ms: cpFirst * 1000,
      aad_makespan_ms: r1(a.medianMs),
      aad_makespans_ms: a.ms.map(r1),
      aad_wall_ms: r1(median(aadWall)),
      aad_task_span_ms: r1(median(a.extra.map((e) => e.task_span_ms))),
      aad_start_order: a.extra[0]?.start_order ?? null,
      aad_over_bound: r3(over),
      aad_vs_plan_order: r3(a.medianMs === null ? null : a.medianMs / (planOrder * 1000)),
      raw_floor_plan_order_wall_ms: r1(results[1].medianMs),
      make_plan_order_wall_ms: r1(results[2].medianMs),
      target: `aad makespan <= bound + ${TARGET * 100}%`,
      pass,
      error: a.error,
    },
    targets: [{ figure: 'scheduling: aad makespan / lower bound', value: fmtRatio(a.medianMs === null ? null : a.medianMs / boundMs), target: `≤ ${(1 + TARGET).toFixed(2)}×`, pass }],
    table: table(`5. Scheduling quality — uneven durations, --max-parallel ${WORKERS} (median of ${rounds})`, ['schedule', 'makespan', '× bound', '× plan order', 'target', 'n'], rows, notes),
  };
}
