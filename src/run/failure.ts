import path from 'node:path';
import { IoError, refusedWrite } from '../errors.js';
import type { Task } from '../plan/compile.js';
import { absoluteFrom, fileName } from '../store/paths.js';
import { buildEscalation, recordEscalation, runEscalationHook } from './escalation.js';
import type { EscalationLevel } from './events.js';
import { maskText } from './mask.js';
import type { Runner } from './runner.js';
import type { Spawner } from './process.js';

/** What happens around a task's attempts: snapshot, outputs, rollback, escalation records. */
export interface FailureEffects {
  /** Before each attempt: the built-in git rollback snapshots the task's work tree once (throws when it cannot: the attempt fails, never runs unprotected). */
  beforeAttempt(runner: Runner, task: Task): Promise<void>;
  /** After the final attempt: collect `outputs`. */
  collect(runner: Runner, task: Task): Promise<void>;
  /** After the task failed for good (or was cancelled with rollback_on_cancel); returns a note for the escalation. */
  rollback(runner: Runner, task: Task): Promise<string | undefined>;
  /** Writes an escalation record and runs the plan's hook. */
  escalate(runner: Runner, task: Task, level: EscalationLevel, reason: string, attempt: number | null): Promise<void>;
}

/** Reports a problem that is not an event (a hook that failed, an artifact warning) to the person watching. */
export type Notice = (message: string) => void;

/** How a rollback ended, before its verify: what the events, the escalation and the note say. */
type Restored =
  | { ok: true; exitCode: number | null; note?: string; summary: string }
  | { ok: false; exitCode: number | null; reason: string; note?: string; escalation: string; summary: string | undefined };

/** The real effects: processes, files and git. */
export function realFailureEffects(opts: { spawn: Spawner; secrets: readonly string[]; notice: Notice; onEscalationHook?: import('../plan/compile.js').Cmd; workdir: string; artifactsDir?: string; clock: () => number }): FailureEffects {
  // Notices quote hooks' stderr and file names: mask them like everything else aad prints.
  const notice: Notice = (m) => opts.notice(maskText(m, opts.secrets));
  const snapshotProblems = new Map<string, string>();

  /** Runs the rollback itself: the isolated task's worktree discarded, the git snapshot restored, or the plan's command. */
  async function restore(runner: Runner, task: Task, rb: NonNullable<Task['rollback']>): Promise<Restored> {
    if (rb.kind === 'git' && task.isolation === 'worktree' && runner.worktrees) {
      const r = await runner.worktrees.discard(runner, task);
      if (r.ok) return { ok: true, exitCode: null, note: r.note, summary: `Rolled back with git: ${r.note}` };
      return { ok: false, exitCode: null, reason: r.note, escalation: `rollback failed: ${r.note}`, summary: `Rollback failed: ${r.note}.` };
    }
    if (rb.kind === 'git') {
      const snap = runner.state.tasks.get(task.id)?.snapshot;
      if (!snap) {
        const reason = `git rollback impossible: ${snapshotProblems.get(task.id) ?? 'no snapshot was taken before the first attempt'}`;
        return { ok: false, exitCode: null, reason, escalation: reason, summary: undefined };
      }
      const { restoreWorkTree } = await import('./git-snapshot.js');
      // aad's own files (the run directories, the artifact copies) may lie in the work tree: not the task's changes.
      const leaveAlone = [path.dirname(runner.paths.dir), ...(opts.artifactsDir === undefined ? [] : [absoluteFrom(opts.workdir, opts.artifactsDir)])];
      const failedRef = snap.ref.replace(/\/before(-\d+)?$/, (_, n: string | undefined) => `/failed${n ?? ''}`);
      const r = await restoreWorkTree(snap, failedRef, { leaveAlone });
      if (r.ok) return { ok: true, exitCode: null, note: r.note, summary: `Rolled back with git: ${r.restored.length} file(s) restored, ${r.removed.length} removed. ${r.note}` };
      const reason = r.reason ?? 'git restore failed';
      return { ok: false, exitCode: null, reason, note: r.note, escalation: `rollback failed: ${reason}. ${r.note}`, summary: r.note };
    }
    const r = await opts.spawn({
      cmd: rb,
      cwd: runner.cwdOf(task),
      env: runner.envOf(task, 'rollback'),
      logPath: runner.paths.attemptLog(task.id, 'rollback'),
      timeoutMs: task.rollbackTimeoutMs,
      killGraceMs: task.killGraceMs,
      secrets: opts.secrets,
      ids: { runId: runner.state.runId, taskId: task.id },
    }).done;
    if (r.exitCode === 0 && !r.timedOut) return { ok: true, exitCode: 0, summary: 'Rollback succeeded.' };
    const { describeFailure } = await import('./decide.js');
    const reason = describeFailure({ timeoutMs: task.rollbackTimeoutMs }, r);
    return { ok: false, exitCode: r.exitCode, reason, escalation: `rollback failed: ${reason}`, summary: `Rollback failed: ${reason}.` };
  }

  return {
    async beforeAttempt(runner, task) {
      // An isolated task's worktree is its own snapshot: its base.
      if (task.rollback?.kind !== 'git' || task.isolation === 'worktree') return;
      const run = runner.state.tasks.get(task.id)!;
      // Taken once and kept across resumes: a resume after a crash must not take the half-done state
      // a killed attempt left as the "before".
      if (run.snapshot !== null) return;
      const { snapshotWorkTree } = await import('./git-snapshot.js');
      const attempt = run.attempts;
      const ref = `refs/aad/${runner.state.runId}/${task.id}/${attempt <= 1 ? 'before' : `before-${attempt}`}`;
      const r = await snapshotWorkTree(runner.cwdOf(task), ref);
      if (!r.ok) {
        snapshotProblems.set(task.id, r.reason);
        throw new Error(`git snapshot for the rollback failed: ${r.reason}`);
      }
      snapshotProblems.delete(task.id);
      runner.emit({ event: 'snapshot_taken', task: task.id, attempt, ...r.snapshot });
      runner.flush();
    },

    async collect(runner, task) {
      if (task.outputs.length === 0) return;
      const kept = runner.outputsNote(task);
      if (kept !== undefined) {
        // Its worker kept them (over 100 MB): said, not collected.
        runner.emit({ event: 'artifacts_collected', task: task.id, files: [], warnings: [kept] });
        notice(`${task.id}: ${kept}`);
        return;
      }
      const { collectOutputs } = await import('./artifacts.js');
      const copyTo = opts.artifactsDir === undefined ? undefined : absoluteFrom(absoluteFrom(opts.workdir, opts.artifactsDir), fileName(task.id));
      try {
        // Never collect aad's own files: the home (earlier runs' artifacts) and the artifacts_dir copies.
        const skipDirs = [path.dirname(path.dirname(runner.paths.dir))];
        if (opts.artifactsDir !== undefined) skipDirs.push(absoluteFrom(opts.workdir, opts.artifactsDir));
        const r = await collectOutputs({ cwd: runner.outputsFrom(task), patterns: task.outputs, dest: runner.paths.artifacts(task.id), copyTo, skipDirs });
        if (r.refused) throw r.refused;
        runner.emit({ event: 'artifacts_collected', task: task.id, files: r.files, warnings: r.warnings });
        for (const w of r.warnings) notice(`${task.id}: ${w}`);
      } catch (err) {
        if (err instanceof IoError) throw err; // the run directory's disk: the runner stops the run
        runner.emit({ event: 'artifacts_collected', task: task.id, files: [], warnings: [`collecting outputs failed: ${(err as Error).message}`] });
      }
    },

    async rollback(runner, task) {
      const rb = task.rollback;
      if (!rb) return undefined;
      runner.emit({ event: 'rollback_started', task: task.id });
      runner.flush();
      const r = await restore(runner, task, rb);
      if (r.ok && task.rollbackVerify) {
        // A rollback is only as good as the state it left: the plan's check says whether it is.
        const v = await opts.spawn({
          cmd: task.rollbackVerify,
          cwd: runner.cwdOf(task),
          env: runner.envOf(task, 'rollback'),
          logPath: runner.paths.attemptLog(task.id, 'rollback-verify'),
          timeoutMs: task.rollbackTimeoutMs,
          killGraceMs: task.killGraceMs,
          secrets: opts.secrets,
          ids: { runId: runner.state.runId, taskId: task.id },
        }).done;
        if (v.exitCode !== 0 || v.timedOut) {
          const { describeFailure } = await import('./decide.js');
          const reason = `verify failed: ${describeFailure({ timeoutMs: task.rollbackTimeoutMs }, v)}`;
          runner.emit({ event: 'rollback_failed', task: task.id, exit_code: r.exitCode, reason, ...(r.note ? { note: r.note } : {}) });
          runner.escalate(task, 'critical', `rollback failed: ${reason} (log logs/${fileName(task.id)}/rollback-verify.log)${r.note ? `. ${r.note}` : ''}`, null);
          return `Rollback failed: ${reason}.`;
        }
      }
      if (r.ok) {
        runner.emit({ event: 'rollback_succeeded', task: task.id, exit_code: r.exitCode, ...(r.note ? { note: r.note } : {}) });
        return r.summary;
      }
      runner.emit({ event: 'rollback_failed', task: task.id, exit_code: r.exitCode, reason: r.reason, ...(r.note ? { note: r.note } : {}) });
      runner.escalate(task, 'critical', r.escalation, null);
      return r.summary;
    },

    async escalate(runner, task, level, reason, attempt) {
      const run = runner.state.tasks.get(task.id);
      const n = attempt ?? run?.attempts ?? 0;
      const logPath = attempt === null && task.rollback && run?.rollback ? runner.paths.attemptLog(task.id, 'rollback') : n > 0 ? runner.paths.attemptLog(task.id, n) : undefined;
      const record = buildEscalation({ task: task.id, level, reason, attempt }, logPath, opts.clock(), opts.secrets);
      try {
        recordEscalation(runner.paths.escalations(task.id), record);
      } catch (err) {
        // A full or read-only disk stops the run (the runner's I/O error); anything else is reported.
        const io = refusedWrite(err, runner.paths.escalations(task.id));
        if (io) throw io;
        notice(`cannot write escalation record for ${task.id}: ${(err as Error).message}`);
      }
      if (opts.onEscalationHook) {
        const problem = await runEscalationHook(opts.onEscalationHook, record, opts.workdir, runner.envOf(task, n), { path: runner.paths.hookLog('on_escalation'), secrets: opts.secrets });
        if (problem) notice(problem);
      }
    },
  };
}
