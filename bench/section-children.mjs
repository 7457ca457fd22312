// 9. Dynamic child tasks: a planner task whose $AAD_OUTCOME file adds 10,000 children `true`
//   (max_children: 10000) against the same 10,000 tasks written in the plan file, both at --max-parallel 2
//   (section 1's parallelism):
//   a) the whole `aad run` of the planner and its children: wall time and peak RSS (target < 300 MiB);
//   b) per-child overhead: (a − the planner alone) / the 10,000 tasks of the plan file (target ≤ 1.2×);
//      the planner alone is a run of the same one-task plan whose outcome file adds no children;
//   c) `aad status --json <run_id>` of a finished run of a: wall time (target < 1 s).
// The three runs alternate round by round (order rotated) and are checked each round: exit 0, every task
// succeeded. --quick: 1,000 children (max_children 1000) and fewer rounds.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AAD, NODE, alternate, check, fmtMiB, fmtMs, fmtRatio, median, r1, r3, runTimed, table, tempDir, verdict } from './lib.mjs';

export const TARGET_PEAK_MIB = 300;
export const TARGET_RATIO = 1.2;
export const TARGET_STATUS_MS = 1000;

/** The planner: one task copying a prepared outcome file to $AAD_OUTCOME (cp: no Node start in the planner). */
function plannerPlan(outcomeFile, { maxChildren, parallel }) {
  return [
    'version: 1',
    `max_parallel: ${parallel}`,
    `max_children: ${maxChildren}`,
    'tasks:',
    '  - id: plan',
    `    cmd: cp ${JSON.stringify(outcomeFile)} "$AAD_OUTCOME"`,
  ].join('\n') + '\n';
}

/** The same children written in the plan file: ids c0…c<n-1>, no dependencies, `true` each. */
function staticPlan(n, parallel) {
  const lines = ['version: 1', `max_parallel: ${parallel}`, 'tasks:'];
  for (let i = 0; i < n; i++) lines.push(`  - id: c${i}`, '    cmd: "true"');
  return lines.join('\n') + '\n';
}

/** `aad status --json` of the run in `home` (not timed): the parsed status. */
async function status(home, what) {
  const s = check(await runTimed(NODE, [AAD, 'status', '--json', '--home', home], { stdout: 'pipe' }), `aad status (${what})`);
  return JSON.parse(s.stdout);
}

/** Throws unless the run succeeded with `n` tasks succeeded (the figure would not be honest). */
function expectRun(st, n, what) {
  if (st.state !== 'succeeded' || st.counts.succeeded !== n) {
    const bad = st.tasks.filter((t) => t.state !== 'succeeded').slice(0, 5).map((t) => `${t.id} ${t.state}: ${t.reason}`);
    throw new Error(`${what}: run ${st.run_id} ${st.state}, ${st.counts.succeeded}/${n} succeeded${bad.length ? `; ${bad.join('; ')}` : ''}`);
  }
}

const innerMs = (st) => Date.parse(st.ended_at) - Date.parse(st.started_at);

export async function run({ quick, log }) {
  const n = quick ? 1000 : 10_000;
  const parallel = 2;
  const rounds = quick ? 2 : 3;
  // A 10,000-child run takes minutes: its start-up is noise, and a warm-up would double the section's time.
  const warmup = quick ? 1 : 0;
  const statusRounds = quick ? 3 : 7;
  const timeoutMs = quick ? 300_000 : 1_800_000;
  const dir = tempDir('aad-bench-children-');

  const children = Array.from({ length: n }, (_, i) => ({ id: `c${i}`, cmd: 'true' }));
  const fullOutcome = join(dir, 'children.json');
  writeFileSync(fullOutcome, JSON.stringify({ outcome: 'success', children }));
  const emptyOutcome = join(dir, 'none.json');
  writeFileSync(emptyOutcome, JSON.stringify({ outcome: 'success' }));
  const planA = join(dir, 'planner.yaml');
  writeFileSync(planA, plannerPlan(fullOutcome, { maxChildren: n, parallel }));
  const planP = join(dir, 'planner-alone.yaml');
  writeFileSync(planP, plannerPlan(emptyOutcome, { maxChildren: n, parallel }));
  const planB = join(dir, 'static.yaml');
  writeFileSync(planB, staticPlan(n, parallel));
  log(`Dynamic children: ${n} children of \`true\` from a planner vs ${n} tasks in the plan file, --max-parallel ${parallel}; ${rounds} rounds${warmup ? ` + ${warmup} warm-up` : ''}, then status --json ×${statusRounds}`);

  // Every run gets a fresh home, kept to the end (see section 1: deleting thousands of files just before a
  // measured run slows that run's file creations down).
  let lastA = null;
  const aadRun = async (plan, what, total) => {
    const home = tempDir('aad-bench-children-home-');
    const r = await runTimed(NODE, [AAD, 'run', plan, '--quiet', '--home', home], { mem: true, timeoutMs, stdout: 'pipe' });
    if (!r.ok) {
      const tail = (r.stderr + r.stdout).trim().split('\n').slice(-8).join('\n');
      throw new Error(`${what} exited ${r.code ?? r.signal} after ${fmtMs(r.ms)} (peak ${fmtMiB(r.peakMiB)}): ${tail}`);
    }
    const st = await status(home, what);
    expectRun(st, total, what);
    return { r, st, home };
  };
  const contenders = [
    {
      name: `planner + ${n} children`,
      async run() {
        const { r, st, home } = await aadRun(planA, 'planner run', n + 1);
        lastA = { home, runId: st.run_id, tasks: st.tasks.length };
        return { ms: r.ms, peakMiB: r.peakMiB, extra: { inner_ms: innerMs(st) } };
      },
    },
    {
      name: 'planner alone (no children)',
      async run() {
        const { r, st } = await aadRun(planP, 'planner alone', 1);
        return { ms: r.ms, peakMiB: r.peakMiB, extra: { inner_ms: innerMs(st) } };
      },
    },
    {
      name: `${n} tasks in the plan file`,
      async run() {
        const { r, st } = await aadRun(planB, 'plan-file run', n);
        return { ms: r.ms, peakMiB: r.peakMiB, extra: { inner_ms: innerMs(st) } };
      },
    },
  ];
  const [rA, rP, rB] = await alternate(contenders, { rounds, warmup, log });

  let statusRes = [];
  if (lastA) {
    const args = [AAD, 'status', '--json', lastA.runId, '--home', lastA.home];
    statusRes = await alternate(
      [
        { name: `aad status --json <run_id> (${lastA.tasks} tasks)`, run: async () => check(await runTimed(NODE, args, { stdout: 'null', mem: true }), 'aad status') },
        { name: 'node -e 0 (reference)', run: async () => check(await runTimed(NODE, ['-e', '0'], { mem: true }), 'node') },
      ],
      { rounds: statusRounds, warmup: 1, log },
    );
  }
  const sres = statusRes[0];

  const childMs = rA.medianMs !== null && rP.medianMs !== null ? rA.medianMs - rP.medianMs : null;
  const ratio = childMs !== null && rB.medianMs ? childMs / rB.medianMs : null;
  // The same per round (A and P of a round against that round's B), as a check on the medians.
  const perRound = rA.ms.map((a, i) => (rP.ms[i] !== undefined && rB.ms[i] ? (a - rP.ms[i]) / rB.ms[i] : null));
  const innerA = median(rA.extra.map((e) => e.inner_ms));
  const innerB = median(rB.extra.map((e) => e.inner_ms));
  const peakPass = rA.medianPeakMiB === null ? null : rA.medianPeakMiB < TARGET_PEAK_MIB;
  const ratioPass = ratio === null ? null : ratio <= TARGET_RATIO;
  const statusPass = sres?.medianMs == null ? null : sres.medianMs < TARGET_STATUS_MS;
  const maxPeakA = rA.peakMiB.length ? Math.max(...rA.peakMiB) : null;

  const perTask = (ms, k) => (ms === null ? '—' : `${(ms / k).toFixed(2)} ms`);
  const rows = [
    [rA.name, rA.error ? 'failed' : fmtMs(rA.medianMs), fmtMs(innerA), perTask(childMs, n), fmtMiB(rA.medianPeakMiB), `< ${TARGET_PEAK_MIB} MiB: ${verdict(peakPass)}`, rA.n],
    [rP.name, rP.error ? 'failed' : fmtMs(rP.medianMs), fmtMs(median(rP.extra.map((e) => e.inner_ms))), '', fmtMiB(rP.medianPeakMiB), '', rP.n],
    [rB.name, rB.error ? 'failed' : fmtMs(rB.medianMs), fmtMs(innerB), perTask(rB.medianMs, n), fmtMiB(rB.medianPeakMiB), '', rB.n],
    ['children overhead: (A − P) / B', fmtRatio(ratio), '', '', '', `≤ ${TARGET_RATIO}×: ${verdict(ratioPass)}`, ''],
    ...statusRes.map((x, i) => [x.name, x.error ? 'failed' : fmtMs(x.medianMs), '', '', fmtMiB(x.medianPeakMiB), i === 0 ? `< ${TARGET_STATUS_MS} ms: ${verdict(statusPass)}` : '', x.n]),
  ];
  const notes = [
    `A: one task \`cp children.json "$AAD_OUTCOME"\` (${n} children {id, cmd: "true"}, max_children: ${n}); P: the same plan, its outcome file without children;`,
    `B: the ${n} tasks in the plan file. Each run: node bin/aad.cjs run PLAN --quiet --home <fresh>; checked: exit 0, every task succeeded.`,
    `"inner" is the run's started_at → ended_at (aad status): the wall time less Node's start and the plan's loading.`,
    `Per-round ratios (A − P) / B: ${perRound.map((x) => fmtRatio(x)).join(', ') || '—'}; peak of A over the rounds ${fmtMiB(maxPeakA)}.`,
  ];
  for (const r of [rA, rP, rB, ...statusRes]) if (r.error) notes.push(`${r.name}: ${r.error}`);
  return {
    data: {
      children: n,
      parallel,
      rounds,
      warmup,
      planner_run_ms: r1(rA.medianMs),
      planner_run_all_ms: rA.ms.map(r1),
      planner_run_inner_ms: r1(innerA),
      planner_run_peak_mib: r1(rA.medianPeakMiB),
      planner_run_peak_all_mib: rA.peakMiB.map(r1),
      planner_alone_ms: r1(rP.medianMs),
      planner_alone_all_ms: rP.ms.map(r1),
      plan_file_run_ms: r1(rB.medianMs),
      plan_file_run_all_ms: rB.ms.map(r1),
      plan_file_run_inner_ms: r1(innerB),
      plan_file_run_peak_mib: r1(rB.medianPeakMiB),
      children_ms: r1(childMs),
      per_child_ms: childMs === null ? null : r3(childMs / n),
      per_plan_task_ms: rB.medianMs === null ? null : r3(rB.medianMs / n),
      ratio: r3(ratio),
      ratio_per_round: perRound.map(r3),
      status_json_ms: r1(sres?.medianMs),
      status_json_all_ms: sres ? sres.ms.map(r1) : [],
      status_json_peak_mib: r1(sres?.medianPeakMiB),
      node_e_0_ms: r1(statusRes[1]?.medianMs),
      pass_peak: peakPass,
      pass_ratio: ratioPass,
      pass_status: statusPass,
      pass: peakPass === true && ratioPass === true && statusPass === true,
      error: rA.error ?? rP.error ?? rB.error ?? sres?.error ?? null,
    },
    targets: [
      { figure: `children: planner + ${n} children, aad run peak`, value: fmtMiB(rA.medianPeakMiB), target: `< ${TARGET_PEAK_MIB} MiB`, pass: peakPass },
      { figure: `children: (planner run − planner alone) / ${n} plan-file tasks (-j${parallel})`, value: fmtRatio(ratio), target: `≤ ${TARGET_RATIO}×`, pass: ratioPass },
      { figure: `children: status --json of the ${n + 1}-task run`, value: fmtMs(sres?.medianMs ?? null), target: `< ${TARGET_STATUS_MS} ms`, pass: statusPass },
    ],
    table: table(
      `9. Dynamic children — ${n} children of \`true\` vs ${n} plan-file tasks, --max-parallel ${parallel} (median of ${rounds}${quick ? ', --quick' : ''})`,
      ['run', 'wall', 'inner', 'per task', 'peak', 'target', 'n'],
      rows,
      notes,
    ),
  };
}
