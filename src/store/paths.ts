import { isAbsolute, join, resolve } from 'node:path';

/** The home folder: --home, else $AAD_HOME, else ./.aad; relative paths are relative to the current directory. */
export function resolveHome(flag: string | undefined): string {
  return resolve(flag || process.env.AAD_HOME || '.aad');
}

/** Every path of the run directory layout (the only module that knows it). */
export function runPaths(home: string, runId: string) {
  const dir = join(home, 'runs', runId);
  return {
    dir,
    plan: join(dir, 'plan.yaml'),
    events: join(dir, 'events.jsonl'),
    runner: join(dir, 'runner.json'),
    logsDir: join(dir, 'logs'),
    taskLogDir: (task: string) => join(dir, 'logs', fileName(task)),
    attemptLog: (task: string, attempt: number | 'rollback' | 'rollback-verify') => join(dir, 'logs', fileName(task), `${attempt}.log`),
    /** `$AAD_HEARTBEAT` of a task: a file it may touch to show it is alive (`stall_timeout_sec`). */
    heartbeatsDir: join(dir, 'heartbeats'),
    heartbeat: (task: string) => join(dir, 'heartbeats', fileName(task)),
    /** Approvals and rejections from other terminals, for the runner to record (store/requests.ts). */
    requestsDir: join(dir, 'requests'),
    /** `$AAD_OUTCOME` of an attempt: the file the task may write its outcome in. */
    outcome: (task: string, attempt: number) => join(dir, 'outcomes', fileName(task), `${attempt}.json`),
    /** A plan hook's output (`_hooks` cannot be a task id: ids start with a letter or digit). */
    hookLog: (hook: 'on_escalation') => join(dir, 'logs', '_hooks', `${hook}.log`),
    artifacts: (task: string) => join(dir, 'artifacts', fileName(task)),
    escalationsDir: join(dir, 'escalations'),
    escalations: (task: string) => join(dir, 'escalations', `${fileName(task)}.json`),
  };
}

/** The folder of all runs in a home. */
export function runsDir(home: string): string {
  return join(home, 'runs');
}

/** Where a run's isolated tasks get their git worktrees: `<home>/worktrees/<run_id>/<task>`. */
export function worktreePath(home: string, runId: string, task: string): string {
  return join(home, 'worktrees', runId, fileName(task));
}

/**
 * A task id as one file name: a child's `/` (`parent/child`) is written `+`, which no id holds, so that a
 * child's files never sit inside its parent's folder (nor a branch `aad/tasks/…/parent/child` under the
 * parent's branch, which git refuses).
 */
export function fileName(task: string): string {
  return task.includes('/') ? task.replaceAll('/', '+') : task;
}

/** The home's own `.gitignore`, which keeps its run history out of the user's commits. */
export function homeGitignore(home: string): string {
  return join(home, '.gitignore');
}

/** An absolute path: `p` resolved against `base` when relative. */
export function absoluteFrom(base: string, p: string): string {
  return isAbsolute(p) ? p : resolve(base, p);
}

export type RunPaths = ReturnType<typeof runPaths>;
