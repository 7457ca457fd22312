/* Generated from schema/aad.schema.json by `npm run gen:types`. Do not edit. */
/**
 * Command run (in the workdir, for at most 30 s) with each escalation record as JSON on its stdin: a string is run by `/bin/sh -c`, a list is an argv run without a shell. Its failure is reported, never fatal. Default: none.
 *
 * Example: `on_escalation: ./notify.sh`
 */
export type Command = string | [string, ...string[]];
/**
 * Working directory of the task, relative to the workdir (the plan file's folder unless `--workdir` says otherwise). Default: `.`.
 *
 * Example: `cwd: packages/app`
 */
export type Cwd = string;
/**
 * Time limit of each attempt, in seconds (> 0, at most 2147483: about 24 days). When it passes, the task's whole process group gets SIGTERM, then SIGKILL after `kill_grace_sec`. Default: no limit.
 *
 * Example: `timeout_sec: 300`
 */
export type TimeoutSec = number;
/**
 * Seconds between SIGTERM and SIGKILL when a task is stopped by its timeout or a cancel (>= 0, at most 2147483). Default: 5.
 *
 * Example: `kill_grace_sec: 10`
 */
export type KillGraceSec = number;
/**
 * How many times a failed attempt is tried again (an integer from 0 to 10000; the task runs at most `retries + 1` times). Default: 0.
 *
 * Example: `retries: 2`
 */
export type Retries = number;
/**
 * Seconds to wait before each retry: a number (the same wait every time), a list whose item k is the wait before retry k (the last item repeats), or an exponential backoff `{initial, factor, max, jitter}`: retry k waits `initial × factor^(k-1)` seconds, at most `max`, drawn within ±20% of that when `jitter` is true. A `retry_after_sec` in the task's `$AAD_OUTCOME` file wins over it. Default: 0.
 *
 * Examples: `retry_backoff_sec: [1, 3, 10]`, `retry_backoff_sec: { initial: 1, factor: 2, max: 60, jitter: true }`
 */
export type RetryBackoffSec = number | [number, ...number[]] | ExponentialBackoff;
/**
 * Files the task produces: picomatch globs relative to the task's cwd, which may not point outside it. After the task's final attempt (success or failure) they are collected into the run directory, and copied to `<artifacts_dir>/<task_id>/` when `artifacts_dir` is set. Default: none.
 *
 * Example: `outputs: ["dist/**", report.json]`
 */
export type Outputs = string[];
/**
 * Command run once, in the task's cwd and environment, when the task has failed for good (a string for `/bin/sh -c`, or an argv). The word `git` is the built-in rollback: aad snapshots the cwd's git work tree once before the first attempt (kept across resumes) and restores, byte for byte, the files the task changed, keeping the failed state under `refs/aad/<run_id>/<task>/failed`; such a task holds its work tree alone while it runs (no other task of that work tree runs meanwhile), and a plan whose task cwd is not in a git work tree is refused. Default: none.
 *
 * Examples: `rollback: ./undo.sh`, `rollback: git`
 */
export type Command1 = string | [string, ...string[]];
/**
 * Time limit of the rollback, in seconds (> 0, at most 2147483: about 24 days). Default: the task's `timeout_sec`.
 *
 * Example: `rollback_timeout_sec: 60`
 */
export type RollbackTimeoutSec = number;
/**
 * Also run the rollback when the task is cancelled while running. Default: false.
 *
 * Example: `rollback_on_cancel: true`
 */
export type RollbackOnCancel = boolean;
/**
 * Watchdog: stop an attempt that writes nothing (stdout or stderr) and does not touch the file named by `$AAD_HEARTBEAT` for this many seconds, like a timeout (its process group gets SIGTERM, then SIGKILL after `kill_grace_sec`); reason `stalled: no output for 120s`. A failure: retried by `retries`. A task legitimately quiet for long (a big build) touches `$AAD_HEARTBEAT` or sets a longer limit. Default: no limit.
 *
 * Example: `stall_timeout_sec: 120`
 */
export type StallTimeoutSec = number;
/**
 * Watchdog (Linux only): the resident memory, in MB (1 MB = 1,048,576 bytes), of the attempt's whole process group and of the processes that left it carrying its `AAD_TASK_ID`, sampled every second; above it the attempt is stopped like a timeout, reason `memory: 612 MB over the limit of 512 MB`. A failure: retried by `retries`. Elsewhere than Linux the plan is refused. Default: no limit.
 *
 * Example: `max_memory_mb: 2048`
 */
export type MaxMemoryMb = number;
/**
 * Error-storm stop: when this many attempts in a row fail the same way (the same kind: exit code N, timeout, stalled, memory, signal; and the same last non-blank output line once digits are masked), no more retries are made: the task fails with reason `the same failure 3 times in a row: <signature>` and a `critical` escalation. Varied failures keep retrying. At least 2. Default: off.
 *
 * Example: `max_identical_failures: 3`
 */
export type MaxIdenticalFailures = number;
/**
 * Human approval: when the task is otherwise ready, it waits in the state `awaiting_approval` instead of starting, with a `warning` escalation ("waiting for approval: <text>"); the console prints the command that approves it (`aad approve RUN_ID TASK`). `aad reject` fails it (no attempt, no rollback; dependents skipped). Other tasks go on meanwhile. A string is the text shown to the approver. `aad run --approve TASK,…|all` approves ahead (CI). An approval holds for the whole run, resumes included. Default: false.
 *
 * Examples: `approval: true`, `approval: "Deploy to production?"`
 */
export type Approval = boolean | string;
/**
 * How long an approval (of the task, or of its rollback with `rollback_approval`) may take: past it, the task is rejected with reason `rejected: no approval within 3600s`. Default: no limit (the run waits; Ctrl-C and `aad cancel` work as always).
 *
 * Example: `approval_timeout_sec: 3600`
 */
export type ApprovalTimeoutSec = number;
/**
 * The rollback waits for `aad approve RUN_ID TASK --rollback` before it runs (the run waits for it); `aad reject … --rollback` (or `approval_timeout_sec`) skips it with a `critical` escalation saying that the workspace was left as the task left it. Default: false.
 *
 * Example: `rollback_approval: true`
 */
export type RollbackApproval = boolean;
/**
 * A command run after a rollback succeeded, in the same cwd and environment (log `logs/<task>/rollback-verify.log`); if it fails, the rollback counts as failed (`critical` escalation, reason `verify failed: exit 1`). Limited by `rollback_timeout_sec`. Default: none.
 *
 * Example: `rollback_verify: git diff --quiet`
 */
export type Command2 = string | [string, ...string[]];
/**
 * How many times the task's rollback may run over the whole run, resumes included; the next final failure skips it (`rollback_skipped`) with a `critical` escalation "rollback limit reached (3): manual intervention needed". 0 never rolls back. Default: 3.
 *
 * Example: `max_rollbacks: 1`
 */
export type MaxRollbacks = number;
/**
 * With `aad run --redis URL` (workers on other machines): run this task on the runner's machine all the same, as without `--redis`. Tasks with `isolation: worktree`, a `rollback` or `sources` always run there (their worktree, snapshot or fingerprints are the runner's). Without `--redis`, every task runs locally and this key changes nothing. Default: false.
 *
 * Example: `local: true`
 */
export type Local = boolean;
/**
 * Where the task works. `worktree`: in its own git worktree `<home>/worktrees/<run_id>/<task_id>`, on a new branch `aad/tasks/<run_id>/<task_id>` made from the tip of the run's integration branch `aad/<run_id>` when the task starts (so it sees every isolated task that already succeeded, its dependencies included); its `cwd` is resolved inside that worktree. On success aad commits what the task changed and merges it into `aad/<run_id>` (a merge conflict fails the task, naming the paths), then removes the worktree; on failure or cancel the worktree is kept (its path is in `aad status`) until `aad clean`. The user's own work tree, index, HEAD, branch and stash are never touched: merge `aad/<run_id>` yourself to take the result. The workdir must be in a git work tree with at least one commit (git 2.38 or later), else the run is refused. `shared` (the default): in the workdir itself.
 *
 * Example: `isolation: worktree`
 */
export type Isolation = 'shared' | 'worktree';
/**
 * Untracked or ignored files of the main work tree to copy into an isolated task's worktree before it starts (`.env`, agent settings): picomatch globs relative to the work tree's top level, which may not point outside it. Tracked files are never copied (the worktree has them as committed), symlinks are not followed, and copied files that git does not track are never part of the task's commit. Only for `isolation: worktree`. Default: none.
 *
 * Example: `worktree_copy: [.env, ".claude/**"]`
 */
export type WorktreeCopy = string[];
/**
 * What the task does, for people. Shown by `aad graph`.
 *
 * Example: `description: Compile the app`
 */
export type Description = string;
/**
 * A task id: 1 to 128 characters, letters, digits, `.`, `_` and `-`, starting with a letter or digit. Unique in the plan, ignoring case.
 *
 * Example: `build`
 */
export type TaskId = string;
/**
 * The task's command: a string is run by `/bin/sh -c` (directly, without a shell, when it has no shell syntax); a list is an argv run without a shell. Required.
 *
 * Examples: `cmd: npm run build`, `cmd: [node, build.js]`
 */
export type Command3 = string | [string, ...string[]];
/**
 * Files the task reads: picomatch globs relative to the task's cwd, which may not point outside it (`!glob` excludes; a folder name takes everything below it). A task with `sources` is up to date, and not run, when its `cmd`, cwd, environment values (hashed, never stored) and the contents of these files are those of its last success in this home, and every file its `generates` matched then is still there with the same contents; it then ends `succeeded` with 0 attempts and the reason `up to date`. `aad run --force` runs it regardless. Fingerprints are kept in `<home>/fingerprints/`. Default: none (the task always runs). Not inherited by child tasks.
 *
 * Example: `sources: ["src/** /*.ts", package.json]`
 *
 * @minItems 1
 */
export type Sources = [string, ...string[]];
/**
 * Files the task makes: picomatch globs relative to the task's cwd, which may not point outside it. After each success their contents are recorded with the task's fingerprint; a recorded file deleted or changed since makes the task run again. Only meaningful with `sources`. Default: none. Not inherited by child tasks.
 *
 * Example: `generates: ["dist/**"]`
 */
export type Generates = string[];

/**
 * An aad plan: tasks (shell commands) with dependencies, timeouts, retries, rollbacks and output artifacts. Run it with `aad run`, check it with `aad validate`.
 */
export interface PlanInput {
  /**
   * Version of the plan language. Optional; the only version is 1.
   *
   * Example: `version: 1`
   */
  version?: 1;
  /**
   * What the plan is for, in free text. Shown by `aad graph`.
   *
   * Example: `goal: "Ship the release"`
   */
  goal?: string;
  /**
   * Folder (relative to the workdir) where each task's collected `outputs` are also copied, as `<artifacts_dir>/<task_id>/…`. Default: none (outputs are kept only in the run directory).
   *
   * Example: `artifacts_dir: dist-artifacts`
   */
  artifacts_dir?: string;
  /**
   * How many tasks may run at once (1 to 4096). `aad run --max-parallel N` wins over it. Default: the number of CPUs.
   *
   * Example: `max_parallel: 4`
   */
  max_parallel?: number;
  /**
   * How many child tasks the run's tasks may add in all (through `children` in their `$AAD_OUTCOME` file), nested children included. Past it the parent that asked for more fails with a reason naming this limit. 1 to 100000. Default: 1000.
   *
   * Example: `max_children: 10000`
   */
  max_children?: number;
  on_escalation?: Command;
  defaults?: Defaults;
  /**
   * The tasks of the plan, in plan order (ties in scheduling are broken by this order). At least one.
   *
   * @minItems 1
   */
  tasks: [TaskInput, ...TaskInput[]];
  /**
   * Extension keys (`x-…`), ignored by aad: a place for YAML anchors to reuse with `<<: *anchor`.
   *
   * Example:
   * ```yaml
   * x-node: &node { retries: 2, timeout_sec: 60 }
   * tasks:
   *   - { id: build, cmd: npm run build, <<: *node }
   * ```
   *
   * This interface was referenced by `PlanInput`'s JSON-Schema definition
   * via the `patternProperty` "^x-".
   */
  [k: string]:
    | {
        [k: string]: unknown;
      }
    | 1
    | string
    | number
    | Command
    | Defaults
    | [TaskInput, ...TaskInput[]]
    | undefined;
}
/**
 * Values for every task that does not set the key itself (`env` is merged, the task's names winning). Any task key but `id`, `cmd` and `depends_on`.
 *
 * Example: `defaults: { timeout_sec: 600, retries: 1 }`
 */
export interface Defaults {
  cwd?: Cwd;
  env?: Env;
  timeout_sec?: TimeoutSec;
  kill_grace_sec?: KillGraceSec;
  retries?: Retries;
  retry_backoff_sec?: RetryBackoffSec;
  exit_codes?: ExitCodes;
  outputs?: Outputs;
  rollback?: Command1;
  rollback_timeout_sec?: RollbackTimeoutSec;
  rollback_on_cancel?: RollbackOnCancel;
  stall_timeout_sec?: StallTimeoutSec;
  max_memory_mb?: MaxMemoryMb;
  max_identical_failures?: MaxIdenticalFailures;
  approval?: Approval;
  approval_timeout_sec?: ApprovalTimeoutSec;
  rollback_approval?: RollbackApproval;
  rollback_verify?: Command2;
  max_rollbacks?: MaxRollbacks;
  local?: Local;
  isolation?: Isolation;
  worktree_copy?: WorktreeCopy;
  description?: Description;
}
/**
 * Environment variables for the task, added to aad's own environment (task `env` over `defaults.env`). Names are non-empty, contain no `=` and do not start with `AAD_` (aad's own). Values are strings, numbers or booleans. String values are interpolated from aad's own environment when the run starts: `${NAME}` is the variable's value, `${NAME:-default}` the default when it is unset or empty, `$$` a literal `$` (any other `$` stays as written); an unset `${NAME}` without a default refuses the run (`aad validate` only warns), a malformed `${` is a plan error. Values of names that look secret (SECRET, TOKEN, PASSWORD, API_KEY, PRIVATE, CREDENTIAL), and values read from variables with such names, are masked as `***` in everything aad writes.
 *
 * Examples: `env: { NODE_ENV: production }`, `env: { DEPLOY_TOKEN: "${CI_DEPLOY_TOKEN}", REGION: "${REGION:-eu-west-1}" }`
 */
export interface Env {
  [k: string]: string | number | boolean;
}
export interface ExponentialBackoff {
  /**
   * Seconds before the first retry.
   */
  initial: number;
  /**
   * What each wait is multiplied by for the next retry (1 to 100). Default: 2.
   */
  factor?: number;
  /**
   * The longest wait, in seconds. Default: 3600.
   */
  max?: number;
  /**
   * Spread each wait at random within ±20%, so that tasks failing together do not retry together. Default: false.
   */
  jitter?: boolean;
}
/**
 * What the task's exit codes mean: a map from an exit code (0 to 255) to an outcome. `success`: the task succeeded; `failure`: it failed (retried while `retries` last); `blocked`: it cannot go on without help (a missing input, a question only a person can answer): never retried, no rollback, an `error` escalation, its dependents skipped, re-run by `aad resume`. Codes not listed keep their meaning: 0 is success, anything else failure. A timeout, a signal and a spawn failure are always failures; an outcome the task writes in its `$AAD_OUTCOME` file wins over this map. Default: none. Not inherited by child tasks.
 *
 * Example: `exit_codes: { 75: failure, 2: blocked, 3: success }`
 */
export interface ExitCodes {
  [k: string]: 'success' | 'failure' | 'blocked';
}
/**
 * A task: a command with its dependencies, limits and failure handling.
 *
 * Example:
 * ```yaml
 * - id: build
 *   cmd: npm run build
 *   depends_on: [lint]
 * ```
 */
export interface TaskInput {
  id: TaskId;
  cmd: Command3;
  /**
   * Ids of the tasks that must succeed before this one starts. Default: none.
   *
   * Example: `depends_on: [lint, test]`
   */
  depends_on?: TaskId[];
  cwd?: Cwd;
  env?: Env;
  timeout_sec?: TimeoutSec;
  kill_grace_sec?: KillGraceSec;
  retries?: Retries;
  retry_backoff_sec?: RetryBackoffSec;
  exit_codes?: ExitCodes;
  outputs?: Outputs;
  sources?: Sources;
  generates?: Generates;
  rollback?: Command1;
  rollback_timeout_sec?: RollbackTimeoutSec;
  rollback_on_cancel?: RollbackOnCancel;
  stall_timeout_sec?: StallTimeoutSec;
  max_memory_mb?: MaxMemoryMb;
  max_identical_failures?: MaxIdenticalFailures;
  approval?: Approval;
  approval_timeout_sec?: ApprovalTimeoutSec;
  rollback_approval?: RollbackApproval;
  rollback_verify?: Command2;
  max_rollbacks?: MaxRollbacks;
  local?: Local;
  isolation?: Isolation;
  worktree_copy?: WorktreeCopy;
  description?: Description;
}
