// The built-in `rollback: git` (SPEC "rollback: git"). Snapshots go through a temporary index
// (GIT_INDEX_FILE) and live as commits under refs/aad/…, so HEAD, the real index and the stash
// list are never written; a restore writes only worktree files the task changed, within its cwd.
import { lstat, mkdir, realpath, rm, rmdir } from 'node:fs/promises';
import path from 'node:path';
import { ABSENT, GITLINK, git, failure, nulList, nulJoin, abs, scopeSpec, locate, writeSnapshot, type Result, type Location, type Entry, type Change } from './git-plumbing.js';
import { hashRaw, writeRaw } from './git-raw.js';

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

/** Which of `paths` are, in the work tree right now, exactly what `want` says (bytes and kind; no filter applies). */
async function matching(root: string, paths: string[], want: (p: string) => Entry): Promise<Set<string>> {
  const same = new Set<string>();
  const present: string[] = [];
  for (const p of paths) {
    const st = await lstat(abs(root, p)).catch(() => undefined);
    // A directory is no file at `p`: see blocked().
    if (want(p).mode === ABSENT) {
      if (st === undefined || st.isDirectory()) same.add(p);
    } else if (st !== undefined && !st.isDirectory()) present.push(p);
  }
  const hashed = await hashRaw(root, present, false);
  if (hashed.ok) {
    for (const e of hashed.entries) {
      const w = want(e.path);
      if (e.oid === w.oid && e.mode === w.mode) same.add(e.path);
    }
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
 * Bytes come back as they were kept: no filter, no end-of-line conversion.
 */
export async function restoreWorkTree(
  snap: GitSnapshot,
  failedRef: string,
  opts: { leaveAlone?: readonly string[]; afterKeep?: () => Promise<void> } = {},
): Promise<RestoreResult> {
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
  await opts.afterKeep?.(); // tests: someone writing while aad works
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
  const checkout = async (paths: string[]): Promise<void> => {
    const free: string[] = [];
    for (const p of paths) {
      if (await blocked(root, p)) problems.push(`a directory or file is in the way of ${p}`);
      else free.push(p);
    }
    for (const p of free) {
      const { mode, oid } = (byPath.get(p) as Change).before;
      const err = await writeRaw(root, p, mode, oid);
      if (err !== undefined) problems.push(`could not restore ${p}: ${err}`);
    }
    const back = await matching(root, free, (p) => (byPath.get(p) as Change).before);
    for (const p of free) {
      if (back.has(p)) restored.push(p);
      else if (!problems.some((m) => m.startsWith(`could not restore ${p}:`))) problems.push(`could not restore ${p}`);
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
  return problems.length === 0
    ? { ...base, ok: true, restored, removed }
    : { ...base, ok: false, restored, removed, reason: problems.join('; ') };
}
