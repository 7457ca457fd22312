// 8. `isolation: worktree` on a generated repository of 10,000 files (~100 MB, committed):
//   a) one task's worktree plus a 10-file commit through aad's own code (dist/run/worktree-git.js:
//      addWorktree + commitAll) vs the same by hand in a shell (git worktree add -b, the change,
//      git add -A && git commit): target ≤ 1.3×;
//   b) 8 isolated tasks at --max-parallel 4 through the built CLI (worktree, commit, merge into aad/<run_id>,
//      removal) vs a shell script making 8 worktrees 4 at a time (add, change, add -A + commit, remove):
//      target ≤ 1.5×, the whole `aad run` process against the whole script. A run of b that fails (exit ≠ 0)
//      is reported with its reasons and made again; its time is not a figure.
// --quick: 2,000 files and fewer rounds. The repository lives under os.tmpdir() and goes at the end.
import { spawnSync } from 'node:child_process';
import { appendFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { performance } from 'node:perf_hooks';
import { AAD, NODE, ROOT, alternate, check, childEnv, fmtMs, fmtRatio, median, r1, r3, runTimed, table, tempDir, verdict } from './lib.mjs';

export const TARGET_TASK = 1.3;
export const TARGET_RUN = 1.5;
const TASKS = 8;
const PARALLEL = 4;
const FILES_PER_DIR = 100;
const CHANGED = 10;
/** Failed runs tolerated per contender of part b before it is given up. */
const MAX_FAILURES = 6;

const pad2 = (n) => String(n).padStart(2, '0');
/** The 10 files a change touches: the first ten of directory `d`. */
const changedFiles = (d) => Array.from({ length: CHANGED }, (_, i) => `d${pad2(d)}/f${pad2(i)}.txt`);

/** Runs git in `cwd` (the bench's own bookkeeping, never timed); throws with its stderr on failure. */
function git(cwd, args, { input, ok = [0] } = {}) {
  const r = spawnSync('git', args, { cwd, env: childEnv(), input, encoding: 'utf8', maxBuffer: 256 * 2 ** 20 });
  if (!ok.includes(r.status)) throw new Error(`git ${args.join(' ')} exited ${r.status ?? r.signal ?? r.error}: ${(r.stderr ?? '').trim().split('\n').slice(-4).join(' | ')}`);
  return r.stdout;
}

/** A small deterministic PRNG (mulberry32): the repository is the same from one bench run to the next. */
function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * `dirs` × 100 files of ~10 KB random-ish text (lines of pseudo-words, compressing about as source code does),
 * committed and packed. gc.auto=0 in this repository only: with thousands of loose objects `git commit` would
 * start `gc --auto` in the background of the hand-made contender (aad's commit-tree never does).
 */
async function makeRepo(dir, dirs, log) {
  const t0 = performance.now();
  const rnd = prng(20261205);
  const letters = 'abcdefghijklmnopqrstuvwxyz_';
  const words = Array.from({ length: 4096 }, () => Array.from({ length: 2 + Math.floor(rnd() * 9) }, () => letters[Math.floor(rnd() * letters.length)]).join(''));
  let bytes = 0;
  for (let d = 0; d < dirs; d++) {
    const sub = join(dir, `d${pad2(d)}`);
    mkdirSync(sub, { recursive: true });
    for (let f = 0; f < FILES_PER_DIR; f++) {
      const lines = [];
      let size = 0;
      while (size < 10_000) {
        const n = 4 + Math.floor(rnd() * 10);
        let line = '  '.repeat(Math.floor(rnd() * 4));
        for (let w = 0; w < n; w++) line += (w ? ' ' : '') + words[Math.floor(rnd() * words.length)];
        lines.push(line);
        size += line.length + 1;
      }
      const text = lines.join('\n') + '\n';
      bytes += text.length;
      writeFileSync(join(sub, `f${pad2(f)}.txt`), text);
    }
  }
  const tw = performance.now();
  git(dir, ['init', '-q', '-b', 'main']);
  for (const [k, v] of [['user.name', 'aad bench'], ['user.email', 'bench@localhost'], ['gc.auto', '0'], ['maintenance.auto', 'false']]) git(dir, ['config', k, v]);
  git(dir, ['add', '-A']);
  git(dir, ['commit', '-q', '-m', 'generated']);
  git(dir, ['repack', '-a', '-d', '-q']);
  git(dir, ['prune']);
  const packed = git(dir, ['count-objects', '-v']);
  const packKiB = Number(/size-pack: (\d+)/.exec(packed)?.[1] ?? 0);
  const head = git(dir, ['rev-parse', 'HEAD']).trim();
  log(`  generated ${dirs * FILES_PER_DIR} files, ${(bytes / 2 ** 20).toFixed(0)} MiB in ${fmtMs(tw - t0)}; add + commit + repack ${fmtMs(performance.now() - tw)} (pack ${(packKiB / 1024).toFixed(0)} MiB)`);
  return { head, files: dirs * FILES_PER_DIR, mib: bytes / 2 ** 20, pack_mib: packKiB / 1024, gen_ms: tw - t0, commit_ms: performance.now() - tw };
}

/** Deletes the branches under the prefixes (and aad's refs/aad/…) and forgets removed worktrees (not timed). */
function dropBranches(repo, prefixes) {
  const refs = git(repo, ['for-each-ref', '--format=%(refname)', ...prefixes.map((p) => `refs/heads/${p}/`), 'refs/aad/']).split('\n').filter(Boolean);
  if (refs.length) git(repo, ['update-ref', '--stdin'], { input: refs.map((r) => `delete ${r}\n`).join('') });
  git(repo, ['worktree', 'prune']);
}

/** The worktrees git knows besides the main one. */
function extraWorktrees(repo) {
  return git(repo, ['worktree', 'list', '--porcelain']).split('\n').filter((l) => l.startsWith('worktree ')).slice(1).map((l) => l.slice(9));
}

/** After a failed round: every worktree but the main one removed, the folders deleted, the branches dropped. */
function resetRepo(repo, dirs) {
  for (const wt of extraWorktrees(repo)) git(repo, ['worktree', 'remove', '--force', '--force', wt], { ok: [0, 128] });
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
  dropBranches(repo, ['aad', 'hand']);
}

/** The lines of a git error worth quoting (fatal:/error:), else the last line. */
const gitErrors = (text) => {
  const lines = text.split('\n').map((l) => l.trim()).filter(Boolean);
  const errs = lines.filter((l) => /(^|: )(fatal|error):/.test(l));
  return errs.length ? [...new Set(errs)] : lines.slice(-1);
};

/** Part a: one task's worktree + a 10-file commit, aad's functions in this process vs a shell. */
async function perTask(repo, tmp, head, rounds, log) {
  const wg = await import(pathToFileURL(join(ROOT, 'dist', 'run', 'worktree-git.js')).href);
  // aad's git commands take this process's environment: the same one as every other child's.
  const ca = process.env.NODE_EXTRA_CA_CERTS;
  delete process.env.NODE_EXTRA_CA_CERTS;
  try {
    return await perTaskRounds(wg, repo, tmp, head, rounds, log);
  } finally {
    if (ca !== undefined) process.env.NODE_EXTRA_CA_CERTS = ca;
  }
}

async function perTaskRounds(wg, repo, tmp, head, rounds, log) {
  const files = changedFiles(0);
  let n = 0;
  const handScript = [
    'set -e',
    'git worktree add -q -b "$1" "$2" HEAD',
    'cd "$2"',
    `for f in ${files.join(' ')}; do echo "$3" >> "$f"; done`,
    'git add -A',
    'git commit -qm m',
  ].join('\n');
  // aad's layout: <home>/worktrees/<run_id>/<task> (addWorktree removes the <run_id> folder when it empties).
  const aadWt = join(tmp, 'aad-home', 'worktrees', 'bench-run', 'task');
  const handWt = join(tmp, 'hand-wt', 'task');
  const contenders = [
    {
      name: 'aad addWorktree + commitAll',
      async run() {
        const tag = `change ${++n}`;
        const t0 = performance.now();
        const made = await wg.addWorktree(repo, aadWt, 'aad/tasks/bench-run/task', head);
        if (!made.ok) throw new Error(made.reason);
        const t1 = performance.now();
        for (const f of files) appendFileSync(join(aadWt, f), `${tag}\n`);
        const t2 = performance.now();
        const c = await wg.commitAll(aadWt, 'aad: task (run bench-run)', 'aad', []);
        const t3 = performance.now();
        if (!c.ok) throw new Error(c.reason);
        if (c.commit === null) throw new Error('commitAll committed nothing');
        const changed = git(repo, ['diff', '--name-only', 'HEAD', c.commit]).split('\n').filter(Boolean).length;
        if (changed !== CHANGED) throw new Error(`aad's commit changes ${changed} files, not ${CHANGED}`);
        git(repo, ['worktree', 'remove', '--force', aadWt]);
        dropBranches(repo, ['aad']);
        return { ms: t3 - t0, extra: { add_ms: t1 - t0, change_ms: t2 - t1, commit_ms: t3 - t2 } };
      },
    },
    {
      name: 'shell: worktree add + add -A + commit',
      async run() {
        const tag = `change ${++n}`;
        const r = check(await runTimed('sh', ['-c', handScript, 'sh', 'hand/task', handWt, tag], { cwd: repo }), 'hand-made worktree');
        const changed = git(repo, ['diff', '--name-only', 'HEAD', 'hand/task']).split('\n').filter(Boolean).length;
        if (changed !== CHANGED) throw new Error(`the hand-made commit changes ${changed} files, not ${CHANGED}`);
        git(repo, ['worktree', 'remove', '--force', handWt]);
        dropBranches(repo, ['hand']);
        return { ms: r.ms };
      },
    },
  ];
  return alternate(contenders, { rounds, warmup: 1, log });
}

/** The plan of part b: task k appends a line to the 10 files of d0k (distinct paths: the merges are clean). */
function planYaml(tag) {
  const lines = ['version: 1', 'defaults:', '  isolation: worktree', 'tasks:'];
  for (let k = 0; k < TASKS; k++) {
    const files = changedFiles(k);
    lines.push(`  - id: t${k}`, `    cmd: 'for f in ${files.join(' ')}; do echo "t${k} ${tag}" >> "$f"; done'`);
  }
  return lines.join('\n') + '\n';
}

/** Per task of the journal: the gaps between its worktree events (where aad's time goes). */
function journalProfile(eventsFile) {
  const ev = readFileSync(eventsFile, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
  const at = (e) => Date.parse(e.ts);
  const per = new Map();
  for (const e of ev) {
    if (!e.task) continue;
    const p = per.get(e.task) ?? {};
    if (!(e.event in p)) p[e.event] = at(e);
    per.set(e.task, p);
  }
  const gaps = { start_to_created: [], create_worktree: [], cmd_commit_merge: [], merged_to_succeeded: [], remove_worktree: [] };
  for (const p of per.values()) {
    gaps.start_to_created.push(p.worktree_created - p.task_started);
    gaps.create_worktree.push(p.task_spawned - p.worktree_created);
    gaps.cmd_commit_merge.push(p.worktree_merged - p.task_spawned);
    gaps.merged_to_succeeded.push(p.task_succeeded - p.worktree_merged);
    gaps.remove_worktree.push(p.worktree_removed - p.task_succeeded);
  }
  const first = ev.find((e) => e.event === 'run_started');
  const fin = ev.find((e) => e.event === 'run_finished');
  const lastRemoved = Math.max(...ev.filter((e) => e.event === 'worktree_removed').map(at));
  return {
    ...Object.fromEntries(Object.entries(gaps).map(([k, v]) => [k, median(v)])),
    journal_ms: at(fin) - at(first),
    after_finished_ms: lastRemoved - at(fin),
  };
}

/** Part b: 8 isolated tasks at --max-parallel 4 through the CLI vs a shell script, 4 at a time. */
async function wholeRun(repo, tmp, head, rounds, log) {
  const planDir = join(tmp, 'plan');
  mkdirSync(planDir, { recursive: true });
  const plan = join(planDir, 'aad.yaml');
  const wts = join(tmp, 'hand-run');
  // One task by hand: worktree add, the change, add -A + commit, worktree remove; xargs keeps 4 going.
  const taskSh = join(planDir, 'task.sh');
  writeFileSync(
    taskSh,
    [
      'set -e',
      'k=$1',
      'p="$WTS/t$k"',
      'git worktree add -q -b "hand/$TAG/t$k" "$p" HEAD',
      'cd "$p"',
      `for i in ${Array.from({ length: CHANGED }, (_, i) => pad2(i)).join(' ')}; do echo "t$k $TAG" >> "d0$k/f$i.txt"; done`,
      'git add -A',
      'git commit -qm "t$k"',
      'cd "$REPO"',
      'git worktree remove --force "$p"',
    ].join('\n') + '\n',
  );
  const handSh = join(planDir, 'hand.sh');
  writeFileSync(handSh, `printf '%s\\n' ${Array.from({ length: TASKS }, (_, k) => k).join(' ')} | xargs -P ${PARALLEL} -n 1 sh "${taskSh}"\n`);
  let n = 0;
  // A run that fails is not a figure: it is recorded with its reasons, everything it left is removed (not
  // timed), and the round is run again, up to MAX_FAILURES times per contender.
  const failures = { aad: [], shell: [] };
  const made = { aad: 0, shell: 0 };
  const retrying = async (who, once) => {
    for (;;) {
      made[who]++;
      const r = await once();
      if (r.ok) return r;
      failures[who].push(r.why);
      log(`  ${who}: a run FAILED (${r.why.join('; ')}): cleaned up, the round runs again`);
      resetRepo(repo, [wts, ...(r.home ? [r.home] : [])]);
      if (failures[who].length >= MAX_FAILURES) throw new Error(`${failures[who].length} failed runs, the last: ${r.why.join('; ')}`);
    }
  };
  const contenders = [
    {
      name: `aad run (${TASKS} tasks, --max-parallel ${PARALLEL})`,
      run: () =>
        retrying('aad', async () => {
          const tag = `r${++n}`;
          writeFileSync(plan, planYaml(tag));
          const home = tempDir('aad-bench-wt-home-');
          const r = await runTimed(NODE, [AAD, 'run', plan, '--workdir', repo, '--max-parallel', String(PARALLEL), '--quiet', '--home', home], { stdout: 'pipe' });
          const s = await runTimed(NODE, [AAD, 'status', '--json', '--home', home], { stdout: 'pipe' });
          const st = s.ok ? JSON.parse(s.stdout) : null;
          if (!r.ok || st?.state !== 'succeeded') {
            const why = st ? st.tasks.filter((t) => t.state !== 'succeeded').map((t) => `${t.id} ${t.state}: ${t.reason}`) : gitErrors(r.stderr + r.stdout);
            return { ok: false, home, why: [`exit ${r.code ?? r.signal}`, ...why] };
          }
          // Exit 0: now everything must be as promised, or the figure is not honest (a hard failure).
          if (st.counts.succeeded !== TASKS) throw new Error(`aad run exited 0 with ${st.counts.succeeded}/${TASKS} succeeded`);
          const branch = st.integration?.branch;
          if (branch !== `aad/${st.run_id}`) throw new Error(`unexpected integration branch ${branch}`);
          const changed = git(repo, ['diff', '--name-only', head, branch]).split('\n').filter(Boolean).length;
          if (changed !== TASKS * CHANGED) throw new Error(`${branch} changes ${changed} files, not ${TASKS * CHANGED}`);
          const left = extraWorktrees(repo).length;
          if (left !== 0) throw new Error(`aad left ${left} worktrees behind`);
          const prof = journalProfile(join(home, 'runs', st.run_id, 'events.jsonl'));
          rmSync(home, { recursive: true, force: true });
          dropBranches(repo, ['aad']);
          return { ok: true, ms: r.ms, extra: { ...prof, changed } };
        }),
    },
    {
      name: `shell: ${TASKS} worktrees, ${PARALLEL} at a time`,
      run: () =>
        retrying('shell', async () => {
          const tag = `r${++n}`;
          const r = await runTimed('sh', [handSh], { cwd: repo, env: childEnv({ WTS: wts, TAG: tag, REPO: repo }) });
          if (!r.ok) return { ok: false, why: [`exit ${r.code ?? r.signal}`, ...gitErrors(r.stderr)] };
          const branches = git(repo, ['for-each-ref', '--format=%(refname:short)', `refs/heads/hand/${tag}/`]).split('\n').filter(Boolean);
          let changed = 0;
          for (const b of branches) changed += git(repo, ['diff', '--name-only', head, b]).split('\n').filter(Boolean).length;
          if (branches.length !== TASKS || changed !== TASKS * CHANGED) throw new Error(`the script made ${branches.length} branches changing ${changed} files`);
          const left = extraWorktrees(repo).length;
          if (left !== 0) throw new Error(`the script left ${left} worktrees behind`);
          dropBranches(repo, ['hand']);
          return { ok: true, ms: r.ms, extra: { changed } };
        }),
    },
  ];
  const results = await alternate(contenders, { rounds, warmup: 1, log });
  return Object.assign(results, { failures, made });
}

export async function run({ quick, log }) {
  const dirs = quick ? 20 : 100;
  const roundsTask = quick ? 3 : 9;
  const roundsRun = quick ? 2 : 5;
  const tmp = tempDir('aad-bench-wt-');
  const repo = join(tmp, 'repo');
  mkdirSync(repo);
  log(`isolation: worktree — a repository of ${dirs * FILES_PER_DIR} files; per task ${roundsTask} rounds, whole run ${roundsRun} rounds (+ warm-up each)`);
  try {
    const gen = await makeRepo(repo, dirs, log);
    const a = await perTask(repo, tmp, gen.head, roundsTask, log);
    const b = await wholeRun(repo, tmp, gen.head, roundsRun, log);
    return report({ gen, a, b, roundsTask, roundsRun, quick });
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

function report({ gen, a, b, roundsTask, roundsRun, quick }) {
  const [aA, aH] = a;
  const [bA, bH] = b;
  const ratioA = aA.medianMs && aH.medianMs ? aA.medianMs / aH.medianMs : null;
  const ratioB = bA.medianMs && bH.medianMs ? bA.medianMs / bH.medianMs : null;
  const passA = ratioA === null ? null : ratioA <= TARGET_TASK;
  const passB = ratioB === null ? null : ratioB <= TARGET_RUN;
  const med = (xs, k) => median(xs.map((e) => e[k]));
  const split = { add_ms: med(aA.extra, 'add_ms'), change_ms: med(aA.extra, 'change_ms'), commit_ms: med(aA.extra, 'commit_ms') };
  const keys = ['start_to_created', 'create_worktree', 'cmd_commit_merge', 'merged_to_succeeded', 'remove_worktree', 'journal_ms', 'after_finished_ms'];
  const prof = Object.fromEntries(keys.map((k) => [k, med(bA.extra, k)]));
  const perTaskMs = (r) => (r.medianMs === null ? null : r.medianMs / TASKS);
  const repoDesc = `${gen.files} files, ${gen.mib.toFixed(0)} MiB (pack ${gen.pack_mib.toFixed(0)} MiB)`;
  const rowsA = [
    [aA.name, aA.error ? 'failed' : fmtMs(aA.medianMs), fmtRatio(ratioA), `≤ ${TARGET_TASK}×: ${verdict(passA)}`, aA.n],
    [aH.name, aH.error ? 'failed' : fmtMs(aH.medianMs), '1.00×', '', aH.n],
  ];
  const fails = b.failures;
  const runs = (who) => `${fails[who].length} of ${b.made[who]}`;
  const rowsB = [
    [bA.name, bA.error ? 'failed' : fmtMs(bA.medianMs), fmtMs(perTaskMs(bA)), fmtRatio(ratioB), `≤ ${TARGET_RUN}×: ${verdict(passB)}`, bA.n, runs('aad')],
    [bH.name, bH.error ? 'failed' : fmtMs(bH.medianMs), fmtMs(perTaskMs(bH)), '1.00×', '', bH.n, runs('shell')],
  ];
  // Runs made include the warm-up (a failed one is a failure all the same).
  const passRuns = fails.aad.length === 0;
  const notesA = [
    `Repository: ${repoDesc}, committed and packed; the change appends a line to ${CHANGED} files.`,
    `aad: addWorktree(root, wt, branch, <HEAD's sha>) + the change + commitAll(wt, msg, 'aad', []) from dist/run/worktree-git.js in this process (no Node start);`,
    `  split (medians): addWorktree ${fmtMs(split.add_ms)}, change ${fmtMs(split.change_ms)}, commitAll ${fmtMs(split.commit_ms)}.`,
    `shell: one sh -c: git worktree add -q -b B PATH HEAD; the change; git add -A; git commit -qm m. Worktrees removed between rounds (not timed).`,
  ];
  const notesB = [
    `aad: node bin/aad.cjs run (tasks with isolation: worktree; each cmd a sh loop appending to its own ${CHANGED} files), --workdir = the repository, a fresh --home outside it;`,
    `  checked each round: exit 0, ${TASKS}/${TASKS} succeeded, git diff --name-only base aad/<run_id> lists ${TASKS * CHANGED} files, no worktree left.`,
    `shell: xargs -P ${PARALLEL} running per task: git worktree add -b; the change; git add -A; git commit; git worktree remove --force (no merge).`,
    `aad's journal, medians per task: task_started→worktree_created ${fmtMs(prof.start_to_created)}, worktree add→spawn ${fmtMs(prof.create_worktree)},`,
    `  spawn→merged (cmd + commit + merge) ${fmtMs(prof.cmd_commit_merge)}, merged→succeeded ${fmtMs(prof.merged_to_succeeded)}, succeeded→worktree removed ${fmtMs(prof.remove_worktree)};`,
    `  run_started→run_finished ${fmtMs(prof.journal_ms)}, worktree removals after run_finished ${fmtMs(prof.after_finished_ms)}; the rest of the wall time is Node start and exit.`,
  ];
  for (const [who, list] of Object.entries(fails)) {
    if (!list.length) continue;
    notesB.push(`${who}: ${list.length} run(s) FAILED (each cleaned up and run again, not in the figures):`);
    const seen = new Map();
    for (const why of list) for (const w of why.slice(1)) seen.set(w.replace(/\S*worktrees\/\S*/g, '…').replace(/\bt\d\b/g, 'tN'), w);
    for (const w of seen.values()) notesB.push(`  ${w}`);
  }
  for (const r of [...a, ...b]) if (r.error) notesB.push(`${r.name}: ${r.error}`);
  return {
    data: {
      repo: { files: gen.files, mib: r1(gen.mib), pack_mib: r1(gen.pack_mib), generate_ms: r1(gen.gen_ms), commit_ms: r1(gen.commit_ms) },
      per_task: {
        rounds: roundsTask,
        aad_ms: r1(aA.medianMs),
        aad_all_ms: aA.ms.map(r1),
        aad_split_ms: Object.fromEntries(Object.entries(split).map(([k, v]) => [k, r1(v)])),
        shell_ms: r1(aH.medianMs),
        shell_all_ms: aH.ms.map(r1),
        ratio: r3(ratioA),
        target: `aad <= ${TARGET_TASK}x shell`,
        pass: passA,
        error: aA.error ?? aH.error,
      },
      whole_run: {
        rounds: roundsRun,
        tasks: TASKS,
        max_parallel: PARALLEL,
        aad_wall_ms: r1(bA.medianMs),
        aad_all_ms: bA.ms.map(r1),
        aad_per_task_ms: r1(perTaskMs(bA)),
        aad_journal_profile_ms: Object.fromEntries(Object.entries(prof).map(([k, v]) => [k, r1(v)])),
        shell_wall_ms: r1(bH.medianMs),
        shell_all_ms: bH.ms.map(r1),
        shell_per_task_ms: r1(perTaskMs(bH)),
        aad_runs_made: b.made.aad,
        aad_failed_runs: fails.aad,
        shell_runs_made: b.made.shell,
        shell_failed_runs: fails.shell,
        ratio: r3(ratioB),
        target: `aad run <= ${TARGET_RUN}x shell`,
        pass: passB,
        error: bA.error ?? bH.error,
      },
    },
    targets: [
      { figure: `worktree: one task (worktree + 10-file commit, ${gen.files} files) / shell`, value: fmtRatio(ratioA), target: `≤ ${TARGET_TASK}×`, pass: passA },
      { figure: `worktree: ${TASKS} tasks at -j${PARALLEL} (aad run) / shell`, value: fmtRatio(ratioB), target: `≤ ${TARGET_RUN}×`, pass: passB },
      { figure: `worktree: aad runs of ${TASKS} isolated tasks that failed`, value: runs('aad'), target: 'none', pass: passRuns },
    ],
    table:
      table(`8a. isolation: worktree — one task's worktree + a ${CHANGED}-file commit, ${repoDesc} (median of ${roundsTask}${quick ? ', --quick' : ''})`, ['contender', 'per task', '× shell', 'target', 'n'], rowsA, notesA) +
      table(`8b. isolation: worktree — ${TASKS} tasks at --max-parallel ${PARALLEL} (median of ${roundsRun})`, ['contender', 'wall', 'per task', '× shell', 'target', 'n', 'failed runs'], rowsB, notesB),
  };
}
