// 3. Validate: a generated 10,000-task plan, each task with 2 dependencies; `aad validate` wall and peak memory.
import { statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AAD, NODE, alternate, check, fmtMiB, fmtMs, r1, runTimed, table, tempDir, verdict } from './lib.mjs';
import { aadPlan, layeredDag } from './dag.mjs';

export const TARGET_MS = 1000;
export const TARGET_PEAK_MIB = 150;

export async function run({ quick, log }) {
  const layers = 100;
  const width = 100;
  const rounds = quick ? 2 : 7;
  const dag = layeredDag(layers, width);
  const dir = tempDir('aad-bench-validate-');
  const plan = join(dir, 'aad.yaml');
  writeFileSync(plan, aadPlan(dag));
  const n = dag.tasks.length;
  const kib = Math.round(statSync(plan).size / 1024);
  log(`Validate: a ${n}-task plan (${kib} KiB, 2 deps per task after the first layer), ${rounds} rounds + warm-up`);
  const contenders = [
    { name: `aad validate (${n} tasks)`, run: async () => check(await runTimed(NODE, [AAD, 'validate', plan], { mem: true }), 'aad validate') },
    { name: 'node -e 0 (reference)', run: async () => check(await runTimed(NODE, ['-e', '0'], { mem: true }), 'node') },
  ];
  const results = await alternate(contenders, { rounds, warmup: 1, log });
  const a = results[0];
  const passT = a.medianMs !== null ? a.medianMs < TARGET_MS : null;
  const passM = a.medianPeakMiB !== null ? a.medianPeakMiB < TARGET_PEAK_MIB : null;
  const rows = results.map((r, i) => [
    r.name,
    r.error ? 'failed' : fmtMs(r.medianMs),
    i === 0 ? `< ${TARGET_MS} ms: ${verdict(passT)}` : '',
    fmtMiB(r.medianPeakMiB),
    i === 0 ? `< ${TARGET_PEAK_MIB} MiB: ${verdict(passM)}` : '',
    r.n,
  ]);
  const notes = results.filter((r) => r.error).map((r) => `${r.name}: ${r.error}`);
  return {
    data: {
      tasks: n,
      plan_kib: kib,
      rounds,
      median_ms: r1(a.medianMs),
      ms: a.ms.map(r1),
      peak_mib: r1(a.medianPeakMiB),
      node_e0_ms: r1(results[1].medianMs),
      pass_time: passT,
      pass_peak: passM,
      pass: passT === true && passM === true,
      error: a.error,
    },
    targets: [
      { figure: `validate ${n} tasks: wall`, value: fmtMs(a.medianMs), target: `< ${TARGET_MS} ms`, pass: passT },
      { figure: `validate ${n} tasks: peak`, value: fmtMiB(a.medianPeakMiB), target: `< ${TARGET_PEAK_MIB} MiB`, pass: passM },
    ],
    table: table(`3. Validate — ${n}-task plan, ${kib} KiB (median of ${rounds})`, ['contender', 'median', 'target', 'peak', 'target', 'n'], rows, notes),
  };
}
