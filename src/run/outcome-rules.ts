import type { Outcome, Task } from '../plan/compile.js';
import type { OutcomeRead } from '../plan/outcome.js';
import type { TaskInput } from '../plan/types.gen.js';
import { decomposeProblem, type DecomposeLimits } from './decompose-rules.js';
import type { TaskRun } from './reduce.js';

/** How an attempt ended, as the process module observed it. */
export interface AttemptResult {
  exitCode: number | null;
  signal: string | null;
  timedOut: boolean;
  /** Set when the process could not be started. */
  spawnError?: string;
  /** Set when aad itself stopped the attempt (cancel, fail-fast). */
  stopped: boolean;
  durationMs: number;
  /** Set when a watchdog stopped the attempt: it was silent too long, or used too much memory. */
  watchdog?: { kind: 'stalled' | 'memory'; reason: string };
  /** Set when the attempt's worker failed it: `worker <host> lost`, `rejected by worker <host>: bad signature`. */
  remote?: string;
}

/** What to do once an attempt has ended: the failure policy, and nothing else. */
export type Verdict =
  | { kind: 'succeed' }
  /** Success with children: the task becomes their parent. */
  | { kind: 'decompose'; children: TaskInput[] }
  | { kind: 'retry'; delayMs: number; reason: string; signature: string }
  /** `storm`: the same failure `max_identical_failures` times in a row stopped the retries. */
  | ({ kind: 'fail'; reason: string; signature?: string; storm?: true } & RollbackPlan)
  /** Cannot go on without help: never retried, never rolled back. */
  | { kind: 'block'; reason: string }
  | ({ kind: 'cancelled'; reason: string } & RollbackPlan);

/** Whether the task's rollback runs after this end, or why it is skipped (its `max_rollbacks` reached). */
export interface RollbackPlan {
  rollback: boolean;
  rollbackSkipped?: string;
}

/** What the decision needs besides the attempt: the outcome file as read, the jitter's draw, the run's child limits. */
export interface OutcomeContext {
  /** The `$AAD_OUTCOME` file as read (plan/outcome.ts); no file when undefined. */
  read?: OutcomeRead;
  /** A number in [0, 1) for the backoff's jitter (tests fix it). */
  random?: () => number;
  limits?: DecomposeLimits;
  /** The attempt's last non-blank output line, for the failure's signature (`max_identical_failures`). */
  lastLine?: string;
}

/** A `retry_after_sec` is capped at a day. */
export const MAX_RETRY_AFTER_MS = 24 * 3600 * 1000;

/**
 * What the attempt reported, and why: a stopped, timed-out, killed or unspawnable attempt is a failure
 * whatever it wrote; else a malformed outcome file is a failure saying what is wrong with it; else the
 * file's `outcome`, else the task's `exit_codes`, else 0 is success and anything else failure.
 */
export function outcomeOf(task: Pick<Task, 'timeoutMs' | 'exitCodes'>, result: AttemptResult, read?: OutcomeRead): { outcome: Outcome; reason: string } {
  if (result.stopped || result.timedOut || result.watchdog || result.remote || result.spawnError || result.signal || result.exitCode === null) {
    return { outcome: 'failure', reason: describeFailure(task, result) };
  }
  if (read && !read.ok) return { outcome: 'failure', reason: read.problem };
  const report = read?.report;
  const code = result.exitCode;
  const mapped = task.exitCodes[code];
  const outcome: Outcome = report?.outcome ?? mapped ?? (code === 0 ? 'success' : 'failure');
  if (report?.reason !== undefined && report.reason.trim() !== '') return { outcome, reason: report.reason };
  if (report?.outcome !== undefined) return { outcome, reason: `${report.outcome} (outcome file${code === 0 ? '' : `, exit code ${code}`})` };
  if (mapped !== undefined) return { outcome, reason: `exit code ${code} means ${mapped} (exit_codes)` };
  return { outcome, reason: code === 0 ? 'succeeded' : describeFailure(task, result) };
}

/**
 * Decides succeed / decompose / retry / fail / block / cancelled for an ended attempt, from its outcome,
 * the task's budget and backoff (or the outcome file's `retry_after_sec`), and the run's child limits.
 */
export function decideOutcome(task: Task, run: TaskRun, result: AttemptResult, cancelBy: string | null, ctx: OutcomeContext = {}): Verdict {
  if (result.stopped) {
    const reason = cancelBy === 'fail-fast' ? 'fail-fast: another task failed' : `cancelled (${cancelBy ?? 'cancel'})`;
    return { kind: 'cancelled', reason, ...rollbackPlan(task, run, task.rollbackOnCancel) };
  }
  const { outcome, reason } = outcomeOf(task, result, ctx.read);
  const report = ctx.read?.ok ? ctx.read.report : undefined;
  if (outcome === 'blocked') return { kind: 'block', reason };
  if (outcome === 'success') {
    const children = report?.children;
    if (!children || children.length === 0) return { kind: 'succeed' };
    const problem = decomposeProblem(task, children.length, ctx.limits);
    // A limit is the run's, not the attempt's: trying again would meet it again.
    if (problem) return { kind: 'fail', reason: problem, ...rollbackPlan(task, run, true) };
    return { kind: 'decompose', children };
  }
  const signature = failureSignature(failureKind(result, ctx.read), ctx.lastLine);
  const limit = task.maxIdenticalFailures;
  if (limit !== undefined) {
    const inARow = run.streak?.signature === signature ? run.streak.count + 1 : 1;
    if (inARow >= limit) return { kind: 'fail', reason: `the same failure ${inARow} times in a row: ${signature}`, signature, storm: true, ...rollbackPlan(task, run, true) };
  }
  const used = run.attempts - run.budgetBase;
  if (used <= task.retries) {
    const after = report?.retryAfterSec;
    const delayMs = after !== undefined ? Math.min(Math.round(after * 1000), MAX_RETRY_AFTER_MS) : retryDelay(task, used, ctx.random ?? Math.random);
    return { kind: 'retry', delayMs, reason, signature };
  }
  return { kind: 'fail', reason, signature, ...rollbackPlan(task, run, true) };
}

/** Whether the rollback runs (`wanted`: this end calls for it) within `max_rollbacks`, counted over the whole run. */
export function rollbackPlan(task: Pick<Task, 'rollback' | 'maxRollbacks'>, run: Pick<TaskRun, 'rollbacks'>, wanted: boolean): RollbackPlan {
  if (task.rollback === undefined || !wanted) return { rollback: false };
  if (run.rollbacks >= task.maxRollbacks) return { rollback: false, rollbackSkipped: `rollback limit reached (${task.maxRollbacks}): manual intervention needed` };
  return { rollback: true };
}

/** A failed attempt's kind, for its signature: `exit code 2`, `timeout`, `stalled`, `memory`, `signal SIGSEGV`, `spawn failed`, `outcome`. */
export function failureKind(r: AttemptResult, read?: OutcomeRead): string {
  if (r.watchdog) return r.watchdog.kind;
  if (r.remote) return r.remote.startsWith('rejected') ? 'rejected by worker' : 'worker lost';
  if (r.spawnError) return 'spawn failed';
  if (r.timedOut) return 'timeout';
  if (r.signal) return `signal ${r.signal}`;
  if (read && !read.ok) return 'outcome file';
  if (read?.ok && read.report?.outcome === 'failure' && r.exitCode === 0) return 'outcome failure';
  return `exit code ${r.exitCode}`;
}

/** The longest output line a signature keeps (a longer one is cut). */
const SIGNATURE_LINE_CHARS = 200;

/** What `max_identical_failures` compares: the kind, and the last non-blank output line with its digits masked (`#`). */
export function failureSignature(kind: string, lastLine: string | undefined): string {
  const line = lastLine?.trim().replace(/[0-9]+/g, '#').slice(0, SIGNATURE_LINE_CHARS);
  return line ? `${kind}: ${line}` : kind;
}

/** The wait before retry k (1-based) of the task: its list (the last item repeating), or its exponential backoff. */
export function retryDelay(task: Pick<Task, 'backoffMs' | 'backoffExp'>, retry: number, random: () => number): number {
  const e = task.backoffExp;
  if (!e) return backoffDelay(task.backoffMs, retry);
  // factor^(k-1) overflows to Infinity for large k: min() keeps it at max.
  const base = Math.min(e.maxMs, e.initialMs * Math.pow(e.factor, Math.max(0, retry - 1)));
  return Math.round(e.jitter ? base * (0.8 + 0.4 * random()) : base);
}

/** The wait before retry k (1-based): item k of the list, the last item repeating. */
export function backoffDelay(backoffMs: readonly number[], retry: number): number {
  if (backoffMs.length === 0) return 0;
  return backoffMs[Math.min(retry, backoffMs.length) - 1]!;
}

/** The reason of a failed attempt, for people: "exit code 2", "timeout after 30s", "killed by SIGKILL", "spawn failed: …". */
export function describeFailure(task: Pick<Task, 'timeoutMs'>, r: AttemptResult): string {
  if (r.watchdog) return r.watchdog.reason;
  if (r.remote) return r.remote;
  if (r.spawnError) return `spawn failed: ${r.spawnError}`;
  if (r.timedOut) return `timeout after ${formatSec(task.timeoutMs ?? r.durationMs)}`;
  if (r.signal) return `killed by ${r.signal}`;
  if (r.exitCode === 127) return 'exit code 127 (command not found)';
  if (r.exitCode === 126) return 'exit code 126 (command not executable)';
  return `exit code ${r.exitCode}`;
}

function formatSec(ms: number): string {
  const s = ms / 1000;
  // "2.00" → "2", "1.50" → "1.5": never a dangling point.
  return `${Number.isInteger(s) ? s : s.toFixed(s < 10 ? 2 : 1).replace(/\.?0+$/, '')}s`;
}
