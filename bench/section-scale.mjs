// 6. Scale: a 10,000-task DAG through `aad run`, then `aad status --json` of that finished run.
import { statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AAD, NODE, alternate, check, fmtMiB, fmtMs, r1, runTimed, table, tempDir, verdict } from './lib.mjs';
import { aadPlan, layeredDag } from './dag.mjs';

export const TARGET_RUN_PEAK_MIB = 250;
export const TARGET_STATUS_MS = 1000;

export async function run({ quick, log }) {
  const layers = quick ? 20 : 100;
  const width = 100;
  const parallel = 8;
  const runRounds = 1;
  const statusRounds = quick ? 3 : 7;
  const dag = layeredDag(layers, width);
  const n = dag.tasks.length;
  const dir = tempDir('aad-bench-scale-');
  const plan = join(dir, 'aad.yaml');
  writeFileSync(plan, aadPlan(dag));
  const home = join(dir, 'home');
  log(`Scale: ${n} tasks (${layers} layers × ${width}), --max-parallel ${parallel}: ${runRounds} run, then status --json ×${statusRounds}`);

  const runRes = await alternate(
    [{ name: `aad run --quiet (${n} tasks)`, run: async () => check(await runTimed(NODE, [AAD, 'run', plan, '--quiet', '--max-parallel', String(parallel), '--home', home], { mem: true, timeoutMs: 900_000 }), 'aad run') }],
    { rounds: runRounds, warmup: 0, log },
  );
  const r = runRes[0];
  let st = null;
  let journalKiB = null;
  let statusRes = [];
  if (!r.error) {
    const s = check(await runTimed(NODE, [AAD, 'status', '--json', '--home', home], { stdout: 'pipe' }), 'aad status');
    st = JSON.parse(s.stdout);
    if (st.counts.succeeded !== n) throw new Error(`aad ran ${st.counts.succeeded} of ${n} tasks`);
    journalKiB = Math.round(statSync(join(home, 'runs', st.run_id, 'events.jsonl')).size / 1024);
    statusRes = await alternate(
      [
        { name: 'aad status --json (finished run)', run: async () => check(await runTimed(NODE, [AAD, 'status', '--json', '--home', home], { stdout: 'null', mem: true }), 'aad status') },
        { name: 'node -e 0 (reference)', run: async () => check(await runTimed(NODE, ['-e', '0'], { mem: true }), 'node') },
      ],
      { rounds: statusRounds, warmup: 1, log },
    );
  }
  const runPass = r.medianPeakMiB === null ? null : r.medianPeakMiB < TARGET_RUN_PEAK_MIB;
  const sres = statusRes[0];
  const statusPass = sres?.medianMs == null ? null : sres.medianMs < TARGET_STATUS_MS;
  const rows = [
    [r.name, r.error ? 'failed' : fmtMs(r.medianMs), r.medianMs ? `${(r.medianMs / n).toFixed(2)} ms` : '—', '', fmtMiB(r.medianPeakMiB), `< ${TARGET_RUN_PEAK_MIB} MiB: ${verdict(runPass)}`, r.n],
    ...statusRes.map((x, i) => [x.name, x.error ? 'failed' : fmtMs(x.medianMs), '', i === 0 ? `< ${TARGET_STATUS_MS} ms: ${verdict(statusPass)}` : '', fmtMiB(x.medianPeakMiB), '', x.n]),
  ];
  const notes = [];
  if (st) notes.push(`Run ${st.run_id}: ${st.counts.succeeded} succeeded; started→ended ${fmtMs(Date.parse(st.ended_at) - Date.parse(st.started_at))}; events.jsonl ${journalKiB} KiB.`);
  notes.push(`One run (it is long); its per-task time is comparable with section 1's, at a different parallelism (${parallel}).`);
  if (r.error) notes.push(`${r.name}: ${r.error}`);
  return {
    data: {
      tasks: n,
      parallel,
      run_ms: r1(r.medianMs),
      run_per_task_ms: r.medianMs ? r1((r.medianMs / n) * 100) / 100 : null,
      run_peak_mib: r1(r.medianPeakMiB),
      run_inner_ms: st ? Date.parse(st.ended_at) - Date.parse(st.started_at) : null,
      journal_kib: journalKiB,
      status_json_ms: r1(sres?.medianMs),
      status_json_peak_mib: r1(sres?.medianPeakMiB),
      pass_run_peak: runPass,
      pass_status_time: statusPass,
      pass: runPass === true && statusPass === true,
      error: r.error ?? sres?.error ?? null,
    },
    targets: [
      { figure: `scale ${n} tasks: run peak`, value: fmtMiB(r.medianPeakMiB), target: `< ${TARGET_RUN_PEAK_MIB} MiB`, pass: runPass },
      { figure: `scale ${n} tasks: status --json wall`, value: fmtMs(sres?.medianMs ?? null), target: `< ${TARGET_STATUS_MS} ms`, pass: statusPass },
    ],
    table: table(`6. Scale — ${n}-task DAG, --max-parallel ${parallel}`, ['command', 'wall', 'per task', 'target', 'peak', 'target', 'n'], rows, notes),
  };
}
