// `aad selfcheck` drives this installation's own CLI (bin/aad.cjs under the running Node) as child
// processes, the way a user or a script would: nothing of the runner is loaded into the selfcheck itself.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { packageRoot } from './package-files.js';

/** What one aad invocation did. */
export interface AadResult {
  /** Exit code; null when it was killed. */
  code: number | null;
  stdout: string;
  stderr: string;
  /** Killed after its time limit. */
  timedOut: boolean;
}

/** A started aad invocation. */
export interface AadChild {
  pid: number | undefined;
  /** Whether it has exited. */
  exited(): boolean;
  /** What it has written to stdout so far. */
  stdoutSoFar(): string;
  done: Promise<AadResult>;
  /** SIGKILL, if it still runs. */
  kill(): void;
  /** SIGTERM, if it still runs: aad cancels its run. */
  terminate(): void;
  /** SIGTERM, then SIGKILL if it has not ended within `graceMs`; resolves once it has ended. */
  stop(graceMs: number): Promise<void>;
}

/** The package's bin/aad.cjs: the entry point a user runs. */
export function aadBin(): string {
  return fileURLToPath(new URL('bin/aad.cjs', packageRoot));
}

/**
 * The environment of the children: this one without aad's variables (AAD_HOME would not matter, every call
 * names its home, but the AAD_RUN_ID… of an aad task that runs the selfcheck must not leak into its runs);
 * AAD_DEBUG stays, so that an internal error of a child shows its stack.
 */
export function childEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('AAD_') || k === 'AAD_DEBUG') env[k] = v;
  return env;
}

/** Starts `aad ...args` in `cwd`; it is killed after `timeoutMs`. */
export function startAad(args: readonly string[], cwd: string, timeoutMs: number): AadChild {
  const child = spawn(process.execPath, [aadBin(), ...args], { cwd, env: childEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  let exited = false;
  let timedOut = false;
  child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
  const timer = setTimeout(() => {
    timedOut = true;
    child.kill('SIGKILL');
  }, timeoutMs);
  const done = new Promise<AadResult>((resolve) => {
    child.once('error', (e) => {
      clearTimeout(timer);
      exited = true;
      resolve({ code: null, stdout: out, stderr: `${err}cannot start ${process.execPath}: ${e.message}\n`, timedOut });
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      exited = true;
      resolve({ code, stdout: out, stderr: err, timedOut });
    });
  });
  return {
    pid: child.pid,
    exited: () => exited,
    stdoutSoFar: () => out,
    done,
    kill: () => {
      if (!exited) child.kill('SIGKILL');
    },
    terminate: () => {
      if (!exited) child.kill('SIGTERM');
    },
    stop: async (graceMs) => {
      if (exited) return;
      child.kill('SIGTERM');
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([done, new Promise((r) => (timer = setTimeout(r, graceMs)))]);
      clearTimeout(timer);
      if (!exited) child.kill('SIGKILL');
      await done;
    },
  };
}
