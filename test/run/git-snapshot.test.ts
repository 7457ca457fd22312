// `rollback: git` on real temporary repositories: what comes back, what is removed, what is kept
// at the failed ref, and what must never move (HEAD, the real index, the stash list, ignored files).
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { restoreWorkTree, snapshotWorkTree, type GitSnapshot } from '../../src/run/git-snapshot.js';

const BEFORE = 'refs/aad/20261121-083015-k3f9/build/before';
const FAILED = 'refs/aad/20261121-083015-k3f9/build/failed';

let tmp: string;
const saved = { ...process.env };

beforeAll(() => {
  tmp = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'aad-git-snapshot-')));
  // No user or system config: the identity must come from the module itself.
  process.env.GIT_CONFIG_GLOBAL = path.join(tmp, 'no-global-config');
  process.env.GIT_CONFIG_NOSYSTEM = '1';
  process.env.GIT_CEILING_DIRECTORIES = tmp;
});

afterAll(() => {
  process.env = saved;
  fs.rmSync(tmp, { recursive: true, force: true });
});

let repoCount = 0;

const execFileAsync = promisify(execFile);

async function git(cwd: string, ...args: string[]): Promise<string> {
  const env = { ...process.env, GIT_OPTIONAL_LOCKS: '0' };
  return (await execFileAsync('git', args, { cwd, encoding: 'utf8', env })).stdout;
}

async function gitOk(cwd: string, ...args: string[]): Promise<boolean> {
  return git(cwd, ...args).then(() => true, () => false);
}

async function commit(root: string, message = 'c'): Promise<void> {
  await git(root, '-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '-q', '--no-verify', '-m', message);
}

function write(root: string, rel: string, content: string): void {
  const file = path.join(root, rel);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, content);
}

function read(root: string, rel: string): string {
  return fs.readFileSync(path.join(root, rel), 'utf8');
}

function exists(root: string, rel: string): boolean {
  return fs.existsSync(path.join(root, rel));
}

/** A fresh repository holding `files`, committed unless `commitFiles` is false. */
async function repo(files: Record<string, string>, commitFiles = true): Promise<string> {
  repoCount += 1;
  const root = path.join(tmp, `repo-${repoCount}`);
  fs.mkdirSync(root);
  await git(root, 'init', '-q', '-b', 'main');
  for (const [rel, content] of Object.entries(files)) write(root, rel, content);
  if (commitFiles) {
    await git(root, 'add', '-A');
    await commit(root, 'initial');
  }
  return root;
}

async function snapshot(cwd: string): Promise<GitSnapshot> {
  const r = await snapshotWorkTree(cwd, BEFORE);
  if (!r.ok) throw new Error(`snapshot failed: ${r.reason}`);
  return r.snapshot;
}

/** Everything that must not move: HEAD, the stash list, the real index (bytes and content). */
async function untouchable(root: string): Promise<{ head: string; stash: string; index: string; cached: string }> {
  const indexFile = path.join(root, '.git', 'index');
  return {
    index: fs.existsSync(indexFile) ? fs.readFileSync(indexFile).toString('base64') : '(none)',
    head: (await gitOk(root, 'rev-parse', '-q', '--verify', 'HEAD')) ? await git(root, 'rev-parse', 'HEAD') : '(unborn)',
    stash: await git(root, 'stash', 'list'),
    cached: await git(root, 'diff', '--cached', '--name-status'),
  };
}

// Each test has its own repository, so they run side by side; those that change process.env
// run on their own afterwards.
describe.concurrent('snapshotWorkTree and restoreWorkTree', () => {
  it('restores modified, deleted and re-moded files, removes created ones, leaves untouched ones alone', async () => {
    const root = await repo({ 'a.txt': 'a\n', 'del.txt': 'del\n', 'keep.txt': 'keep\n', 'bin/run.sh': '#!/bin/sh\n', 'x/y.txt': 'y\n' });
    fs.chmodSync(path.join(root, 'bin/run.sh'), 0o755);
    fs.symlinkSync('a.txt', path.join(root, 'link'));
    await git(root, 'add', '-A');
    await commit(root);
    const snap = await snapshot(root);
    expect(snap).toEqual({ root, scope: '', commit: (await git(root, 'rev-parse', BEFORE)).trim(), ref: BEFORE });
    expect(await git(root, 'log', '-1', '--format=%an <%ae> / %cn <%ce>', BEFORE)).toBe('aad <aad@localhost> / aad <aad@localhost>\n');
    const keepStat = fs.statSync(path.join(root, 'keep.txt'));

    // The task.
    write(root, 'a.txt', 'task\n');
    fs.rmSync(path.join(root, 'del.txt'));
    fs.rmSync(path.join(root, 'x'), { recursive: true });
    fs.chmodSync(path.join(root, 'bin/run.sh'), 0o644);
    fs.rmSync(path.join(root, 'link'));
    fs.symlinkSync('keep.txt', path.join(root, 'link'));
    write(root, 'new.txt', 'new\n');
    write(root, 'made/deep/n.txt', 'n\n');

    const r = await restoreWorkTree(snap, FAILED);
    expect(r.reason).toBeUndefined();
    expect(r.ok).toBe(true);
    expect(r.restored.sort()).toEqual(['a.txt', 'bin/run.sh', 'del.txt', 'link', 'x/y.txt']);
    expect(r.removed.sort()).toEqual(['made/deep/n.txt', 'new.txt']);
    expect(read(root, 'a.txt')).toBe('a\n');
    expect(read(root, 'del.txt')).toBe('del\n');
    expect(read(root, 'x/y.txt')).toBe('y\n');
    expect(fs.statSync(path.join(root, 'bin/run.sh')).mode & 0o111).not.toBe(0);
    expect(fs.readlinkSync(path.join(root, 'link'))).toBe('a.txt');
    expect(exists(root, 'new.txt')).toBe(false);
    expect(exists(root, 'made')).toBe(false);
    const keepNow = fs.statSync(path.join(root, 'keep.txt'));
    expect([keepNow.ino, keepNow.mtimeMs]).toEqual([keepStat.ino, keepStat.mtimeMs]); // not rewritten
    expect(await git(root, 'status', '--porcelain')).toBe('');
  });

  it('keeps the failed state at the failed ref, reachable and with the task changes', async () => {
    const root = await repo({ 'a.txt': 'a\n', 'del.txt': 'del\n', 'keep.txt': 'keep\n' });
    const snap = await snapshot(root);
    write(root, 'a.txt', 'task\n');
    fs.rmSync(path.join(root, 'del.txt'));
    write(root, 'new.txt', 'new\n');
    const r = await restoreWorkTree(snap, FAILED);
    expect(r.ok).toBe(true);
    expect(r.failedRef).toBe(FAILED);
    expect(r.failedCommit).toBe((await git(root, 'rev-parse', FAILED)).trim());
    expect(await git(root, 'show', `${FAILED}:a.txt`)).toBe('task\n');
    expect(await git(root, 'show', `${FAILED}:new.txt`)).toBe('new\n');
    expect(await gitOk(root, 'cat-file', '-e', `${FAILED}:del.txt`)).toBe(false);
    expect(await git(root, 'diff', '--name-status', `${BEFORE}..${FAILED}`)).toBe('M\ta.txt\nD\tdel.txt\nA\tnew.txt\n');
    expect((await git(root, 'rev-parse', `${FAILED}^`)).trim()).toBe(snap.commit);
    expect(r.note).toContain(FAILED);
    expect(r.note).toContain(`git diff ${BEFORE}..${FAILED}`);
    // Kept through a prune of every unreachable object: the refs hold them.
    await git(root, 'prune', '--expire=now');
    expect(await git(root, 'show', `${FAILED}:new.txt`)).toBe('new\n');
    expect(await git(root, 'show', `${BEFORE}:del.txt`)).toBe('del\n');

    // A second restore (say after a crash) keeps the first failed state in the ref's reflog.
    const again = await restoreWorkTree(snap, FAILED);
    expect(again).toMatchObject({ ok: true, restored: [], removed: [] });
    expect((await git(root, 'rev-parse', `${FAILED}@{1}`)).trim()).toBe(r.failedCommit);
  });

  it("brings back the user's uncommitted edits and untracked files from before the run", async () => {
    const root = await repo({ 'a.txt': 'committed\n' });
    write(root, 'a.txt', 'user draft\n');
    write(root, 'notes/todo.txt', 'mine\n');
    const snap = await snapshot(root);
    write(root, 'a.txt', 'task\n');
    fs.rmSync(path.join(root, 'notes'), { recursive: true });
    write(root, 'out.txt', 'generated\n');
    const r = await restoreWorkTree(snap, FAILED);
    expect(r.ok).toBe(true);
    expect(read(root, 'a.txt')).toBe('user draft\n');
    expect(read(root, 'notes/todo.txt')).toBe('mine\n');
    expect(exists(root, 'out.txt')).toBe(false);
    expect(await git(root, 'status', '--porcelain', '-uall')).toBe(' M a.txt\n?? notes/todo.txt\n');
  });

  it('never touches ignored files, even ones the task modified, created or un-ignored', async () => {
    const root = await repo({ '.gitignore': '*.log\n.env\n', 'a.txt': 'a\n' });
    write(root, 'x.log', 'old log\n');
    write(root, '.env', 'SECRET=1\n');
    const snap = await snapshot(root);
    expect(await gitOk(root, 'cat-file', '-e', `${BEFORE}:x.log`)).toBe(false);
    expect(await gitOk(root, 'cat-file', '-e', `${BEFORE}:.env`)).toBe(false);

    write(root, 'x.log', 'task log\n');
    write(root, 'y.log', 'new log\n');
    write(root, '.gitignore', '# nothing ignored any more\n');
    await git(root, 'add', '.env'); // even staged by the task, the user's ignored file stays
    write(root, 'a.txt', 'task\n');
    const r = await restoreWorkTree(snap, FAILED);
    expect(r.reason).toBeUndefined();
    expect(r.restored.sort()).toEqual(['.gitignore', 'a.txt']);
    expect(r.removed).toEqual([]);
    expect(read(root, '.gitignore')).toBe('*.log\n.env\n');
    expect(read(root, 'x.log')).toBe('task log\n');
    expect(read(root, 'y.log')).toBe('new log\n');
    expect(read(root, '.env')).toBe('SECRET=1\n');
  });

  it('judges created files by the ignore rules from before the task, not by a .gitignore it created', async () => {
    const root = await repo({ '.gitignore': '*.env\n', 'a.txt': 'a\n' });
    write(root, 'gen/x.env', 'SECRET=1\n'); // the user's, ignored
    const snap = await snapshot(root);
    write(root, 'gen/.gitignore', '!x.env\n');
    write(root, 'gen/out.js', 'x\n');
    const r = await restoreWorkTree(snap, FAILED);
    expect(r.ok).toBe(true);
    expect(r.removed.sort()).toEqual(['gen/.gitignore', 'gen/out.js']);
    expect(read(root, 'gen/x.env')).toBe('SECRET=1\n');
  });

  it('leaves HEAD, the real index (staged changes included) and the stash list exactly as they were', async () => {
    const root = await repo({ 'a.txt': 'a\n', 'b.txt': 'b\n' });
    write(root, 'b.txt', 'stashed\n');
    await git(root, '-c', 'user.name=t', '-c', 'user.email=t@t', 'stash', '-q');
    write(root, 'a.txt', 'staged\n');
    await git(root, 'add', 'a.txt');
    write(root, 'a.txt', 'staged then edited\n');
    write(root, 'c.txt', 'staged new\n');
    await git(root, 'add', 'c.txt');
    await git(root, 'status', '--porcelain'); // settle the index's stat data before taking its bytes
    const before = await untouchable(root);
    expect(before.stash).not.toBe('');
    expect(before.cached).toBe('M\ta.txt\nA\tc.txt\n');

    const snap = await snapshot(root);
    expect(await untouchable(root)).toEqual(before);
    write(root, 'a.txt', 'task\n');
    write(root, 'b.txt', 'task\n');
    fs.rmSync(path.join(root, 'c.txt'));
    write(root, 'd.txt', 'task\n');
    const r = await restoreWorkTree(snap, FAILED);
    expect(r.ok).toBe(true);
    expect(await untouchable(root)).toEqual(before);
    expect(read(root, 'a.txt')).toBe('staged then edited\n');
    expect(read(root, 'b.txt')).toBe('b\n');
    expect(read(root, 'c.txt')).toBe('staged new\n');
    expect(exists(root, 'd.txt')).toBe(false);
    expect(await git(root, 'show', 'stash@{0}:b.txt')).toBe('stashed\n');
  });

  it('restores only inside the scope of a task whose cwd is a subfolder', async () => {
    const root = await repo({ 'sub/a.txt': 'a\n', 'sub/b.txt': 'b\n', 'top.txt': 'top\n' });
    const snap = await snapshot(path.join(root, 'sub'));
    expect(snap.scope).toBe('sub');
    write(root, 'sub/a.txt', 'task\n');
    write(root, 'sub/new.txt', 'task\n');
    // Outside the task's cwd: the task's or the user's own concurrent edits, all left alone.
    write(root, 'top.txt', 'task\n');
    write(root, 'other/new.txt', 'task\n');
    const r = await restoreWorkTree(snap, FAILED);
    expect(r.ok).toBe(true);
    expect(r.restored).toEqual(['sub/a.txt']);
    expect(r.removed).toEqual(['sub/new.txt']);
    expect(read(root, 'sub/a.txt')).toBe('a\n');
    expect(read(root, 'top.txt')).toBe('task\n');
    expect(read(root, 'other/new.txt')).toBe('task\n');
    expect(r.note).toContain(`-- sub`);
  });

  it('recreates the cwd itself when the task deleted it', async () => {
    const root = await repo({ 'top.txt': 'top\n' });
    write(root, 'sub/a.txt', 'a\n'); // untracked: the index knows nothing of sub/
    const snap = await snapshot(path.join(root, 'sub'));
    fs.rmSync(path.join(root, 'sub'), { recursive: true });
    const r = await restoreWorkTree(snap, FAILED);
    expect(r.ok).toBe(true);
    expect(read(root, 'sub/a.txt')).toBe('a\n');
  });

  it('works in a repository without commits', async () => {
    const root = await repo({ 'a.txt': 'a\n', 'd/b.txt': 'b\n' }, false);
    await git(root, 'add', 'a.txt');
    const before = await untouchable(root);
    expect(before.head).toBe('(unborn)');
    const snap = await snapshot(root);
    expect((await git(root, 'rev-list', '--parents', '-n', '1', snap.commit)).trim()).toBe(snap.commit);
    write(root, 'a.txt', 'task\n');
    fs.rmSync(path.join(root, 'd'), { recursive: true });
    write(root, 'c.txt', 'task\n');
    const r = await restoreWorkTree(snap, FAILED);
    expect(r.ok).toBe(true);
    expect(read(root, 'a.txt')).toBe('a\n');
    expect(read(root, 'd/b.txt')).toBe('b\n');
    expect(exists(root, 'c.txt')).toBe(false);
    expect(await untouchable(root)).toEqual(before);
  });

  it('handles paths with spaces, unicode and glob characters literally', async () => {
    const scope = 'dir with space [1]*';
    const root = await repo({
      [`${scope}/fïlé ü.txt`]: 'u\n',
      [`${scope}/a[1]*.txt`]: 'glob\n',
      [`${scope}/a1x.txt`]: 'plain\n',
      'dir with space 1/other.txt': 'other\n',
    });
    const snap = await snapshot(path.join(root, scope));
    expect(snap.scope).toBe(scope);
    write(root, `${scope}/fïlé ü.txt`, 'task\n');
    fs.rmSync(path.join(root, `${scope}/a[1]*.txt`));
    write(root, `${scope}/nëw ☃ file.txt`, 'task\n');
    write(root, 'dir with space 1/other.txt', 'task\n');
    const r = await restoreWorkTree(snap, FAILED);
    expect(r.ok).toBe(true);
    expect(r.restored.sort()).toEqual([`${scope}/a[1]*.txt`, `${scope}/fïlé ü.txt`]);
    expect(r.removed).toEqual([`${scope}/nëw ☃ file.txt`]);
    expect(read(root, `${scope}/fïlé ü.txt`)).toBe('u\n');
    expect(read(root, `${scope}/a[1]*.txt`)).toBe('glob\n');
    expect(read(root, `${scope}/a1x.txt`)).toBe('plain\n');
    expect(read(root, 'dir with space 1/other.txt')).toBe('task\n');
    expect(r.note).toContain(`'${scope}'`);
  });

  it('leaves a directory in the way of a deleted file, and its ignored content, and says so', async () => {
    const root = await repo({ '.gitignore': '*.log\nd\n!d/\n', a: 'file a\n', 'b.txt': 'b\n', 'd/x.txt': 'x\n' });
    const snap = await snapshot(root);
    fs.rmSync(path.join(root, 'a'));
    write(root, 'a/x.log', 'ignored\n');
    fs.rmSync(path.join(root, 'd'), { recursive: true });
    write(root, 'd', 'ignored too\n');
    write(root, 'b.txt', 'task\n');
    const r = await restoreWorkTree(snap, FAILED);
    expect(r.ok).toBe(false);
    expect(r.reason).toBe('a directory or file is in the way of a; a directory or file is in the way of d/x.txt');
    expect(r.restored).toEqual(['b.txt']);
    expect(read(root, 'a/x.log')).toBe('ignored\n');
    expect(read(root, 'd')).toBe('ignored too\n');
    expect(read(root, 'b.txt')).toBe('b\n');
  });

  it('leaves alone a file that changed again after the failed state was kept, and says so', async () => {
    const root = await repo({ 'a-victim.txt': 'a\n', 'b-deleted.txt': 'b\n', 'c.txt': 'c\n' });
    const snap = await snapshot(root);
    write(root, 'a-victim.txt', 'task\n');
    fs.rmSync(path.join(root, 'b-deleted.txt'));
    write(root, 'c.txt', 'task\n');
    write(root, 'z-new.txt', 'task\n');
    // Someone writes while aad works: right after the failed state was kept, before anything is put back.
    const late = async () => {
      fs.writeFileSync(path.join(root, 'a-victim.txt'), 'late');
      fs.writeFileSync(path.join(root, 'b-deleted.txt'), 'late');
    };
    const r = await restoreWorkTree(snap, FAILED, { afterKeep: late });
    expect(r.ok).toBe(false);
    expect(r.reason).toBe('changed again after the task failed, left as they are: a-victim.txt, b-deleted.txt');
    expect(await git(root, 'show', `${FAILED}:a-victim.txt`)).toBe('task\n');
    expect(read(root, 'a-victim.txt')).toBe('late');
    expect(read(root, 'b-deleted.txt')).toBe('late');
    expect(r.restored).toEqual(['c.txt']);
    expect(r.removed).toEqual(['z-new.txt']);
  });

  it('reports a file it could not put back (its blob is gone from the repository)', async () => {
    const root = await repo({ 'a.txt': 'a\n', 'f.txt': 'f\n' });
    const snap = await snapshot(root);
    const blob = (await git(root, 'rev-parse', `${BEFORE}:f.txt`)).trim();
    fs.rmSync(path.join(root, '.git', 'objects', blob.slice(0, 2), blob.slice(2)));
    fs.rmSync(path.join(root, 'f.txt'));
    write(root, 'a.txt', 'task\n');
    const r = await restoreWorkTree(snap, FAILED);
    expect(r.ok).toBe(false);
    expect(r.reason).toMatch(new RegExp(`^could not restore f\\.txt: git cat-file blob ${blob} failed \\(exit 128\\): `));
    expect(r.restored).toEqual(['a.txt']);
    expect(exists(root, 'f.txt')).toBe(false);
    expect(fs.readdirSync(root).filter((n) => n.startsWith('.aad-'))).toEqual([]);
  });

  it('keeps and restores the bytes as they were: no end-of-line conversion under core.autocrlf or eol=crlf', async () => {
    const root = await repo({ 'lf.txt': 'one\ntwo\n', 'crlf.txt': 'one\r\ntwo\r\n', '.gitattributes': 'attr.txt eol=crlf\n', 'attr.txt': 'x\ny\n' });
    await git(root, 'config', 'core.autocrlf', 'true');
    write(root, 'untracked.txt', 'u1\nu2\n');
    write(root, 'lf.txt', 'edited\nby the user\n');
    const snap = await snapshot(root);
    for (const f of ['lf.txt', 'crlf.txt', 'attr.txt', 'untracked.txt']) write(root, f, 'task\r\n');
    fs.rmSync(path.join(root, 'attr.txt'));
    const r = await restoreWorkTree(snap, FAILED);
    expect(r.reason).toBeUndefined();
    expect(fs.readFileSync(path.join(root, 'lf.txt'), 'latin1')).toBe('edited\nby the user\n');
    expect(fs.readFileSync(path.join(root, 'crlf.txt'), 'latin1')).toBe('one\r\ntwo\r\n');
    expect(fs.readFileSync(path.join(root, 'attr.txt'), 'latin1')).toBe('x\ny\n');
    expect(fs.readFileSync(path.join(root, 'untracked.txt'), 'latin1')).toBe('u1\nu2\n');
  });

  it('keeps and restores the bytes as they were: no clean or smudge filter runs', async () => {
    const root = await repo({ 'a.txt': 'lower case\n' });
    await git(root, 'config', 'filter.upper.clean', 'tr a-z A-Z');
    await git(root, 'config', 'filter.upper.smudge', 'sed s/^/smudged:/');
    write(root, '.gitattributes', '*.txt filter=upper\n');
    write(root, 'a.txt', 'user edit in lower case\n');
    write(root, 'new-before.txt', 'untracked lower\n');
    const snap = await snapshot(root);
    write(root, 'a.txt', 'task\n');
    write(root, 'new-before.txt', 'task\n');
    const r = await restoreWorkTree(snap, FAILED);
    expect(r.reason).toBeUndefined();
    expect(read(root, 'a.txt')).toBe('user edit in lower case\n');
    expect(read(root, 'new-before.txt')).toBe('untracked lower\n');
    expect(await git(root, 'cat-file', 'blob', `${BEFORE}:a.txt`)).toBe('user edit in lower case\n');
  });

  it('keeps binary files, odd names and a nested repository without commits', async () => {
    const root = await repo({ 'a.txt': 'a\n' });
    const bin = Buffer.from([0, 255, 13, 10, 0xc3, 0x28, 10, 13]);
    fs.writeFileSync(path.join(root, 'b.bin'), bin);
    write(root, 'new\nline.txt', 'nl\n');
    write(root, '"quoted.txt', 'q\n');
    fs.mkdirSync(path.join(root, 'nested'));
    await git(path.join(root, 'nested'), 'init', '-q');
    const snap = await snapshot(root);
    fs.writeFileSync(path.join(root, 'b.bin'), 'task');
    write(root, 'new\nline.txt', 'task\n');
    fs.rmSync(path.join(root, '"quoted.txt'));
    const r = await restoreWorkTree(snap, FAILED);
    expect(r.reason).toBeUndefined();
    expect(r.restored.sort()).toEqual(['"quoted.txt', 'b.bin', 'new\nline.txt']);
    expect(fs.readFileSync(path.join(root, 'b.bin'))).toEqual(bin);
    expect(read(root, 'new\nline.txt')).toBe('nl\n');
    expect(read(root, '"quoted.txt')).toBe('q\n');
  });

  it('snapshots while a merge conflict is pending outside the scope', async () => {
    const root = await repo({ 'x.txt': '1\n', 'sub/a.txt': 'a\n' });
    await git(root, 'checkout', '-q', '-b', 'other');
    write(root, 'x.txt', '2\n');
    await git(root, 'add', 'x.txt');
    await commit(root);
    await git(root, 'checkout', '-q', 'main');
    write(root, 'x.txt', '3\n');
    await git(root, 'add', 'x.txt');
    await commit(root);
    expect(await gitOk(root, '-c', 'user.name=t', '-c', 'user.email=t@t', 'merge', '-q', 'other')).toBe(false);
    const before = await untouchable(root);
    const snap = await snapshot(path.join(root, 'sub'));
    write(root, 'sub/a.txt', 'task\n');
    const r = await restoreWorkTree(snap, FAILED);
    expect(r).toMatchObject({ ok: true, restored: ['sub/a.txt'] });
    expect(read(root, 'sub/a.txt')).toBe('a\n');
    expect(await untouchable(root)).toEqual(before);
  });

});

describe('snapshotWorkTree and restoreWorkTree under a changed environment', () => {
  it('works on the cwd\'s repository even when called with GIT_DIR and GIT_INDEX_FILE set (say from a hook)', async () => {
    const other = await repo({ 'o.txt': 'o\n' });
    const root = await repo({ 'a.txt': 'a\n' });
    process.env.GIT_DIR = path.join(other, '.git');
    process.env.GIT_INDEX_FILE = path.join(other, '.git', 'index');
    let snap: GitSnapshot;
    let r: Awaited<ReturnType<typeof restoreWorkTree>>;
    try {
      snap = await snapshot(root);
      write(root, 'a.txt', 'task\n');
      r = await restoreWorkTree(snap, FAILED);
    } finally {
      delete process.env.GIT_DIR;
      delete process.env.GIT_INDEX_FILE;
    }
    expect(snap.root).toBe(root);
    expect(r).toMatchObject({ ok: true, restored: ['a.txt'] });
    expect(read(root, 'a.txt')).toBe('a\n');
    expect(await git(other, 'for-each-ref', 'refs/aad')).toBe('');
  });

  it('refuses outside a git work tree, in a missing directory, and without git', async () => {
    const plain = fs.mkdtempSync(path.join(tmp, 'plain-'));
    expect(await snapshotWorkTree(plain, BEFORE)).toEqual({ ok: false, reason: `not a git work tree: ${plain}` });
    const missing = path.join(tmp, 'missing');
    expect(await snapshotWorkTree(missing, BEFORE)).toEqual({ ok: false, reason: `not a git work tree: ${missing} (no such directory)` });

    const root = await repo({ 'a.txt': 'a\n' });
    const snap = await snapshot(root);
    fs.rmSync(path.join(root, '.git'), { recursive: true });
    write(root, 'a.txt', 'task\n');
    const r = await restoreWorkTree(snap, FAILED);
    expect(r).toMatchObject({ ok: false, restored: [], removed: [], reason: `not a git work tree: ${root}` });
    expect(read(root, 'a.txt')).toBe('task\n');

    const pathVar = process.env.PATH;
    process.env.PATH = path.join(tmp, 'no-bin');
    try {
      const noGit = await snapshotWorkTree(plain, BEFORE);
      expect(noGit.ok).toBe(false);
      expect(noGit.ok ? '' : noGit.reason).toMatch(/^git is not available: /);
    } finally {
      process.env.PATH = pathVar;
    }
  });
});
