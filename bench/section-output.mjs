// 2. Output throughput: one task writing 200 MB to stdout, secret masking on, through aad vs a shell redirect.
import { readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AAD, NODE, alternate, check, fmtMiB, fmtMs, fmtRatio, memMethod, r1, r3, runTimed, table, tempDir, verdict } from './lib.mjs';

export const TARGET_RATIO = 1.5;
export const TARGET_PEAK_MIB = 100;

// 100-byte lines of text (the secret is not among them: masking scans every byte and finds nothing).
const LINE = 'lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt ut labor';

export async function run({ quick, log }) {
  const bytes = quick ? 50_000_000 : 200_000_000;
  const rounds = quick ? 2 : 5;
  const dir = tempDir('aad-bench-out-');
  const gen = `yes '${LINE}' | head -c ${bytes}`;
  writeFileSync(
    join(dir, 'aad.yaml'),
    ['version: 1', 'tasks:', '  - id: flood', `    cmd: ${JSON.stringify(gen)}`, '    env: { MY_TOKEN: abcd1234 }', ''].join('\n'),
  );
  const mb = bytes / 1e6;
  log(`Output: one task writing ${mb} MB to stdout (MY_TOKEN=abcd1234 in the plan env: masking on), ${rounds} rounds + warm-up`);

  const logSize = (home) => {
    const runs = join(home, 'runs');
    const id = readdirSync(runs)[0];
    return statSync(join(runs, id, 'logs', 'flood', '1.log')).size;
  };
  const aadRun = (extra) => async () => {
    const home = tempDir('aad-bench-home-');
    const r = check(await runTimed(NODE, [AAD, 'run', join(dir, 'aad.yaml'), ...extra, '--max-parallel', '1', '--home', home], { stdout: 'null', mem: true }), 'aad run');
    const size = logSize(home);
    if (size !== bytes) throw new Error(`the task log holds ${size} bytes, not ${bytes}`);
    rmSync(home, { recursive: true, force: true });
    return r;
  };
  const contenders = [
    { name: "sh -c 'cmd > file'", async run() {
      const file = join(dir, 'out.txt');
      const r = check(await runTimed('/bin/sh', ['-c', `${gen} > ${file}`], { mem: true }), 'sh');
      if (statSync(file).size !== bytes) throw new Error('short shell output');
      rmSync(file);
      return r;
    } },
    // The time target is for what the shell does too: the output captured in one file (--quiet). In console
    // mode aad also prints every line again, prefixed with the task's name: twice the bytes, reported beside it.
    { name: 'aad run (console → /dev/null)', run: aadRun([]), timeTarget: false },
    { name: 'aad run --quiet', run: aadRun(['--quiet']), timeTarget: true },
  ];
  const results = await alternate(contenders, { rounds, warmup: 1, log });
  const base = results[0].medianMs;
  const rows = [];
  const data = { bytes, rounds, peak_memory_method: memMethod(), contenders: {} };
  let allPass = true;
  for (const r of results) {
    const isAad = r.name.startsWith('aad');
    const timed = contenders.find((c) => c.name === r.name)?.timeTarget === true;
    const ratio = base && r.medianMs ? r.medianMs / base : null;
    const passT = timed && ratio !== null ? ratio <= TARGET_RATIO : null;
    const passM = isAad && r.medianPeakMiB !== null ? r.medianPeakMiB < TARGET_PEAK_MIB : null;
    if (isAad) allPass &&= (!timed || passT === true) && passM === true;
    const peakMax = r.peakMiB.length ? Math.max(...r.peakMiB) : null;
    rows.push([
      r.name,
      r.error ? 'failed' : fmtMs(r.medianMs),
      r.medianMs ? `${(mb / (r.medianMs / 1000)).toFixed(0)} MB/s` : '—',
      fmtRatio(ratio),
      timed ? `≤ ${TARGET_RATIO}×: ${verdict(passT)}` : isAad ? 'none (output twice)' : '',
      fmtMiB(r.medianPeakMiB),
      fmtMiB(peakMax),
      isAad ? `< ${TARGET_PEAK_MIB} MiB: ${verdict(passM)}` : '',
      r.n,
    ]);
    data.contenders[r.name] = {
      median_ms: r1(r.medianMs),
      ms: r.ms.map(r1),
      mb_per_s: r.medianMs ? r1(mb / (r.medianMs / 1000)) : null,
      ratio_to_shell: r3(ratio),
      peak_mib_median: r1(r.medianPeakMiB),
      peak_mib_max: r1(peakMax),
      error: r.error,
      ...(isAad ? { time_target: timed, pass_time: passT, pass_peak: passM } : {}),
    };
  }
  data.pass = allPass;
  const targets = [];
  for (const r of results.filter((x) => x.name.startsWith('aad'))) {
    const d = data.contenders[r.name];
    if (d.time_target) targets.push({ figure: `output ${mb} MB: ${r.name} / shell redirect`, value: fmtRatio(d.ratio_to_shell), target: `≤ ${TARGET_RATIO}×`, pass: d.pass_time });
    targets.push({ figure: `output ${mb} MB: ${r.name} peak`, value: fmtMiB(d.peak_mib_median), target: `< ${TARGET_PEAK_MIB} MiB`, pass: d.pass_peak });
  }
  const notes = [
    `The task: ${gen.replace(LINE, '<100-byte line>')}; aad writes it to the attempt log (checked: ${bytes} bytes) and, in console mode, to its stdout (/dev/null).`,
    'The shell row writes the same bytes to one file; its peak is that of sh (and yes/head).',
    `The time target (≤ ${TARGET_RATIO}× the shell) is held by --quiet, which captures the output in one file as the shell does; console mode also prints every line again with the task's name before it (twice the bytes), so its time has no target. Both are held to the memory target.`,
  ];
  for (const r of results) if (r.error) notes.push(`${r.name}: ${r.error}`);
  return {
    data,
    targets,
    table: table(`2. Output throughput — ${mb} MB from one task, masking on (median of ${rounds})`, ['contender', 'median', 'rate', '× shell', 'target', 'peak', 'max peak', 'target', 'n'], rows, notes),
  };
}
