import type { TaskInput } from '../plan/types.gen.js';

/** Who drives a run now: enough to tell later whether that process is still alive. */
export interface Owner {
  pid: number;
  hostname: string;
  /** The process's start time in clock ticks since boot (Linux /proc/<pid>/stat field 22), when known. */
  proc_start?: string;
  /** The machine's boot id, when known: a pid from an earlier boot is never the same process. */
  boot_id?: string;
}

/** `--redis`: the session dispatches tasks to workers through this Redis (password masked) and queue. */
export interface Workers {
  redis: string;
  queue: string;
}

/** A task's result: the task-level fields shared by several events. */
export interface AttemptEnd {
  task: string;
  attempt: number;
  exit_code: number | null;
  signal: string | null;
  reason: string;
  /** task_retrying: the attempt's time; task_succeeded, task_failed, task_cancelled: the task's, from its first start in the session to its end. */
  duration_ms: number;
}

/**
 * Every event of a run's journal (`events.jsonl`); each line also carries `v: 1` and `ts`. run_started's
 * `force` is `aad run --force` (every task, or these ids): their `sources` do not make them up to date.
 */
export type RunEventBody =
  /** The run began: its plan, the selected tasks, and who drives it. */
  | { event: 'run_started'; run_id: string; plan: string; workdir: string; tasks: string[]; max_parallel: number; fail_fast: boolean; owner: Owner; force?: true | string[]; workers?: Workers }
  /** A runner claims a stopped run to resume it (or to cancel it); `base` is the number of events it had read. */
  | { event: 'run_claimed'; purpose: 'resume' | 'cancel'; base: number; owner: Owner; failed_only?: boolean; max_parallel?: number; fail_fast?: boolean; workers?: Workers }
  /** Tasks put back to pending by a resume, with fresh retry budgets. */
  | { event: 'tasks_reset'; tasks: string[] }
  /** An attempt is about to be spawned (written before spawning). */
  | { event: 'task_started'; task: string; attempt: number }
  /** The attempt's process group leader, once spawned. */
  | { event: 'task_spawned'; task: string; attempt: number; pid: number; proc_start?: string }
  /** The attempt was taken by a worker (`aad run --redis`): its job id `<run_id>:<task>:<attempt>`, its host and the task's pid there. */
  | { event: 'task_on_worker'; task: string; attempt: number; job: string; worker: string; pid: number }
  /**
   * The decider's verdict on an ended attempt, written before it is acted on: what the attempt reported
   * (`outcome`: its outcome file, else its exit code read through `exit_codes`), and what follows; a failure's
   * `signature` (its kind and last output line, digits masked) is what `max_identical_failures` compares.
   */
  | { event: 'task_decided'; task: string; attempt: number; outcome: 'success' | 'failure' | 'blocked'; decision: Decision; reason: string; delay_ms?: number; signature?: string }
  /** A task's children, as it wrote them (ids `<parent>/<id>`, sibling dependencies by those ids), before any of them starts. */
  | { event: 'tasks_added'; parent: string; tasks: TaskInput[] }
  /** The task became the parent of `children`: it ends when they have (succeeded when all of them did). */
  | { event: 'task_decomposed'; task: string; attempt: number; children: string[]; exit_code: number | null; duration_ms: number }
  /** The task cannot go on without help: not retried, not rolled back; its dependents are skipped. */
  | ({ event: 'task_blocked' } & AttemptEnd)
  /** An attempt failed and will run again after `delay_ms`. */
  | ({ event: 'task_retrying'; delay_ms: number } & AttemptEnd)
  /** The task succeeded on `attempt`. */
  | ({ event: 'task_succeeded' } & AttemptEnd)
  /** The task failed for good after `attempts` attempts over the whole run (resumes included). */
  | ({ event: 'task_failed'; attempts: number } & AttemptEnd)
  /** The task's `sources` (and `generates`) are as its last success left them: it ends succeeded without an attempt. */
  | { event: 'task_up_to_date'; task: string }
  /** The task will not run: a dependency did not succeed. */
  | { event: 'task_skipped'; task: string; reason: string }
  /** The task was cancelled (while running, waiting or pending). */
  | { event: 'task_cancelled'; task: string; reason: string; attempt?: number; exit_code?: number | null; signal?: string | null; duration_ms?: number }
  /** A cancel was asked for (Ctrl-C, SIGTERM, `aad cancel`) or fail-fast stopped the run. */
  | { event: 'cancel_requested'; by: string; fail_fast?: boolean }
  /** A stopping task's group did not end within its grace and got SIGKILL. */
  | { event: 'task_killed'; task: string; attempt: number }
  | { event: 'rollback_started'; task: string }
  | { event: 'rollback_succeeded'; task: string; exit_code: number | null; note?: string }
  | { event: 'rollback_failed'; task: string; exit_code: number | null; reason: string; note?: string }
  /** The built-in git rollback's snapshot of the task's work tree, taken before its first attempt and kept for the run. */
  | { event: 'snapshot_taken'; task: string; attempt: number; root: string; scope: string; commit: string; ref: string }
  /** `isolation: worktree`: the run's integration branch, made at the base commit (HEAD when the run started); isolated tasks' results are merged into it. */
  | { event: 'integration_branch'; root: string; branch: string; base: string }
  /** An isolated task's worktree and branch, from `base` (written before git makes them: a resume removes what a dead runner left half made). */
  | { event: 'worktree_created'; task: string; attempt: number; path: string; branch: string; base: string }
  /** An isolated task's work merged into the integration branch: `commit` is the merge commit, null when it changed nothing. */
  | { event: 'worktree_merged'; task: string; commit: string | null }
  /** An isolated task ended without success: its worktree stays for inspection, its state committed on its branch (`commit`, null when unchanged); `conflicts`: the paths of a merge conflict. */
  | { event: 'worktree_kept'; task: string; path: string; commit: string | null; conflicts?: string[]; uncommitted?: true }
  /** An isolated task's worktree is gone (its branch stays until `aad clean --branches`). */
  | { event: 'worktree_removed'; task: string; path: string }
  /** The task (or, with `rollback`, its rollback) waits for `aad approve`: `text` is for the approver. */
  | { event: 'approval_requested'; task: string; text: string; rollback?: true }
  /** An approval, from `aad approve`, `aad run --approve`, or recorded while the runner was dead and honoured by `resume`. */
  | { event: 'task_approved'; task: string; by: string; reason?: string; rollback?: true }
  /** A rejection (`aad reject`, or `approval_timeout_sec` with `by: "timeout"`): the task fails without an attempt; a rejected rollback is skipped. */
  | { event: 'task_rejected'; task: string; by: string; reason: string; rollback?: true }
  /** The task's rollback did not run: rejected, or its limit (`max_rollbacks`) reached. */
  | { event: 'rollback_skipped'; task: string; reason: string }
  /** Outputs collected after the task's final attempt. */
  | { event: 'artifacts_collected'; task: string; files: string[]; warnings: string[] }
  | { event: 'escalation'; task: string; level: EscalationLevel; reason: string }
  | { event: 'run_finished'; state: FinalRunState; exit_code: number; counts: Counts };

/** A journal line. */
export type RunEvent = RunEventBody & { v: 1; ts: string };

export type EscalationLevel =
  /** An attempt failed and will be retried. */
  | 'warning'
  /** A task failed for good. */
  | 'error'
  /** A rollback failed, was rejected or skipped, a task had to be SIGKILLed, or failed the same way again and again. */
  | 'critical';

/** A task's state. */
export type TaskState =
  /** Waiting for its dependencies or a free slot. */
  | 'pending'
  /** Ready, but its `approval` was not given yet: it starts once `aad approve` gives it. */
  | 'awaiting_approval'
  /** An attempt is running. */
  | 'running'
  /** An attempt failed; waiting for the backoff before the next one. */
  | 'retrying'
  | 'succeeded'
  /** Failed for good (attempts exhausted). */
  | 'failed'
  /** Its attempt succeeded and added child tasks: it ends when they have. */
  | 'decomposed'
  /** Cannot go on without help (its outcome said so): never retried; `aad resume` runs it again. */
  | 'blocked'
  /** Did not run: a dependency did not succeed. */
  | 'skipped'
  | 'cancelled';

export const TASK_STATES: readonly TaskState[] = ['pending', 'running', 'retrying', 'awaiting_approval', 'decomposed', 'succeeded', 'failed', 'blocked', 'skipped', 'cancelled'];

/** What the decider made of an ended attempt. */
export type Decision = 'succeed' | 'decompose' | 'retry' | 'fail' | 'block' | 'cancel';

/** How a finished run ended. */
export type FinalRunState = 'succeeded' | 'failed' | 'cancelled';
/** A run's state: finished, still running, or left behind by a runner that died. */
export type RunStateName = FinalRunState | 'running' | 'interrupted';

export type Counts = Record<TaskState, number>;

/** Events shown by `--json` (SPEC.md); the others are the journal's own bookkeeping. */
export const PUBLIC_EVENTS = new Set<RunEventBody['event']>([
  'run_started', 'task_started', 'task_retrying', 'task_succeeded', 'task_failed', 'task_skipped', 'task_cancelled',
  'rollback_started', 'rollback_succeeded', 'rollback_failed', 'escalation', 'run_finished',
  'task_decided', 'tasks_added', 'task_decomposed', 'task_blocked',
  'approval_requested', 'task_approved', 'task_rejected', 'rollback_skipped', 'task_up_to_date',
  'integration_branch', 'worktree_created', 'worktree_merged', 'worktree_kept', 'worktree_removed', 'task_on_worker',
]);
