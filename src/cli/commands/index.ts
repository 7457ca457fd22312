import type { CommandDef } from 'citty';

/** Each command's name and description: the commands use them, and `aad --help` lists them without loading any command. */
export const COMMAND_META = {
  run: { name: 'run', description: 'Run a plan: its tasks as a DAG, in parallel, recorded in a run directory (exit 0 ok, 2 invalid, 3 a task failed, was blocked or was skipped, 4 cancelled)' },
  validate: { name: 'validate', description: 'Check a plan: every problem with FILE:LINE:COL, exit 0 (valid) or 2 (invalid); an unset ${NAME} in an env value is only a warning' },
  graph: { name: 'graph', description: 'Show the DAG as a tree, its waves, critical path and estimated duration (same as `run --dry-run`)' },
  list: { name: 'list', description: "The plan's tasks with their descriptions and dependencies, as a table (--json: an array of {id, description, depends_on})" },
  status: { name: 'status', description: "A run's state and each task's state, attempts, duration and reason (latest run when no id); exit 0 for any run that exists" },
  logs: { name: 'logs', description: "A task's log (latest attempt by default); without --task, every task's latest attempt, prefixed" },
  resume: { name: 'resume', description: 'Continue a failed, cancelled or interrupted run in place: succeeded tasks never run again (exit codes as `run`; --dry-run only shows what it would run)' },
  orchestrate: { name: 'orchestrate', description: 'Run the --specs tasks of a plan as `run --specs` does, or continue its latest run (--resume); ends naming the succeeded and failed tasks and the total time (exit codes as `run`)' },
  worker: { name: 'worker', description: 'Run tasks for runners that dispatch to a Redis (`aad run --redis URL`): takes signed jobs from the queue, runs each in --workdir (the same checkout), streams its output back; needs $AAD_WORKER_KEY; ends on SIGTERM after its running tasks' },
  cancel: { name: 'cancel', description: 'Stop a running run from any terminal (without an id: the newest running run): its tasks are killed and it ends cancelled (exit 0 once stopped, 2 if it was not running)' },
  approve: { name: 'approve', description: 'Approve a task waiting for approval (`approval`), or with --rollback its rollback, from any terminal: `aad approve [RUN_ID] TASK`; exit 2 if it is not waiting (says its state)' },
  reject: { name: 'reject', description: 'Reject a task waiting for approval: it fails without running (dependents skipped); with --rollback, its rollback is skipped; exit 2 if it is not waiting' },
  runs: { name: 'runs', description: 'List runs, newest first: id, state (`damaged` for a run directory aad cannot read), start, duration, counts' },
  clean: { name: 'clean', description: "Remove the git worktrees a finished run kept for its isolated tasks (--all: every run; --branches: the run's branches too); refuses a running run" },
  prune: { name: 'prune', description: 'Delete old runs of the home (--older-than 30d, --keep N: one is required; with both, a run goes only when both let it), with the worktrees, branches and refs/aad/ refs they made; never a running run' },
  schema: { name: 'schema', description: 'Print the JSON Schema of plan files (for editors: save it and point the modeline at it)' },
  init: { name: 'init', description: 'Write a commented starter plan (./aad.yaml, or PLAN) with the schema modeline on its first line; refuses to overwrite a file (exit 2)' },
  completion: { name: 'completion', description: 'Print the shell completion script for bash, zsh or fish: commands, flags, run ids and task ids (see README for the line that installs it)' },
  selfcheck: { name: 'selfcheck', description: 'Check that this installation works: runs built-in plans (a chain, a parallel fan-out, a failing retry, its resume, a cancel, a rollback) in a temporary folder and checks each exit code and status; one line per check, exit 0 only if all pass, else 1 (4 when cancelled)' },
} as const;

type Lazy = () => Promise<CommandDef<any>>;

/** Each command's module, loaded only when that command runs, so `aad --help` stays fast. */
export const commands: Record<string, Lazy> = {
  run: () => import('./run.js').then((m) => m.default),
  validate: () => import('./validate.js').then((m) => m.default),
  graph: () => import('./graph.js').then((m) => m.default),
  list: () => import('./list.js').then((m) => m.default),
  status: () => import('./status.js').then((m) => m.default),
  logs: () => import('./logs.js').then((m) => m.default),
  resume: () => import('./resume.js').then((m) => m.default),
  orchestrate: () => import('./orchestrate.js').then((m) => m.default),
  worker: () => import('./worker.js').then((m) => m.default),
  cancel: () => import('./cancel.js').then((m) => m.default),
  approve: () => import('./approve.js').then((m) => m.default),
  reject: () => import('./reject.js').then((m) => m.default),
  runs: () => import('./runs.js').then((m) => m.default),
  clean: () => import('./clean.js').then((m) => m.default),
  prune: () => import('./prune.js').then((m) => m.default),
  schema: () => import('./schema.js').then((m) => m.default),
  init: () => import('./init.js').then((m) => m.default),
  completion: () => import('./completion.js').then((m) => m.default),
  selfcheck: () => import('./selfcheck.js').then((m) => m.default),
};
