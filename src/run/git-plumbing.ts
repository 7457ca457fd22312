// Git plumbing for the built-in `rollback: git` (git-snapshot.ts): every git command runs through
// execCapture with a controlled environment, snapshots are written through a temporary index.
import { copyFile, mkdtemp, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { execCapture, type ExecResult } from './exec.js';

export type Result<T> = ({ ok: true } & T) | { ok: false; reason: string };

export interface Location {
  root: string;
  scope: string;
  /** Absolute path of the repository's real index file (may not exist yet). */
  index: string;
}

/** A file as one side of a tree diff: git mode ('000000' when absent) and blob id. */
export interface Entry {
  mode: string;
  oid: string;
}

export interface Change {
  path: string;
  before: Entry;
  failed: Entry;
}

export const ABSENT = '000000';
export const GITLINK = '160000';
export const SYMLINK = '120000';

// Variables that would point git at another repository or index than the cwd's.
const LOCAL_GIT_VARS = [
  'GIT_DIR', 'GIT_WORK_TREE', 'GIT_INDEX_FILE', 'GIT_PREFIX', 'GIT_COMMON_DIR', 'GIT_OBJECT_DIRECTORY',
  'GIT_ALTERNATE_OBJECT_DIRECTORIES', 'GIT_IMPLICIT_WORK_TREE', 'GIT_INTERNAL_SUPER_PREFIX', 'GIT_NAMESPACE',
  'GIT_CEILING_DIRECTORIES', 'GIT_DISCOVERY_ACROSS_FILESYSTEM', 'GIT_CONFIG_PARAMETERS', 'GIT_CONFIG_COUNT',
  'GIT_SHALLOW_FILE', 'GIT_REPLACE_REF_BASE', 'GIT_NO_REPLACE_OBJECTS', 'GIT_GRAFT_FILE', 'GIT_QUARANTINE_PATH',
];

/** `env` without the variables that would point git at another repository, index or configuration (`GIT_CONFIG_KEY_n`…). */
export function withoutGitRedirects(env: Record<string, string | undefined>): Record<string, string | undefined> {
  const out = { ...env };
  for (const name of LOCAL_GIT_VARS) delete out[name];
  for (const name of Object.keys(out)) if (/^GIT_CONFIG_(KEY|VALUE)_\d+$/.test(name)) delete out[name];
  return out;
}

// splitIndex off: a temporary index must not leave sharedindex files in .git.
// safecrlf off: a snapshot records the file as it is rather than refusing it.
// hooksPath: aad's own git commands never run the user's hooks (post-index-change, post-checkout of a
// worktree add…): /dev/null holds no hook. fsmonitor: nor the user's fsmonitor hook. gpgsign: aad's
// commits are never signed (a signing prompt would hang the run).
export const GIT_CONFIG = [
  ...['core.splitIndex=false', 'core.safecrlf=false', 'advice.addEmbeddedRepo=false', 'core.hooksPath=/dev/null', 'core.fsmonitor=false', 'commit.gpgSign=false']
    .flatMap((c) => ['-c', c]),
];

/** The environment of every git command: the cwd's repository, no prompt, aad's identity (or git's configured one). */
export function gitEnv(index: string | undefined, literal: boolean, identity: 'aad' | 'config' = 'aad'): Record<string, string | undefined> {
  return {
    ...withoutGitRedirects(process.env),
    GIT_TERMINAL_PROMPT: '0',
    GIT_OPTIONAL_LOCKS: '0',
    GIT_LITERAL_PATHSPECS: literal ? '1' : undefined,
    ...(identity === 'aad'
      ? { GIT_AUTHOR_NAME: 'aad', GIT_AUTHOR_EMAIL: 'aad@localhost', GIT_COMMITTER_NAME: 'aad', GIT_COMMITTER_EMAIL: 'aad@localhost' }
      : {}),
    ...(index === undefined ? {} : { GIT_INDEX_FILE: index }),
  };
}

// Pathspecs are file names, never globs; only check-ignore (whose arguments are plain paths) refuses the setting.
type GitOptions = { index?: string; input?: string; literal?: false; identity?: 'config' };

export function git(cwd: string, args: readonly string[], opts: GitOptions = {}): Promise<ExecResult> {
  const env = gitEnv(opts.index, opts.literal ?? true, opts.identity);
  return execCapture('git', [...GIT_CONFIG, ...args], { cwd, env, input: opts.input });
}

export function failure(what: string, r: ExecResult): string {
  if (r.spawnError !== undefined) return `git could not be run: ${r.spawnError}`;
  const msg = r.stderr.trim().split('\n').slice(-3).join(' / ');
  return `${what} failed (exit ${r.exitCode ?? r.signal}): ${msg || 'no message'}`;
}

export function nulList(out: string): string[] {
  return out.split('\0').filter((s) => s !== '');
}

export function nulJoin(paths: string[]): string {
  return paths.map((p) => `${p}\0`).join('');
}

export function abs(root: string, rel: string): string {
  return path.join(root, ...rel.split('/'));
}

export function scopeSpec(scope: string): string {
  return scope === '' ? '.' : scope;
}

export async function locate(cwd: string): Promise<Result<{ loc: Location }>> {
  const isDir = await stat(cwd).then((s) => s.isDirectory(), () => false);
  if (!isDir) return { ok: false, reason: `not a git work tree: ${cwd} (no such directory)` };
  const r = await git(cwd, ['rev-parse', '--show-toplevel', '--show-prefix', '--git-path', 'index']);
  if (r.spawnError !== undefined) return { ok: false, reason: `git is not available: ${r.spawnError}` };
  const [root, prefix, index] = r.stdout.split('\n');
  if (r.exitCode !== 0 || !root || prefix === undefined || !index) return { ok: false, reason: `not a git work tree: ${cwd}` };
  return { ok: true, loc: { root, scope: prefix.replace(/\/$/, ''), index: path.resolve(cwd, index) } };
}

export async function withTempIndex<T>(seed: string | undefined, body: (index: string) => Promise<T>): Promise<T> {
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

/**
 * Commits the work tree within loc.scope (tracked and untracked files, not ignored ones, their bytes as
 * they are: no filter, no end-of-line conversion) over the real index's entries outside it, and points
 * `ref` at the commit.
 */
export async function writeSnapshot(loc: Location, ref: string, parents: string[], message: string): Promise<Result<{ commit: string }>> {
  const { root } = loc;
  const { hashRaw, listWorkTree } = await import('./git-raw.js');
  return withTempIndex(loc.index, async (index) => {
    const listed = await listWorkTree(root, scopeSpec(loc.scope), index);
    if (!listed.ok) return listed;
    const hashed = await hashRaw(root, listed.paths, true);
    if (!hashed.ok) return hashed;
    // The scope's entries are replaced by what is on disk; conflicted paths outside it would stop
    // write-tree and are not ours to keep.
    const inScope = await git(root, ['ls-files', '-z', '--', scopeSpec(loc.scope)], { index });
    if (inScope.exitCode !== 0) return { ok: false, reason: failure('git ls-files', inScope) };
    const unmerged = await git(root, ['ls-files', '-u', '-z'], { index });
    if (unmerged.exitCode !== 0) return { ok: false, reason: failure('git ls-files -u', unmerged) };
    const conflicted = nulList(unmerged.stdout).map((l) => l.slice(l.indexOf('\t') + 1));
    const drop = [...new Set([...nulList(inScope.stdout), ...conflicted])];
    if (drop.length > 0) {
      const r = await git(root, ['update-index', '--force-remove', '-z', '--stdin'], { index, input: nulJoin(drop) });
      if (r.exitCode !== 0) return { ok: false, reason: failure('git update-index', r) };
    }
    if (hashed.entries.length > 0) {
      const info = hashed.entries.map((e) => `${e.mode} ${e.oid}\t${e.path}\0`).join('');
      const r = await git(root, ['update-index', '--add', '-z', '--index-info'], { index, input: info });
      if (r.exitCode !== 0) return { ok: false, reason: failure('git update-index --index-info', r) };
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
