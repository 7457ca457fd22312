import { formatMs } from '../graph/render.js';
import type { RunEvent } from '../run/events.js';
import { PUBLIC_EVENTS } from '../run/events.js';
import type { RunState } from '../run/reduce.js';
import { countStates } from '../run/reduce.js';
import type { ConsolaInstance } from 'consola';
import { createRequire } from 'node:module';
import { colorEnabled, painter } from './style.js';
import { estimateLeftMs, etaText, progressOf, progressText, type DepsOf } from './progress.js';

/** How the run is shown: live on a TTY, plain lines elsewhere, only the summary, or JSON events. */
export type ConsoleMode = 'auto' | 'quiet' | 'json';

let consola: typeof import('consola') | undefined;
/** consola, loaded at the first warning (its CommonJS build, from node_modules): loading it cost ~12 ms of every run's start. */
function loadConsola(): typeof import('consola') {
  return (consola ??= createRequire(import.meta.url)('consola') as typeof import('consola'));
}

const TASK_COLORS = ['cyan', 'magenta', 'blue', 'yellow', 'green'] as const;
const MAX_PARTIAL = 64 * 1024;

/** The console subscriber of a run: events and task output in, text out. Only this prints while a run goes. */
export class ConsoleReporter {
  private readonly out = process.stdout;
  private readonly err = process.stderr;
  private readonly paint;
  private readonly live: boolean;
  private readonly partial = new Map<string, string>();
  private readonly colorOf = new Map<string, (typeof TASK_COLORS)[number]>();
  private statusShown = false;
  private timer: NodeJS.Timeout | undefined;
  private prefixWidth = 0;
  private readonly prefixes = new Map<string, string>();
  private readonly bytePrefixes = new Map<string, string>();
  /** Whether the console is a terminal (control characters in task output are then not shown). */
  private readonly terminal: boolean;
  /** Warnings for the person watching (hook failures, artifact warnings) go through consola, on stderr. */
  private warnings: ConsolaInstance | undefined;
  /** Loads the tasks' expected durations (earlier runs), called once at the first live line; see `setEstimates`. */
  private loadDurations: (() => ReadonlyMap<string, number>) | undefined;
  private durations: ReadonlyMap<string, number> | undefined;
  private planDeps: DepsOf | undefined;
  /** Dependencies of the children added in this session (the plan the reporter was given does not hold them). */
  private readonly childDeps = new Map<string, readonly string[]>();

  constructor(
    private readonly mode: ConsoleMode,
    private readonly getState: () => RunState | undefined,
    private readonly clock: () => number = Date.now,
    /** What the approve and reject commands it prints add to name the home (` --home …` when it is not ./.aad). */
    private readonly homeFlag = '',
  ) {
    this.paint = painter(mode === 'auto' && colorEnabled(this.out));
    this.terminal = this.out.isTTY === true;
    this.live = mode === 'auto' && this.terminal && process.env.TERM !== 'dumb' && process.env.CI === undefined;
  }

  /** Whether task output should be passed to `output`. */
  get wantsOutput(): boolean {
    return this.mode === 'auto';
  }

  /** Sets the width of the task prefix from the longest task id. */
  setTasks(ids: readonly string[]): void {
    this.prefixWidth = Math.min(24, Math.max(0, ...ids.map((i) => i.length)));
    ids.forEach((id, i) => this.colorOf.set(id, TASK_COLORS[i % TASK_COLORS.length]!));
    if (this.live) {
      this.timer = setInterval(() => this.drawStatus(), 250);
      this.timer.unref();
    }
  }

  /**
   * Gives the live line its time-left estimate: `load` returns each task's expected duration (from earlier
   * runs) and is called once, at the first live line, never when there is none (`--quiet`, `--json`, no
   * terminal); if it throws, the line goes without an estimate. `deps` tells the plan's dependencies.
   */
  setEstimates(load: () => ReadonlyMap<string, number>, deps?: DepsOf): void {
    if (!this.live) return;
    this.loadDurations = load;
    this.planDeps = deps;
  }

  /** Receives each event of the run. */
  event(e: RunEvent): void {
    if (this.live && this.loadDurations && e.event === 'tasks_added') {
      for (const t of e.tasks) this.childDeps.set(t.id, t.depends_on ?? []);
    }
    if (this.mode === 'json') {
      if (PUBLIC_EVENTS.has(e.event)) this.out.write(JSON.stringify(e) + '\n');
      return;
    }
    if (this.mode === 'quiet') return;
    if (e.event === 'tasks_added') {
      // Children's ids are longer: widen the prefix (up to its cap) so that they stay readable.
      const wider = Math.min(24, Math.max(this.prefixWidth, ...e.tasks.slice(0, 1000).map((t) => t.id.length)));
      if (wider !== this.prefixWidth) {
        this.prefixWidth = wider;
        this.prefixes.clear();
        this.bytePrefixes.clear();
      }
    }
    const line = this.describe(e);
    if (line !== undefined) this.print(line);
  }

  /**
   * Receives masked task output; prints whole lines only, prefixed by the task id. Returns false when
   * the console is congested (a slow pipe): the caller then waits for `whenDrained` before reading more,
   * so memory stays flat whatever a task prints.
   * The bytes go through as they came: held as latin1 strings (one character a byte, so a UTF-8 sequence
   * is never split or altered, and no decoding is paid: 200 MB of output cost ~1.5 s decoded and
   * re-encoded). On a terminal, control characters (but tab, newline and escape) are taken out, so
   * that a task cannot garble the screen; logs and pipes get them as the task wrote them.
   */
  output(task: string, chunk: Buffer): boolean {
    let text = (this.partial.get(task) ?? '') + chunk.toString('latin1');
    let ok = true;
    const nl = text.lastIndexOf('\n');
    if (nl !== -1) {
      const p = this.bytePrefix(task);
      ok = this.write(p + this.clean(text.slice(0, nl)).replaceAll('\n', '\n' + p) + '\n');
      text = text.slice(nl + 1);
    }
    while (text.length > MAX_PARTIAL) {
      // A line that never ends is printed in pieces rather than held without bound (cut between characters).
      const cut = utf8Boundary(text, MAX_PARTIAL);
      ok = this.write(this.bytePrefix(task) + this.clean(text.slice(0, cut)) + '\n') && ok;
      text = text.slice(cut);
    }
    this.partial.set(task, text);
    return ok;
  }

  /** Calls back once the console has taken what it was given. */
  whenDrained(cb: () => void): void {
    if (this.out.writableNeedDrain) this.out.once('drain', cb);
    else cb();
  }

  /** A message for the person watching (hook failures, artifact warnings), on stderr. */
  notice(message: string): void {
    if (this.mode === 'json') {
      // stdout carries only the events; a problem still reaches the person, on stderr.
      this.err.write(`aad: ${message}\n`);
      return;
    }
    this.clearStatus();
    this.warnings ??= loadConsola().createConsola({ stdout: process.stderr, stderr: process.stderr, fancy: colorEnabled(process.stderr), formatOptions: { colors: colorEnabled(process.stderr), date: false } });
    this.warnings.warn(message);
    this.drawStatus();
  }

  /** A line about a task that is not an event (it waits for its work tree), shown like the task's events. */
  taskNote(task: string, text: string): void {
    if (this.mode === 'auto') this.print(`${this.prefix(task)}${this.paint('dim', text)}`);
  }

  /** The time left for the live line, when earlier runs give enough durations; loads them the first time. */
  private estimate(s: RunState, nowMs: number): number | undefined {
    if (!this.loadDurations) return undefined;
    if (this.durations === undefined) {
      try {
        this.durations = this.loadDurations();
      } catch {
        this.durations = new Map();
      }
    }
    if (this.durations.size === 0) return undefined;
    const plan = this.planDeps;
    const deps: DepsOf = (id) => plan?.(id) ?? this.childDeps.get(id);
    return estimateLeftMs(s, this.durations, nowMs, { deps });
  }

  /** Prints the final summary (not with --json) and stops the live line. */
  finish(state: RunState, exitCode: number): void {
    clearInterval(this.timer);
    this.clearStatus();
    if (this.mode === 'json') return;
    this.out.write(summaryText(state, exitCode, this.paint, this.clock()) + '\n');
  }

  /** Stops the live line without a summary (a run stopped by an I/O error is not over). */
  stop(): void {
    clearInterval(this.timer);
    this.clearStatus();
  }

  private flushPartial(task: string): void {
    const rest = this.partial.get(task);
    if (rest) this.write(this.bytePrefix(task) + this.clean(rest) + '\n');
    this.partial.delete(task);
  }

  /** The task's prefix as latin1 characters (one a byte of its UTF-8), to join task output held the same way. */
  private bytePrefix(task: string): string {
    let p = this.bytePrefixes.get(task);
    if (p === undefined) this.bytePrefixes.set(task, (p = Buffer.from(this.prefix(task)).toString('latin1')));
    return p;
  }

  /** Task output (latin1-held bytes) as it may be shown: control characters out on a terminal. */
  private clean(bytes: string): string {
    if (!this.terminal) return bytes;
    CONTROL.lastIndex = 0;
    return CONTROL.test(bytes) ? bytes.replace(CONTROL, '') : bytes;
  }

  private prefix(task: string): string {
    let p = this.prefixes.get(task);
    if (p === undefined) this.prefixes.set(task, (p = this.makePrefix(task)));
    return p;
  }

  private makePrefix(task: string): string {
    const label = task.length > this.prefixWidth ? task.slice(0, this.prefixWidth - 1) + '…' : task.padEnd(this.prefixWidth);
    return this.paint(this.colorOf.get(task) ?? 'cyan', label) + this.paint('dim', ' │ ');
  }

  private describe(e: RunEvent): string | undefined {
    const p = this.paint;
    switch (e.event) {
      case 'run_started':
        return p('bold', `▶ run ${e.run_id}: ${e.tasks.length} task${e.tasks.length === 1 ? '' : 's'}, up to ${e.max_parallel} at once${e.workers ? `, on workers of queue ${e.workers.queue} at ${e.workers.redis}` : ''}`);
      case 'run_claimed':
        return e.purpose === 'resume' ? p('bold', `▶ resuming run${e.failed_only ? ' (failed tasks only)' : ''}`) : undefined;
      case 'task_started':
        return `${this.prefix(e.task)}${p('dim', `started${e.attempt > 1 ? ` (attempt ${e.attempt})` : ''}`)}`;
      case 'task_succeeded':
        this.flushPartial(e.task);
        return `${this.prefix(e.task)}${p('green', '✓ succeeded')} ${p('dim', `in ${this.durationOf(e.task, e.duration_ms, e.ts)}`)}`;
      case 'task_retrying':
        this.flushPartial(e.task);
        return `${this.prefix(e.task)}${p('yellow', `↻ attempt ${e.attempt} failed: ${e.reason}; retrying in ${formatMs(e.delay_ms)}`)}`;
      case 'task_failed':
        this.flushPartial(e.task);
        return `${this.prefix(e.task)}${p('red', `✗ failed: ${e.reason}`)} ${p('dim', `after ${plural(e.attempts, 'attempt')} in ${this.durationOf(e.task, e.duration_ms, e.ts)}`)}`;
      case 'task_up_to_date':
        return `${this.prefix(e.task)}${p('green', '✓ up to date')} ${p('dim', '(sources and generated files unchanged since its last success; --force runs it)')}`;
      case 'task_skipped':
        return `${this.prefix(e.task)}${p('yellow', `- skipped: ${e.reason}`)}`;
      case 'task_blocked':
        this.flushPartial(e.task);
        return `${this.prefix(e.task)}${p('red', `⏸ blocked: ${e.reason}`)} ${p('dim', `(not retried; \`aad resume\` runs it again)`)}`;
      case 'task_decomposed':
        this.flushPartial(e.task);
        return `${this.prefix(e.task)}${p('cyan', `⤷ added ${plural(e.children.length, 'child task')}`)} ${p('dim', 'it ends when they have')}`;
      case 'task_decided':
      case 'tasks_added':
        return undefined;
      case 'approval_requested': {
        const run = this.getState()?.runId ?? '<run>';
        const what = e.rollback ? 'its rollback waits for approval' : 'waits for approval';
        const flag = e.rollback ? ' --rollback' : '';
        return [
          `${this.prefix(e.task)}${p('yellow', `⏸ ${what}: ${e.text}`)}`,
          `${this.prefix(e.task)}${p('dim', `approve: aad approve ${run} ${shellWord(e.task)}${flag}${this.homeFlag}   reject: aad reject ${run} ${shellWord(e.task)}${flag}${this.homeFlag} --reason "…"`)}`,
        ].join('\n');
      }
      case 'task_approved':
        return `${this.prefix(e.task)}${p('green', `✓ ${e.rollback ? 'rollback ' : ''}approved by ${e.by}${e.reason ? `: ${e.reason}` : ''}`)}`;
      case 'task_rejected':
        this.flushPartial(e.task);
        return `${this.prefix(e.task)}${p('red', `✗ ${e.rollback ? 'rollback ' : ''}${e.by === 'timeout' ? `rejected: ${e.reason}` : `rejected by ${e.by}${e.reason ? `: ${e.reason}` : ''}`}`)}`;
      case 'rollback_skipped':
        return `${this.prefix(e.task)}${p('red', `rollback skipped: ${e.reason}`)}`;
      case 'task_cancelled':
        this.flushPartial(e.task);
        return `${this.prefix(e.task)}${p('yellow', `■ ${e.reason}`)}`;
      case 'cancel_requested':
        if (e.fail_fast) return p('yellow', '■ fail-fast: stopping the run');
        return p('yellow', `■ cancelling the run (${e.by})${e.by === 'SIGINT' ? ': running tasks get SIGTERM, then SIGKILL after their grace; Ctrl-C again kills them now' : ''}`);
      case 'rollback_started':
        return `${this.prefix(e.task)}${p('dim', 'rolling back')}`;
      case 'rollback_succeeded':
        return `${this.prefix(e.task)}${p('green', 'rollback succeeded')}`;
      case 'rollback_failed':
        return `${this.prefix(e.task)}${p('red', `rollback failed: ${e.reason}`)}`;
      case 'escalation':
        return e.level === 'critical' ? `${this.prefix(e.task)}${p('red', `critical: ${e.reason}`)}` : undefined;
      case 'task_on_worker':
        return `${this.prefix(e.task)}${p('dim', `on worker ${e.worker} (pid ${e.pid})`)}`;
      case 'artifacts_collected':
        return e.files.length > 0 ? `${this.prefix(e.task)}${p('dim', `collected ${e.files.length} output file${e.files.length === 1 ? '' : 's'}`)}` : undefined;
      case 'tasks_reset':
      case 'snapshot_taken':
      case 'task_spawned':
      case 'task_killed':
      case 'run_finished':
        return undefined;
    }
  }

  /**
   * A task's duration as `status` shows it (from its first start in the session, folded from the journal),
   * and the last attempt's time when the session made several.
   */
  private durationOf(task: string, fallbackMs: number, endTs: string): string {
    const t = this.getState()?.tasks.get(task);
    const total = formatMs(t?.durationMs ?? fallbackMs);
    if (!t || t.attempts - t.budgetBase < 2 || t.attemptStartedMs === null) return total;
    return `${total} (last attempt ${formatMs(Date.parse(endTs) - t.attemptStartedMs)})`;
  }

  /** Prints a line of aad's own above the live status line, which the timer draws again (at most every 250 ms). */
  private print(text: string): void {
    this.clearStatus();
    this.out.write(text + '\n');
  }

  /** Writes task output held as latin1 characters (bytes) above the live status line. */
  private write(bytes: string): boolean {
    this.clearStatus();
    return this.out.write(bytes, 'latin1');
  }

  private clearStatus(): void {
    if (this.statusShown) {
      this.out.write('\r\x1b[2K');
      this.statusShown = false;
    }
  }

  private drawStatus(): void {
    if (!this.live) return;
    const s = this.getState();
    if (!s || s.state !== 'running') return;
    const c = countStates(s);
    const now = this.clock();
    const elapsed = formatMs(now - Date.parse(s.startedAt));
    const eta = this.estimate(s, now);
    const text = `${this.paint('cyan', `● ${c.running} running`)} · ${progressText(progressOf(s))}${c.failed ? ' · ' + this.paint('red', `${c.failed} failed`) : ''}${c.retrying ? ` · ${c.retrying} retrying` : ''} · ${elapsed}${eta === undefined ? '' : ` · ${etaText(eta)}`}`;
    this.clearStatus();
    this.out.write(text);
    this.statusShown = true;
  }
}

/** The end-of-run summary: what failed and why first, then counts, time and the next commands. */
export function summaryText(state: RunState, exitCode: number, paint: ReturnType<typeof painter>, nowMs: number): string {
  const c = countStates(state);
  const end = state.endedAt ? Date.parse(state.endedAt) : nowMs;
  const lines: string[] = [''];
  const failed = state.order.map((id) => state.tasks.get(id)!).filter((t) => t.state === 'failed');
  const skipped = state.order.map((id) => state.tasks.get(id)!).filter((t) => t.state === 'skipped');
  const cancelled = state.order.map((id) => state.tasks.get(id)!).filter((t) => t.state === 'cancelled');
  const blocked = state.order.map((id) => state.tasks.get(id)!).filter((t) => t.state === 'blocked');
  if (failed.length > 0) {
    lines.push(paint('red', paint('bold', `Failed (${failed.length}):`)));
    for (const t of failed) {
      const rb = t.rollback ? `; rollback ${t.rollback.state}` : '';
      const dur = t.durationMs === null ? '' : `, ${formatMs(t.durationMs)}`;
      lines.push(`  ${paint('red', '✗')} ${t.id}: ${t.reason ?? 'failed'} (${plural(t.attempts, 'attempt')}${dur}${rb})`);
    }
  }
  if (blocked.length > 0) {
    lines.push(paint('red', paint('bold', `Blocked (${blocked.length}), waiting for help:`)));
    for (const t of blocked) lines.push(`  ${paint('red', '⏸')} ${t.id}: ${t.reason ?? 'blocked'}`);
  }
  if (skipped.length > 0) lines.push(paint('yellow', `Skipped (${skipped.length}): `) + listIds(skipped.map((t) => t.id)));
  if (cancelled.length > 0) lines.push(paint('yellow', `Cancelled (${cancelled.length}): `) + listIds(cancelled.map((t) => t.id)));
  const esc = state.escalations;
  if (esc.warning + esc.error + esc.critical > 0) {
    lines.push(`Escalations: ${esc.critical} critical, ${esc.error} error, ${esc.warning} warning (files in ${'escalations/'} of the run directory)`);
  }
  let upToDate = 0;
  for (const t of state.tasks.values()) if (t.state === 'succeeded' && t.attempts === 0 && t.reason === 'up to date') upToDate++;
  const verdict = state.state === 'succeeded' ? paint('green', 'succeeded') : state.state === 'cancelled' ? paint('yellow', 'cancelled') : paint('red', 'failed');
  lines.push(
    `${paint('bold', `Run ${state.runId}`)} ${verdict} in ${formatMs(end - Date.parse(state.startedAt))}: ${c.succeeded} succeeded${upToDate > 0 ? ` (${upToDate} up to date)` : ''}, ${c.failed} failed, ${c.blocked > 0 ? `${c.blocked} blocked, ` : ''}${c.skipped} skipped, ${c.cancelled} cancelled (exit ${exitCode})`,
  );
  const firstBad = failed[0] ?? blocked[0] ?? cancelled[0];
  if (firstBad) {
    lines.push(paint('dim', `  logs:   aad logs ${state.runId} --task ${firstBad.id}`));
    lines.push(paint('dim', `  resume: aad resume ${state.runId}${failed.length + blocked.length > 0 ? '   (or --failed-only)' : ''}`));
  } else {
    lines.push(paint('dim', `  status: aad status ${state.runId}`));
  }
  return lines.join('\n');
}

/** A task id as a shell word (ids are plain; a child's `/` needs no quoting either). */
function shellWord(id: string): string {
  return /^[A-Za-z0-9_./:@%+,-]+$/.test(id) ? id : `'${id.replaceAll("'", "'\\''")}'`;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function listIds(ids: string[]): string {
  return ids.length <= 12 ? ids.join(', ') : `${ids.slice(0, 12).join(', ')}, … (${ids.length - 12} more)`;
}

// eslint-disable-next-line no-control-regex
const CONTROL = /[\x00-\x08\x0b-\x1a\x1c-\x1f\x7f]/g;

/** Keeps tabs, newlines and colours from the task; drops carriage returns and other controls that would break lines. */
/** An index at or before `at` where a UTF-8 character starts, in bytes held as latin1 characters. */
function utf8Boundary(bytes: string, at: number): number {
  for (let i = at; i > at - 4 && i > 0; i--) if ((bytes.charCodeAt(i) & 0xc0) !== 0x80) return i;
  return at;
}
