// 4. Start-up: `aad --help`, `aad validate` and `aad list` of a 5-task plan, and `aad completion bash`, vs `node -e 0`.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AAD, NODE, alternate, check, fmtMs, fmtRatio, r1, r3, runTimed, table, tempDir, verdict } from './lib.mjs';
import { aadPlan, layeredDag } from './dag.mjs';

export const TARGET = 1.5;

export async function run({ quick, log }) {
  const rounds = quick ? 8 : 21;
  const dir = tempDir('aad-bench-start-');
  const plan = join(dir, 'aad.yaml');
  writeFileSync(plan, aadPlan(layeredDag(5, 1)));
  log(`Start-up: ${rounds} rounds + 2 warm-ups`);
  const contenders = [
    { name: 'node -e 0', run: async () => check(await runTimed(NODE, ['-e', '0']), 'node') },
    { name: 'aad --help', run: async () => check(await runTimed(NODE, [AAD, '--help']), 'aad --help') },
    { name: 'aad validate (5 tasks)', run: async () => check(await runTimed(NODE, [AAD, 'validate', plan]), 'aad validate') },
    { name: 'aad list (5 tasks)', run: async () => check(await runTimed(NODE, [AAD, 'list', plan]), 'aad list') },
    { name: 'aad completion bash', run: async () => check(await runTimed(NODE, [AAD, 'completion', 'bash']), 'aad completion bash') },
  ];
  const results = await alternate(contenders, { rounds, warmup: 2, log: () => {} });
  const base = results[0].medianMs;
  const data = { rounds, contenders: {} };
  let pass = true;
  const rows = results.map((r, i) => {
    const ratio = base && r.medianMs ? r.medianMs / base : null;
    const p = i > 0 && ratio !== null ? ratio <= TARGET : null;
    if (i > 0) pass &&= p === true;
    const extra = base && r.medianMs ? r.medianMs - base : null;
    data.contenders[r.name] = { median_ms: r1(r.medianMs), ms: r.ms.map(r1), ratio_to_node: r3(ratio), over_node_ms: r1(extra), ...(i > 0 ? { pass: p } : {}), error: r.error };
    return [r.name, r.error ? 'failed' : fmtMs(r.medianMs), i > 0 ? `+${fmtMs(extra)}` : '', fmtRatio(ratio), i > 0 ? `≤ ${TARGET}×: ${verdict(p)}` : '', r.n];
  });
  data.pass = pass;
  const notes = results.filter((r) => r.error).map((r) => `${r.name}: ${r.error}`);
  const targets = results.slice(1).map((r) => ({ figure: `start-up: ${r.name} / node -e 0`, value: fmtRatio(data.contenders[r.name].ratio_to_node), target: `≤ ${TARGET}×`, pass: data.contenders[r.name].pass }));
  return { data, targets, table: table(`4. Start-up (median of ${rounds})`, ['command', 'median', 'over node', '× node -e 0', 'target', 'n'], rows, notes) };
}
