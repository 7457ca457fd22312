import path from 'node:path';
import type { Plan } from '../plan/compile.js';
import { ConsoleReporter, type ConsoleMode } from '../report/console.js';
import { earlierDurations } from '../report/progress.js';
import type { RunEvent, RunEventBody } from '../run/events.js';
import { realFailureEffects } from '../run/failure.js';
import { MIN_SECRET_LENGTH, maskText, secretValues } from '../run/mask.js';
import { spawnTask } from '../run/process.js';
import { reduce, type RunState } from '../run/reduce.js';
import { Runner } from '../run/runner.js';
import type { TreeHolds } from '../run/tree-holds.js';
import type { IsolationSetup } from '../run/worktree.js';
import { Journal } from '../store/journal.js';
import type { RunPaths } from '../store/paths.js';
import { UsageError } from '../errors.js';
import type { RemoteWorkers } from '../run/backends/bullmq.js';

/** What `run` and `resume` share: the plan, where the run lives, how it is shown. */
export interface DriveOptions {
  plan: Plan;
  paths: RunPaths;
  workdir: string;
  maxParallel: number;
  mode: ConsoleMode;
  /** Events that open this session (run_started; or run_claimed and tasks_reset), written first. */
  opening: RunEventBody[];
  /** For a resume: the journal folded so far. */
  state?: RunState;
  /** Called once the opening events are in the journal and folded: a resume checks there that its claim won (or throws), and returns the events that follow. */
  afterOpening?: (state: RunState) => RunEventBody[] | Promise<RunEventBody[]>;
  /** Only these tasks may be started (resume --failed-only). */
  scope?: ReadonlySet<string>;
  /** The git work trees the tasks share, when a task holds its own alone (run/work-trees). */
  holds?: TreeHolds;
  /** `isolation: worktree`: the repository and the isolated tasks' cwds in it (cli/isolation). */
  isolation?: IsolationSetup;
  /** `--redis`: the workers' queue, connected; tasks that may run elsewhere are sent there. Closed when the run ends. */
  workers?: RemoteWorkers;
}

/** Runs (or resumes) a run in this process: signals cancel it, the console shows it; resolves with the exit code. */
export async function drive(o: DriveOptions): Promise<number> {
  // The workers' key and Redis password are masked everywhere, and never given to a task (a task that knows the key could sign jobs).
  const { AAD_WORKER_KEY: workerKey, AAD_REDIS_URL: _url, ...baseEnv } = process.env;
  const secrets = [
    ...secretValues(process.env, o.plan.interpolated, ...o.plan.tasks.map((t) => t.env)),
    ...[workerKey, o.workers?.target.options.password].filter((s): s is string => s !== undefined && s.length >= MIN_SECRET_LENGTH),
  ];
  const redactions = [...secrets, ...secrets.map((s) => JSON.stringify(s).slice(1, -1)).filter((s) => !secrets.includes(s))];
  const clock = Date.now;
  const journal = new Journal(o.paths.events, clock, redactions.length ? (l) => maskText(l, redactions) : undefined);
  let state = o.state;
  const home = path.dirname(path.dirname(o.paths.dir));
  // The approve command it prints must work from another terminal: it names the home unless it is ./.aad.
  const homeFlag = home === path.resolve('.aad') ? '' : ` --home ${/^[\w./:@%+,-]+$/.test(home) ? home : `'${home.replaceAll("'", "'\\''")}'`}`;
  const reporter = new ConsoleReporter(o.mode, () => runner?.state ?? state, clock, homeFlag);
  let runner: Runner | undefined;

  // Ctrl-C, SIGTERM (aad cancel) and SIGHUP cancel the run; a second Ctrl-C kills the task groups at once.
  // Listening starts before the opening: a resume claims the run and reaps what a dead runner left before
  // its runner exists, and a signal then must cancel the run, not kill aad halfway through the reaping.
  let signals = 0;
  let early: NodeJS.Signals | undefined;
  const onSignal = (sig: NodeJS.Signals) => {
    signals++;
    if (!runner) early ??= sig;
    else if (signals === 1) runner.requestCancel(sig);
    else runner.killNow();
  };
  const handlers = (['SIGINT', 'SIGTERM', 'SIGHUP'] as const).map((sig) => {
    const h = () => onSignal(sig);
    process.on(sig, h);
    return [sig, h] as const;
  });
  // `aad approve` / `aad reject` left an answer in the run directory: the runner records it now.
  const onAnswer = () => runner?.checkRequests();
  process.on('SIGUSR2', onAnswer);
  const unlisten = () => {
    for (const [sig, h] of handlers) process.off(sig, h);
    process.off('SIGUSR2', onAnswer);
  };

  let shown = false;
  const record = (bodies: RunEventBody[]) => {
    for (const body of bodies) {
      const e: RunEvent = journal.append(body);
      state = reduce(state, e);
      // The task prefixes are sized before the first task's line (an approval given ahead, one recorded by resume).
      if (state && !shown) {
        reporter.setTasks(state.order);
        shown = true;
      }
      reporter.event(e);
    }
    journal.sync();
  };
  let more: RunEventBody[] = [];
  try {
    record(o.opening);
    if (!state) throw new Error('drive: the opening events did not start a run');
    if (o.afterOpening) more = await o.afterOpening(state);
    // A signal during the opening cancels the run before any task starts.
    if (early) more.push({ event: 'cancel_requested', by: early });
    record(more);
  } catch (err) {
    unlisten();
    journal.close();
    throw err;
  }
  // The live line's time left: earlier runs of the plan are read at its first drawing (never without one).
  const run = state;
  reporter.setEstimates(() => earlierDurations(path.dirname(path.dirname(o.paths.dir)), run.planPath, run.runId), (id) => o.plan.byId.get(id)?.deps);
  const worktrees = o.isolation && new (await import('../run/worktree.js')).Worktrees(o.isolation, (m) => reporter.notice(maskText(m, secrets)));
  const upToDate = o.plan.tasks.some((t) => t.sources !== undefined)
    ? new (await import('../run/up-to-date.js')).UpToDate(path.dirname(path.dirname(o.paths.dir)), (m) => reporter.notice(maskText(m, secrets)), o.plan.artifactsDir)
    : undefined;

  if (o.workers) {
    await o.workers.start({
      runId: run.runId,
      runDir: o.paths.dir,
      notice: (m) => reporter.notice(maskText(m, secrets)),
      onFatal: (err) => runner?.stopFor(err),
    });
  }
  runner = new Runner({
    plan: o.plan,
    paths: o.paths,
    journal,
    state,
    maxParallel: o.maxParallel,
    scope: o.scope,
    spawn: o.workers ? o.workers.spawner(spawnTask) : spawnTask,
    clock,
    baseEnv,
    secrets,
    failure: realFailureEffects({
      spawn: spawnTask,
      secrets,
      notice: (m) => reporter.notice(m),
      onEscalationHook: o.plan.onEscalation,
      workdir: o.workdir,
      artifactsDir: o.plan.artifactsDir,
      clock,
    }),
    onEvent: (e) => reporter.event(e),
    onOutput: reporter.wantsOutput ? (task, chunk) => reporter.output(task, chunk) : undefined,
    onDrain: (resume) => reporter.whenDrained(resume),
    holds: o.holds,
    worktrees,
    upToDate,
    onHeld: (h) => reporter.taskNote(h.task, `waiting for the work tree ${h.root}${h.by === null ? '' : ` (${h.by} holds it alone: rollback: git)`}`),
  });

  try {
    const outcome = await runner.run();
    reporter.finish(outcome.state, outcome.exitCode);
    return outcome.exitCode;
  } catch (err) {
    // An I/O error stopped the run: no summary of a run that is not over (cli/exit.ts says what happened).
    reporter.stop();
    throw err;
  } finally {
    unlisten();
    journal.close();
    await o.workers?.close();
  }
}

/** Parses the console flags: --json and --quiet exclude each other. */
export function consoleMode(args: { json?: boolean; quiet?: boolean }): ConsoleMode {
  if (args.json && args.quiet) throw new UsageError('--json and --quiet cannot be used together');
  return args.json ? 'json' : args.quiet ? 'quiet' : 'auto';
}
