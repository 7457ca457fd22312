// `aad prune` through the built CLI: old runs go and recent ones stay (a run's age is its run_started time,
// rewritten in its journal here), `--keep`, both rules at once, damaged run folders, a running run and an
// interrupted one whose processes live on never deleted, and the git traces of pruned runs (kept worktrees,
// task and integration branches, refs/aad/<run_id>/ refs) removed while the user's branches, worktrees and
// the other runs' refs stay.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, it } from 'vitest';
import { processGone, runCli, startCli, tmpDir, waitFor, writePlan, type CliResult } from '../helpers/cli.js';
import type { PruneJson } from '../../src/report/prune.js';

const DAY = 86_400_000;
const STACK = /^\s+at /m;
const GIT_ENV = { GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null' };
const execFileAsync = promisify(execFile);

const pidsToKill: number[] = [];
afterAll(() => {
  for (const pid of pidsToKill) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      /* gone */
    }
  }
});

async function git(cwd: string, ...args: string[]): Promise<string> {
  return (await execFileAsync('git', args, { cwd, encoding: 'utf8', env: { ...process.env, ...GIT_ENV } })).stdout;
}

/** A folder with a plan and a home; `run` makes a run and returns its id. */
function workspace(yaml = 'tasks:\n  - id: t\n    cmd: "true"\n', cwd?: string) {
  const dir = tmpDir('aad-e2e-prune-');
  const home = path.join(dir, 'home');
  const planDir = cwd ?? dir;
  writePlan(planDir, yaml);
  const runIds = (): string[] => (fs.existsSync(path.join(home, 'runs')) ? fs.readdirSync(path.join(home, 'runs')).sort() : []);
  const ws = {
    dir,
    home,
    runIds,
    aad: (...args: string[]): Promise<CliResult> => runCli([...args, '--home', home], { cwd: planDir }),
    async run(expectCode = 0, plan?: string): Promise<string> {
      const before = new Set(runIds());
      const r = await ws.aad('run', '--quiet', ...(plan ? [plan] : []));
      if (r.code !== expectCode) throw new Error(`aad run exited ${r.code}: ${r.stderr}${r.stdout}`);
      const made = runIds().filter((id) => !before.has(id));
      if (made.length !== 1) throw new Error(`expected one new run, found ${made.join(', ')}`);
      return made[0]!;
    },
    /** Makes the run `days` old: its run_started event's time, where prune reads a run's age. */
    age(id: string, days: number): void {
      const f = path.join(home, 'runs', id, 'events.jsonl');
      const ts = new Date(Date.now() - days * DAY).toISOString();
      const lines = fs.readFileSync(f, 'utf8').split('\n').map((l) => (l.includes('"event":"run_started"') ? l.replace(/"ts":"[^"]+"/, `"ts":"${ts}"`) : l));
      fs.writeFileSync(f, lines.join('\n'));
    },
    async prune(...args: string[]): Promise<PruneJson> {
      const r = await ws.aad('prune', '--json', ...args);
      if (r.code !== 0) throw new Error(`aad prune exited ${r.code}: ${r.stderr}`);
      return JSON.parse(r.stdout) as PruneJson;
    },
  };
  return ws;
}

describe.concurrent('aad prune: which runs go', () => {
  it('--older-than deletes the runs that started longer ago and keeps the recent ones; --dry-run changes nothing', async ({ expect }) => {
    const ws = workspace();
    const old = await ws.run();
    const middle = await ws.run();
    const fresh = await ws.run();
    ws.age(old, 40);
    ws.age(middle, 10);

    const dry = await ws.aad('prune', '--older-than', '30d', '--dry-run');
    expect([dry.code, dry.stderr]).toEqual([0, '']);
    expect(dry.stdout).toMatch(new RegExp(`^would prune ${old} \\(succeeded, started \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\dZ\\)\n`));
    expect(dry.stdout).toContain('prune: 1 run would be pruned, 2 kept (--older-than: 2); nothing was changed (--dry-run)\n');
    expect(ws.runIds()).toEqual([old, middle, fresh].sort());

    const r = await ws.aad('prune', '--older-than', '30d');
    expect([r.code, r.stderr]).toEqual([0, '']);
    expect(r.stdout).toMatch(new RegExp(`^pruned ${old} \\(succeeded, started `));
    expect(r.stdout.trimEnd().split('\n').at(-1)).toBe('prune: 1 run pruned, 2 kept (--older-than: 2)');
    expect(ws.runIds()).toEqual([middle, fresh].sort());
    // `aad runs` agrees, and no folder of the pruned run is left anywhere in the runs folder.
    const runs = await ws.aad('runs', '--json');
    expect((JSON.parse(runs.stdout) as { run_id: string }[]).map((x) => x.run_id).sort()).toEqual([middle, fresh].sort());
    expect(fs.readdirSync(path.join(ws.home, 'runs')).sort()).toEqual([middle, fresh].sort());

    // Units: 9 days catches the 10-day-old run; 12h of nothing left but the fresh one catches nothing.
    expect((await ws.prune('--older-than', '12h')).pruned.map((p) => p.run_id)).toEqual([middle]);
    const none = await ws.prune('--older-than', '90m');
    expect([none.pruned, none.kept.map((k) => [k.run_id, k.rule, k.reason])]).toEqual([[], [[fresh, 'older-than', 'started less than 90m ago']]]);
  });

  it('--keep N keeps the N newest (by start time) whatever their age; with --older-than too, a run goes only when both let it', async ({ expect }) => {
    const ws = workspace();
    const [a, b, c, d] = [await ws.run(), await ws.run(), await ws.run(), await ws.run()];
    ws.age(a!, 60);
    ws.age(b!, 50);
    ws.age(c!, 20);
    ws.age(d!, 10);
    // b is old but among the 3 newest; a is old and not: only a goes.
    const three = await ws.prune('--keep', '3', '--older-than', '30d');
    expect(three.pruned.map((p) => p.run_id)).toEqual([a]);
    expect(three.kept.map((k) => [k.run_id, k.rule, k.reason])).toEqual([
      [b, 'keep', 'one of the 3 newest runs'],
      [c, 'keep', 'one of the 3 newest runs'],
      [d, 'keep', 'one of the 3 newest runs'],
    ]);
    // c is not among the newest 1 but recent; b is neither: b goes.
    const one = await ws.prune('--keep', '1', '--older-than', '30d');
    expect(one.pruned.map((p) => p.run_id)).toEqual([b]);
    expect(one.kept.map((k) => [k.run_id, k.rule, k.reason])).toEqual([
      [c, 'older-than', 'started less than 30d ago'],
      [d, 'keep', 'the newest run'],
    ]);
    expect(ws.runIds()).toEqual([c, d].sort());

    const text = await ws.aad('prune', '--keep', '1');
    expect([text.code, text.stderr]).toEqual([0, '']);
    expect(text.stdout).toMatch(new RegExp(`^pruned ${c} \\(succeeded, started \\d{4}-[^)]+\\)\nprune: 1 run pruned, 1 kept \\(--keep: 1\\)\n$`));
    expect(ws.runIds()).toEqual([d]);

    // --keep 0 lets every run go (that is not running).
    expect((await ws.prune('--keep', '0')).pruned.map((p) => p.run_id)).toEqual([d]);
    expect(ws.runIds()).toEqual([]);
    const empty = await ws.aad('prune', '--keep', '0');
    expect([empty.code, empty.stdout]).toEqual([0, `no runs in ${ws.home}: nothing to prune\n`]);
  });

  it('a damaged run folder goes by the age of its folder, reported as damaged; a fresh one stays', async ({ expect }) => {
    const ws = workspace();
    const good = await ws.run();
    const runs = path.join(ws.home, 'runs');
    for (const id of ['20200101-000000-dmg1', '20200101-000000-dmg2']) {
      fs.mkdirSync(path.join(runs, id));
      fs.writeFileSync(path.join(runs, id, 'events.jsonl'), 'not a journal\n');
    }
    const longAgo = new Date(Date.now() - 40 * DAY);
    for (const p of ['events.jsonl', '']) fs.utimesSync(path.join(runs, '20200101-000000-dmg1', p), longAgo, longAgo);
    const r = await ws.aad('prune', '--older-than', '30d');
    expect([r.code, r.stderr]).toEqual([0, '']);
    expect(r.stdout).toBe('pruned 20200101-000000-dmg1 (damaged: events.jsonl has no run_started event)\nprune: 1 run pruned, 2 kept (--older-than: 2)\n');
    expect(ws.runIds()).toEqual(['20200101-000000-dmg2', good]);
  });

  it('bad flags: exit 2 saying what is accepted, nothing deleted', async ({ expect }) => {
    const ws = workspace();
    const id = await ws.run();
    const cases: [string[], string][] = [
      [[], 'aad: prune deletes runs for good: say which with --older-than DURATION (e.g. 30d), --keep N (the N newest stay), or both\n'],
      [['--older-than', '30'], 'aad: --older-than "30": expected a whole number and a unit: 30d, 12h, 90m, 45s or 2w (parts may be joined: 1d12h)\n'],
      [['--older-than', '3 days'], 'aad: --older-than "3 days": expected a whole number and a unit: 30d, 12h, 90m, 45s or 2w (parts may be joined: 1d12h)\n'],
      [['--older-than', '-1d'], 'aad: --older-than "-1d": expected a whole number and a unit: 30d, 12h, 90m, 45s or 2w (parts may be joined: 1d12h)\n'],
      [['--keep', 'two'], 'aad: --keep "two": expected a whole number >= 0 (how many of the newest runs to keep)\n'],
      [['--keep=-1'], 'aad: --keep "-1": expected a whole number >= 0 (how many of the newest runs to keep)\n'],
      [['--keep', '1.5', '--older-than', '1d'], 'aad: --keep "1.5": expected a whole number >= 0 (how many of the newest runs to keep)\n'],
    ];
    for (const [args, stderr] of cases) {
      const r = await ws.aad('prune', ...args);
      expect([args, r.code, r.stdout, r.stderr]).toEqual([args, 2, '', stderr]);
    }
    const unknown = await ws.aad('prune', '--older', '1d');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('--older');
    expect(unknown.stderr).not.toMatch(STACK);
    expect(ws.runIds()).toEqual([id]);
  });
});

describe.concurrent('aad prune never deletes a live run', () => {
  it('a running run survives a prune of everything and still completes', async ({ expect }) => {
    // The task runs until the test lets it end (the file \`go\`), so that the run is surely running while pruned.
    const ws = workspace('tasks:\n  - id: slow\n    cmd: "touch started; while [ ! -f go ]; do sleep 0.05; done; echo done > finished"\n  - id: after\n    cmd: "true"\n    depends_on: [slow]\n');
    fs.writeFileSync(path.join(ws.dir, 'go'), '');
    const old = await ws.run(0);
    for (const f of ['started', 'finished', 'go']) fs.rmSync(path.join(ws.dir, f));
    const running = startCli(['run', '--home', ws.home], { cwd: ws.dir });
    await waitFor('the slow task to start', () => (fs.existsSync(path.join(ws.dir, 'started')) ? true : undefined));
    const live = ws.runIds().find((id) => id !== old)!;
    const r = await ws.prune('--keep', '0', '--older-than', '0s');
    expect(r.pruned.map((p) => p.run_id)).toEqual([old]);
    expect(r.kept).toEqual([{ run_id: live, state: 'running', reason: expect.stringMatching(/^running \(pid \d+ on \S+\)$/), rule: null }]);
    expect(ws.runIds()).toEqual([live]);
    const text = await ws.aad('prune', '--keep', '0');
    expect(text.stdout).toMatch(new RegExp(`^kept ${live}: running \\(pid \\d+ on \\S+\\)\nprune: 0 runs pruned, 1 kept \\(left for now, see above: 1\\)\n$`));
    fs.writeFileSync(path.join(ws.dir, 'go'), '');
    const done = await running.done;
    expect(done.code, done.stderr).toBe(0);
    expect(fs.readFileSync(path.join(ws.dir, 'finished'), 'utf8')).toBe('done\n');
    const status = await ws.aad('status', live, '--json');
    expect((JSON.parse(status.stdout) as { state: string }).state).toBe('succeeded');
    // Once it has ended, it may go.
    expect((await ws.prune('--keep', '0')).pruned.map((p) => p.run_id)).toEqual([live]);
  });

  it('an interrupted run whose task processes still live stays (aad cancel stops them), and goes once they are stopped', async ({ expect }) => {
    const ws = workspace('tasks:\n  - id: slow\n    cmd: "echo $$ > slow.pid; exec sleep 30"\n');
    const runner = startCli(['run', '--home', ws.home], { cwd: ws.dir });
    const pid = await waitFor('slow.pid', () => {
      const t = fs.existsSync(path.join(ws.dir, 'slow.pid')) ? fs.readFileSync(path.join(ws.dir, 'slow.pid'), 'utf8') : '';
      return t.endsWith('\n') ? Number(t) : undefined;
    });
    pidsToKill.push(pid);
    runner.child.kill('SIGKILL');
    await runner.done;
    const [id] = ws.runIds();
    const r = await ws.aad('prune', '--keep', '0');
    expect([r.code, r.stderr]).toEqual([0, '']);
    expect(r.stdout).toBe(`kept ${id}: interrupted, and 1 of its task processes is still alive (\`aad cancel ${id}\` stops them)\nprune: 0 runs pruned, 1 kept (left for now, see above: 1)\n`);
    expect(processGone(pid)).toBe(false);
    expect((await ws.aad('cancel', id!)).code).toBe(0);
    await waitFor('the task to be gone', () => (processGone(pid) ? true : undefined));
    expect((await ws.prune('--keep', '0')).pruned.map((p) => p.run_id)).toEqual([id]);
  });
});

/**
 * A repository with one commit, the user's branch `aad-mine` and the user's own worktree on `user-wt`; the
 * plan has a task isolated in a worktree and a `rollback: git` task in the main work tree.
 */
async function gitWorkspace(isolatedCmd: string) {
  const ws = workspace(
    `tasks:
  - id: iso
    cmd: "${isolatedCmd}"
    isolation: worktree
  - id: snap
    cmd: "echo broken > tracked.txt; exit 1"
    rollback: git
`,
    undefined,
  );
  const repo = path.join(ws.dir, 'repo');
  fs.mkdirSync(repo);
  await git(repo, 'init', '-q', '-b', 'main');
  await git(repo, 'config', 'user.name', 'Ada');
  await git(repo, 'config', 'user.email', 'ada@example.org');
  fs.writeFileSync(path.join(repo, 'tracked.txt'), 'v1\n');
  fs.renameSync(path.join(ws.dir, 'aad.yaml'), path.join(repo, 'aad.yaml'));
  await git(repo, 'add', '-A');
  await git(repo, 'commit', '-q', '-m', 'init');
  await git(repo, 'branch', 'aad-mine');
  await git(repo, 'worktree', 'add', '-q', '-b', 'user-wt', path.join(ws.dir, 'mywt'));
  const refs = async (): Promise<string[]> => (await git(repo, 'for-each-ref', '--format=%(refname)')).split('\n').filter(Boolean).sort();
  const worktrees = async (): Promise<string[]> =>
    (await git(repo, 'worktree', 'list', '--porcelain'))
      .split('\n')
      .filter((l) => l.startsWith('worktree '))
      .map((l) => l.slice('worktree '.length));
  const run = async (code: number) => {
    const before = new Set(ws.runIds());
    const r = await runCli(['run', '--quiet', '--home', ws.home], { cwd: repo, env: GIT_ENV });
    if (r.code !== code) throw new Error(`aad run exited ${r.code}: ${r.stderr}${r.stdout}`);
    return ws.runIds().find((id) => !before.has(id))!;
  };
  return { ...ws, repo, refs, worktrees, run };
}

describe.concurrent('aad prune and git', () => {
  it("removes a pruned run's kept worktree, task branch, integration branch and refs/aad/ refs; the user's branches and worktree and the newer run's refs stay", async ({ expect }) => {
    const ws = await gitWorkspace('echo work > new.txt; exit 1');
    const a = await ws.run(3);
    const b = await ws.run(3);
    const refsOf = (id: string) => [`refs/aad/${id}/snap/before`, `refs/aad/${id}/snap/failed`, `refs/heads/aad/${id}`, `refs/heads/aad/tasks/${id}/iso`];
    const mine = ['refs/heads/aad-mine', 'refs/heads/main', 'refs/heads/user-wt'];
    expect(await ws.refs()).toEqual([...refsOf(a), ...refsOf(b), ...mine].sort());
    const wtA = path.join(ws.home, 'worktrees', a, 'iso');
    const wtB = path.join(ws.home, 'worktrees', b, 'iso');
    expect((await ws.worktrees()).sort()).toEqual([ws.repo, path.join(ws.dir, 'mywt'), wtA, wtB].sort());

    const dry = await ws.prune('--keep', '1', '--dry-run');
    expect(dry.pruned).toEqual([
      {
        run_id: a,
        state: 'failed',
        started_at: expect.any(String),
        worktrees: [wtA],
        refs: [{ repository: ws.repo, refs: refsOf(a) }],
        kept_refs: [],
        notes: [],
      },
    ]);
    expect(await ws.refs()).toEqual([...refsOf(a), ...refsOf(b), ...mine].sort());
    expect(fs.existsSync(wtA)).toBe(true);

    const r = await ws.aad('prune', '--keep', '1');
    expect([r.code, r.stderr]).toEqual([0, '']);
    expect(r.stdout).toContain(`\n  removed worktree ${wtA}\n`);
    expect(r.stdout).toContain(`\n  deleted in ${ws.repo}: refs/aad/${a}/snap/before, refs/aad/${a}/snap/failed, aad/${a}, aad/tasks/${a}/iso\n`);
    expect(await ws.refs()).toEqual([...refsOf(b), ...mine].sort());
    expect((await ws.worktrees()).sort()).toEqual([ws.repo, path.join(ws.dir, 'mywt'), wtB].sort());
    expect(fs.existsSync(path.join(ws.home, 'worktrees', a))).toBe(false);
    expect(fs.existsSync(wtB)).toBe(true);
    expect(ws.runIds()).toEqual([b]);
    // The user's work tree is as the rollback left it, their worktree untouched.
    expect(fs.readFileSync(path.join(ws.repo, 'tracked.txt'), 'utf8')).toBe('v1\n');
    expect(fs.existsSync(path.join(ws.dir, 'mywt', 'tracked.txt'))).toBe(true);
  });

  it('keeps an integration branch whose work no branch of the user holds (and says so); deletes it once one does', async ({ expect }) => {
    const ws = await gitWorkspace('echo work > new.txt');
    const a = await ws.run(3);
    const b = await ws.run(3);
    // The user took b's result into aad-mine; a's result is in no branch of theirs.
    await git(ws.repo, 'branch', '-f', 'aad-mine', `aad/${b}`);
    const r = await ws.aad('prune', '--keep', '0');
    expect([r.code, r.stderr]).toEqual([0, '']);
    expect(r.stdout).toContain(`\n  deleted in ${ws.repo}: refs/aad/${a}/snap/before, refs/aad/${a}/snap/failed, aad/tasks/${a}/iso\n  kept aad/${a} in ${ws.repo}: none of your branches holds its work yet (merge it, or delete it with \`git branch -D aad/${a}\`)\n`);
    expect(r.stdout).toContain(`\n  deleted in ${ws.repo}: refs/aad/${b}/snap/before, refs/aad/${b}/snap/failed, aad/${b}, aad/tasks/${b}/iso\n`);
    expect(await ws.refs()).toEqual([`refs/heads/aad/${a}`, 'refs/heads/aad-mine', 'refs/heads/main', 'refs/heads/user-wt'].sort());
    expect(ws.runIds()).toEqual([]);
    expect(await git(ws.repo, 'show', 'aad-mine:new.txt')).toBe('work\n');
  });

  it('a repository that is gone leaves nothing to delete: the run goes, with a note', async ({ expect }) => {
    const ws = await gitWorkspace('exit 1');
    const a = await ws.run(3);
    fs.rmSync(ws.repo, { recursive: true, force: true });
    const r = await ws.prune('--keep', '0');
    expect(r.errors).toEqual([]);
    expect(r.pruned.map((p) => [p.run_id, p.notes])).toEqual([[a, [`its repository ${ws.repo} is gone: no ref to delete there`]]]);
    expect(ws.runIds()).toEqual([]);
    expect(fs.existsSync(path.join(ws.home, 'worktrees', a))).toBe(false);
  });
});
