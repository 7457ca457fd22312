import { mkdirSync, mkdtempSync, realpathSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { IoError, UsageError, refusedWrite } from '../errors.js';
import { printErr, printOut } from '../report/print.js';
import { checkLine, selfcheckSummary, type CheckResult, type SelfcheckJson } from '../report/selfcheck.js';
import { colorEnabled, painter } from '../report/style.js';
import { signalAll } from '../store/proc.js';
import { startAad, type AadChild } from './selfcheck-child.js';
import { CheckFailed, checkCancel, checkChain, checkFanOut, checkResume, checkRetry, checkRollback, type CheckContext } from './selfcheck-checks.js';

/** Options of `aad selfcheck`. */
export interface SelfcheckArgs {
  home?: string;
  json: boolean;
  jsonOut?: string;
}

/** How long one aad invocation of a check may take before it is killed and the check fails. */
const CALL_LIMIT_MS = 20_000;

/**
 * `aad selfcheck`: runs the built-in plans (a chain, a fan-out, a failing retry and its resume, a cancel, a
 * rollback) through this installation's CLI, in a temporary folder, with the runs in `--home` or in a
 * temporary home; prints one line per check. Returns 0 when every check passed, else 1: a failed check
 * means aad did not do here what it promises, which aad's exit codes call "aad itself failed"; 4 when
 * cancelled (Ctrl-C, SIGTERM).
 */
export async function selfcheck(a: SelfcheckArgs): Promise<number> {
  const jsonOut = a.jsonOut === undefined ? undefined : path.resolve(a.jsonOut);
  if (jsonOut !== undefined) checkJsonOut(a.jsonOut!, jsonOut);
  if (a.home === '') throw new UsageError('--home: give a folder');
  const started = Date.now();
  let workdir: string;
  try {
    workdir = realpathSync(mkdtempSync(path.join(tmpdir(), 'aad-selfcheck-')));
  } catch (err) {
    throw refusedWrite(err, path.join(tmpdir(), 'aad-selfcheck-XXXXXX')) ?? err;
  }
  const home = a.home === undefined ? path.join(workdir, 'home') : path.resolve(a.home);
  const tracked: number[] = [];
  let cancelled = false;
  // The runs (`run`, `resume`) to cancel on a signal; other calls (status, cancel) end on their own at once.
  const runs = new Set<AadChild>();
  const spawnAad = (args: string[], dir: string): AadChild => {
    const child = startAad([...args, '--home', home], dir, CALL_LIMIT_MS);
    if (args[0] === 'run' || args[0] === 'resume') {
      runs.add(child);
      void child.done.then(() => runs.delete(child));
      // Once cancelled, a check that goes on starts nothing more that lives.
      if (cancelled) void cancelRun(child);
    }
    return child;
  };
  const contextOf = (name: string): CheckContext => {
    const dir = path.join(workdir, name);
    mkdirSync(dir);
    return {
      dir,
      home,
      aad: (...args) => spawnAad(args, dir).done,
      start: (...args) => spawnAad(args, dir),
      track: (pid) => tracked.push(pid),
    };
  };

  // Ctrl-C, SIGTERM, SIGHUP: the runs are cancelled (SIGTERM to each aad), the checks end, the folder goes,
  // exit 4 as for any cancel. A second signal kills them at once.
  const onSignal = () => {
    if (cancelled) {
      for (const c of runs) c.kill();
      signalAll(tracked, 'SIGKILL');
      return;
    }
    cancelled = true;
    for (const c of runs) void cancelRun(c);
  };
  const signals = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
  for (const sig of signals) process.on(sig, onSignal);

  // The checks run side by side (each in its own folder; runs may share a home); lines come out in this order.
  let results: CheckResult[];
  try {
    const retryCtx = contextOf('retry');
    const retry = step('retry', () => checkRetry(retryCtx));
    const resultOf = (p: Promise<{ result: CheckResult }>) => p.then((r) => r.result);
    const order: Promise<CheckResult>[] = [
      resultOf(step('chain', () => checkChain(contextOf('chain')))),
      resultOf(step('fan-out', () => checkFanOut(contextOf('fan-out')))),
      resultOf(retry),
      retry.then((r) => (r.runId === undefined ? notRun('resume', 'not run: the retry check failed') : resultOf(step('resume', () => checkResume(retryCtx, r.runId!))))),
      resultOf(step('cancel', () => checkCancel(contextOf('cancel')))),
      resultOf(step('rollback', () => checkRollback(contextOf('rollback')))),
    ];
    const paint = painter(colorEnabled(process.stdout));
    results = [];
    for (const p of order) {
      const r = await p;
      results.push(r);
      if (!a.json && !cancelled) printOut(checkLine(r, paint));
    }
  } finally {
    for (const sig of signals) process.off(sig, onSignal);
    // A check that failed may have left a task behind (a cancel that did not stop it).
    signalAll(tracked, 'SIGKILL');
  }
  if (cancelled) {
    rmSync(workdir, { recursive: true, force: true });
    printErr(`aad: selfcheck cancelled${a.home === undefined ? '' : ` (its runs are in ${home})`}`);
    return 4;
  }

  const ok = results.every((r) => r.ok);
  if (ok) rmSync(workdir, { recursive: true, force: true });
  const totalMs = Date.now() - started;
  const json: SelfcheckJson = { ok, checks: results, workdir: ok ? null : workdir };
  const summary = selfcheckSummary(results, totalMs, ok ? undefined : { workdir, home }, painter(colorEnabled(a.json ? process.stderr : process.stdout)));
  if (a.json) {
    printOut(JSON.stringify(json, null, 2));
    if (!ok) printErr(summary);
  } else printOut(summary);
  if (jsonOut !== undefined) {
    try {
      writeFileSync(jsonOut, JSON.stringify(json, null, 2) + '\n');
    } catch (err) {
      const e = err as NodeJS.ErrnoException;
      throw refusedWrite(err, jsonOut) ?? new IoError(jsonOut, e.code ?? 'EIO', e.message, { cause: err });
    }
  }
  return ok ? 0 : 1;
}

type Body<T> = () => Promise<T>;

/** Runs one check, timed; a failure of any kind is the check's result, never a crash of the selfcheck. */
async function step<T extends string | { detail: string; runId: string }>(name: string, body: Body<T>): Promise<{ result: CheckResult; runId?: string }> {
  const t0 = Date.now();
  try {
    const r = await body();
    const detail = typeof r === 'string' ? r : r.detail;
    return { result: { name, ok: true, ms: Date.now() - t0, detail }, runId: typeof r === 'string' ? undefined : r.runId };
  } catch (err) {
    const detail = err instanceof CheckFailed ? err.message : `the check itself failed: ${(err as Error).message ?? String(err)}`;
    return { result: { name, ok: false, ms: Date.now() - t0, detail } };
  }
}

/**
 * Cancels a run child as `aad cancel` would (SIGTERM), once it has printed its first event: before that, aad
 * may have made the run directory without listening for signals yet, and a SIGTERM would leave it damaged.
 */
async function cancelRun(child: AadChild): Promise<void> {
  while (!child.exited() && !child.stdoutSoFar().includes('\n')) await new Promise((r) => setTimeout(r, 25));
  child.terminate();
}

/** A check that could not run because the one it continues failed. */
function notRun(name: string, detail: string): CheckResult {
  return { name, ok: false, ms: 0, detail };
}

/** `--json-out FILE` must be writable where it is named: checked before the checks run, not after. */
function checkJsonOut(given: string, file: string): void {
  let st;
  try {
    st = statSync(path.dirname(file));
  } catch {
    throw new UsageError(`--json-out ${given}: no such folder ${path.dirname(file)}`);
  }
  if (!st.isDirectory()) throw new UsageError(`--json-out ${given}: ${path.dirname(file)} is not a folder`);
  try {
    if (statSync(file).isDirectory()) throw new UsageError(`--json-out ${given}: is a folder; give a file name`);
  } catch (err) {
    if (err instanceof UsageError) throw err;
  }
}
