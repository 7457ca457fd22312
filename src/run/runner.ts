import { closeSync } from 'node:fs';
import { mkdir, open as openFile } from 'node:fs/promises';
import { formatCmd } from '../plan/compile.js';
import { dropRequest, readRequests, type ApprovalRequest } from '../store/requests.js';
import { lastLineOf } from '../store/attempt-logs.js';
import path from 'node:path';
import type { Plan, Task } from '../plan/compile.js';
import type { Journal } from '../store/journal.js';
import { type AadError, IoError, refusedWrite, unreachable } from '../errors.js';
import { AttemptLogs } from '../store/attempt-logs.js';
import type { RunPaths } from '../store/paths.js';
import { absoluteFrom } from '../store/paths.js';
import { decide, type Action } from './decide.js';
import { decideOutcome, outcomeOf, type AttemptResult, type Verdict } from './outcome-rules.js';
import type { Decision, EscalationLevel, RunEvent, RunEventBody } from './events.js';
import { growPlan } from '../plan/grow.js';
import { MAX_OUTCOME_BYTES, qualifyChildren, readOutcome, type OutcomeRead } from '../plan/outcome.js';
import type { TaskInput } from '../plan/types.gen.js';
import type { FailureEffects } from './failure.js';
import type { AttemptDone, Spawner, TaskProcess } from './process.js';
import { countStates, reduce, rejectionReason, type RunState, type TaskRun } from './reduce.js';
import type { RollbackPlan } from './outcome-rules.js';
import type { HeldTask, TreeHolds } from './tree-holds.js';
import { withoutGitRedirects } from './git-plumbing.js';
import type { Worktrees } from './worktree.js';
import { Watchdog } from './watchdog.js';
import type { UpToDate } from './up-to-date.js';

/** Everything the runner needs; effects come in as small interfaces so tests can replace them. */
export interface RunnerOptions {
  plan: Plan;
  paths: RunPaths;
  journal: Journal;
  /** The folded journal so far (a new run: just after run_started; a resume: after its claim and reset). */
  state: RunState;
  maxParallel: number;
  /** Only these tasks may be started (resume --failed-only); all when undefined. */
  scope?: ReadonlySet<string>;
  spawn: Spawner;
  clock: () => number;
  /** aad's own environment, under each task's env. */
  baseEnv: Record<string, string | undefined>;
  secrets: readonly string[];
  /** Rollbacks, artifacts and escalations. */
  failure: FailureEffects;
  /** Subscribers: the console, --json. */
  onEvent: (e: RunEvent) => void;
  /** Masked output of a task, as it arrives; omit when nobody shows it. */
  onOutput?: (task: string, chunk: Buffer) => boolean | void;
  /** Calls back when the output subscriber can take more (after onOutput returned false). */
  onDrain?: (resume: () => void) => void;
  /** The git work trees the tasks share, when a task holds its own alone (`rollback: git`). */
  holds?: TreeHolds;
  /** Told once each time a ready task starts waiting for its work tree. */
  onHeld?: (held: HeldTask) => void;
  /** `isolation: worktree`: the tasks' worktrees (run/worktree.ts); set when a task of the plan is isolated. */
  worktrees?: Worktrees;
  /** The backoff's jitter draws from it (Math.random unless a test fixes it). */
  random?: () => number;
  /** `sources`: fingerprints checked before a task starts and recorded after it succeeds (run/up-to-date.ts). */
  upToDate?: UpToDate;
}

const DECISIONS: Record<Verdict['kind'], Decision> = { succeed: 'succeed', decompose: 'decompose', retry: 'retry', fail: 'fail', block: 'block', cancelled: 'cancel' };

/** How often the runner looks for approvals while something waits for one (a signal makes it look at once). */
const REQUEST_POLL_MS = 500;

/** A person's answer to a rollback's approval: true when approved, else the note of the skip, already recorded. */
type GateAnswer = true | string;

/** The end of a run. */
export interface RunOutcome {
  state: RunState;
  exitCode: 0 | 3 | 4;
}

/**
 * Drives a run: folds each event into the state, asks `decide` what to do, writes the events to the
 * journal before acting on them, and turns what processes do back into events.
 */
export class Runner {
  private readonly procs = new Map<string, TaskProcess>();
  private readonly stopping = new Set<string>();
  private readonly logs: AttemptLogs;
  private readonly busy = new Set<Promise<unknown>>();
  private wakeTimer: NodeJS.Timeout | undefined;
  private ticking = false;
  private again = false;
  private finished: ((o: RunOutcome) => void) | undefined;
  private failed: ((err: AadError) => void) | undefined;
  /** Set when aad itself failed (a write of the run refused, Redis lost): the run stops where it is, to be resumed (see `abort`). */
  private halted: AadError | undefined;
  private readonly baseEnv: Record<string, string> = {};
  /** Tasks waiting for their work tree, already reported. */
  private held = new Set<string>();
  /** The plan as run: the plan file's tasks, then the children their outcomes added. */
  private plan: Plan;
  /** Rollbacks waiting for their approval (`rollback_approval`): the answer ends the wait. */
  private readonly rollbackGates = new Map<string, (answer: GateAnswer) => void>();
  /** Looks for approvals (`requests/`) while something waits for one; a signal (`aad approve`) makes it look at once. */
  private requestTimer: NodeJS.Timeout | undefined;
  private heartbeatsMade = false;
  /** The one sampler of the run's watchdogs (`stall_timeout_sec`, `max_memory_mb`), made when a task needs it. */
  private watchdog: Watchdog | undefined;
  /** Tasks whose last attempt ran on a worker: the folder (in the run directory) their outputs were sent to. */
  private readonly outputsDirs = new Map<string, { dir: string; note?: string }>();

  constructor(private readonly o: RunnerOptions) {
    this.plan = o.plan;
    for (const [k, v] of Object.entries(o.baseEnv)) if (v !== undefined) this.baseEnv[k] = v;
    this.logs = new AttemptLogs(o.paths);
  }

  get state(): RunState {
    return this.o.state;
  }

  /** Runs until nothing can progress; resolves with the run's exit code, or rejects with the IoError that stopped it. */
  run(): Promise<RunOutcome> {
    const done = new Promise<RunOutcome>((resolve, reject) => {
      this.finished = resolve;
      this.failed = reject;
    });
    const wt = this.o.worktrees;
    if (!wt) this.tick();
    else {
      // The integration branch must exist and a dead runner's worktrees go before any task starts.
      wt.open(this).then(
        () => this.tick(),
        (err: unknown) => {
          this.o.journal.flush();
          this.failed?.(err as IoError);
        },
      );
    }
    return done;
  }

  /** Asks the run to stop (Ctrl-C, SIGTERM, `aad cancel`): running tasks get SIGTERM then SIGKILL, the rest are cancelled. */
  requestCancel(by: string): void {
    if (this.o.state.state !== 'running' || this.o.state.cancel) return;
    this.emit({ event: 'cancel_requested', by });
    // A rollback waiting for its approval does not run in a run being stopped: the workspace stays as the task left it.
    for (const [id, answer] of [...this.rollbackGates]) {
      this.rollbackGates.delete(id);
      answer(this.skipRollback(this.plan.byId.get(id)!, `the run was cancelled (${by}) while the rollback waited for its approval: the workspace was left as the task left it`));
    }
    this.tick();
  }

  /**
   * Records the approvals and rejections other terminals left in the run directory (`aad approve`, `aad reject`):
   * for a task waiting for its approval, or a rollback waiting for its own; any other request is stale and dropped.
   */
  checkRequests(): void {
    if (this.halted || this.o.state.state !== 'running') return;
    const found = readRequests(this.o.paths);
    if (found.length === 0) return;
    for (const { request } of found) this.answer(request);
    this.o.journal.flush();
    for (const { file } of found) dropRequest(file);
    this.tick();
  }

  private answer(r: ApprovalRequest): void {
    const run = this.o.state.tasks.get(r.task);
    const task = this.plan.byId.get(r.task);
    if (!run || !task) return;
    const reason = r.reason ?? '';
    if (r.rollback) {
      const gate = this.rollbackGates.get(r.task);
      if (!gate) return;
      this.rollbackGates.delete(r.task);
      if (r.action === 'approve') {
        this.emit({ event: 'task_approved', task: r.task, by: r.by, ...(reason ? { reason } : {}), rollback: true });
        gate(true);
      } else {
        this.emit({ event: 'task_rejected', task: r.task, by: r.by, reason, rollback: true });
        gate(this.skipRollback(task, `${rejectionReason(r.by, reason)}: the workspace was left as the task left it`));
      }
      return;
    }
    if (run.state !== 'awaiting_approval') return;
    if (r.action === 'approve') this.emit({ event: 'task_approved', task: r.task, by: r.by, ...(reason ? { reason } : {}) });
    else this.reject(task, r.by, reason);
  }

  /** A task rejected (by a person, or by its approval timeout): it fails without an attempt. */
  private reject(task: Task, by: string, reason: string): void {
    this.emit({ event: 'task_rejected', task: task.id, by, reason });
    this.escalate(task, 'error', `failed: ${rejectionReason(by, reason)}`, null);
  }

  /** Looks for requests every half second while a task or a rollback waits for its approval (this also keeps the process alive). */
  private watchRequests(): void {
    const waiting = this.o.state.counts.awaiting_approval > 0 || this.rollbackGates.size > 0;
    if (waiting && !this.requestTimer) this.requestTimer = setInterval(() => this.checkRequests(), REQUEST_POLL_MS);
    else if (!waiting && this.requestTimer) {
      clearInterval(this.requestTimer);
      this.requestTimer = undefined;
    }
  }

  /** Kills every running task group at once (a second Ctrl-C). */
  killNow(): void {
    for (const p of this.procs.values()) p.kill();
  }

  /** Appends an event (queued until the next flush; stamped `atMs`, else now), folds it and tells the subscribers. */
  emit(body: RunEventBody, atMs?: number): RunEvent {
    // A run stopped by an I/O error records nothing more: the journal keeps it running, to be resumed.
    if (this.halted) return { v: 1, ts: new Date(atMs ?? this.o.clock()).toISOString(), ...body } as RunEvent;
    const e = this.o.journal.append(body, atMs);
    reduce(this.o.state, e);
    this.o.onEvent(e);
    return e;
  }

  private tick(): void {
    if (this.halted) return;
    if (this.ticking) {
      this.again = true;
      return;
    }
    this.ticking = true;
    try {
      do {
        this.again = false;
        this.step();
      } while (this.again && !this.halted);
    } catch (err) {
      this.abortOn(err);
    } finally {
      this.ticking = false;
    }
  }

  private step(): void {
    const { state } = this.o;
    const plan = this.plan;
    const { actions, wakeAtMs, upcoming, held, again } = decide(plan, state, this.o.clock(), this.o.maxParallel, this.o.scope, this.o.holds);
    if (held) this.reportHeld(held);
    if (again) this.again = true;
    const starts: Extract<Action, { kind: 'start' }>[] = [];
    for (const a of actions) {
      switch (a.kind) {
        case 'start':
          // A task with `sources` is fingerprinted first; it stays pending until that ends (maybe up to date).
          if (this.o.upToDate && !this.o.upToDate.mayStart(this, plan.byId.get(a.task)!)) break;
          this.emit({ event: 'task_started', task: a.task, attempt: a.attempt });
          starts.push(a);
          break;
        case 'skip':
          this.emit({ event: 'task_skipped', task: a.task, reason: a.reason });
          break;
        case 'cancel':
          this.emit({ event: 'task_cancelled', task: a.task, reason: a.reason });
          break;
        case 'stop':
          if (!this.stopping.has(a.task)) {
            this.stopping.add(a.task);
            this.procs.get(a.task)?.stop();
          }
          break;
        case 'cancel_run':
          this.emit({ event: 'cancel_requested', by: a.by, fail_fast: true });
          this.again = true;
          break;
        case 'settle':
          this.settleParent(a.task, a.end, a.reason);
          break;
        case 'await_approval': {
          this.emit({ event: 'approval_requested', task: a.task, text: a.text });
          const task = plan.byId.get(a.task)!;
          this.escalate(task, 'warning', `waiting for approval: ${a.text}`, null);
          break;
        }
        case 'reject':
          this.reject(plan.byId.get(a.task)!, 'timeout', a.reason);
          break;
        case 'finish':
          this.emit({ event: 'run_finished', state: a.state, exit_code: a.exitCode, counts: countStates(state) });
          break;
        default:
          unreachable(a);
      }
    }
    // The journal holds the decision before anything acts on it.
    this.o.journal.flush();
    for (const a of starts) this.track(this.launch(plan.byId.get(a.task)!, a.attempt));
    for (const id of upcoming) this.logs.prepare(id, state.tasks.get(id)!.attempts + 1);
    this.armWake(wakeAtMs);
    this.watchRequests();
    const fin = actions.find((a) => a.kind === 'finish');
    if (fin && fin.kind === 'finish') void this.end(fin.exitCode);
  }

  /** A parent whose children have all ended (or one failed) ends: the decider said how. */
  private settleParent(id: string, end: 'succeeded' | 'failed' | 'cancelled', reason: string): void {
    const run = this.o.state.tasks.get(id)!;
    const at = this.o.clock();
    const fields = { task: id, attempt: run.attempts, exit_code: run.exitCode, signal: null, duration_ms: this.taskDuration(run, at), reason };
    if (end === 'succeeded') this.emit({ event: 'task_succeeded', ...fields }, at);
    else if (end === 'cancelled') this.emit({ event: 'task_cancelled', task: id, reason }, at);
    else {
      this.emit({ event: 'task_failed', ...fields, attempts: run.attempts }, at);
      const task = this.plan.byId.get(id);
      if (task) this.escalate(task, 'error', `failed: ${reason}`, null);
    }
  }

  private reportHeld(held: HeldTask[]): void {
    const now = new Set<string>();
    for (const h of held) {
      now.add(h.task);
      if (!this.held.has(h.task)) this.o.onHeld?.(h);
    }
    this.held = now;
  }

  private async end(exitCode: 0 | 3 | 4): Promise<void> {
    clearTimeout(this.wakeTimer);
    clearInterval(this.requestTimer);
    this.watchdog?.close();
    await Promise.allSettled([...this.busy]);
    await this.logs.dropUnused();
    try {
      this.o.journal.sync();
    } catch (err) {
      this.abortOn(err);
    }
    if (!this.halted) this.finished?.({ state: this.o.state, exitCode });
  }

  /** Stops the run for an I/O error (a bug is thrown on). */
  private abortOn(err: unknown): void {
    const io = refusedWrite(err);
    if (!io) throw err;
    this.abort(io);
  }

  /**
   * A write of the run failed (a full disk, a read-only home), or Redis was lost for its workers: aad's failure, never a task's. The running tasks
   * are stopped as a cancel stops them, what the journal still takes is flushed, and nothing more is recorded:
   * no task ends failed or cancelled and no run_finished is written, so the run folds to running with a dead
   * runner, `status` says interrupted, and `resume` re-runs the tasks that were running.
   */
  private abort(err: AadError): void {
    if (this.halted) return;
    try {
      this.o.journal.flush();
    } catch {
      /* the journal is what failed: it keeps what it had written */
    }
    this.halted = err;
    clearTimeout(this.wakeTimer);
    clearInterval(this.requestTimer);
    this.requestTimer = undefined;
    // Nothing more is recorded: the rollbacks waiting for approval end unrun, the journal keeping them waiting.
    for (const answer of this.rollbackGates.values()) answer('aad stopped: a write of the run failed');
    this.rollbackGates.clear();
    for (const [id, p] of this.procs) {
      this.stopping.add(id);
      p.stop();
    }
    void Promise.allSettled([...this.busy]).then(() => this.failed?.(err));
  }

  private armWake(at: number | null): void {
    clearTimeout(this.wakeTimer);
    if (at === null) return;
    this.wakeTimer = setTimeout(() => this.tick(), Math.max(0, at - this.o.clock()));
  }

  /** Decides again now (an effect that ran beside the decision has ended). */
  wake(): void {
    this.tick();
  }

  /** Keeps `p` among the work the run waits for before it ends. */
  track(p: Promise<unknown>): void {
    this.busy.add(p);
    void p.finally(() => this.busy.delete(p));
  }

  /** Where the task's `outputs` are collected from: the folder its worker sent them to, when it ran on one; else its cwd. */
  outputsFrom(task: Task): string {
    return this.outputsDirs.get(task.id)?.dir ?? this.cwdOf(task);
  }

  /** Why the task's outputs are not here, when its worker kept them (too large to send). */
  outputsNote(task: Task): string | undefined {
    return this.outputsDirs.get(task.id)?.note;
  }

  /** Stops the run for aad's own failure (Redis lost): as for a refused write, the run stays resumable. */
  stopFor(err: AadError): void {
    this.abort(err);
  }

  /** The task's absolute cwd: in its worktree when it is isolated (and has one). */
  cwdOf(task: Task): string {
    if (task.isolation === 'worktree' && this.o.worktrees) {
      const inWorktree = this.o.worktrees.cwdOf(this.o.state.tasks.get(task.id), task);
      if (inWorktree !== undefined) return inWorktree;
    }
    return absoluteFrom(this.o.state.workdir, task.cwd);
  }

  /** Its environment: aad's, the plan's, then aad's own variables (an isolated task's git is never pointed elsewhere by GIT_DIR and the like). */
  envOf(task: Task, attempt: number | 'rollback'): Record<string, string> {
    const isolated = task.isolation === 'worktree' && this.o.worktrees !== undefined;
    const wt = isolated ? this.o.state.tasks.get(task.id)?.worktree : undefined;
    return {
      ...(isolated ? (withoutGitRedirects(this.baseEnv) as Record<string, string>) : this.baseEnv),
      ...task.env,
      ...(wt && !wt.removed ? { AAD_WORKTREE: wt.path } : {}),
      ...(typeof attempt === 'number' ? { AAD_OUTCOME: this.o.paths.outcome(task.id, attempt), AAD_HEARTBEAT: this.o.paths.heartbeat(task.id) } : {}),
      AAD_RUN_ID: this.o.state.runId,
      AAD_TASK_ID: task.id,
      AAD_ATTEMPT: String(attempt),
      AAD_RUN_DIR: this.o.paths.dir,
    };
  }

  private async launch(task: Task, attempt: number): Promise<void> {
    let result: AttemptResult;
    try {
      const done = await this.attempt(task, attempt);
      if (done.ioError) this.abort(done.ioError);
      result = done;
    } catch (err) {
      const io = refusedWrite(err, (err as NodeJS.ErrnoException).path === undefined ? this.o.paths.attemptLog(task.id, attempt) : undefined);
      if (io) {
        // Its log (or the journal) refused a write: the run stops; a process already spawned is stopped with it.
        this.abort(io);
        await this.procs.get(task.id)?.done;
      }
      // Preparing the attempt failed (the git snapshot, a spawn that threw…): a failed attempt, not a crash.
      result = { exitCode: null, signal: null, timedOut: false, spawnError: (err as Error).message, stopped: false, durationMs: 0 };
    }
    this.procs.delete(task.id);
    this.stopping.delete(task.id);
    // An attempt cut short by aad's own I/O error is not the task's: it stays running in the journal, to be re-run.
    if (this.halted) return;
    try {
      await this.settle(task, attempt, result);
    } catch (err) {
      this.abortOn(err);
    }
    // The tick writes these events (with its own decision's) before it acts: one write instead of two.
    this.tick();
  }

  private async attempt(task: Task, attempt: number): Promise<AttemptDone> {
    await this.logs.dir(task.id);
    await mkdir(path.dirname(this.o.paths.outcome(task.id, attempt)), { recursive: true });
    if (!this.heartbeatsMade) {
      await mkdir(this.o.paths.heartbeatsDir, { recursive: true });
      this.heartbeatsMade = true;
    }
    if (task.isolation === 'worktree' && this.o.worktrees) await this.o.worktrees.prepare(this, task, attempt);
    await this.o.failure.beforeAttempt(this, task);
    const logPath = this.o.paths.attemptLog(task.id, attempt);
    const logFd = await this.logs.open(task.id, attempt);
    if (this.halted) {
      closeSync(logFd);
      return { exitCode: null, signal: null, timedOut: false, stopped: true, durationMs: 0, killedHard: false };
    }
    const onOutput = this.o.onOutput;
    const proc = this.o.spawn({
      cmd: task.cmd,
      cwd: this.cwdOf(task),
      env: this.envOf(task, attempt),
      logPath,
      logFd,
      timeoutMs: task.timeoutMs,
      killGraceMs: task.killGraceMs,
      secrets: this.o.secrets,
      onOutput: onOutput && ((chunk) => onOutput(task.id, chunk)),
      onDrain: this.o.onDrain,
      ids: { runId: this.o.state.runId, taskId: task.id },
      task: {
        id: task.id,
        attempt,
        cwd: task.cwd,
        env: task.env,
        outputs: task.outputs,
        // Their worktree, git snapshot or fingerprints are this machine's.
        local: task.local || task.isolation === 'worktree' || task.rollback !== undefined || task.sources !== undefined,
      },
      ...(task.stallMs !== undefined || task.maxMemoryBytes !== undefined
        ? { watch: { watchdog: (this.watchdog ??= new Watchdog()), stallMs: task.stallMs, maxMemoryBytes: task.maxMemoryBytes, heartbeatPath: this.o.paths.heartbeat(task.id) } }
        : {}),
    });
    this.procs.set(task.id, proc);
    if (this.o.state.cancel) {
      // A cancel came in while the attempt was being prepared.
      this.stopping.add(task.id);
      proc.stop();
    }
    if (proc.pid !== undefined) {
      this.emit({ event: 'task_spawned', task: task.id, attempt, pid: proc.pid, proc_start: proc.procStart });
      this.o.journal.flush();
    }
    void proc.remote?.then((w) => {
      if (!w || this.procs.get(task.id) !== proc || this.halted) return;
      this.emit({ event: 'task_on_worker', task: task.id, attempt, job: w.job, worker: w.worker, pid: w.pid });
      this.o.journal.flush();
    });
    const result = await proc.done;
    if (result.outputsDir !== undefined) this.outputsDirs.set(task.id, { dir: result.outputsDir, ...(result.outputsNote ? { note: result.outputsNote } : {}) });
    else this.outputsDirs.delete(task.id);
    if (result.killedHard) {
      this.emit({ event: 'task_killed', task: task.id, attempt });
      this.escalate(task, 'critical', `killed by SIGKILL: the task's processes did not stop within ${task.killGraceMs / 1000}s of SIGTERM`, attempt);
    }
    return result;
  }

  /** Records how an attempt ended, following the failure policy of decideOutcome: the decision first, then its effects. */
  private async settle(task: Task, attempt: number, result: AttemptResult): Promise<void> {
    const state = this.o.state;
    const run = state.tasks.get(task.id)!;
    const read = result.stopped ? undefined : await this.readOutcome(task, attempt);
    // The last output line makes a failure's signature (max_identical_failures): read only when the task compares them.
    const lastLine = task.maxIdenticalFailures !== undefined && !result.stopped ? await lastLineOf(this.o.paths.attemptLog(task.id, attempt)) : undefined;
    const verdict = decideOutcome(task, run, result, state.cancel?.by ?? null, {
      read,
      random: this.o.random,
      limits: { added: state.added, maxChildren: this.plan.maxChildren },
      lastLine,
    });
    const { outcome, reason: reported } = outcomeOf(task, result, read);
    const reason = verdict.kind === 'succeed' || verdict.kind === 'decompose' ? reported : verdict.reason;
    this.emit({
      event: 'task_decided', task: task.id, attempt, outcome, decision: DECISIONS[verdict.kind], reason,
      ...(verdict.kind === 'retry' ? { delay_ms: verdict.delayMs } : {}),
      ...((verdict.kind === 'retry' || verdict.kind === 'fail') && verdict.signature !== undefined ? { signature: verdict.signature } : {}),
    });
    const end = {
      task: task.id,
      attempt,
      exit_code: result.exitCode,
      signal: result.signal,
      duration_ms: result.durationMs,
    };
    switch (verdict.kind) {
      case 'succeed':
      case 'decompose': {
        await this.o.failure.collect(this, task);
        if (verdict.kind === 'succeed') await this.o.upToDate?.record(this, task);
        const wt = this.isolated(task);
        // An isolated task's work is committed and merged before it counts as succeeded: a conflict fails it.
        const problem = wt ? await wt.integrate(this, task) : undefined;
        const at = this.o.clock();
        if (problem !== undefined) {
          this.emit({ event: 'task_failed', ...end, duration_ms: this.taskDuration(run, at), reason: problem, attempts: run.attempts }, at);
          const where = `Its work is kept in ${run.worktree?.path ?? '?'} (branch ${run.worktree?.branch ?? '?'})`;
          const next = run.worktree?.conflicts ? `; \`aad resume\` runs it again from the tip of ${state.integration?.branch ?? 'the integration branch'}` : '';
          this.escalate(task, 'error', `${problem}. ${where}${next}`, attempt);
          break;
        }
        const refused = verdict.kind === 'decompose' ? this.isolationProblem(task, verdict.children) : undefined;
        if (refused !== undefined) {
          this.emit({ event: 'task_failed', ...end, duration_ms: this.taskDuration(run, at), reason: refused, attempts: run.attempts }, at);
          this.escalate(task, 'error', `failed: ${refused}`, attempt);
          break;
        }
        if (verdict.kind === 'decompose') {
          // The children are in the journal before any of them starts: a resume rebuilds the grown plan from it.
          const tasks = qualifyChildren(task.id, verdict.children);
          this.emit({ event: 'tasks_added', parent: task.id, tasks }, at);
          this.plan = growPlan(this.plan, { parent: task.id, tasks });
          this.emit({ event: 'task_decomposed', task: task.id, attempt, children: tasks.map((t) => t.id), exit_code: result.exitCode, duration_ms: result.durationMs }, at);
          this.o.journal.flush();
        } else this.emit({ event: 'task_succeeded', ...end, duration_ms: this.taskDuration(run, at), reason: 'succeeded' }, at);
        if (wt) this.track(wt.remove(this, task).catch((err: unknown) => this.abortOn(err)));
        break;
      }
      case 'retry':
        this.emit({ event: 'task_retrying', ...end, reason: verdict.reason, delay_ms: verdict.delayMs });
        this.escalate(task, 'warning', `attempt ${attempt} failed (${verdict.reason}); retrying in ${verdict.delayMs / 1000}s`, attempt);
        break;
      case 'block': {
        // Nothing to undo (the task stopped to ask for help): no rollback; an isolated task's worktree is kept.
        await this.o.failure.collect(this, task);
        await this.isolated(task)?.keep(this, task, 'failed');
        const at = this.o.clock();
        this.emit({ event: 'task_blocked', ...end, duration_ms: this.taskDuration(run, at), reason: verdict.reason }, at);
        this.escalate(task, 'error', `blocked: ${verdict.reason}`, attempt);
        break;
      }
      case 'fail': {
        await this.o.failure.collect(this, task);
        await this.isolated(task)?.keep(this, task, 'failed');
        const at = this.o.clock();
        // Attempts over the whole run (resumes included): the number the console, the summary and status show.
        this.emit({ event: 'task_failed', ...end, duration_ms: this.taskDuration(run, at), reason: verdict.reason, attempts: run.attempts }, at);
        this.o.journal.flush();
        const n = run.attempts;
        const failure = `failed for good after ${n} attempt${n === 1 ? '' : 's'}: ${verdict.reason}`;
        // The same failure again and again: a person has to look (a critical escalation), not one more retry.
        const level = verdict.storm ? 'critical' : 'error';
        if (verdict.rollback && task.rollbackApproval) {
          // Said before the rollback waits for its approval, which may take long.
          this.escalate(task, level, failure, attempt);
          await this.rollBack(task, verdict);
        } else {
          const note = await this.rollBack(task, verdict);
          this.escalate(task, level, `${failure}${note ? `. ${note}` : ''}`, attempt);
        }
        break;
      }
      case 'cancelled': {
        await this.o.failure.collect(this, task);
        await this.isolated(task)?.keep(this, task, 'cancelled');
        const at = this.o.clock();
        this.emit({ event: 'task_cancelled', ...end, duration_ms: this.taskDuration(run, at), reason: verdict.reason }, at);
        await this.rollBack(task, verdict);
        break;
      }
    }
  }

  /**
   * The rollback the decider called for: skipped with a critical escalation when its limit is reached
   * (`max_rollbacks`), first approved by a person with `rollback_approval`; returns a note for the escalation.
   */
  private async rollBack(task: Task, plan: RollbackPlan): Promise<string | undefined> {
    if (plan.rollbackSkipped !== undefined) return this.skipRollback(task, plan.rollbackSkipped);
    if (!plan.rollback) return undefined;
    if (task.rollbackApproval) {
      const answer = await this.rollbackApproval(task);
      if (answer !== true) return answer;
    }
    return this.o.failure.rollback(this, task);
  }

  /** Records a rollback that does not run (critical: a person has to look at the workspace); returns the note. */
  private skipRollback(task: Task, reason: string): string {
    this.emit({ event: 'rollback_skipped', task: task.id, reason });
    this.escalate(task, 'critical', `rollback skipped: ${reason}`, null);
    this.o.journal.flush();
    return `Rollback skipped: ${reason}.`;
  }

  /**
   * Waits for `aad approve … --rollback`: true once approved; else the note of the skip already recorded (a
   * rejection, the approval timeout, a cancel), recorded where the answer came so that it is in the journal
   * before `aad reject` looks.
   */
  private rollbackApproval(task: Task): Promise<GateAnswer> {
    const cancel = this.o.state.cancel;
    if (cancel && !cancel.failFast) return Promise.resolve(this.skipRollback(task, `the run was cancelled (${cancel.by}) before the rollback was approved: the workspace was left as the task left it`));
    const text = `roll back ${task.id} (${formatCmd(task.rollback!)})`;
    this.emit({ event: 'approval_requested', task: task.id, text, rollback: true });
    this.escalate(task, 'warning', `waiting for approval: ${text}`, null);
    this.o.journal.flush();
    return new Promise<GateAnswer>((resolve) => {
      let timer: NodeJS.Timeout | undefined;
      this.rollbackGates.set(task.id, (answer) => {
        clearTimeout(timer);
        resolve(answer);
        this.watchRequests();
      });
      const ms = task.approvalTimeoutMs;
      if (ms !== undefined) {
        timer = setTimeout(() => {
          if (!this.rollbackGates.delete(task.id)) return;
          const reason = `no approval within ${ms / 1000}s`;
          this.emit({ event: 'task_rejected', task: task.id, by: 'timeout', reason, rollback: true });
          resolve(this.skipRollback(task, `${rejectionReason('timeout', reason)}: the workspace was left as the task left it`));
          this.watchRequests();
        }, ms);
      }
      this.watchRequests();
      // An answer may already be waiting (given as soon as the request was printed).
      queueMicrotask(() => this.checkRequests());
    });
  }

  /** Why children asking for `isolation: worktree` cannot have it (never a silent fallback to the shared work tree). */
  private isolationProblem(parent: Task, children: readonly TaskInput[]): string | undefined {
    for (const [i, c] of children.entries()) {
      if ((c.isolation ?? parent.inherit.isolation) !== 'worktree') continue;
      const wt = this.o.worktrees;
      if (!wt) return `children[${i}] (${c.id}) asks for isolation: worktree, but no task of the plan file is isolated, so the run has no integration branch: isolate the parent`;
      if (wt.relOf({ cwd: c.cwd ?? parent.inherit.cwd ?? '.' }) === undefined) return `children[${i}] (${c.id}): its cwd is outside the git work tree, so it cannot be isolated`;
    }
    return undefined;
  }

  /** The attempt's `$AAD_OUTCOME` file as read: undefined when the task wrote none. */
  private async readOutcome(task: Task, attempt: number): Promise<OutcomeRead | undefined> {
    const file = this.o.paths.outcome(task.id, attempt);
    const shown = path.relative(this.o.paths.dir, file);
    let text: string;
    try {
      const fh = await openFile(file, 'r');
      try {
        const { size } = await fh.stat();
        if (size > MAX_OUTCOME_BYTES) return { ok: false, problem: `${shown}: the outcome file is ${size} bytes, more than aad reads (${MAX_OUTCOME_BYTES})` };
        text = await fh.readFile('utf8');
      } finally {
        await fh.close();
      }
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') return undefined;
      return { ok: false, problem: `${shown}: cannot read the outcome file: ${(err as Error).message}` };
    }
    return readOutcome(text, shown, task.inherit);
  }

  /** The worktrees' effects when the task is isolated and has a worktree. */
  private isolated(task: Task): Worktrees | undefined {
    if (task.isolation !== 'worktree' || !this.o.worktrees) return undefined;
    const wt = this.o.state.tasks.get(task.id)?.worktree;
    return wt && !wt.removed ? this.o.worktrees : undefined;
  }

  /** The worktrees' effects (rollback: git of an isolated task). */
  get worktrees(): Worktrees | undefined {
    return this.o.worktrees;
  }

  /** A task's duration when it ends at `at`: from its first start in this session, as `reduce` folds it from the same timestamps. */
  private taskDuration(run: TaskRun, at: number): number {
    return run.startedAt === null ? 0 : Math.max(0, at - Date.parse(run.startedAt));
  }

  /** Records an escalation: the event, the task's escalation file, the hook. */
  escalate(task: Task, level: EscalationLevel, reason: string, attempt: number | null): void {
    if (this.halted) return;
    this.emit({ event: 'escalation', task: task.id, level, reason });
    this.track(this.o.failure.escalate(this, task, level, reason, attempt).catch((err: unknown) => this.abortOn(err)));
  }

  /** The run directory's paths. */
  get paths(): RunPaths {
    return this.o.paths;
  }

  /** Journal access for effects that record events (rollback, artifacts). */
  flush(): void {
    this.o.journal.flush();
  }
}
