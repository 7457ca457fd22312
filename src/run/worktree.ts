// `isolation: worktree` as an effect around a task's attempts (SPEC "Isolation in a git worktree"): a fresh
// worktree before each attempt, a commit and a merge into the integration branch on success, the state kept
// on failure or cancel. Each step is journaled; the git work itself is in worktree-git.ts.
import { lstat, mkdir, rename } from 'node:fs/promises';
import path from 'node:path';
import type { Task } from '../plan/compile.js';
import { fileName, worktreePath } from '../store/paths.js';
import type { Notice } from './failure.js';
import type { RunState, TaskRun, WorktreeRecord } from './reduce.js';
import type { Runner } from './runner.js';
import type { RunEventBody } from './events.js';
import * as wg from './worktree-git.js';

/** What isolation needs to know, found when the run starts (cli/isolation.ts). */
export interface IsolationSetup {
  repo: wg.Repo;
  home: string;
  /** Per isolated task: its cwd relative to the top level (posix, '' for the top level). */
  rel: ReadonlyMap<string, string>;
  /** The run's workdir, against which a child task's cwd is resolved (children are not in `rel`). */
  workdir?: string;
}

/** The runner's handle on isolation; one per session. */
export interface WorktreeRunner {
  readonly state: RunState;
  emit(body: RunEventBody): unknown;
  flush(): void;
}

/** A task's branch: `aad/tasks/<run_id>/<task>` (a child's `/` written as `+`). */
export function taskBranch(runId: string, task: string): string {
  return `aad/tasks/${runId}/${fileName(task)}`;
}

/** The integration branch of a run. */
export function integrationBranch(runId: string): string {
  return `aad/${runId}`;
}

export class Worktrees {
  /** Merges into the integration branch, one at a time (update-ref's compare-and-swap is the second guard). */
  private merging: Promise<unknown> = Promise.resolve();
  /** Per task: the files worktree_copy brought that git does not track (never part of the task's commit). */
  private readonly copied = new Map<string, string[]>();
  /** worktree_copy warnings already shown. */
  private readonly warned = new Set<string>();

  constructor(
    private readonly o: IsolationSetup,
    private readonly notice: Notice,
  ) {}

  /** At the start of a session: the integration branch exists, and worktrees a dead runner left behind are removed. */
  async open(runner: WorktreeRunner): Promise<void> {
    const integ = runner.state.integration;
    if (!integ) throw new Error('isolation: the journal holds no integration branch');
    const made = await wg.ensureBranch(integ.root, integ.branch, integ.base);
    if (!made.ok) throw new Error(`cannot create the integration branch ${integ.branch}: ${made.reason}`);
    for (const run of runner.state.tasks.values()) {
      const wt = run.worktree;
      // Kept worktrees of tasks that stay failed or cancelled are for people to look at; any other is a leftover.
      if (!wt || wt.removed || run.state === 'failed' || run.state === 'cancelled' || run.state === 'skipped') continue;
      let uncommitted = false;
      if (wt.kept !== undefined && wt.kept !== null) await this.keepAside(runner, run, wt);
      else if (run.state !== 'succeeded' && wt.kept === undefined) uncommitted = !(await this.keepInterrupted(runner, run, wt));
      await this.removeRecorded(runner, run.id, wt, uncommitted);
    }
  }

  /** The task's cwd inside its worktree, once it has one. */
  cwdOf(run: TaskRun | undefined, task: Task): string | undefined {
    const wt = run?.worktree;
    if (!wt || wt.removed) return undefined;
    const rel = this.o.rel.get(task.id) ?? this.relOf(task) ?? '';
    return rel === '' ? wt.path : path.join(wt.path, ...rel.split('/'));
  }

  /** A task's cwd relative to the top level (posix), when it lies inside the work tree: for child tasks, which the run's start did not see. */
  relOf(task: Pick<Task, 'cwd'>): string | undefined {
    const r = path.relative(this.o.repo.root, path.resolve(this.o.workdir ?? this.o.repo.root, task.cwd));
    if (r === '..' || r.startsWith(`..${path.sep}`) || path.isAbsolute(r)) return undefined;
    return r.split(path.sep).join('/');
  }

  /**
   * Before each attempt: a fresh worktree on the task's branch, from the base recorded for the task in this
   * run (a retry, a resume), else from the integration branch's tip now (it holds every isolated task that
   * succeeded, dependencies included). Throws with git's reason when it cannot: the attempt fails.
   */
  async prepare(runner: WorktreeRunner, task: Task, attempt: number): Promise<void> {
    const state = runner.state;
    const integ = state.integration!;
    const run = state.tasks.get(task.id)!;
    const prev = run.worktree;
    // The recorded base, so that a retry or a resume starts where the task first did; but a task whose merge
    // conflicted would only conflict again from there: it starts from the integration branch's tip.
    let base = prev?.conflicts ? undefined : prev?.base;
    if (base === undefined) {
      const tip = await wg.branchTip(integ.root, integ.branch);
      if (!tip.ok) throw new Error(`cannot read the integration branch: ${tip.reason}`);
      if (tip.commit === null) throw new Error(`the integration branch ${integ.branch} is gone`);
      base = tip.commit;
    }
    if (prev && !prev.removed && prev.kept) await this.keepAside(runner, run, prev);
    if (prev && !prev.removed && prev.uncommitted) await this.removeRecorded(runner, task.id, prev);
    const wtPath = worktreePath(this.o.home, state.runId, task.id);
    const branch = taskBranch(state.runId, task.id);
    runner.emit({ event: 'worktree_created', task: task.id, attempt, path: wtPath, branch, base });
    runner.flush();
    const made = await wg.addWorktree(integ.root, wtPath, branch, base);
    if (!made.ok) throw new Error(`cannot create the worktree ${wtPath}: ${made.reason}`);
    this.copied.delete(task.id);
    if (task.worktreeCopy.length > 0) await this.copyInto(task, wtPath, base);
    const cwd = this.cwdOf(run, task)!;
    await mkdir(cwd, { recursive: true });
  }

  /** Copies the worktree_copy files of the main work tree (untracked or ignored ones) into the worktree. */
  private async copyInto(task: Task, wtPath: string, base: string): Promise<void> {
    const root = this.o.repo.root;
    const tracked = await wg.trackedPaths(root);
    if (!tracked.ok) throw new Error(`worktree_copy: ${tracked.reason}`);
    const { collectOutputs } = await import('./artifacts.js');
    const r = await collectOutputs({
      cwd: root,
      patterns: task.worktreeCopy,
      dest: wtPath,
      skipDirs: [this.o.home, path.join(root, '.git')],
      skipFiles: tracked.paths,
    });
    if (r.refused) throw r.refused;
    for (const w of r.warnings) {
      // Once per session: `defaults: { worktree_copy: [.env] }` in a repository without one would say it for every task.
      const text = w.replace(/^output pattern/, 'pattern').replace("points outside the task's cwd", 'points outside the work tree');
      if (this.warned.has(text)) continue;
      this.warned.add(text);
      this.notice(`${task.id}: worktree_copy: ${text}`);
    }
    const untracked = await wg.notIn(root, base, r.files);
    if (!untracked.ok) throw new Error(`worktree_copy: ${untracked.reason}`);
    this.copied.set(task.id, untracked.paths);
  }

  /**
   * After a successful attempt: commits what the task changed on its branch and merges the branch into the
   * integration branch. Returns why the task fails instead (a merge conflict names the paths), the worktree
   * then kept; undefined once merged.
   */
  async integrate(runner: WorktreeRunner, task: Task): Promise<string | undefined> {
    const state = runner.state;
    const run = state.tasks.get(task.id)!;
    const wt = run.worktree!;
    const integ = state.integration!;
    const c = await wg.commitAll(wt.path, `aad: ${task.id} (run ${state.runId})`, this.o.repo.identity, this.copied.get(task.id) ?? []);
    if (!c.ok) {
      runner.emit({ event: 'worktree_kept', task: task.id, path: wt.path, commit: null, uncommitted: true });
      return `could not commit the task's worktree: ${c.reason}`;
    }
    let merged: wg.MergeResult = { ok: true, commit: null };
    if (c.head !== wt.base) {
      const message = `aad: merge ${task.id} (run ${state.runId})`;
      const next = this.merging.then(() => wg.mergeInto(integ.root, integ.branch, c.head, message, this.o.repo.identity));
      this.merging = next.catch(() => undefined);
      merged = await next;
    }
    if (!merged.ok) {
      runner.emit({ event: 'worktree_kept', task: task.id, path: wt.path, commit: c.commit, ...(merged.conflicts.length > 0 ? { conflicts: merged.conflicts } : {}) });
      return merged.reason;
    }
    runner.emit({ event: 'worktree_merged', task: task.id, commit: merged.commit });
    return undefined;
  }

  /** After a failure for good or a cancel: the state is committed on the task's branch and the worktree stays. */
  async keep(runner: WorktreeRunner, task: Task, how: 'failed' | 'cancelled'): Promise<void> {
    const state = runner.state;
    const wt = state.tasks.get(task.id)?.worktree;
    if (!wt || wt.removed) return;
    if (!(await lstat(wt.path).then(() => true, () => false))) {
      // git could not make it (the attempt failed on that): nothing to keep, nothing left behind.
      await this.removeRecorded(runner, task.id, wt);
      return;
    }
    const c = await wg.commitAll(wt.path, `aad: ${task.id} ${how} (run ${state.runId})`, this.o.repo.identity, this.copied.get(task.id) ?? []);
    if (!c.ok) this.notice(`${task.id}: could not commit the state of its worktree ${wt.path}: ${c.reason}`);
    runner.emit({ event: 'worktree_kept', task: task.id, path: wt.path, commit: c.ok ? c.commit : null, ...(c.ok ? {} : { uncommitted: true as const }) });
  }

  /** Removes a succeeded task's worktree (its branch stays). */
  async remove(runner: WorktreeRunner, task: Task): Promise<void> {
    const run = runner.state.tasks.get(task.id);
    if (run?.worktree && !run.worktree.removed) await this.removeRecorded(runner, task.id, run.worktree);
  }

  /** `rollback: git` of an isolated task: the worktree's files back to its base (its branch keeps the failed state). */
  async discard(runner: WorktreeRunner, task: Task): Promise<{ ok: boolean; note: string }> {
    const wt = runner.state.tasks.get(task.id)?.worktree;
    if (!wt || wt.removed) return { ok: false, note: 'the task has no worktree' };
    const r = await wg.discardChanges(wt.path, wt.base);
    if (!r.ok) return { ok: false, note: r.reason };
    return { ok: true, note: `Its worktree ${wt.path} is back at ${wt.base.slice(0, 12)}; the failed state stays on ${wt.branch}.` };
  }

  /** Removes a recorded worktree; one whose state no commit holds (`uncommitted`) is moved aside, never deleted. */
  private async removeRecorded(runner: WorktreeRunner, task: string, wt: WorktreeRecord, uncommitted = wt.uncommitted === true): Promise<void> {
    if (uncommitted && (await lstat(wt.path).then(() => true, () => false))) {
      // Its state is in no commit: set aside, never deleted.
      const aside = `${wt.path}.uncommitted-${wt.attempt}`;
      await rename(wt.path, aside).catch(() => undefined);
      this.notice(`${task}: its worktree's state could not be committed: moved to ${aside} (not removed)`);
    }
    const r = await wg.removeWorktree(this.o.repo.root, wt.path);
    if (!r.ok) {
      this.notice(`${task}: could not remove its worktree ${wt.path}: ${r.reason}`);
      return;
    }
    runner.emit({ event: 'worktree_removed', task, path: wt.path });
  }

  /**
   * What a dead runner's attempt left in its worktree (hours of an agent's edits, maybe) is committed under
   * refs/aad/<run_id>/<task>/interrupted-<attempt> before the worktree goes; a state git cannot commit is set aside.
   */
  private async keepInterrupted(runner: WorktreeRunner, run: TaskRun, wt: WorktreeRecord): Promise<boolean> {
    if (!(await lstat(path.join(wt.path, '.git')).then(() => true, () => false))) return true; // half made: nothing of the task's
    const c = await wg.commitAll(wt.path, `aad: ${run.id} interrupted (run ${runner.state.runId})`, this.o.repo.identity, []);
    if (!c.ok) return false;
    if (c.head === wt.base) return true;
    const ref = `refs/aad/${runner.state.runId}/${run.id}/interrupted-${wt.attempt}`;
    const r = await wg.keepRef(this.o.repo.root, ref, c.head);
    if (r.ok) this.notice(`${run.id}: what its interrupted attempt ${wt.attempt} had done is kept under ${ref}`);
    return r.ok;
  }

  /** A kept state about to be replaced by a fresh worktree stays reachable under refs/aad/<run_id>/<task>/failed-<attempt>. */
  private async keepAside(runner: WorktreeRunner, run: TaskRun, wt: WorktreeRecord): Promise<void> {
    if (!wt.kept) return;
    const ref = `refs/aad/${runner.state.runId}/${run.id}/failed-${wt.attempt}`;
    const r = await wg.keepRef(this.o.repo.root, ref, wt.kept);
    if (!r.ok) this.notice(`${run.id}: could not keep its failed state ${wt.kept}: ${r.reason}`);
  }
}
