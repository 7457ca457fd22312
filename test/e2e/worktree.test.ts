// `isolation: worktree` end to end through the BUILT CLI on real repositories (SPEC "Isolation in a git
// worktree"): each isolated task in its own worktree from the integration branch's tip, its work committed
// and merged into aad/<run_id>, a conflict failing it with the paths named, failed and cancelled worktrees
// kept until `aad clean`, a SIGKILLed runner's worktrees made again on resume; and through all of it the
// user's work tree, index, HEAD, branch and stash stay exactly as they were.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, it, type ExpectStatic } from 'vitest';
import { processGone, runCli, startCli, tmpDir, waitFor, writePlan, type CliOptions, type CliResult } from '../helpers/cli.js';

/** Git without the user's or the system's configuration. */
const GIT_ENV = { GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null' };
const execFileAsync = promisify(execFile);

async function git(cwd: string, ...args: string[]): Promise<string> {
  const env = { ...process.env, ...GIT_ENV, GIT_OPTIONAL_LOCKS: '0' };
  return (await execFileAsync('git', args, { cwd, encoding: 'utf8', env })).stdout;
}

async function gitOk(cwd: string, ...args: string[]): Promise<boolean> {
  return git(cwd, ...args).then(
    () => true,
    () => false,
  );
}

type JsonEvent = { event: string; ts: string; task?: string; [k: string]: unknown };
interface WorktreeJson {
  path: string;
  branch: string;
  base: string;
  state: 'active' | 'kept' | 'removed';
  merged_commit?: string | null;
  kept_commit?: string | null;
}
interface StatusJson {
  run_id: string;
  state: string;
  integration?: { branch: string; base: string; repository: string };
  tasks: Array<{ id: string; state: string; attempts: number; reason: string | null; rollback: { state: string } | null; worktree?: WorktreeJson }>;
}

/**
 * A repository with `files` committed (user.name/email set in it), then the user's own state on top: an
 * uncommitted edit of a tracked file, a staged file, an untracked file, and a stash entry. The home is
 * `.aad` inside the repository unless `homeOutside`.
 */
async function workspace(yaml: string, files: Record<string, string> = {}, o: { homeOutside?: boolean; identity?: boolean } = {}) {
  const dir = tmpDir('aad-e2e-wt-');
  const repo = path.join(dir, 'repo');
  fs.mkdirSync(repo);
  await git(repo, 'init', '-q', '-b', 'main');
  if (o.identity !== false) {
    await git(repo, 'config', 'user.name', 'Ada');
    await git(repo, 'config', 'user.email', 'ada@example.org');
  }
  const all: Record<string, string> = { 'README.md': 'readme\n', 'src/app.txt': 'line 1\nline 2\nline 3\n', '.gitignore': '.env\n/.aad/\n', ...files };
  for (const [rel, text] of Object.entries(all)) {
    fs.mkdirSync(path.dirname(path.join(repo, rel)), { recursive: true });
    fs.writeFileSync(path.join(repo, rel), text);
  }
  writePlan(repo, yaml);
  await git(repo, 'add', '-A');
  await git(repo, '-c', 'user.name=Ada', '-c', 'user.email=ada@example.org', 'commit', '-q', '--no-verify', '-m', 'init');
  // The user's own work in progress, which nothing of aad's may touch.
  fs.writeFileSync(path.join(repo, 'stashed.txt'), 'stash me\n');
  await git(repo, 'add', 'stashed.txt');
  await git(repo, '-c', 'user.name=Ada', '-c', 'user.email=ada@example.org', 'stash', 'push', '-q', '-m', 'users-stash');
  fs.writeFileSync(path.join(repo, 'README.md'), 'readme\nthe user is editing this\n');
  fs.writeFileSync(path.join(repo, 'staged.txt'), 'staged by the user\n');
  await git(repo, 'add', 'staged.txt');
  fs.writeFileSync(path.join(repo, 'notes.txt'), 'untracked notes\n');
  fs.writeFileSync(path.join(repo, '.env'), 'TOKEN_FOR_AGENTS=42\n');
  const home = o.homeOutside ? path.join(dir, 'home') : path.join(repo, '.aad');
  const opts = (x: Partial<CliOptions> = {}): CliOptions => ({ cwd: repo, ...x, env: { ...GIT_ENV, ...x.env } });
  const ws = {
    dir,
    repo,
    home,
    aad: (args: string[], x: Partial<CliOptions> = {}): Promise<CliResult> => runCli([...args, '--home', home], opts(x)),
    start: (args: string[], x: Partial<CliOptions> = {}) => startCli([...args, '--home', home], opts(x)),
    git: (...args: string[]) => git(repo, ...args),
    read: (rel: string) => fs.readFileSync(path.join(repo, rel), 'utf8'),
    runId(): string {
      const ids = fs.readdirSync(path.join(home, 'runs'));
      if (ids.length !== 1) throw new Error(`expected one run, found ${ids.length}`);
      return ids[0]!;
    },
    events(id: string): JsonEvent[] {
      return fs.readFileSync(path.join(home, 'runs', id, 'events.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as JsonEvent);
    },
    async status(id?: string): Promise<StatusJson> {
      const r = await ws.aad(['status', ...(id ? [id] : []), '--json']);
      return JSON.parse(r.stdout) as StatusJson;
    },
    /** Everything of the user's checkout that aad must never change. */
    async userState() {
      return {
        // aad's home (.aad, ignored) is aad's own; everything else is the user's.
        status: (await git(repo, 'status', '--porcelain=v1', '-uall', '--ignored=matching')).replace(/^!! \.aad\/\n/m, ''),
        head: await git(repo, 'rev-parse', 'HEAD'),
        branch: await git(repo, 'symbolic-ref', 'HEAD'),
        index: await git(repo, 'ls-files', '-s'),
        staged: await git(repo, 'diff', '--cached'),
        stash: await git(repo, 'stash', 'list', '--format=%H %s'),
        readme: fs.readFileSync(path.join(repo, 'README.md'), 'utf8'),
        notes: fs.readFileSync(path.join(repo, 'notes.txt'), 'utf8'),
        app: fs.readFileSync(path.join(repo, 'src/app.txt'), 'utf8'),
      };
    },
    /** The worktrees git knows, main one excepted. */
    async worktrees(): Promise<string[]> {
      const out = await git(repo, 'worktree', 'list', '--porcelain');
      return out.split('\n').filter((l) => l.startsWith('worktree ')).map((l) => l.slice(9)).filter((p) => p !== repo);
    },
    async files(ref: string): Promise<string[]> {
      return (await git(repo, 'ls-tree', '-r', '--name-only', ref)).trim().split('\n').filter(Boolean).sort();
    },
  };
  return ws;
}

describe.concurrent('isolation: worktree', () => {
  it('parallel tasks each get a worktree; a dependent sees its dependencies; all lands on aad/<run_id>; the checkout is untouched', async ({ expect }) => {
    const ws = await workspace(`
defaults:
  isolation: worktree
tasks:
  - id: a
    cmd: sh -c 'sleep 0.3; echo from-a > a.txt; pwd > "$AAD_RUN_DIR/cwd-a"; echo "$AAD_WORKTREE" > "$AAD_RUN_DIR/wt-a"'
    outputs: [a.txt]
  - id: b
    cmd: sh -c 'sleep 0.3; echo from-b > b.txt'
  - id: nothing
    cmd: "true"
  - id: review
    depends_on: [a, b]
    cmd: sh -c 'cat a.txt b.txt > review.txt && sed -i s/line\\ 2/line\\ two/ src/app.txt'
  - id: in-src
    cwd: src
    depends_on: [review]
    cmd: sh -c 'grep -q "line two" app.txt && echo here > here.txt'
`);
    const before = await ws.userState();
    const r = await ws.aad(['run', '--max-parallel', '4']);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const id = ws.runId();
    // The user is told that their uncommitted changes (README.md, staged.txt) are not in the worktrees.
    expect(r.stderr).toContain(`aad: note: 2 tracked files have uncommitted changes in ${ws.repo}; isolated tasks start from HEAD`);
    const st = await ws.status();
    expect(st.integration).toMatchObject({ branch: `aad/${id}`, base: before.head.trim(), repository: ws.repo });
    // Every isolated task's work is on the integration branch, and nowhere in the user's checkout.
    expect(await ws.files(`aad/${id}`)).toEqual(expect.arrayContaining(['a.txt', 'b.txt', 'review.txt', 'src/here.txt']));
    expect(await ws.git('show', `aad/${id}:review.txt`)).toBe('from-a\nfrom-b\n');
    expect(await ws.git('show', `aad/${id}:src/app.txt`)).toBe('line 1\nline two\nline 3\n');
    expect(await ws.userState()).toEqual(before);
    for (const f of ['a.txt', 'b.txt', 'review.txt', 'src/here.txt']) expect(fs.existsSync(path.join(ws.repo, f))).toBe(false);
    // Worktrees: where SPEC says, removed once merged; git knows none of them any more.
    const wtA = path.join(ws.home, 'worktrees', id, 'a');
    expect(fs.readFileSync(path.join(ws.home, 'runs', id, 'cwd-a'), 'utf8').trim()).toBe(wtA);
    expect(fs.readFileSync(path.join(ws.home, 'runs', id, 'wt-a'), 'utf8').trim()).toBe(wtA);
    expect(await ws.worktrees()).toEqual([]);
    expect(fs.existsSync(path.join(ws.home, 'worktrees', id))).toBe(false);
    // outputs come from the worktree.
    expect(fs.readFileSync(path.join(ws.home, 'runs', id, 'artifacts', 'a', 'a.txt'), 'utf8')).toBe('from-a\n');
    for (const t of st.tasks) {
      expect(t.worktree, t.id).toMatchObject({ path: path.join(ws.home, 'worktrees', id, t.id), branch: `aad/tasks/${id}/${t.id}`, state: 'removed' });
    }
    // A task that changed nothing makes no commit: no merge, and its branch is its base.
    const nothing = st.tasks.find((t) => t.id === 'nothing')!;
    expect(nothing.worktree!.merged_commit).toBeNull();
    expect((await ws.git('rev-parse', `aad/tasks/${id}/nothing`)).trim()).toBe(nothing.worktree!.base);
    const merges = (await ws.git('log', '--format=%s', '--merges', `aad/${id}`)).trim().split('\n');
    expect(merges.sort()).toEqual([`aad: merge a (run ${id})`, `aad: merge b (run ${id})`, `aad: merge in-src (run ${id})`, `aad: merge review (run ${id})`]);
    // The review started from the tip holding a and b; a's and b's from the base.
    const review = st.tasks.find((t) => t.id === 'review')!.worktree!;
    expect(review.base).not.toBe(before.head.trim());
    expect(await gitOk(ws.repo, 'merge-base', '--is-ancestor', `aad/tasks/${id}/a`, review.base)).toBe(true);
    expect(st.tasks.find((t) => t.id === 'a')!.worktree!.base).toBe(before.head.trim());
    // The commits carry git's configured identity.
    expect((await ws.git('log', '-1', '--format=%an <%ae>|%cn <%ce>', `aad/tasks/${id}/a`)).trim()).toBe('Ada <ada@example.org>|Ada <ada@example.org>');
    // The journal records base, worktrees, merges and removals.
    const kinds = ws.events(id).map((e) => e.event);
    expect(kinds.filter((k) => k === 'worktree_created')).toHaveLength(5);
    expect(kinds.filter((k) => k === 'worktree_merged')).toHaveLength(5);
    expect(kinds.filter((k) => k === 'worktree_removed')).toHaveLength(5);
    expect(kinds.indexOf('integration_branch')).toBe(1);
    // The graph says so.
    const g = await ws.aad(['graph']);
    expect(g.stdout).toContain('[in its own git worktree]');
  });

  it('a merge conflict fails the task naming the paths; the integration branch is left as it was; branch and worktree are kept', async ({ expect }) => {
    const ws = await workspace(`
defaults:
  isolation: worktree
tasks:
  - id: first
    cmd: sh -c 'echo FIRST > src/app.txt; echo f > f.txt'
  - id: second
    cmd: sh -c 'sleep 0.5; echo SECOND > src/app.txt; echo s > s.txt'
`);
    const before = await ws.userState();
    const r = await ws.aad(['run', '--max-parallel', '2']);
    expect(r.code, r.stdout + r.stderr).toBe(3);
    const id = ws.runId();
    expect(r.stdout).toContain(`merge conflict with aad/${id} in src/app.txt`);
    const st = await ws.status();
    const second = st.tasks.find((t) => t.id === 'second')!;
    expect(second).toMatchObject({ state: 'failed', reason: `merge conflict with aad/${id} in src/app.txt` });
    // The integration branch holds first's merge only.
    expect(await ws.git('show', `aad/${id}:src/app.txt`)).toBe('FIRST\n');
    expect(await ws.files(`aad/${id}`)).not.toContain('s.txt');
    expect((await ws.git('log', '--format=%s', '--merges', `aad/${id}`)).trim()).toBe(`aad: merge first (run ${id})`);
    // second's work is committed on its branch and its worktree is still there, for a person to resolve.
    expect(second.worktree).toMatchObject({ state: 'kept', path: path.join(ws.home, 'worktrees', id, 'second') });
    expect(await ws.git('show', `aad/tasks/${id}/second:src/app.txt`)).toBe('SECOND\n');
    expect(fs.readFileSync(path.join(second.worktree!.path, 's.txt'), 'utf8')).toBe('s\n');
    expect(await ws.worktrees()).toEqual([second.worktree!.path]);
    const text = await ws.aad(['status']);
    expect(text.stdout).toContain(`second: ${second.worktree!.path}  (branch aad/tasks/${id}/second)`);
    const esc = JSON.parse(fs.readFileSync(path.join(ws.home, 'runs', id, 'escalations', 'second.json'), 'utf8')) as unknown;
    expect(JSON.stringify(esc)).toContain('src/app.txt');
    expect(await ws.userState()).toEqual(before);
    // Its base is what conflicted: a resume runs it again from the integration branch's tip, and it merges.
    const firstMerge = (await ws.git('rev-parse', `aad/${id}`)).trim();
    const again = await ws.aad(['resume', '--failed-only']);
    expect(again.code, again.stdout + again.stderr).toBe(0);
    const created = ws.events(id).filter((e) => e.event === 'worktree_created' && e.task === 'second');
    expect(created.map((e) => e.base)).toEqual([before.head.trim(), firstMerge]);
    expect(await ws.git('show', `aad/${id}:src/app.txt`)).toBe('SECOND\n');
    expect(await ws.git('show', `refs/aad/${id}/second/failed-1:src/app.txt`)).toBe('SECOND\n');
    expect(await ws.worktrees()).toEqual([]);
    expect(await ws.userState()).toEqual(before);
  });

  it('a failure keeps the worktree with its state committed; a retry starts from a clean worktree at the same base; rollback: git discards in the worktree only', async ({ expect }) => {
    const ws = await workspace(`
tasks:
  - id: flaky
    isolation: worktree
    retries: 1
    cmd: sh -c 'test -e leftover.txt && { echo dirty; exit 7; }; echo x > leftover.txt; echo half >> src/app.txt; exit 1'
    rollback: git
  - id: shared
    cmd: sh -c 'sleep 0.2; echo shared > shared-out.txt'
  - id: undo
    isolation: worktree
    cmd: sh -c 'echo u > u.txt; exit 2'
    rollback: sh -c 'pwd > "$AAD_RUN_DIR/undo-cwd"; rm u.txt'
`, {}, { homeOutside: true });
    const before = await ws.userState();
    const r = await ws.aad(['run', '--max-parallel', '2']);
    expect(r.code, r.stdout + r.stderr).toBe(3);
    const id = ws.runId();
    const st = await ws.status();
    const flaky = st.tasks.find((t) => t.id === 'flaky')!;
    // Both attempts failed with exit 1: the second did not see the first's leftover.
    expect(flaky).toMatchObject({ state: 'failed', attempts: 2, reason: 'exit code 1', rollback: { state: 'succeeded' } });
    expect(flaky.worktree).toMatchObject({ state: 'kept', base: before.head.trim() });
    // The failed state is on the task's branch; the rollback put the worktree's files back to the base.
    const branch = `aad/tasks/${id}/flaky`;
    expect(await ws.git('show', `${branch}:leftover.txt`)).toBe('x\n');
    expect(await ws.git('show', `${branch}:src/app.txt`)).toBe('line 1\nline 2\nline 3\nhalf\n');
    expect(fs.existsSync(path.join(flaky.worktree!.path, 'leftover.txt'))).toBe(false);
    expect(fs.readFileSync(path.join(flaky.worktree!.path, 'src/app.txt'), 'utf8')).toBe('line 1\nline 2\nline 3\n');
    // The shared task ran at the same time (an isolated rollback: git holds no work tree) and kept its file.
    expect(ws.read('shared-out.txt')).toBe('shared\n');
    // A rollback command of an isolated task runs in its worktree.
    expect(fs.readFileSync(path.join(ws.home, 'runs', id, 'undo-cwd'), 'utf8').trim()).toBe(path.join(ws.home, 'worktrees', id, 'undo'));
    expect(await ws.git('show', `aad/tasks/${id}/undo:u.txt`)).toBe('u\n');
    fs.rmSync(path.join(ws.repo, 'shared-out.txt'));
    expect(await ws.userState()).toEqual(before);
    // aad clean removes the kept worktree; --branches the task branches; the unmerged integration branch
    // (it holds nothing: nothing succeeded) goes too.
    const c = await ws.aad(['clean', id]);
    expect(c.code, c.stdout + c.stderr).toBe(0);
    expect(c.stdout).toContain(`removed worktree ${flaky.worktree!.path}`);
    expect(await ws.worktrees()).toEqual([]);
    expect((await ws.status()).tasks.find((t) => t.id === 'flaky')!.worktree!.state).toBe('removed');
    expect(await gitOk(ws.repo, 'rev-parse', '--verify', branch)).toBe(true);
    const cb = await ws.aad(['clean', id, '--branches']);
    expect(cb.code, cb.stdout + cb.stderr).toBe(0);
    expect((await ws.git('for-each-ref', '--format=%(refname)', 'refs/heads/aad/', `refs/aad/`)).trim()).toBe('');
    expect(await ws.userState()).toEqual(before);
  });

  it('resume re-runs a failed isolated task from a fresh worktree at its recorded base; its failed state stays under refs/aad/', async ({ expect }) => {
    const ws = await workspace(`
defaults:
  isolation: worktree
tasks:
  - id: fix-me
    cmd: sh -c 'echo "try $AAD_ATTEMPT" >> tries.txt; test -e "$AAD_RUN_DIR/fixed"'
`);
    const before = await ws.userState();
    expect((await ws.aad(['run'])).code).toBe(3);
    const id = ws.runId();
    const kept = (await ws.status()).tasks[0]!.worktree!;
    expect(kept.state).toBe('kept');
    fs.writeFileSync(path.join(ws.home, 'runs', id, 'fixed'), '');
    const r = await ws.aad(['resume', '--failed-only']);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(await ws.git('show', `aad/${id}:tries.txt`)).toBe('try 2\n');
    expect(await ws.git('show', `refs/aad/${id}/fix-me/failed-1:tries.txt`)).toBe('try 1\n');
    const again = (await ws.status()).tasks[0]!.worktree!;
    expect(again).toMatchObject({ base: kept.base, state: 'removed' });
    expect(await ws.worktrees()).toEqual([]);
    expect(await ws.userState()).toEqual(before);
  });

  it('aad clean --branches keeps an integration branch no branch of the user holds, and deletes it once merged', async ({ expect }) => {
    const ws = await workspace(`
tasks:
  - id: t
    isolation: worktree
    cmd: sh -c 'echo t > t.txt'
`);
    expect((await ws.aad(['run'])).code).toBe(0);
    const id = ws.runId();
    const c = await ws.aad(['clean', '--branches']);
    expect(c.code).toBe(0);
    expect(c.stdout).toContain(`kept aad/${id}: none of your branches holds its work yet`);
    expect(await gitOk(ws.repo, 'rev-parse', '--verify', `aad/${id}`)).toBe(true);
    expect(await gitOk(ws.repo, 'rev-parse', '--verify', `aad/tasks/${id}/t`)).toBe(false);
    await ws.git('branch', 'taken', `aad/${id}`);
    const again = await ws.aad(['clean', '--all', '--branches']);
    expect(again.code).toBe(0);
    expect(await gitOk(ws.repo, 'rev-parse', '--verify', `aad/${id}`)).toBe(false);
  });

  it('aad cancel keeps the running task\'s worktree with its state committed; the checkout is untouched', async ({ expect }) => {
    const ws = await workspace(`
defaults:
  isolation: worktree
tasks:
  - id: long
    cmd: sh -c 'echo started > progress.txt; sleep 30'
    kill_grace_sec: 1
`);
    const before = await ws.userState();
    const p = ws.start(['run']);
    await waitFor('the task to start', () => (p.stdoutSoFar().includes('long') && fs.existsSync(path.join(ws.home, 'runs')) && fs.readdirSync(path.join(ws.home, 'runs')).length === 1 && fs.existsSync(path.join(ws.home, 'worktrees', ws.runId(), 'long', 'progress.txt')) ? true : undefined));
    const id = ws.runId();
    const refused = await ws.aad(['clean', id]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('is running');
    const c = await ws.aad(['cancel', id]);
    expect(c.code, c.stdout + c.stderr).toBe(0);
    const r = await p.done;
    expect(r.code).toBe(4);
    const t = (await ws.status()).tasks[0]!;
    expect(t).toMatchObject({ state: 'cancelled', worktree: { state: 'kept' } });
    expect(await ws.git('show', `aad/tasks/${id}/long:progress.txt`)).toBe('started\n');
    expect(await ws.worktrees()).toEqual([t.worktree!.path]);
    expect(await ws.userState()).toEqual(before);
  });

  it('after kill -9 of the runner, resume removes the half-made worktree and starts the task again at the recorded base', async ({ expect }) => {
    const ws = await workspace(`
defaults:
  isolation: worktree
tasks:
  - id: early
    cmd: sh -c 'echo early > early.txt'
  - id: slow
    cmd: sh -c 'echo "attempt $AAD_ATTEMPT" >> attempts.txt; test -e "$AAD_RUN_DIR/go" || sleep 30; echo done > done.txt'
`);
    const before = await ws.userState();
    const p = ws.start(['run', '--max-parallel', '2']);
    const wtOf = (task: string) => path.join(ws.home, 'worktrees', ws.runId(), task);
    await waitFor('slow to be running', () => (fs.existsSync(path.join(ws.home, 'runs')) && fs.existsSync(path.join(wtOf('slow'), 'attempts.txt')) && !fs.existsSync(wtOf('early')) ? true : undefined));
    const id = ws.runId();
    const base = ws.events(id).find((e) => e.event === 'worktree_created' && e.task === 'slow')!.base as string;
    p.child.kill('SIGKILL');
    await p.done;
    const sleeper = ws.events(id).find((e) => e.event === 'task_spawned' && e.task === 'slow')!.pid as number;
    // Something moved the integration branch's tip meanwhile (early's merge): the retry still starts at slow's recorded base.
    expect((await ws.git('rev-parse', `aad/${id}`)).trim()).not.toBe(base);
    fs.writeFileSync(path.join(ws.home, 'runs', id, 'go'), '');
    const r = await ws.aad(['resume', id]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    await waitFor('the killed attempt to be gone', () => (processGone(sleeper) ? true : undefined));
    const ev = ws.events(id);
    const created = ev.filter((e) => e.event === 'worktree_created' && e.task === 'slow');
    expect(created.map((e) => [e.attempt, e.base])).toEqual([[1, base], [2, base]]);
    // The first worktree was removed before the second was made; the second attempt started clean.
    const removedAt = ev.findIndex((e) => e.event === 'worktree_removed' && e.task === 'slow');
    expect(removedAt).toBeGreaterThan(ev.indexOf(created[0]!));
    expect(removedAt).toBeLessThan(ev.indexOf(created[1]!));
    expect(await ws.git('show', `aad/${id}:attempts.txt`)).toBe('attempt 2\n');
    // What the killed attempt had done is not lost: it is kept under a ref before its worktree goes.
    expect(await ws.git('show', `refs/aad/${id}/slow/interrupted-1:attempts.txt`)).toBe('attempt 1\n');
    expect(r.stdout + r.stderr).toContain(`slow: what its interrupted attempt 1 had done is kept under refs/aad/${id}/slow/interrupted-1`);
    expect(await ws.files(`aad/${id}`)).toEqual(expect.arrayContaining(['done.txt', 'early.txt']));
    expect(await ws.worktrees()).toEqual([]);
    expect(await ws.userState()).toEqual(before);
  });

  it('worktree_copy brings untracked and ignored files, never tracked ones, and never commits them', async ({ expect }) => {
    const ws = await workspace(`
tasks:
  - id: agent
    isolation: worktree
    worktree_copy: [.env, notes.txt, README.md, "settings/**"]
    cmd: sh -c 'cat .env notes.txt README.md settings/agent.json > "$AAD_RUN_DIR/seen"; echo work > work.txt'
`);
    fs.mkdirSync(path.join(ws.repo, 'settings'));
    fs.writeFileSync(path.join(ws.repo, 'settings/agent.json'), '{"model":"x"}\n');
    fs.symlinkSync('/etc/hostname', path.join(ws.repo, 'settings/outside'));
    const before = await ws.userState();
    const r = await ws.aad(['run']);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const id = ws.runId();
    // README.md is tracked: the worktree has it as committed, not the user's edit.
    expect(fs.readFileSync(path.join(ws.home, 'runs', id, 'seen'), 'utf8')).toBe('TOKEN_FOR_AGENTS=42\nuntracked notes\nreadme\n{"model":"x"}\n');
    expect(r.stdout + r.stderr).toContain('skipped symlink settings/outside');
    const files = await ws.files(`aad/${id}`);
    expect(files).toContain('work.txt');
    for (const f of ['.env', 'notes.txt', 'settings/agent.json']) expect(files).not.toContain(f);
    expect(await ws.userState()).toEqual(before);
  });

  it("aad's own git work runs none of the user's hooks; GIT_DIR in aad's environment redirects nothing", async ({ expect }) => {
    const ws = await workspace(`
defaults:
  isolation: worktree
tasks:
  - id: t
    cmd: sh -c 'echo "[$GIT_DIR][$GIT_WORK_TREE][$GIT_INDEX_FILE]" > seen.txt'
`, {}, { identity: false });
    const hooks = path.join(ws.repo, '.git', 'hooks');
    const marker = path.join(ws.dir, 'hook-ran');
    for (const h of ['pre-commit', 'post-commit', 'post-checkout', 'commit-msg', 'reference-transaction', 'post-index-change']) {
      fs.writeFileSync(path.join(hooks, h), `#!/bin/sh\necho ${h} >> ${marker}\n`, { mode: 0o755 });
    }
    const other = path.join(ws.dir, 'other');
    fs.mkdirSync(other);
    await git(other, 'init', '-q');
    const before = await ws.userState();
    const r = await ws.aad(['run'], { env: { GIT_DIR: path.join(other, '.git'), GIT_WORK_TREE: other, GIT_INDEX_FILE: path.join(other, 'idx') } });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const id = ws.runId();
    expect(fs.existsSync(marker) ? fs.readFileSync(marker, 'utf8') : '').toBe('');
    expect(await ws.git('show', `aad/${id}:seen.txt`)).toBe('[][][]\n');
    // Without a configured identity, aad's own.
    expect((await ws.git('log', '-1', '--format=%an <%ae>', `aad/${id}`)).trim()).toBe('aad <aad@localhost>');
    expect((await git(other, 'for-each-ref')).trim()).toBe('');
    expect(await ws.userState()).toEqual(before);
  });

  it('a worktree that cannot be made fails the task with git\'s reason; the task never runs in the shared tree', async ({ expect }) => {
    const ws = await workspace(`
tasks:
  - id: t
    isolation: worktree
    cmd: sh -c 'echo oops > in-shared.txt'
`, {}, { homeOutside: true });
    fs.mkdirSync(ws.home, { recursive: true });
    fs.writeFileSync(path.join(ws.home, 'worktrees'), 'a file where the folder should be\n');
    const r = await ws.aad(['run']);
    expect(r.code, r.stdout + r.stderr).toBe(3);
    const t = (await ws.status()).tasks[0]!;
    expect(t.state).toBe('failed');
    expect(t.reason).toContain('cannot create the worktree');
    expect(fs.existsSync(path.join(ws.repo, 'in-shared.txt'))).toBe(false);
    // Nothing is shown as kept where nothing was made, and git knows no worktree of it.
    expect(t.worktree!.state).toBe('removed');
    expect(r.stdout + r.stderr).not.toContain('could not commit');
    expect(await ws.worktrees()).toEqual([]);
  });
});

describe.concurrent('isolation: worktree never loses work nor touches the user\'s own worktrees', () => {
  it('a task that makes a nested git repository fails with its worktree kept (a gitlink would lose the files); clean keeps a state no commit holds', async ({ expect }) => {
    const ws = await workspace(`
tasks:
  - id: vend
    isolation: worktree
    cmd: sh -c 'git init -q lib && cd lib && echo code > lib.c && git add . && git -c user.name=x -c user.email=y commit -qm l'
  - id: raw
    isolation: worktree
    cmd: sh -c 'echo w > w.txt; git init -q gen; echo g > gen/g.txt'
`);
    const r = await ws.aad(['run']);
    expect(r.code, r.stdout + r.stderr).toBe(3);
    const id = ws.runId();
    const st = await ws.status();
    const vend = st.tasks.find((t) => t.id === 'vend')!;
    expect(vend.reason).toContain('the task made nested git repositories (lib)');
    expect(fs.readFileSync(path.join(vend.worktree!.path, 'lib', 'lib.c'), 'utf8')).toBe('code\n');
    const raw = st.tasks.find((t) => t.id === 'raw')!;
    expect(raw.worktree!.state).toBe('kept');
    // Neither state is in a commit: aad clean removes neither.
    const c = await ws.aad(['clean', id]);
    expect(c.code).toBe(1);
    expect(c.stdout).toContain(`kept worktree ${vend.worktree!.path}: its state could not be committed`);
    expect(fs.readFileSync(path.join(raw.worktree!.path, 'gen', 'g.txt'), 'utf8')).toBe('g\n');
    expect(fs.readFileSync(path.join(vend.worktree!.path, 'lib', 'lib.c'), 'utf8')).toBe('code\n');
  });

  it("the user's own worktree whose folder is away (an unmounted drive) is not forgotten by aad", async ({ expect }) => {
    const ws = await workspace(`
tasks:
  - id: t
    isolation: worktree
    cmd: sh -c 'echo t > t.txt'
`);
    const feat = path.join(ws.dir, 'usb', 'feat');
    await ws.git('worktree', 'add', '-q', '-b', 'feat', feat);
    fs.writeFileSync(path.join(feat, 'wip.txt'), 'wip\n');
    await git(feat, 'add', 'wip.txt');
    fs.renameSync(path.join(ws.dir, 'usb'), path.join(ws.dir, 'usb.off'));
    const r = await ws.aad(['run']);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect((await ws.aad(['clean', '--branches'])).code).toBe(0);
    fs.renameSync(path.join(ws.dir, 'usb.off'), path.join(ws.dir, 'usb'));
    expect(await git(feat, 'status', '--porcelain')).toBe('A  wip.txt\n');
  });

  it('a branch named aad refuses the run before it starts (git cannot hold aad/<run_id> beside it)', async ({ expect }) => {
    const ws = await workspace(`
tasks:
  - id: t
    isolation: worktree
    cmd: "true"
`);
    await ws.git('branch', 'aad');
    const r = await ws.aad(['run']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('a branch named aad exists');
    expect(fs.existsSync(path.join(ws.home, 'runs'))).toBe(false);
  });
});

describe.concurrent('isolation: worktree is refused before anything runs', () => {
  const PLAN = `
tasks:
  - id: t
    isolation: worktree
    cmd: sh -c 'echo x > x.txt'
`;

  async function refused(dir: string, expectText: string, expect: ExpectStatic) {
    const home = path.join(path.dirname(dir), 'home-' + path.basename(dir));
    const r = await runCli(['run', '--home', home], { cwd: dir, env: GIT_ENV });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(expectText);
    expect(fs.existsSync(path.join(home, 'runs'))).toBe(false);
    expect(fs.existsSync(path.join(dir, 'x.txt'))).toBe(false);
  }

  it('outside a git repository', async ({ expect }) => {
    const dir = tmpDir('aad-e2e-wt-norepo-');
    writePlan(dir, PLAN);
    await refused(dir, 'is not in a git repository', expect);
  });

  it('without git on the PATH', async ({ expect }) => {
    const dir = tmpDir('aad-e2e-wt-nogit-');
    writePlan(dir, PLAN);
    const home = path.join(dir, 'home');
    const r = await runCli(['run', '--home', home], { cwd: dir, env: { ...GIT_ENV, PATH: path.join(dir, 'no-bin') } });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('git is not available');
    expect(fs.existsSync(path.join(home, 'runs'))).toBe(false);
  });

  it('in a repository without a commit (unborn HEAD)', async ({ expect }) => {
    const dir = tmpDir('aad-e2e-wt-unborn-');
    await git(dir, 'init', '-q');
    writePlan(dir, PLAN);
    await refused(dir, 'has no commit yet', expect);
  });

  it('inside a bare repository', async ({ expect }) => {
    const dir = tmpDir('aad-e2e-wt-bare-');
    await git(dir, 'init', '-q', '--bare');
    writePlan(dir, PLAN);
    await refused(dir, 'bare repository', expect);
  });

  it('a task whose cwd is outside the work tree, or whose id cannot name a branch', async ({ expect }) => {
    const ws = await workspace(`
tasks:
  - id: t
    isolation: worktree
    cwd: ..
    cmd: "true"
  - id: bad..id
    isolation: worktree
    cmd: "true"
`);
    const r = await ws.aad(['run']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`task t: its cwd ${ws.dir} is outside the work tree ${ws.repo}`);
    expect(r.stderr).toContain('task bad..id: its id cannot name a git branch (contains "..")');
    expect(fs.existsSync(path.join(ws.home, 'runs'))).toBe(false);
  });

  it('worktree_copy on a shared task, or pointing outside the work tree (defaults too), is a plan error', async ({ expect }) => {
    const dir = tmpDir('aad-e2e-wt-copy-');
    writePlan(dir, `
defaults:
  worktree_copy: ["../outside.txt"]
tasks:
  - id: shared
    worktree_copy: [.env]
    cmd: "true"
`);
    const r = await runCli(['validate'], { cwd: dir, env: GIT_ENV });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('worktree_copy is only for a task with `isolation: worktree`');
    expect(r.stderr).toContain('worktree_copy pattern "../outside.txt" points outside the work tree');
  });

  it('a detached HEAD with a commit is a fine base', async ({ expect }) => {
    const ws = await workspace(PLAN);
    await ws.git('checkout', '-q', '--detach');
    const head = (await ws.git('rev-parse', 'HEAD')).trim();
    const r = await ws.aad(['run']);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect((await ws.status()).integration!.base).toBe(head);
    expect((await ws.git('rev-parse', 'HEAD')).trim()).toBe(head);
    expect(await gitOk(ws.repo, 'symbolic-ref', '-q', 'HEAD')).toBe(false);
  });
});
