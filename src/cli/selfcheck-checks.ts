// The checks of `aad selfcheck`: each runs a built-in plan through the real CLI (selfcheck-child.ts) in a
// folder of its own and checks the exit code, `aad status --json`, the journal and the files the tasks left.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { formatMs } from '../graph/render.js';
import type { RunStatusJson, TaskStatusJson } from '../report/status.js';
import type { RunEvent } from '../run/events.js';
import { readEvents } from '../store/journal.js';
import { runPaths } from '../store/paths.js';
import { readProcStat } from '../store/proc.js';
import type { AadChild, AadResult } from './selfcheck-child.js';
import { CANCEL_PLAN, CHAIN_PLAN, DB_BEFORE, FAN_OUT_PLAN, FAN_OUT_WORKERS, FLAKY_RETRIES, RETRY_PLAN, ROLLBACK_PLAN } from './selfcheck-plans.js';

/** What a check is given: its folder, the home of the runs, and aad to call. */
export interface CheckContext {
  /** The check's own folder: its plan is written there, and its tasks run there. */
  dir: string;
  home: string;
  /** Runs `aad ...args --home HOME` in `dir` to its end. */
  aad(...args: string[]): Promise<AadResult>;
  /** Starts `aad ...args --home HOME` in `dir`. */
  start(...args: string[]): AadChild;
  /** A task process to SIGKILL when the selfcheck ends, should a failed check leave it alive. */
  track(pid: number): void;
}

/** A check that did not pass: its message is the line's detail. */
export class CheckFailed extends Error {}

function fail(message: string): never {
  throw new CheckFailed(message);
}

function must(ok: boolean, message: string): asserts ok {
  if (!ok) fail(message);
}

/** The line of a child's stderr that says what went wrong (aad's own `aad: …` line, else its last line). */
function whyOf(r: AadResult): string {
  const lines = r.stderr.split('\n').map((l) => l.trim()).filter((l) => l !== '');
  const line = lines.find((l) => l.startsWith('aad:')) ?? lines[lines.length - 1];
  return line === undefined ? '' : `: ${line.length > 300 ? `${line.slice(0, 300)}…` : line}`;
}

/** Fails unless the invocation `what` exited `want`. */
function expectExit(r: AadResult, want: number, what: string): void {
  if (r.timedOut) fail(`${what} did not end in time (killed)${whyOf(r)}`);
  if (r.code !== want) fail(`${what}: expected exit ${want}, got ${r.code ?? 'a kill'}${whyOf(r)}`);
}

/** The run id from the first line of what `aad run --json` printed. */
function runIdOf(stdout: string): string {
  const first = stdout.slice(0, Math.max(0, stdout.indexOf('\n')));
  try {
    const e = JSON.parse(first) as { event?: string; run_id?: string };
    if (e.event === 'run_started' && typeof e.run_id === 'string') return e.run_id;
  } catch {
    /* said below */
  }
  fail(`aad run --json did not begin with a run_started event (it printed ${JSON.stringify(first.slice(0, 120))})`);
}

async function statusOf(ctx: CheckContext, runId: string): Promise<RunStatusJson> {
  const r = await ctx.aad('status', runId, '--json');
  expectExit(r, 0, 'aad status');
  try {
    return JSON.parse(r.stdout) as RunStatusJson;
  } catch {
    fail(`aad status --json printed no JSON: ${JSON.stringify(r.stdout.slice(0, 120))}`);
  }
}

type TaskWant = Partial<Pick<TaskStatusJson, 'state' | 'attempts' | 'reason'>> & { rollback?: TaskStatusJson['rollback'] };

/** Fails, naming every field that differs, unless the status has the run state, exit code and task fields wanted. */
function expectStatus(s: RunStatusJson, want: { state: RunStatusJson['state']; exit_code: number; tasks: Record<string, TaskWant> }): void {
  const wrong: string[] = [];
  if (s.state !== want.state) wrong.push(`state is ${s.state}, expected ${want.state}`);
  if (s.exit_code !== want.exit_code) wrong.push(`exit_code is ${s.exit_code}, expected ${want.exit_code}`);
  for (const [id, fields] of Object.entries(want.tasks)) {
    const t = s.tasks.find((x) => x.id === id);
    if (!t) {
      wrong.push(`task ${id} is missing`);
      continue;
    }
    for (const [k, v] of Object.entries(fields)) {
      const got = (t as unknown as Record<string, unknown>)[k];
      if (JSON.stringify(got) !== JSON.stringify(v)) wrong.push(`task ${id}: ${k} is ${JSON.stringify(got)}, expected ${JSON.stringify(v)}`);
    }
  }
  if (wrong.length > 0) fail(`aad status: ${wrong.join('; ')}`);
}

function read(ctx: CheckContext, name: string): string {
  const f = path.join(ctx.dir, name);
  return existsSync(f) ? readFileSync(f, 'utf8') : '';
}

function lines(text: string): number {
  return text.split('\n').filter((l) => l !== '').length;
}

function runMs(s: RunStatusJson): number {
  return s.ended_at === null ? 0 : Date.parse(s.ended_at) - Date.parse(s.started_at);
}

const ENDS = new Set(['task_succeeded', 'task_failed', 'task_retrying', 'task_cancelled', 'task_blocked', 'task_decomposed']);

/** The most attempts the journal shows running at once (its order is the order things happened). */
export function mostAtOnce(events: readonly RunEvent[]): number {
  const running = new Set<string>();
  let most = 0;
  for (const e of events) {
    if (e.event === 'task_started') running.add(e.task);
    else if (ENDS.has(e.event)) running.delete((e as { task: string }).task);
    most = Math.max(most, running.size);
  }
  return most;
}

/** Waits until `name` in the check's folder holds a whole line (a pid), or the run `child` has ended. */
async function pidFile(ctx: CheckContext, name: string, child: AadChild, timeoutMs: number): Promise<number | undefined> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end && !child.exited()) {
    const text = read(ctx, name);
    if (text.endsWith('\n') && /^\d+$/.test(text.trim())) return Number(text.trim());
    await new Promise((r) => setTimeout(r, 25));
  }
  return undefined;
}

/** Whether a process is gone (a zombie is: it only waits to be reaped). */
function processGone(pid: number): boolean {
  const st = readProcStat(pid);
  if (st !== undefined) return st.state === 'Z' || st.state === 'X';
  if (process.platform === 'linux') return true;
  try {
    process.kill(pid, 0);
    return false;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

const OK1 = { state: 'succeeded', attempts: 1 } as const;

/** (a) A chain of three tasks: exit 0, every task succeeded once, each after the one it needs. */
export async function checkChain(ctx: CheckContext): Promise<string> {
  writeFileSync(path.join(ctx.dir, 'aad.yaml'), CHAIN_PLAN);
  const r = await ctx.aad('run', '--json', 'aad.yaml');
  expectExit(r, 0, 'aad run');
  const s = await statusOf(ctx, runIdOf(r.stdout));
  expectStatus(s, { state: 'succeeded', exit_code: 0, tasks: { one: OK1, two: OK1, three: OK1 } });
  const order = read(ctx, 'order.txt');
  must(order === 'one\ntwo\nthree\n', `the tasks did not run in order: order.txt holds ${JSON.stringify(order)}`);
  const t = (id: string) => s.tasks.find((x) => x.id === id)!;
  for (const [before, after] of [['one', 'two'], ['two', 'three']] as const) {
    must(Date.parse(t(after).started_at ?? '') >= Date.parse(t(before).ended_at ?? ''), `aad status: ${after} started before ${before} ended`);
  }
  return `3 tasks succeeded one after the other in ${formatMs(runMs(s))}`;
}

/** (b) A fan-out under --max-parallel 2: exit 0, all succeeded, and the journal shows exactly 2 at once at most. */
export async function checkFanOut(ctx: CheckContext): Promise<string> {
  writeFileSync(path.join(ctx.dir, 'aad.yaml'), FAN_OUT_PLAN);
  const r = await ctx.aad('run', '--json', '--max-parallel', '2', 'aad.yaml');
  expectExit(r, 0, 'aad run --max-parallel 2');
  const runId = runIdOf(r.stdout);
  const s = await statusOf(ctx, runId);
  const ids = ['prepare', ...FAN_OUT_WORKERS, 'gather'];
  expectStatus(s, { state: 'succeeded', exit_code: 0, tasks: Object.fromEntries(ids.map((id) => [id, OK1])) });
  const most = mostAtOnce(readEvents(runPaths(ctx.home, runId).events));
  must(most <= 2, `the journal shows ${most} tasks running at once under --max-parallel 2`);
  must(most === 2, `the journal shows at most ${most} task running at once: the ${FAN_OUT_WORKERS.length} workers never ran side by side under --max-parallel 2`);
  return `${ids.length} tasks succeeded, at most 2 at once (--max-parallel 2), in ${formatMs(runMs(s))}`;
}

/** (c) A task failing every attempt: exit 3, attempts = retries + 1, its dependent skipped. Returns the run id for (d). */
export async function checkRetry(ctx: CheckContext): Promise<{ detail: string; runId: string }> {
  writeFileSync(path.join(ctx.dir, 'aad.yaml'), RETRY_PLAN);
  const r = await ctx.aad('run', '--json', 'aad.yaml');
  expectExit(r, 3, 'aad run');
  const runId = runIdOf(r.stdout);
  const s = await statusOf(ctx, runId);
  const attempts = FLAKY_RETRIES + 1;
  expectStatus(s, { state: 'failed', exit_code: 3, tasks: { setup: OK1, flaky: { state: 'failed', attempts, reason: 'exit code 1' }, report: { state: 'skipped' } } });
  return { runId, detail: `flaky failed after ${attempts} attempts (retries: ${FLAKY_RETRIES}), its dependent skipped, exit 3` };
}

/** (d) The resume of (c) once its task can pass: exit 0, the failed and skipped tasks ran, the succeeded one did not. */
export async function checkResume(ctx: CheckContext, runId: string): Promise<string> {
  writeFileSync(path.join(ctx.dir, 'pass'), '');
  const r = await ctx.aad('resume', runId, '--json');
  expectExit(r, 0, 'aad resume');
  const s = await statusOf(ctx, runId);
  const attempts = FLAKY_RETRIES + 2;
  expectStatus(s, { state: 'succeeded', exit_code: 0, tasks: { setup: OK1, flaky: { state: 'succeeded', attempts }, report: OK1 } });
  const runs = lines(read(ctx, 'setup.count'));
  must(runs === 1, `setup, which had succeeded, ran ${runs} times: a resume must not run it again`);
  return `flaky succeeded on attempt ${attempts} and report ran; setup was not run again, exit 0`;
}

/** (e) A run cancelled by `aad cancel` from another process: exit 4, its tasks cancelled, their processes gone. */
export async function checkCancel(ctx: CheckContext): Promise<string> {
  writeFileSync(path.join(ctx.dir, 'aad.yaml'), CANCEL_PLAN);
  const run = ctx.start('run', '--json', 'aad.yaml');
  try {
    const shell = await pidFile(ctx, 'task.pid', run, 20_000);
    const child = Number(read(ctx, 'child.pid').trim()) || undefined;
    for (const pid of [shell, child]) if (pid !== undefined) ctx.track(pid);
    if (shell === undefined) {
      const r = run.exited() ? await run.done : undefined;
      fail(r ? `aad run ended before its task started (exit ${r.code ?? 'a kill'})${whyOf(r)}` : 'the task did not start within 20s');
    }
    for (let i = 0; i < 80 && !run.stdoutSoFar().includes('\n'); i++) await new Promise((r) => setTimeout(r, 25));
    const runId = runIdOf(run.stdoutSoFar());
    const c = await ctx.aad('cancel', runId);
    expectExit(c, 0, 'aad cancel');
    const r = await run.done;
    expectExit(r, 4, 'the cancelled aad run');
    const s = await statusOf(ctx, runId);
    expectStatus(s, { state: 'cancelled', exit_code: 4, tasks: { long: { state: 'cancelled' }, after: { state: 'cancelled' } } });
    const pids = [shell, ...(child === undefined ? [] : [child])];
    const alive = pids.filter((p) => !processGone(p));
    must(alive.length === 0, `task processes still alive after the run ended: ${alive.join(', ')}`);
    return `aad cancel stopped the run: exit 4, 2 tasks cancelled, their ${pids.length} processes gone`;
  } finally {
    // Still running when the check failed: cancelled as a user would (its runner stops its task), killed only if that hangs.
    await run.stop(10_000);
  }
}

/** (f) A task that fails for good with a `rollback:` command: exit 3, the rollback ran once and undid the change. */
export async function checkRollback(ctx: CheckContext): Promise<string> {
  writeFileSync(path.join(ctx.dir, 'aad.yaml'), ROLLBACK_PLAN);
  writeFileSync(path.join(ctx.dir, 'db.txt'), DB_BEFORE);
  writeFileSync(path.join(ctx.dir, 'db.orig'), DB_BEFORE);
  const r = await ctx.aad('run', '--json', 'aad.yaml');
  expectExit(r, 3, 'aad run');
  const s = await statusOf(ctx, runIdOf(r.stdout));
  expectStatus(s, { state: 'failed', exit_code: 3, tasks: { migrate: { state: 'failed', attempts: 2, rollback: { state: 'succeeded', exit_code: 0 } } } });
  const db = read(ctx, 'db.txt');
  must(db === DB_BEFORE, `the rollback did not restore db.txt: it holds ${JSON.stringify(db)}`);
  const n = lines(read(ctx, 'rollback.count'));
  must(n === 1, `the rollback ran ${n} times, expected once (after the last attempt)`);
  return 'migrate failed for good, its rollback ran once and restored db.txt, exit 3';
}
