// `rollback: git` never touches another task's work nor the user's (SPEC "Corrections and precisions"),
// end to end through the BUILT CLI on real repositories: a task with `rollback: git` holds its work
// tree alone, its snapshot is taken once and kept across a crash and a resume, the bytes come back as
// they were, and a plan whose task has no work tree is refused before anything runs.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, it } from 'vitest';
import { processGone, runCli, startCli, tmpDir, waitFor, writePlan, type CliOptions, type CliResult } from '../helpers/cli.js';

/** Git without the user's or the system's configuration. */
const GIT_ENV = { GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null' };
const execFileAsync = promisify(execFile);

async function git(cwd: string, ...args: string[]): Promise<string> {
  const env = { ...process.env, ...GIT_ENV, GIT_OPTIONAL_LOCKS: '0' };
  return (await execFileAsync('git', args, { cwd, encoding: 'utf8', env })).stdout;
}

type JsonEvent = { event: string; ts: string; task?: string; [k: string]: unknown };

/** A repository with `files` committed (user.name/email set in it), a plan in it, and a home beside it. */
async function repoWorkspace(yaml: string, files: Record<string, string>) {
  const dir = tmpDir('aad-e2e-gitrb-');
  const repo = path.join(dir, 'repo');
  fs.mkdirSync(repo);
  await git(repo, 'init', '-q', '-b', 'main');
  await git(repo, 'config', 'user.name', 't');
  await git(repo, 'config', 'user.email', 't@t');
  for (const [rel, text] of Object.entries(files)) fs.writeFileSync(path.join(repo, rel), text);
  writePlan(repo, yaml);
  await git(repo, 'add', '-A');
  await git(repo, 'commit', '-q', '--no-verify', '-m', 'init');
  const home = path.join(dir, 'home');
  const opts = (o: Partial<CliOptions> = {}): CliOptions => ({ cwd: repo, ...o, env: { ...GIT_ENV, ...o.env } });
  return {
    repo,
    home,
    aad: (args: string[], o: Partial<CliOptions> = {}): Promise<CliResult> => runCli([...args, '--home', home], opts(o)),
    start: (args: string[], o: Partial<CliOptions> = {}) => startCli([...args, '--home', home], opts(o)),
    read: (rel: string) => fs.readFileSync(path.join(repo, rel), 'utf8'),
    write: (rel: string, text: string) => fs.writeFileSync(path.join(repo, rel), text),
    exists: (rel: string) => fs.existsSync(path.join(repo, rel)),
    runId(): string {
      const ids = fs.readdirSync(path.join(home, 'runs'));
      if (ids.length !== 1) throw new Error(`expected one run, found ${ids.length}`);
      return ids[0]!;
    },
    events(id: string): JsonEvent[] {
      return fs.readFileSync(path.join(home, 'runs', id, 'events.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as JsonEvent);
    },
  };
}

/** [start, end] of each task's attempts in the journal (ms), to tell whether two tasks ever ran at once. */
function spans(events: JsonEvent[]): Map<string, [number, number][]> {
  const out = new Map<string, [number, number][]>();
  const open = new Map<string, number>();
  for (const e of events) {
    if (!e.task) continue;
    const t = Date.parse(e.ts);
    if (e.event === 'task_started') open.set(e.task, t);
    if (['task_succeeded', 'task_failed', 'task_retrying', 'task_cancelled'].includes(e.event) && open.has(e.task)) {
      out.set(e.task, [...(out.get(e.task) ?? []), [open.get(e.task)!, t]]);
      open.delete(e.task);
    }
    if (e.event === 'rollback_succeeded' || e.event === 'rollback_failed') {
      const list = out.get(e.task) ?? [];
      if (list.length > 0) list[list.length - 1]![1] = t; // the rollback is part of the hold
    }
  }
  return out;
}

function overlap(a: [number, number][], b: [number, number][]): boolean {
  return a.some(([s1, e1]) => b.some(([s2, e2]) => s1 < e2 && s2 < e1));
}

describe.concurrent('rollback: git holds its work tree alone', () => {
  it("a failing task's rollback never undoes a sibling's work: the sibling waits for the work tree", async ({ expect }) => {
    const ws = await repoWorkspace(
      `max_parallel: 4
tasks:
  - id: risky
    cmd: "sleep 0.3; echo risky >> shared.txt; echo junk > junk.txt; exit 1"
    rollback: git
  - id: sibling
    cmd: "echo sibling > sibling.txt; echo sibling >> shared.txt"
  - id: other
    cmd: "echo other > other.txt"
    cwd: ../elsewhere
`,
      { 'shared.txt': 'base\n' },
    );
    fs.mkdirSync(path.join(ws.repo, '..', 'elsewhere'));
    const r = await ws.aad(['run']);
    expect(r.code, r.stderr).toBe(3);
    // The sibling's file and edit survive the rollback; the risky task's changes are gone.
    expect(ws.read('sibling.txt')).toBe('sibling\n');
    expect(ws.read('shared.txt')).toBe('base\nsibling\n');
    expect(ws.exists('junk.txt')).toBe(false);
    expect(r.stdout).toMatch(new RegExp(`sibling +│ waiting for the work tree ${ws.repo} \\(risky holds it alone: rollback: git\\)`));
    const s = spans(ws.events(ws.runId()));
    expect(overlap(s.get('risky')!, s.get('sibling')!)).toBe(false);
    // A task outside the work tree is not held back.
    expect(r.stdout).not.toMatch(/other +│ waiting/);
    expect(fs.readFileSync(path.join(ws.repo, '..', 'elsewhere', 'other.txt'), 'utf8')).toBe('other\n');
  });

  it('an exclusive task waits until the running tasks of its work tree are done, through its retries and its rollback', async ({ expect }) => {
    const ws = await repoWorkspace(
      `tasks:
  - id: first
    cmd: "sleep 0.3; echo first > first.txt"
  - id: risky
    cmd: "echo try >> risky.txt; exit 1"
    retries: 1
    retry_backoff_sec: 0.3
    rollback: git
  - id: later
    cmd: "echo later > later.txt"
    depends_on: [first]
`,
      {},
    );
    const r = await ws.aad(['run', '--max-parallel', '3']);
    expect(r.code, r.stderr).toBe(3);
    expect(r.stdout).toMatch(new RegExp(`risky +│ waiting for the work tree ${ws.repo}\\n`));
    const s = spans(ws.events(ws.runId()));
    // risky's two attempts, its backoff wait between them and its rollback form one hold.
    const hold: [number, number] = [s.get('risky')![0]![0], s.get('risky')!.at(-1)![1]];
    expect(overlap([hold], s.get('first')!)).toBe(false);
    expect(overlap([hold], s.get('later')!)).toBe(false);
    expect([ws.read('first.txt'), ws.read('later.txt'), ws.exists('risky.txt')]).toEqual(['first\n', 'later\n', false]);
  });

  it('graph says which tasks hold their work tree alone', async ({ expect }) => {
    const ws = await repoWorkspace(`tasks:\n  - id: risky\n    cmd: "true"\n    rollback: git\n  - id: plain\n    cmd: "true"\n`, {});
    const r = await ws.aad(['graph']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/risky.*holds its git work tree alone/);
    expect(r.stdout).not.toMatch(/plain.*holds its git work tree alone/);
    const j = await ws.aad(['graph', '--json']);
    const tasks = (JSON.parse(j.stdout) as { tasks: { id: string; holds_work_tree?: boolean }[] }).tasks;
    expect(tasks.map((t) => [t.id, t.holds_work_tree ?? false])).toEqual([['risky', true], ['plain', false]]);
  });
});

describe.concurrent('rollback: git snapshots once and restores the bytes', () => {
  it('after kill -9 of the runner and a resume, the restore goes back to the state from before the run, not the half-done one', async ({ expect }) => {
    const ws = await repoWorkspace(
      `tasks:
  - id: t
    cmd: 'if [ "$AAD_ATTEMPT" = 1 ]; then echo half-done > a.txt; echo half > made.txt; echo started > "$AAD_RUN_DIR/started"; sleep 30; else exit 1; fi'
    rollback: git
`,
      { 'a.txt': 'committed\n' },
    );
    ws.write('a.txt', 'user edit before the run\n');
    ws.write('notes.txt', 'untracked, mine\n');
    const p = ws.start(['run', '--quiet']);
    const id = await waitFor('the run', () => (fs.existsSync(path.join(ws.home, 'runs')) ? fs.readdirSync(path.join(ws.home, 'runs'))[0] : undefined));
    await waitFor('attempt 1 to have written', () => (fs.existsSync(path.join(ws.home, 'runs', id, 'started')) ? true : undefined));
    p.child.kill('SIGKILL');
    await p.done;
    await waitFor('the runner to be gone', () => (processGone(p.child.pid!) ? true : undefined));
    expect(ws.read('a.txt')).toBe('half-done\n');

    const r = await ws.aad(['resume']);
    expect(r.code, r.stderr).toBe(3);
    expect(ws.read('a.txt')).toBe('user edit before the run\n');
    expect(ws.read('notes.txt')).toBe('untracked, mine\n');
    expect(ws.exists('made.txt')).toBe(false);
    const snaps = ws.events(id).filter((e) => e.event === 'snapshot_taken');
    expect(snaps.map((e) => [e.attempt, e.ref])).toEqual([[1, `refs/aad/${id}/t/before`]]);
    expect(await git(ws.repo, 'show', `refs/aad/${id}/t/failed:a.txt`)).toBe('half-done\n');
  });

  it("a resume after a rollback that put the tree back starts from what the tree is then: the user's fix survives", async ({ expect }) => {
    const ws = await repoWorkspace(
      `tasks:
  - id: t
    cmd: "echo attempt >> a.txt; exit 1"
    rollback: git
`,
      { 'a.txt': 'a\n', 'config.txt': 'broken\n' },
    );
    const first = await ws.aad(['run', '--quiet']);
    expect(first.code, first.stderr).toBe(3);
    expect(ws.read('a.txt')).toBe('a\n');
    ws.write('config.txt', 'fixed by the user\n');
    const again = await ws.aad(['resume', '--quiet']);
    expect(again.code, again.stderr).toBe(3);
    expect(ws.read('config.txt')).toBe('fixed by the user\n');
    expect(ws.read('a.txt')).toBe('a\n');
    const id = ws.runId();
    const refs = (await git(ws.repo, 'for-each-ref', '--format=%(refname)', `refs/aad/${id}`)).trim().split('\n').sort();
    expect(refs).toEqual([`refs/aad/${id}/t/before`, `refs/aad/${id}/t/before-2`, `refs/aad/${id}/t/failed`, `refs/aad/${id}/t/failed-2`]);
  });

  it('restores the bytes under core.autocrlf=true and a clean filter, tracked and untracked', async ({ expect }) => {
    const ws = await repoWorkspace(
      `tasks:
  - id: t
    cmd: "printf 'task\\\\r\\\\n' > lf.txt; printf 'task\\\\n' > up.txt; printf 'task\\\\n' > untracked.txt; exit 1"
    rollback: git
`,
      { 'lf.txt': 'one\ntwo\n', 'up.txt': 'lower\n', '.gitattributes': 'up.txt filter=upper\n' },
    );
    await git(ws.repo, 'config', 'core.autocrlf', 'true');
    await git(ws.repo, 'config', 'filter.upper.clean', 'tr a-z A-Z');
    ws.write('up.txt', 'user edit, lower case\n');
    ws.write('untracked.txt', 'mine\nlf\n');
    const r = await ws.aad(['run', '--quiet']);
    expect(r.code, r.stderr).toBe(3);
    expect(fs.readFileSync(path.join(ws.repo, 'lf.txt'), 'latin1')).toBe('one\ntwo\n');
    expect(ws.read('up.txt')).toBe('user edit, lower case\n');
    expect(fs.readFileSync(path.join(ws.repo, 'untracked.txt'), 'latin1')).toBe('mine\nlf\n');
  });
});

describe.concurrent('rollback: git outside a git work tree', () => {
  it('is refused before any task starts, naming the task and the folder', async ({ expect }) => {
    const dir = tmpDir('aad-e2e-gitrb-plain-');
    fs.mkdirSync(path.join(dir, 'sub'));
    writePlan(dir, `tasks:\n  - id: fine\n    cmd: "echo ran > ran.txt"\n  - id: t\n    cmd: 'echo changed > file.txt; exit 1'\n    cwd: sub\n    rollback: git\n`);
    const r = await runCli(['run', '--home', path.join(dir, 'home')], { cwd: dir, env: { ...GIT_ENV, GIT_CEILING_DIRECTORIES: path.dirname(dir) } });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`aad: rollback: git needs the task's cwd inside a git work tree; refusing to run:\n  task t: ${path.join(dir, 'sub')}: not inside a git work tree\n`);
    expect(fs.existsSync(path.join(dir, 'ran.txt'))).toBe(false);
    expect(fs.existsSync(path.join(dir, 'home', 'runs'))).toBe(false);
  });
});
