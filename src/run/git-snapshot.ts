// The built-in `rollback: git` (SPEC "rollback: git"). Snapshots go through a temporary index
// (GIT_INDEX_FILE) and live as commits under refs/aad/…, so HEAD, the real index and the stash
// list are never written; a restore writes only worktree files the task changed, within its cwd.
import { copyFile, lstat, mkdir, mkdtemp, readlink, realpath, rm, rmdir, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { execCapture, type ExecResult } from './exec.js';

/** A task cwd's work tree as it was, kept as a commit under `ref`. */
export interface GitSnapshot {
  /** Absolute path of the repository's top level. */
  root: string;
  /** The task cwd relative to `root`, posix, '' for the root itself. */
  scope: string;
  /** Sha of the snapshot commit. */
  commit: string;
  /** The ref that keeps `commit` reachable, e.g. refs/aad/<run_id>/<task>/before. */
  ref: string;
}

/** What restoreWorkTree did; paths are relative to the repository root, posix. */
export interface RestoreResult {
  /** True when every file the task changed is back as it was. */
  ok: boolean;
  /** The ref keeping the failed state, e.g. refs/aad/<run_id>/<task>/failed (set once kept). */
  failedRef?: string;
  failedCommit?: string;
  /** Files the task modified or deleted, now back with the snapshot's content and mode. */
  restored: string[];
  /** Files the task created, now removed (their content stays in the failed commit). */
  removed: string[];
  /** Why `ok` is false. */
  reason?: string;
  /** For the escalation: where the failed state is and how to look at it. */
  note: string;
}

type Result<T> = ({ ok: true } & T) | { ok: false; reason: string };

interface Location {
  root: string;
  scope: string;
  /** Absolute path of the repository's real index file (may not exist yet). */
  index: string;
}

/** A file as one side of a tree diff: git mode ('000000' when absent) and blob id. */
interface Entry {
  mode: string;
  oid: string;
}

interface Change {
  path: string;
  before: Entry;
  failed: Entry;
}

const ABSENT = '000000';
const GITLINK = '160000';
const SYMLINK = '120000';

// Variables that would point git at another repository or index than the cwd's.
const LOCAL_GIT_VARS = [
  'GIT_DIR', 'GIT_WORK_TREE', 'GIT_INDEX_FILE', 'GIT_PREFIX', 'GIT_COMMON_DIR', 'GIT_OBJECT_DIRECTORY',
  'GIT_ALTERNATE_OBJECT_DIRECTORIES', 'GIT_IMPLICIT_WORK_TREE', 'GIT_INTERNAL_SUPER_PREFIX',
];

// splitIndex off: a temporary index must not leave sharedindex files in .git.
// safecrlf off: a snapshot records the file as it is rather than refusing it.
// hooksPath: writing a temporary index must not run the user's post-index-change hook.
const GIT_CONFIG = [
  ...['core.splitIndex=false', 'core.safecrlf=false', 'advice.addEmbeddedRepo=false', 'core.hooksPath=/dev/null'].flatMap((c) => ['-c', c]),
];

function gitEnv(index: string | undefined, literal: boolean): Record<string, string | undefined> {
  const env: Record<string, string | undefined> = { ...process.env };
  for (const name of LOCAL_GIT_VARS) delete env[name];
  return {
    ...env,
    GIT_TERMINAL_PROMPT: '0',
    GIT_OPTIONAL_LOCKS: '0',
    GIT_LITERAL_PATHSPECS: literal ? '1' : undefined,
    GIT_AUTHOR_NAME: 'aad',
    GIT_AUTHOR_EMAIL: 'aad@localhost',
    GIT_COMMITTER_NAME: 'aad',
    GIT_COMMITTER_EMAIL: 'aad@localhost',
    ...(index === undefined ? {} : { GIT_INDEX_FILE: index }),
  };
}

// Pathspecs are file names, never globs; only check-ignore (whose arguments are plain paths) refuses the setting.
type GitOptions = { index?: string; input?: string; literal?: false };

function git(cwd: string, args: readonly string[], opts: GitOptions = {}): Promise<ExecResult> {
  const env = gitEnv(opts.index, opts.literal ?? true);
  return execCapture('git', [...GIT_CONFIG, ...args], { cwd, env, input: opts.input });
}

function failure(what: string, r: ExecResult): string {
  if (r.spawnError !== undefined) return `git could not be run: ${r.spawnError}`;
  const msg = r.stderr.trim().split('\n').slice(-3).join(' / ');
  return `${what} failed (exit ${r.exitCode ?? r.signal}): ${msg || 'no message'}`;
}

function nulList(out: string): string[] {
  return out.split('\0').filter((s) => s !== '');
}

function nulJoin(paths: string[]): string {
  return paths.map((p) => `${p}\0`).join('');
}

function abs(root: string, rel: string): string {
  return path.join(root, ...rel.split('/'));
}

function scopeSpec(scope: string): string {
  return scope === '' ? '.' : scope;
}

async function locate(cwd: string): Promise<Result<{ loc: Location }>> {
  const isDir = await stat(cwd).then((s) => s.isDirectory(), () => false);
  if (!isDir) return { ok: false, reason: `not a git work tree: ${cwd} (no such directory)` };
  const r = await git(cwd, ['rev-parse', '--show-toplevel', '--show-prefix', '--git-path', 'index']);
  if (r.spawnError !== undefined) return { ok: false, reason: `git is not available: ${r.spawnError}` };
  const [root, prefix, index] = r.stdout.split('\n');
  if (r.exitCode !== 0 || !root || prefix === undefined || !index) return { ok: false, reason: `not a git work tree: ${cwd}` };
  return { ok: true, loc: { root, scope: prefix.replace(/\/$/, ''), index: path.resolve(cwd, index) } };
}

async function withTempIndex<T>(seed: string | undefined, body: (index: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'aad-git-'));
  const index = path.join(dir, 'index');
  try {
    if (seed !== undefined) {
      await copyFile(seed, index).catch((e: NodeJS.ErrnoException) => {
        if (e.code !== 'ENOENT') throw e; // no index yet: start from an empty one
      });
    }
    return await body(index);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Commits the work tree within loc.scope (tracked and untracked, not ignored) and points `ref` at it. */
async function writeSnapshot(loc: Location, ref: string, parents: string[], message: string): Promise<Result<{ commit: string }>> {
  const { root } = loc;
  return withTempIndex(loc.index, async (index) => {
    const add = await git(root, ['add', '-A', '--', scopeSpec(loc.scope)], { index });
    if (add.exitCode !== 0) return { ok: false, reason: failure('git add', add) };
    // Conflicted paths outside the scope would stop write-tree; they are not ours to keep.
    const unmerged = await git(root, ['ls-files', '-u', '-z'], { index });
    if (unmerged.exitCode !== 0) return { ok: false, reason: failure('git ls-files -u', unmerged) };
    const conflicted = [...new Set(nulList(unmerged.stdout).map((l) => l.slice(l.indexOf('\t') + 1)))];
    if (conflicted.length > 0) {
      const drop = await git(root, ['update-index', '--force-remove', '-z', '--stdin'], { index, input: nulJoin(conflicted) });
      if (drop.exitCode !== 0) return { ok: false, reason: failure('git update-index', drop) };
    }
    const tree = await git(root, ['write-tree'], { index });
    if (tree.exitCode !== 0) return { ok: false, reason: failure('git write-tree', tree) };
    const parentArgs = parents.flatMap((p) => ['-p', p]);
    const commit = await git(root, ['commit-tree', ...parentArgs, '-m', message, tree.stdout.trim()]);
    if (commit.exitCode !== 0) return { ok: false, reason: failure('git commit-tree', commit) };
    const sha = commit.stdout.trim();
    // --create-reflog: a second snapshot under the same ref keeps the first one reachable.
    const upd = await git(root, ['update-ref', '--create-reflog', '-m', message, ref, sha]);
    if (upd.exitCode !== 0) return { ok: false, reason: failure('git update-ref', upd) };
    return { ok: true, commit: sha };
  });
}

/** Snapshots the git work tree of `cwd` (tracked and untracked files, not ignored ones) under `ref`. */
export async function snapshotWorkTree(
  cwd: string,
  ref: string,
): Promise<{ ok: true; snapshot: GitSnapshot } | { ok: false; reason: string }> {
  const found = await locate(cwd);
  if (!found.ok) return found;
  const { loc } = found;
  const head = await git(loc.root, ['rev-parse', '-q', '--verify', 'HEAD^{commit}']);
  const parents = head.exitCode === 0 ? [head.stdout.trim()] : []; // no commits yet: a root commit
  const snap = await writeSnapshot(loc, ref, parents, `aad: work tree of ${scopeSpec(loc.scope)} before the task\n\n${ref}`);
  if (!snap.ok) return snap;
  return { ok: true, snapshot: { root: loc.root, scope: loc.scope, commit: snap.commit, ref } };
}

async function diffTrees(root: string, from: string, to: string, scope: string): Promise<Result<{ changes: Change[] }>> {
  const args = ['diff-tree', '-r', '-z', '--raw', '--no-renames', '--no-abbrev', '--ignore-submodules=none'];
  const r = await git(root, [...args, from, to, '--', scopeSpec(scope)]);
  if (r.exitCode !== 0) return { ok: false, reason: failure('git diff-tree', r) };
  const fields = r.stdout.split('\0');
  const changes: Change[] = [];
  for (let i = 0; i + 1 < fields.length; i += 2) {
    const [oldMode, newMode, oldOid, newOid] = (fields[i] ?? '').slice(1).split(' ');
    const p = fields[i + 1];
    if (!oldMode || !newMode || !oldOid || !newOid || !p) continue;
    changes.push({ path: p, before: { mode: oldMode, oid: oldOid }, failed: { mode: newMode, oid: newOid } });
  }
  return { ok: true, changes };
}

/** Which of `paths` are, in the work tree right now, exactly what `want` says (content and kind). */
async function matching(root: string, paths: string[], want: (p: string) => Entry): Promise<Set<string>> {
  const same = new Set<string>();
  const files: string[] = [];
  for (const p of paths) {
    const e = want(p);
    const st = await lstat(abs(root, p)).catch(() => undefined);
    if (e.mode === ABSENT) {
      if (st === undefined || st.isDirectory()) same.add(p); // a directory is no file at `p`: see blocked()
    } else if (e.mode === SYMLINK) {
      const target = st?.isSymbolicLink() === true ? await readlink(abs(root, p)).catch(() => undefined) : undefined;
      if (target === undefined) continue;
      const h = await git(root, ['hash-object', '--no-filters', '--stdin'], { input: target });
      if (h.exitCode === 0 && h.stdout.trim() === e.oid) same.add(p);
    } else if (st?.isFile() === true) {
      files.push(p);
    }
  }
  // hash-object applies the same clean filters as `git add`, so its ids compare with the tree's.
  for (let start = 0; start < files.length; ) {
    const chunk: string[] = [];
    for (let size = 0; start < files.length && (chunk.length === 0 || size < 60_000); start++) {
      const p = files[start] as string;
      chunk.push(p);
      size += p.length + 1;
    }
    const h = await git(root, ['hash-object', '--', ...chunk]);
    if (h.exitCode !== 0) continue;
    const ids = h.stdout.split('\n');
    for (const [i, p] of chunk.entries()) if (ids[i] === want(p).oid) same.add(p);
  }
  return same;
}

/** True when writing `p` would first have to delete a directory or a non-directory in its way. */
async function blocked(root: string, p: string): Promise<boolean> {
  const parts = p.split('/');
  for (let i = 1; i < parts.length; i++) {
    const st = await lstat(abs(root, parts.slice(0, i).join('/'))).catch(() => undefined);
    if (st === undefined) return false;
    if (!st.isDirectory()) return true;
  }
  const st = await lstat(abs(root, p)).catch(() => undefined);
  return st?.isDirectory() === true;
}

/** Removes the directories that deleting `p` left empty, up to (not including) the scope. */
async function pruneEmptyDirs(root: string, scope: string, p: string): Promise<void> {
  const inside = scope === '' ? '' : `${scope}/`;
  for (let dir = path.posix.dirname(p); dir !== '.' && dir.startsWith(inside); dir = path.posix.dirname(dir)) {
    const gone = await rmdir(abs(root, dir)).then(() => true, () => false);
    if (!gone) return;
  }
}

function shellQuote(s: string): string {
  return /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

/** The folders among `dirs` that lie inside `root`, relative to it (posix); the root itself is never one. */
async function foldersInside(root: string, dirs: readonly string[]): Promise<string[]> {
  const out: string[] = [];
  for (const d of dirs) {
    const real = await realpath(d).catch(() => path.resolve(d));
    const rel = path.relative(root, real);
    if (rel === '' || rel === '..' || rel.startsWith(`..${path.sep}`) || path.isAbsolute(rel)) continue;
    out.push(rel.split(path.sep).join('/'));
  }
  return out;
}

/**
 * Keeps the failed state of the snapshot's scope under `failedRef`, then puts back, within the
 * scope, the files that differ from the snapshot: modified and deleted ones get the snapshot's
 * content and mode, created ones are removed. Untouched and ignored files, HEAD, the real index
 * and the stash list are left alone; a file changed again after the failed state was kept is
 * left alone too and makes `ok` false. Files under `opts.leaveAlone` (absolute folders: aad's
 * own run directories and artifact copies, which change while the task runs) are never touched.
 */
export async function restoreWorkTree(snap: GitSnapshot, failedRef: string, opts: { leaveAlone?: readonly string[] } = {}): Promise<RestoreResult> {
  const { root, scope } = snap;
  const found = await locate(root);
  if (!found.ok || found.loc.root !== root) {
    const reason = found.ok ? `not a git work tree: ${root}` : found.reason;
    return { ok: false, restored: [], removed: [], reason, note: `nothing was restored in ${root}` };
  }
  const loc: Location = { root, scope, index: found.loc.index };
  // The cwd existed at snapshot time; `git add -- <scope>` needs it to.
  await mkdir(abs(root, scope), { recursive: true }).catch(() => undefined);
  const message = `aad: work tree of ${scopeSpec(scope)} when the task failed\n\n${failedRef}`;
  const kept = await writeSnapshot(loc, failedRef, [snap.commit], message);
  if (!kept.ok) {
    const reason = `could not keep the failed state: ${kept.reason}`;
    return { ok: false, restored: [], removed: [], reason, note: `nothing was restored in ${root}` };
  }
  const spec = shellQuote(scopeSpec(scope));
  const note =
    `The failed state is kept at ${failedRef} (${kept.commit}). In ${root}: see what the task changed with ` +
    `\`git diff ${snap.ref}..${failedRef} -- ${spec}\`; take a file back with \`git checkout ${failedRef} -- <file>\` ` +
    `(or \`git restore --source=${failedRef} -- <file>\` to leave the index alone).`;
  const base = { failedRef, failedCommit: kept.commit, note };
  const diff = await diffTrees(root, snap.commit, kept.commit, scope);
  if (!diff.ok) return { ...base, ok: false, restored: [], removed: [], reason: diff.reason };

  const problems: string[] = [];
  const byPath = new Map(diff.changes.map((c) => [c.path, c]));
  const submodules = diff.changes.filter((c) => c.before.mode === GITLINK || c.failed.mode === GITLINK).map((c) => c.path);
  if (submodules.length > 0) problems.push(`submodules and nested repositories are not restored: ${submodules.join(', ')}`);
  const aadOwn = await foldersInside(root, opts.leaveAlone ?? []);
  const isAadOwn = (p: string): boolean => aadOwn.some((d) => p === d || p.startsWith(`${d}/`));
  const files = diff.changes.filter((c) => !submodules.includes(c.path) && !isAadOwn(c.path)).map((c) => c.path);
  // Something may have written these since the failed state was kept: never overwrite that.
  const unchanged = await matching(root, files, (p) => (byPath.get(p) as Change).failed);
  const moved = files.filter((p) => !unchanged.has(p));
  if (moved.length > 0) problems.push(`changed again after the task failed, left as they are: ${moved.join(', ')}`);
  const created = files.filter((p) => unchanged.has(p) && (byPath.get(p) as Change).before.mode === ABSENT);
  const toRestore = files.filter((p) => unchanged.has(p) && (byPath.get(p) as Change).before.mode !== ABSENT);

  const restored: string[] = [];
  const removed: string[] = [];
  const result = await withTempIndex(undefined, async (index) => {
    const read = await git(root, ['read-tree', snap.commit], { index });
    if (read.exitCode !== 0) return failure('git read-tree', read);
    const checkout = async (paths: string[]): Promise<void> => {
      const free: string[] = [];
      for (const p of paths) {
        if (await blocked(root, p)) problems.push(`a directory or file is in the way of ${p}`);
        else free.push(p);
      }
      if (free.length === 0) return;
      const r = await git(root, ['checkout-index', '-f', '-z', '--stdin'], { index, input: nulJoin(free) });
      if (r.exitCode !== 0) problems.push(failure('git checkout-index', r));
      const back = await matching(root, free, (p) => (byPath.get(p) as Change).before);
      for (const p of free) {
        if (back.has(p)) restored.push(p);
        else problems.push(`could not restore ${p}`);
      }
    };
    const remove = async (paths: string[]): Promise<void> => {
      for (const p of paths) {
        const err = await rm(abs(root, p)).then(() => undefined, (e: Error) => e.message);
        if (err !== undefined) problems.push(`could not remove ${p}: ${err}`);
        else {
          removed.push(p);
          await pruneEmptyDirs(root, scope, p);
        }
      }
    };
    // Ignore rules first, so that what the task created is judged by the rules from before it.
    const isIgnoreFile = (p: string): boolean => path.posix.basename(p) === '.gitignore';
    await checkout(toRestore.filter(isIgnoreFile));
    await remove(created.filter(isIgnoreFile));
    const others = created.filter((p) => !isIgnoreFile(p));
    if (others.length > 0) {
      const ign = await git(root, ['check-ignore', '--no-index', '-z', '--stdin'], { input: nulJoin(others), literal: false });
      if (ign.exitCode === 0 || ign.exitCode === 1) {
        const ignored = new Set(nulList(ign.stdout)); // ignored files are never touched
        await remove(others.filter((p) => !ignored.has(p)));
      } else problems.push(`${failure('git check-ignore', ign)}; created files left in place`);
    }
    await checkout(toRestore.filter((p) => !isIgnoreFile(p)));
    return undefined;
  });
  if (result !== undefined) problems.push(result);
  return problems.length === 0
    ? { ...base, ok: true, restored, removed }
    : { ...base, ok: false, restored, removed, reason: problems.join('; ') };
}
