// Drives the BUILT aad CLI (bin/aad.cjs, which loads the bundle dist/cli/aad.cjs) as a real child process, for end-to-end tests.
// Build first: `npx tsc -p tsconfig.json` (npm test does it).
import { spawn, type ChildProcess } from 'node:child_process';
import { readProcStat } from '../../src/store/proc.js';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { SECRET_NAME } from '../../src/run/mask.js';

/** The built entry point; AAD_E2E_MAIN may point at another build (one that a concurrent `tsc` is not rewriting). */
export const distMain = process.env.AAD_E2E_MAIN ?? fileURLToPath(new URL('../../bin/aad.cjs', import.meta.url));

/** What a CLI invocation did. */
export interface CliResult {
  /** Exit code; null when it was killed by a signal. */
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** Bytes written to stdout (all of them, also when `stdoutLimit` cut what is kept). */
  stdoutBytes: number;
  /** Wall time of the invocation. */
  ms: number;
}

export interface CliOptions {
  cwd: string;
  /** Added to (or, with undefined values, removed from) the clean base environment. */
  env?: Record<string, string | undefined>;
  /** Written to stdin, which is then closed (unless keepStdinOpen). Without either, stdin is /dev/null. */
  input?: string;
  /** Give the CLI a stdin pipe that stays open until it exits (after `input`, if any). */
  keepStdinOpen?: boolean;
  /** The invocation is killed (SIGKILL) after this long; the result then has signal SIGKILL. Default 25 s. */
  timeoutMs?: number;
  /** Keep at most this many bytes of stdout (the rest is only counted). Default: everything. */
  stdoutLimit?: number;
}

/**
 * The environment the CLI runs with: the test's own, without aad's variables, secret-looking names
 * (they would mask unrelated text) or forced colours, so that output is plain and deterministic.
 */
export function cleanEnv(extra: Record<string, string | undefined> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v === undefined || k.startsWith('AAD_') || SECRET_NAME.test(k) || k === 'FORCE_COLOR') continue;
    env[k] = v;
  }
  env.NO_COLOR = '1';
  for (const [k, v] of Object.entries(extra)) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  return env;
}

/** A started CLI process and the promise of its result. */
export interface CliProcess {
  child: ChildProcess;
  /** What it has written to stdout so far (up to `stdoutLimit`). */
  stdoutSoFar(): string;
  done: Promise<CliResult>;
}

/** Starts `aad ...args` without waiting for it. */
export function startCli(args: readonly string[], opts: CliOptions): CliProcess {
  const started = Date.now();
  const child = spawn(process.execPath, [distMain, ...args], {
    cwd: opts.cwd,
    env: cleanEnv(opts.env),
    stdio: [opts.input !== undefined || opts.keepStdinOpen ? 'pipe' : 'ignore', 'pipe', 'pipe'],
  });
  const limit = opts.stdoutLimit ?? Infinity;
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  let kept = 0;
  let stdoutBytes = 0;
  child.stdout!.on('data', (b: Buffer) => {
    stdoutBytes += b.length;
    if (kept < limit) {
      const part = b.subarray(0, Math.min(b.length, limit - kept));
      out.push(part);
      kept += part.length;
    }
  });
  child.stderr!.on('data', (b: Buffer) => err.push(b));
  if (child.stdin) {
    child.stdin.on('error', () => {
      /* the CLI may exit without reading its stdin */
    });
    if (opts.keepStdinOpen) {
      if (opts.input !== undefined) child.stdin.write(opts.input);
    } else if (opts.input !== undefined) child.stdin.end(opts.input);
  }
  const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 25_000);
  const done = new Promise<CliResult>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      child.stdin?.destroy();
      resolve({
        code,
        signal,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
        stdoutBytes,
        ms: Date.now() - started,
      });
    });
  });
  return { child, stdoutSoFar: () => Buffer.concat(out).toString('utf8'), done };
}

/** Runs `aad ...args` to the end. */
export function runCli(args: readonly string[], opts: CliOptions): Promise<CliResult> {
  return startCli(args, opts).done;
}

const tmpDirs: string[] = [];

/** A fresh temporary folder (real path: no symlinks, so it compares equal to what aad prints), removed after the test file (test/helpers/setup.ts). */
export function tmpDir(prefix = 'aad-e2e-'): string {
  const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), prefix)));
  tmpDirs.push(dir);
  return dir;
}

/** Removes the folders tmpDir made. */
export function removeTmpDirs(): void {
  for (const dir of tmpDirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
}

/** Writes `yaml` to `dir/name` (default aad.yaml) and returns its path. */
export function writePlan(dir: string, yaml: string, name = 'aad.yaml'): string {
  const file = path.join(dir, name);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, yaml);
  return file;
}

/** Every regular file under `dir`, as absolute paths. */
export function filesUnder(dir: string): string[] {
  const found: string[] = [];
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile()) found.push(p);
    }
  };
  if (fs.existsSync(dir)) walk(dir);
  return found.sort();
}

/** Polls `check` every `everyMs` until it returns a value other than undefined, or throws after `timeoutMs`. */
export async function waitFor<T>(what: string, check: () => T | undefined | Promise<T | undefined>, timeoutMs = 10_000, everyMs = 50): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** Whether a process is gone; a zombie counts as gone (PID 1 reaps slowly on these machines). */
export function processGone(pid: number): boolean {
  const st = readProcStat(pid);
  return st === undefined || st.state === 'Z';
}
