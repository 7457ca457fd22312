import path from 'node:path';
import type { Plan, Task } from '../plan/compile.js';
import { fingerprintFile, readFingerprint, writeFingerprint } from '../store/fingerprints.js';
import { absoluteFrom } from '../store/paths.js';
import { currentInputs, stampFiles, staleReason, type Inputs, type Where } from './fingerprint.js';
import { messageOf } from './match-files.js';
import type { Runner } from './runner.js';

// Incremental runs at the runner's edge: before a task with `sources` first starts in this session, its
// inputs are fingerprinted (off the decision: the task stays pending meanwhile); unchanged since its last
// success in this home, it ends `task_up_to_date` without an attempt. After a success its fingerprint,
// taken before the attempt, is recorded with its generated files. A source changed while the task ran
// is thereby seen by the next run.

export class UpToDate {
  /** Inputs taken before the task's attempt, to record after its success; null: not recordable (reported). */
  private readonly inputs = new Map<string, Inputs | null>();
  private readonly checking = new Set<string>();

  constructor(
    private readonly home: string,
    private readonly notice: (message: string) => void,
    private readonly artifactsDir: string | undefined,
  ) {}

  /**
   * Whether `task` may start now: yes without `sources` or once its inputs are taken; else its check is
   * started (or under way) and the runner decides again when it ends.
   */
  mayStart(runner: Runner, task: Task): boolean {
    if (task.sources === undefined || this.inputs.has(task.id)) return true;
    if (!this.checking.has(task.id)) {
      this.checking.add(task.id);
      runner.track(this.check(runner, task));
    }
    return false;
  }

  private async check(runner: Runner, task: Task): Promise<void> {
    const where = this.where(runner, task);
    const file = fingerprintFile(this.home, runner.state.planPath, task.id);
    const record = readFingerprint(file);
    let inputs: Inputs | null = null;
    let stale: string | undefined = 'not checked';
    try {
      inputs = await currentInputs(task, where, record);
      stale = await staleReason(record, inputs, where);
    } catch (err) {
      this.notice(`${task.id}: its sources could not be fingerprinted, so it runs (and its success is not recorded): ${messageOf(err)}`);
    }
    this.checking.delete(task.id);
    const run = runner.state.tasks.get(task.id);
    // Only a task that never ran in this run can be up to date; cancelled or skipped meanwhile, it stays so.
    const open = run !== undefined && run.state === 'pending' && run.attempts === 0;
    if (open && stale === undefined && !forced(runner, task.id)) runner.emit({ event: 'task_up_to_date', task: task.id });
    else this.inputs.set(task.id, inputs);
    runner.wake();
  }

  /** After a success: the fingerprint taken before the attempt, with the generated files as they are now. */
  async record(runner: Runner, task: Task): Promise<void> {
    if (task.sources === undefined) return;
    const inputs = this.inputs.get(task.id);
    if (!inputs) return;
    const file = fingerprintFile(this.home, runner.state.planPath, task.id);
    try {
      const generates = task.generates.length === 0 ? {} : await stampFiles(task.generates, this.where(runner, task), undefined);
      writeFingerprint(file, { v: 1, plan: runner.state.planPath, task: task.id, inputs: inputs.digest, sources: inputs.sources, generates, at: new Date().toISOString() });
    } catch (err) {
      this.notice(`${task.id}: its fingerprint could not be recorded, so it runs next time: ${messageOf(err)}`);
    }
  }

  private where(runner: Runner, task: Task): Where {
    return whereOf(runner.cwdOf(task), this.home, runner.state.workdir, this.artifactsDir);
  }
}

/** A task's cwd, and aad's own folders never to fingerprint: the home (runs, fingerprints) and artifacts_dir's copies. */
function whereOf(cwd: string, home: string, workdir: string, artifactsDir: string | undefined): Where {
  const skipDirs = [home];
  if (artifactsDir !== undefined) skipDirs.push(absoluteFrom(workdir, artifactsDir));
  return { cwd, skipDirs };
}

/**
 * The tasks of `plan` that are up to date now (what `aad graph` and `run --dry-run` mark): their recorded
 * fingerprint holds as the files are now. A dependency that will run first may still change their sources.
 */
export async function upToDateNow(plan: Plan, o: { planPath: string; home: string; workdir: string; force?: true | readonly string[] }): Promise<Set<string>> {
  const out = new Set<string>();
  for (const task of plan.tasks) {
    if (task.sources === undefined || o.force === true || o.force?.includes(task.id)) continue;
    const record = readFingerprint(fingerprintFile(o.home, o.planPath, task.id));
    if (!record) continue;
    const where = whereOf(absoluteFrom(o.workdir, task.cwd), o.home, o.workdir, plan.artifactsDir);
    try {
      if ((await staleReason(record, await currentInputs(task, where, record), where)) === undefined) out.add(task.id);
    } catch {
      // A source that cannot be read: the task would run.
    }
  }
  return out;
}

function forced(runner: Runner, id: string): boolean {
  const f = runner.state.force;
  return f === true || (f !== null && f.has(id));
}

/** The home of a run directory `<home>/runs/<run_id>`. */
export function homeOf(runDir: string): string {
  return path.dirname(path.dirname(runDir));
}
