// Incremental runs: the up-to-date check of a task whose `sources` match 10,000 files (100 MB; 2,000 and
// 20 MB with --quick). Nothing changed: the check alone (the built dist/run/fingerprint.js, in this process)
// and through `aad run` (against the same run without `sources`). Everything changed: the check with no
// recorded stamps (every file read and hashed) against `sha256sum` over the same files.
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { AAD, NODE, alternate, check, fmtMs, fmtRatio, r1, r3, runTimed, table, tempDir, verdict } from './lib.mjs';

export const TARGET_NOCHANGE_MS = 150;
export const TARGET_CHANGED_RATIO = 1.3;

export async function run({ quick, log }) {
  const files = quick ? 2000 : 10_000;
  const size = 10 * 1024;
  const dirs = 100;
  const rounds = quick ? 3 : 7;
  const dir = tempDir('aad-bench-incremental-');
  const src = join(dir, 'src');
  log(`Incremental: sources of ${files} files (${Math.round((files * size) / 2 ** 20)} MiB) in ${dirs} folders, ${rounds} rounds + warm-up`);
  for (let d = 0; d < dirs; d++) mkdirSync(join(src, `d${d}`), { recursive: true });
  // Distinct contents per file (a counter in every 64 bytes), so that no hash is shared.
  const block = Buffer.alloc(size);
  for (let i = 0; i < files; i++) {
    for (let o = 0; o < size; o += 64) block.writeUInt32LE((i * 1_000_003 + o) >>> 0, o);
    writeFileSync(join(src, `d${i % dirs}`, `f${i}.txt`), block);
  }
  const { currentInputs, staleReason } = await import('../dist/run/fingerprint.js');
  const task = { id: 'build', cmd: { kind: 'shell', script: 'true' }, env: { MODE: 'bench' }, cwd: '.', sources: ['src'], generates: [] };
  const where = { cwd: dir, skipDirs: [join(dir, 'home')] };
  const first = await currentInputs(task, where, undefined);
  if (Object.keys(first.sources).length !== files) throw new Error(`the check saw ${Object.keys(first.sources).length} of ${files} files`);
  const record = { v: 1, plan: 'bench', task: 'build', inputs: first.digest, sources: first.sources, generates: {}, at: '' };

  const inProcess = (fn) => async () => {
    const t0 = performance.now();
    await fn();
    return { ms: performance.now() - t0 };
  };
  const noChange = inProcess(async () => {
    const inputs = await currentInputs(task, where, record);
    if ((await staleReason(record, inputs, where)) !== undefined) throw new Error('the no-change check found a change');
  });
  const allChanged = inProcess(async () => {
    const inputs = await currentInputs(task, where, undefined);
    if (inputs.digest !== first.digest) throw new Error('hashing every file gave another digest');
  });
  // sha256sum over the same files, as one would script it (find | xargs: a few processes for all the files).
  const shaSum = async () => check(await runTimed('sh', ['-c', 'find src -type f -print0 | xargs -0 sha256sum > /dev/null'], { cwd: dir }), 'sha256sum');

  // The same through the CLI: an up-to-date run against the same plan without sources (which runs `true`).
  const withSources = join(dir, 'with-sources.yaml');
  const without = join(dir, 'without.yaml');
  writeFileSync(withSources, 'tasks:\n  - id: build\n    cmd: "true"\n    sources: [src]\n');
  writeFileSync(without, 'tasks:\n  - id: build\n    cmd: "true"\n');
  const home = join(dir, 'home');
  check(await runTimed(NODE, [AAD, 'run', withSources, '--quiet', '--home', home]), 'aad run (records the fingerprint)');
  let upToDateSeen = 0;
  const contenders = [
    { name: 'check, nothing changed (in process)', run: noChange },
    { name: 'check, everything changed: every file hashed (in process)', run: allChanged },
    { name: 'sha256sum over the same files (find | xargs)', run: shaSum },
    {
      name: 'aad run, task up to date',
      run: async () => {
        const r = check(await runTimed(NODE, [AAD, 'run', withSources, '--quiet', '--home', home]), 'aad run (up to date)');
        upToDateSeen += upToDate(home);
        return r;
      },
    },
    { name: 'aad run, same task without sources', run: async () => check(await runTimed(NODE, [AAD, 'run', without, '--quiet', '--home', join(dir, 'home-plain')]), 'aad run (no sources)') },
  ];
  const results = await alternate(contenders, { rounds, warmup: 1, log });
  const by = (prefix) => results.find((r) => r.name.startsWith(prefix));
  const nc = by('check, nothing changed');
  const ac = by('check, everything changed');
  const sha = by('sha256sum');
  const cliUp = by('aad run, task up to date');
  const cliPlain = by('aad run, same task without');
  const ratio = ac.medianMs !== null && sha.medianMs !== null ? ac.medianMs / sha.medianMs : null;
  const passNc = nc.medianMs === null ? null : nc.medianMs < TARGET_NOCHANGE_MS;
  const passAc = ratio === null ? null : ratio <= TARGET_CHANGED_RATIO;
  const cliCost = cliUp.medianMs !== null && cliPlain.medianMs !== null ? cliUp.medianMs - cliPlain.medianMs : null;
  const rows = results.map((r) => [
    r.name,
    r.error ? 'failed' : fmtMs(r.medianMs),
    r === nc ? `< ${TARGET_NOCHANGE_MS} ms: ${verdict(passNc)}` : r === ac ? `${fmtRatio(ratio)} sha256sum (≤ ${TARGET_CHANGED_RATIO}×): ${verdict(passAc)}` : r === cliUp ? `check through the CLI: ${fmtMs(cliCost)} more` : '',
    r.n,
  ]);
  const notes = results.filter((r) => r.error).map((r) => `${r.name}: ${r.error}`);
  notes.push(`Every round of 'aad run, task up to date' must end up to date: ${upToDateSeen} of ${cliUp.n + 1} runs (warm-up included) did.`);
  notes.push('The files are in the page cache (written just before, read every round): the figures are the check\'s own cost, not the disk\'s.');
  if (upToDateSeen !== cliUp.n + 1) notes.push('A run of the up-to-date plan ran its task: the check is broken.');
  return {
    data: {
      files,
      mib: r1((files * size) / 2 ** 20),
      rounds,
      no_change_ms: r1(nc.medianMs),
      no_change_all_ms: nc.ms.map(r1),
      all_changed_ms: r1(ac.medianMs),
      sha256sum_ms: r1(sha.medianMs),
      all_changed_vs_sha256sum: r3(ratio),
      cli_up_to_date_ms: r1(cliUp.medianMs),
      cli_without_sources_ms: r1(cliPlain.medianMs),
      cli_check_cost_ms: r1(cliCost),
      pass_no_change: passNc,
      pass_all_changed: passAc,
      pass: passNc === true && passAc === true && upToDateSeen === cliUp.n + 1,
    },
    targets: [
      { figure: `up-to-date check, ${files} files, nothing changed`, value: fmtMs(nc.medianMs), target: `< ${TARGET_NOCHANGE_MS} ms`, pass: passNc },
      { figure: `up-to-date check, ${files} files, everything changed / sha256sum`, value: fmtRatio(ratio), target: `≤ ${TARGET_CHANGED_RATIO}×`, pass: passAc },
    ],
    table: table(`Incremental — sources of ${files} files, ${r1((files * size) / 2 ** 20)} MiB (median of ${rounds})`, ['contender', 'median', 'target', 'n'], rows, notes),
  };
}

/** 1 when the newest run of `home` ended its task up to date (a task_up_to_date in its journal), else 0. */
function upToDate(home) {
  const runs = readdirSync(join(home, 'runs')).sort();
  const journal = readFileSync(join(home, 'runs', runs[runs.length - 1], 'events.jsonl'), 'utf8');
  return journal.includes('"event":"task_up_to_date"') ? 1 : 0;
}
