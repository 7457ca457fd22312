// The git side of `isolation: worktree` (run/worktree-git.ts) on real repositories: merges without a work
// tree that never lose one another's work, conflicts that leave the branch alone, commits that leave out
// the files worktree_copy brought.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, it } from 'vitest';
import { tmpDir } from '../helpers/cli.js';
import { addWorktree, commitAll, ensureBranch, heldElsewhere, mergeInto, removeWorktree, runRefs } from '../../src/run/worktree-git.js';

const execFileAsync = promisify(execFile);
const GIT_ENV = { GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null' };

async function git(cwd: string, ...args: string[]): Promise<string> {
  return (await execFileAsync('git', args, { cwd, encoding: 'utf8', env: { ...process.env, ...GIT_ENV } })).stdout.trim();
}

async function repo(): Promise<{ root: string; base: string }> {
  const root = path.join(tmpDir('aad-wtgit-'), 'r');
  fs.mkdirSync(root);
  await git(root, 'init', '-q', '-b', 'main');
  await git(root, 'config', 'user.name', 't');
  await git(root, 'config', 'user.email', 't@t');
  fs.writeFileSync(path.join(root, 'shared.txt'), 'one\ntwo\n');
  await git(root, 'add', '-A');
  await git(root, 'commit', '-q', '-m', 'init');
  return { root, base: await git(root, 'rev-parse', 'HEAD') };
}

/** A commit on top of `base` that writes `files`, made without touching the work tree. */
async function commitOn(root: string, base: string, files: Record<string, string>): Promise<string> {
  const wt = path.join(path.dirname(root), `wt-${Object.keys(files).join('-').replace(/\W/g, '_')}`);
  const made = await addWorktree(root, wt, `tmp/${path.basename(wt)}`, base);
  if (!made.ok) throw new Error(made.reason);
  for (const [rel, text] of Object.entries(files)) fs.writeFileSync(path.join(wt, rel), text);
  const c = await commitAll(wt, 'change', 'aad', []);
  if (!c.ok || c.commit === null) throw new Error(c.ok ? 'nothing committed' : c.reason);
  await removeWorktree(root, wt);
  return c.commit;
}

describe.concurrent('worktree-git', () => {
  it('merges made at the same moment into one branch all land: none is lost to another', async ({ expect }) => {
    const { root, base } = await repo();
    expect(await ensureBranch(root, 'aad/r1', base)).toEqual({ ok: true, created: true });
    expect(await ensureBranch(root, 'aad/r1', base)).toEqual({ ok: true, created: false });
    const commits = await Promise.all([1, 2, 3, 4, 5].map((i) => commitOn(root, base, { [`f${i}.txt`]: `${i}\n` })));
    // Not serialised here (the runner does that too): update-ref's compare-and-swap makes a loser merge again.
    const results = await Promise.all(commits.map((c, i) => mergeInto(root, 'aad/r1', c, `merge ${i}`, 'aad')));
    for (const r of results) expect(r.ok).toBe(true);
    const files = (await git(root, 'ls-tree', '--name-only', 'aad/r1')).split('\n').sort();
    expect(files).toEqual(['f1.txt', 'f2.txt', 'f3.txt', 'f4.txt', 'f5.txt', 'shared.txt']);
    expect((await git(root, 'rev-list', '--merges', 'aad/r1')).split('\n')).toHaveLength(5);
    // The user's checkout was never involved.
    expect(await git(root, 'rev-parse', 'HEAD')).toBe(base);
    expect(await git(root, 'status', '--porcelain')).toBe('');
  });

  it('a conflict names the paths and leaves the branch where it was; merging what is already there changes nothing', async ({ expect }) => {
    const { root, base } = await repo();
    await ensureBranch(root, 'aad/r2', base);
    const a = await commitOn(root, base, { 'shared.txt': 'A\n', 'a.txt': 'a\n' });
    const b = await commitOn(root, base, { 'shared.txt': 'B\n', 'b.txt': 'b\n' });
    const first = await mergeInto(root, 'aad/r2', a, 'merge a', 'aad');
    expect(first.ok).toBe(true);
    const tip = await git(root, 'rev-parse', 'aad/r2');
    expect(await mergeInto(root, 'aad/r2', b, 'merge b', 'aad')).toEqual({ ok: false, conflicts: ['shared.txt'], reason: 'merge conflict with aad/r2 in shared.txt' });
    expect(await git(root, 'rev-parse', 'aad/r2')).toBe(tip);
    expect(await mergeInto(root, 'aad/r2', a, 'again', 'aad')).toEqual({ ok: true, commit: null });
    expect(await git(root, 'rev-parse', 'aad/r2')).toBe(tip);
  });

  it("commitAll leaves out the given untracked files and makes no commit when nothing changed; aad's identity without a configured one", async ({ expect }) => {
    const { root, base } = await repo();
    const wt = path.join(path.dirname(root), 'wt');
    expect((await addWorktree(root, wt, 'aad/tasks/r3/t', base)).ok).toBe(true);
    expect(await commitAll(wt, 'nothing', 'aad', [])).toEqual({ ok: true, commit: null, head: base });
    fs.writeFileSync(path.join(wt, 'copied.env'), 'secret\n');
    fs.mkdirSync(path.join(wt, 'settings'));
    fs.writeFileSync(path.join(wt, 'settings', 'a.json'), '{}\n');
    expect(await commitAll(wt, 'only copies', 'aad', ['copied.env', 'settings/a.json'])).toEqual({ ok: true, commit: null, head: base });
    fs.writeFileSync(path.join(wt, 'work.txt'), 'work\n');
    const c = await commitAll(wt, 'work', 'aad', ['copied.env', 'settings/a.json']);
    expect(c).toMatchObject({ ok: true, commit: expect.stringMatching(/^[0-9a-f]{40}$/) as unknown });
    expect((await git(root, 'ls-tree', '-r', '--name-only', 'aad/tasks/r3/t')).split('\n').sort()).toEqual(['shared.txt', 'work.txt']);
    expect(await git(root, 'log', '-1', '--format=%an <%ae>', 'aad/tasks/r3/t')).toBe('aad <aad@localhost>');
    expect(await git(root, 'log', '-1', '--format=%an <%ae>', 'main')).toBe('t <t@t>');
    expect((await runRefs(root, 'r3'))).toEqual({ ok: true, refs: ['refs/heads/aad/tasks/r3/t'] });
  });

  it('heldElsewhere: an integration branch is safe to delete once a branch that is not aad\'s holds it', async ({ expect }) => {
    const { root, base } = await repo();
    await ensureBranch(root, 'aad/r4', base);
    expect(await heldElsewhere(root, 'aad/r4', base)).toEqual({ ok: true, held: true });
    const a = await commitOn(root, base, { 'a.txt': 'a\n' });
    await mergeInto(root, 'aad/r4', a, 'merge a', 'aad');
    expect(await heldElsewhere(root, 'aad/r4', base)).toEqual({ ok: true, held: false });
    await git(root, 'branch', 'aad/other', 'aad/r4');
    expect(await heldElsewhere(root, 'aad/r4', base)).toEqual({ ok: true, held: false });
    await git(root, 'branch', 'mine', 'aad/r4');
    expect(await heldElsewhere(root, 'aad/r4', base)).toEqual({ ok: true, held: true });
  });
});
