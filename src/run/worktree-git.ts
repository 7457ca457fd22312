// The git side of `isolation: worktree` (SPEC "Isolation in a git worktree"): every command goes through
// git-plumbing's `git()` (controlled environment, no hooks, no fsmonitor, no signing). The integration
// branch is never checked out: merges are `merge-tree --write-tree` + `commit-tree` + a compare-and-swap
// `update-ref`, so the user's work tree, index, HEAD and stash are never involved.
import { readdir, readFile, rm, rmdir } from 'node:fs/promises';
import path from 'node:path';
import { failure, git, nulJoin, nulList, type Result } from './git-plumbing.js';

/** Whose name aad's commits carry: git's configured identity, else `aad <aad@localhost>`. */
export type Identity = 'config' | 'aad';

/** The oldest git with `merge-tree --write-tree`. */
export const MIN_GIT: readonly [number, number] = [2, 38];

/** The repository a run isolates its tasks from: the workdir's work tree. */
export interface Repo {
  /** Top level of the main work tree (git's spelling: symlinks resolved). */
  root: string;
  /** The commit HEAD pointed at. */
  head: string;
  identity: Identity;
}

/** Checks that `dir` lies in a usable work tree for isolation and finds HEAD; a reason for the user when not. */
export async function findRepo(dir: string): Promise<Result<{ repo: Repo }>> {
  const v = await git(dir, ['--version']);
  if (v.spawnError !== undefined) return { ok: false, reason: `git is not available: ${v.spawnError}` };
  const m = /(\d+)\.(\d+)/.exec(v.stdout);
  const [maj, min] = m ? [Number(m[1]), Number(m[2])] : [0, 0];
  if (maj < MIN_GIT[0] || (maj === MIN_GIT[0] && min < MIN_GIT[1])) {
    return { ok: false, reason: `git ${MIN_GIT.join('.')} or later is needed (merge-tree --write-tree); this is ${v.stdout.trim() || 'an unknown version'}` };
  }
  const b = await git(dir, ['rev-parse', '--is-bare-repository']);
  if (b.exitCode !== 0) return { ok: false, reason: `${dir} is not in a git repository` };
  if (b.stdout.trim() === 'true') return { ok: false, reason: `${dir} is in a bare repository: isolation needs a work tree` };
  const r = await git(dir, ['rev-parse', '--is-inside-work-tree', '--show-toplevel']);
  const [inside, root] = r.stdout.split('\n');
  if (r.exitCode !== 0 || inside !== 'true' || !root) return { ok: false, reason: `${dir} is not in a git work tree (inside a .git folder?)` };
  const head = await git(root, ['rev-parse', '-q', '--verify', 'HEAD^{commit}']);
  if (head.exitCode !== 0) return { ok: false, reason: `the repository at ${root} has no commit yet (HEAD is unborn): commit something first, so that the worktrees have a base` };
  // A branch named `aad` (or `aad/tasks`) leaves no room for aad/<run_id> and aad/tasks/…: git refs are paths.
  for (const ref of ['refs/heads/aad', 'refs/heads/aad/tasks']) {
    const taken = await git(root, ['show-ref', '--verify', '-q', ref]);
    if (taken.exitCode === 0) return { ok: false, reason: `a branch named ${ref.slice(11)} exists in ${root}: git cannot hold it beside aad's branches aad/<run_id>; rename it (git branch -m ${ref.slice(11)} …)` };
  }
  const name = await git(root, ['config', '--get', 'user.name']);
  const email = await git(root, ['config', '--get', 'user.email']);
  const identity: Identity = name.exitCode === 0 && name.stdout.trim() !== '' && email.exitCode === 0 && email.stdout.trim() !== '' ? 'config' : 'aad';
  return { ok: true, repo: { root, head: head.stdout.trim(), identity } };
}

/** Why a task id cannot name a branch (`git check-ref-format` rules a task id can break), or undefined. */
export function branchProblem(id: string): string | undefined {
  if (id.includes('..')) return 'contains ".."';
  if (id.endsWith('.lock')) return 'ends with ".lock"';
  if (id.endsWith('.')) return 'ends with "."';
  return undefined;
}

/** `refs/heads/<branch>`. */
export function headRef(branch: string): string {
  return `refs/heads/${branch}`;
}

/** Where the branch points, or null when it does not exist. */
export async function branchTip(root: string, branch: string): Promise<Result<{ commit: string | null }>> {
  const r = await git(root, ['rev-parse', '-q', '--verify', `${headRef(branch)}^{commit}`]);
  if (r.exitCode === 0) return { ok: true, commit: r.stdout.trim() };
  if (r.exitCode === 1 && r.spawnError === undefined) return { ok: true, commit: null };
  return { ok: false, reason: failure('git rev-parse', r) };
}

/** Creates `branch` at `commit` unless it exists (then it is left as it is). */
export async function ensureBranch(root: string, branch: string, commit: string): Promise<Result<{ created: boolean }>> {
  const tip = await branchTip(root, branch);
  if (!tip.ok) return tip;
  if (tip.commit !== null) return { ok: true, created: false };
  // The empty old value: created only if nobody made it meanwhile.
  const r = await git(root, ['update-ref', '-m', 'aad: integration branch', headRef(branch), commit, '']);
  if (r.exitCode !== 0) return { ok: false, reason: failure(`git update-ref ${headRef(branch)}`, r) };
  return { ok: true, created: true };
}

/**
 * git's worktree bookkeeping (`.git/worktrees/`) is not safe against itself: a `worktree prune` can delete a
 * worktree another `worktree add` is half way through making, and an `add` that lists the worktrees can read
 * one's files before they are written. aad's own adds and prunes of a repository therefore go one at a time
 * (per repository, in this process); the checkouts, which are the slow part, still run side by side.
 */
const bookkeeping = new Map<string, Promise<unknown>>();

function oneAtATime<T>(root: string, work: () => Promise<T>): Promise<T> {
  const next = (bookkeeping.get(root) ?? Promise.resolve()).then(work, work);
  bookkeeping.set(root, next.catch(() => undefined));
  return next;
}

/** Makes a fresh worktree at `wt` on `branch` (reset to `base`), removing whatever was there. */
export async function addWorktree(root: string, wt: string, branch: string, base: string): Promise<Result<object>> {
  const gone = await removeWorktree(root, wt);
  if (!gone.ok) return gone;
  const r = await oneAtATime(root, () => git(root, ['worktree', 'add', '--quiet', '--no-checkout', '--no-track', '-B', branch, wt, base]));
  if (r.exitCode !== 0) return { ok: false, reason: failure('git worktree add', r) };
  // What `worktree add` would do itself, outside the one-at-a-time part: fill the index and the files.
  const co = await git(wt, ['reset', '--hard', '--quiet', '--no-recurse-submodules']);
  if (co.exitCode !== 0) return { ok: false, reason: failure('git reset --hard (checkout of the worktree)', co) };
  return { ok: true };
}

/**
 * Removes the worktree at `wt` (its files, then git's record of it); what is already gone is fine. Its
 * branch stays. The `worktrees/<run_id>` folder goes with its last worktree.
 */
export async function removeWorktree(root: string, wt: string): Promise<Result<object>> {
  try {
    await rm(wt, { recursive: true, force: true });
  } catch (err) {
    // ENOTDIR: a file stands where a parent folder would be, so there is no worktree there either.
    if ((err as NodeJS.ErrnoException).code !== 'ENOTDIR') return { ok: false, reason: `cannot remove ${wt}: ${(err as Error).message}` };
  }
  const p = await forgetWorktree(root, wt);
  if (!p.ok) return p;
  await rmdir(path.dirname(wt)).catch(() => undefined);
  return { ok: true };
}

/**
 * Makes git forget the worktree that was at `wt` (its folder already gone): only that one. A `git worktree
 * prune` would also forget the user's own worktrees whose folders cannot be reached right now (an unmounted
 * drive), losing their index.
 */
export async function forgetWorktree(root: string, wt: string): Promise<Result<object>> {
  return oneAtATime(root, async () => {
    const c = await git(root, ['rev-parse', '--git-common-dir']);
    if (c.exitCode !== 0) return { ok: false, reason: failure('git rev-parse --git-common-dir', c) };
    const admin = path.join(path.resolve(root, c.stdout.trim()), 'worktrees');
    const mine = path.join(wt, '.git');
    let names: string[] = [];
    try {
      names = await readdir(admin);
    } catch {
      return { ok: true }; // no linked worktree at all
    }
    for (const name of names) {
      const gitdir = await readFile(path.join(admin, name, 'gitdir'), 'utf8').then((t) => t.trim(), () => undefined);
      if (gitdir !== undefined && path.resolve(gitdir) === mine) await rm(path.join(admin, name), { recursive: true, force: true });
    }
    return { ok: true };
  });
}

/** Which of `paths` (relative to the top level) the tree of `commit` does not hold. */
export async function notIn(root: string, commit: string, paths: readonly string[]): Promise<Result<{ paths: string[] }>> {
  if (paths.length === 0) return { ok: true, paths: [] };
  const r = await git(root, ['ls-tree', '-r', '-z', '--name-only', '--full-tree', commit, '--', ...paths]);
  if (r.exitCode !== 0) return { ok: false, reason: failure('git ls-tree', r) };
  const held = new Set(nulList(r.stdout));
  return { ok: true, paths: paths.filter((p) => !held.has(p)) };
}

/** The main work tree's tracked paths (for worktree_copy: tracked files are never copied). */
export async function trackedPaths(root: string): Promise<Result<{ paths: Set<string> }>> {
  const r = await git(root, ['ls-files', '-z', '--full-name']);
  if (r.exitCode !== 0) return { ok: false, reason: failure('git ls-files', r) };
  return { ok: true, paths: new Set(nulList(r.stdout)) };
}

/**
 * Commits everything in the worktree (`git add -A`, ignored files excepted, `leaveOut` unstaged) on top of
 * its HEAD. `commit` is null when nothing changed since HEAD; `head` is the worktree's HEAD afterwards
 * (the task may have committed on its own).
 */
export async function commitAll(wt: string, message: string, identity: Identity, leaveOut: readonly string[]): Promise<Result<{ commit: string | null; head: string }>> {
  const id = identity === 'config' ? { identity: 'config' as const } : {};
  const add = await git(wt, ['add', '-A'], id);
  if (add.exitCode !== 0) return { ok: false, reason: failure('git add -A', add) };
  if (leaveOut.length > 0) {
    const rm = await git(wt, ['rm', '--cached', '-q', '-r', '--ignore-unmatch', '--pathspec-from-file=-', '--pathspec-file-nul'], { ...id, input: nulJoin([...leaveOut]) });
    if (rm.exitCode !== 0) return { ok: false, reason: failure('git rm --cached', rm) };
  }
  // A folder the task made into a git repository of its own would be committed as a bare gitlink: its files
  // would not be in the commit, and removing the worktree would lose them.
  const links = await git(wt, ['diff-index', '--cached', '-z', '--raw', '--no-renames', 'HEAD']);
  if (links.exitCode !== 0) return { ok: false, reason: failure('git diff-index', links) };
  const fields = links.stdout.split('\0');
  const nested: string[] = [];
  for (let i = 0; i + 1 < fields.length; i += 2) {
    const [oldMode, newMode] = (fields[i] ?? '').slice(1).split(' ');
    if (newMode === '160000' && oldMode !== '160000') nested.push(fields[i + 1]!);
  }
  if (nested.length > 0) return { ok: false, reason: `the task made nested git repositories (${nested.join(', ')}): their files cannot be committed to its branch` };
  const tree = await git(wt, ['write-tree']);
  if (tree.exitCode !== 0) return { ok: false, reason: failure('git write-tree', tree) };
  const head = await git(wt, ['rev-parse', 'HEAD', 'HEAD^{tree}']);
  if (head.exitCode !== 0) return { ok: false, reason: failure('git rev-parse HEAD', head) };
  const [headCommit, headTree] = head.stdout.split('\n');
  if (tree.stdout.trim() === headTree) return { ok: true, commit: null, head: headCommit! };
  const c = await git(wt, ['commit-tree', '-p', headCommit!, '-m', message, tree.stdout.trim()], id);
  if (c.exitCode !== 0) return { ok: false, reason: failure('git commit-tree', c) };
  const sha = c.stdout.trim();
  const upd = await git(wt, ['update-ref', '-m', message, 'HEAD', sha, headCommit!]);
  if (upd.exitCode !== 0) return { ok: false, reason: failure('git update-ref HEAD', upd) };
  return { ok: true, commit: sha, head: sha };
}

/** How a merge into the integration branch went. */
export type MergeResult =
  | { ok: true; commit: string | null }
  | { ok: false; conflicts: string[]; reason: string };

/**
 * Merges `commit` into `branch` without a work tree: a merge commit (parents: the branch's tip, `commit`),
 * or nothing when the merge changes nothing. The branch moves only if nobody moved it meanwhile (else the
 * merge is made again on the new tip). A conflict leaves the branch as it was and lists the paths.
 */
export async function mergeInto(root: string, branch: string, commit: string, message: string, identity: Identity): Promise<MergeResult> {
  const id = identity === 'config' ? { identity: 'config' as const } : {};
  for (let round = 0; ; round++) {
    const tip = await branchTip(root, branch);
    if (!tip.ok) return { ok: false, conflicts: [], reason: tip.reason };
    if (tip.commit === null) return { ok: false, conflicts: [], reason: `the integration branch ${branch} is gone` };
    const m = await git(root, ['merge-tree', '--write-tree', '-z', '--name-only', '--no-messages', tip.commit, commit]);
    if (m.exitCode === 1) {
      const [, ...paths] = m.stdout.split('\0\0')[0]!.split('\0');
      const conflicts = [...new Set(paths.filter((p) => p !== ''))];
      return { ok: false, conflicts, reason: `merge conflict with ${branch} in ${conflicts.join(', ') || 'an unknown path'}` };
    }
    if (m.exitCode !== 0) return { ok: false, conflicts: [], reason: failure('git merge-tree', m) };
    const tree = m.stdout.split('\0')[0]!;
    const tipTree = await git(root, ['rev-parse', `${tip.commit}^{tree}`]);
    if (tipTree.exitCode !== 0) return { ok: false, conflicts: [], reason: failure('git rev-parse', tipTree) };
    if (tipTree.stdout.trim() === tree) return { ok: true, commit: null };
    const c = await git(root, ['commit-tree', '-p', tip.commit, '-p', commit, '-m', message, tree], id);
    if (c.exitCode !== 0) return { ok: false, conflicts: [], reason: failure('git commit-tree', c) };
    const sha = c.stdout.trim();
    const upd = await git(root, ['update-ref', '-m', message, headRef(branch), sha, tip.commit]);
    if (upd.exitCode === 0) return { ok: true, commit: sha };
    if (round >= 20) return { ok: false, conflicts: [], reason: failure(`git update-ref ${headRef(branch)}`, upd) };
  }
}

/** Puts the worktree's files back as they are in `base` (rollback: git of an isolated task); its branch keeps what the task did. */
export async function discardChanges(wt: string, base: string): Promise<Result<object>> {
  const co = await git(wt, ['checkout', '--quiet', '--force', '--detach', base]);
  if (co.exitCode !== 0) return { ok: false, reason: failure('git checkout --detach', co) };
  const clean = await git(wt, ['clean', '-ffdq']);
  if (clean.exitCode !== 0) return { ok: false, reason: failure('git clean', clean) };
  return { ok: true };
}

/** Points `ref` at `commit` (keeps an earlier attempt's state reachable). */
export async function keepRef(root: string, ref: string, commit: string): Promise<Result<object>> {
  const r = await git(root, ['update-ref', ref, commit]);
  if (r.exitCode !== 0) return { ok: false, reason: failure(`git update-ref ${ref}`, r) };
  return { ok: true };
}

/** Deletes the refs (branches, refs/aad/…) that exist among `refs`. */
export async function deleteRefs(root: string, refs: readonly string[]): Promise<Result<object>> {
  if (refs.length === 0) return { ok: true };
  const input = refs.map((r) => `delete ${r}\n`).join('');
  const r = await git(root, ['update-ref', '--stdin'], { input });
  if (r.exitCode !== 0) return { ok: false, reason: failure('git update-ref --stdin', r) };
  return { ok: true };
}

/** The refs a run made: its integration branch, its task branches, refs/aad/<run_id>/… */
export async function runRefs(root: string, runId: string): Promise<Result<{ refs: string[] }>> {
  const r = await git(root, ['for-each-ref', '--format=%(refname)', headRef(`aad/${runId}`), `refs/heads/aad/tasks/${runId}/`, `refs/aad/${runId}/`]);
  if (r.exitCode !== 0) return { ok: false, reason: failure('git for-each-ref', r) };
  return { ok: true, refs: r.stdout.split('\n').filter((l) => l !== '') };
}

/** Whether deleting `branch` loses nothing: it holds nothing beyond `base`, or a branch that is not aad's holds its tip. */
export async function heldElsewhere(root: string, branch: string, base: string): Promise<Result<{ held: boolean }>> {
  const tip = await branchTip(root, branch);
  if (!tip.ok) return tip;
  if (tip.commit === null || tip.commit === base) return { ok: true, held: true };
  const r = await git(root, ['for-each-ref', '--format=%(refname)', '--contains', tip.commit, 'refs/heads/']);
  if (r.exitCode !== 0) return { ok: false, reason: failure('git for-each-ref --contains', r) };
  return { ok: true, held: r.stdout.split('\n').some((ref) => ref !== '' && !ref.startsWith('refs/heads/aad/')) };
}

/** How many tracked files of the main work tree differ from HEAD (uncommitted changes the worktrees will not have). */
export async function uncommittedCount(root: string): Promise<number> {
  const r = await git(root, ['status', '--porcelain', '-z', '--untracked-files=no', '--ignore-submodules=dirty']);
  return r.exitCode === 0 ? nulList(r.stdout).length : 0;
}
