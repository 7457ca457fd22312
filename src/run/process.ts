import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, statSync, writeSync } from 'node:fs';
import type { Cmd } from '../plan/compile.js';
import { findTaskProcesses, procStartOf, signalAll, signalGroup } from '../store/proc.js';
import type { AttemptResult } from './decide.js';
import { Masker } from './mask.js';

/** What to run for one attempt (a task's or a rollback's). */
export interface SpawnRequest {
  cmd: Cmd;
  cwd: string;
  env: Record<string, string>;
  /** Log file of the attempt; output is appended, masked. */
  logPath: string;
  timeoutMs?: number;
  killGraceMs: number;
  /** Secret values to mask in the log and in what onOutput receives. */
  secrets: readonly string[];
  /** Receives the masked output as it arrives (the console); omit it when nobody reads it. */
  onOutput?: (chunk: Buffer) => void;
  /** Called when a stopping group had to be SIGKILLed. */
  onKilled?: () => void;
  /** Run and task ids in the environment, to find processes that left the group (Linux). */
  ids?: { runId: string; taskId: string };
}

/** A running attempt. */
export interface TaskProcess {
  /** Process id of the group leader (= the group id); undefined if the spawn failed at once. */
  pid: number | undefined;
  procStart: string | undefined;
  done: Promise<AttemptResult & { killedHard: boolean }>;
  /** Stops the attempt (cancel, fail-fast): SIGTERM to the group, SIGKILL after the grace. */
  stop(): void;
  /** SIGKILL to the group now (a second Ctrl-C). */
  kill(): void;
}

/** The spawner the runner uses; tests may pass another. */
export type Spawner = (req: SpawnRequest) => TaskProcess;

/**
 * Spawns an attempt in its own process group with stdin closed, its output appended to its log.
 * Uses node:child_process rather than execa: this is the per-task hot path (see bench/).
 */
export const spawnTask: Spawner = (req) => {
  const started = Date.now();
  let fd: number;
  try {
    fd = openSync(req.logPath, 'a');
  } catch (err) {
    return failedAtOnce(`cannot open log ${req.logPath}: ${(err as Error).message}`, started);
  }
  const cwdProblem = checkCwd(req.cwd);
  if (cwdProblem) {
    writeSync(fd, `aad: ${cwdProblem}\n`);
    closeSync(fd);
    return failedAtOnce(cwdProblem, started);
  }
  const masker = new Masker(req.secrets);
  const direct = !masker.active && !req.onOutput;
  const [file, args] = req.cmd.kind === 'shell' ? ['/bin/sh', ['-c', req.cmd.script]] : [req.cmd.argv[0]!, req.cmd.argv.slice(1)];
  let child: ChildProcess;
  try {
    child = spawn(file, args, {
      cwd: req.cwd,
      env: req.env,
      detached: true,
      stdio: direct ? ['ignore', fd, fd] : ['ignore', 'pipe', 'pipe'],
    });
  } catch (err) {
    closeSync(fd);
    return failedAtOnce((err as Error).message, started);
  }
  const pid = child.pid;

  let timedOut = false;
  let stopped = false;
  let killedHard = false;
  let stopping = false;
  let graceTimer: NodeJS.Timeout | undefined;
  let timeoutTimer: NodeJS.Timeout | undefined;
  let exited = false;

  const escaped = () => (req.ids ? findTaskProcesses(req.ids.runId, req.ids.taskId) : []);
  const terminate = () => {
    if (stopping || pid === undefined) return;
    stopping = true;
    signalGroup(pid, 'SIGTERM');
    signalAll(escaped(), 'SIGTERM');
    graceTimer = setTimeout(() => {
      const left = escaped();
      const groupAlive = signalGroup(pid, 'SIGKILL');
      signalAll(left, 'SIGKILL');
      if ((groupAlive && !exited) || left.length > 0) {
        killedHard = true;
        req.onKilled?.();
      }
    }, req.killGraceMs);
    graceTimer.unref();
  };
  if (req.timeoutMs !== undefined && pid !== undefined) {
    timeoutTimer = setTimeout(() => {
      timedOut = true;
      terminate();
    }, req.timeoutMs);
  }

  const write = (chunk: Buffer) => {
    if (chunk.length === 0) return;
    writeSync(fd, chunk);
    req.onOutput?.(chunk);
  };
  if (!direct) {
    const onData = (chunk: Buffer) => write(masker.push(chunk));
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
  }

  const done = new Promise<AttemptResult & { killedHard: boolean }>((resolve) => {
    let spawnError: string | undefined;
    let exitCode: number | null = null;
    let signal: string | null = null;
    child.once('error', (err) => {
      spawnError = describeSpawnError(err as NodeJS.ErrnoException, file);
    });
    child.once('exit', (code, sig) => {
      exited = true;
      exitCode = code;
      signal = sig;
      // Leftover members of the group (background children) do not outlive their task.
      if (pid !== undefined && !stopping && signalGroup(pid, 'SIGTERM')) {
        const t = setTimeout(() => signalGroup(pid, 'SIGKILL'), req.killGraceMs);
        t.unref();
      }
      if (!direct) {
        // A process that left the group (setsid) may still hold our pipes: do not wait for it forever.
        const t = setTimeout(() => {
          signalAll(escaped(), 'SIGKILL');
          child.stdout?.destroy();
          child.stderr?.destroy();
        }, req.killGraceMs + 500);
        t.unref();
        child.once('close', () => clearTimeout(t));
      }
    });
    child.once('close', () => {
      clearTimeout(timeoutTimer);
      if (!stopping) clearTimeout(graceTimer);
      if (!direct) write(masker.flush());
      if (spawnError) writeSync(fd, `aad: spawn failed: ${spawnError}\n`);
      closeSync(fd);
      resolve({
        exitCode: spawnError ? null : exitCode,
        signal: spawnError ? null : signal,
        timedOut,
        spawnError,
        stopped: stopped && !timedOut,
        durationMs: Date.now() - started,
        killedHard,
      });
    });
  });

  return {
    pid,
    procStart: pid === undefined ? undefined : procStartOf(pid),
    done,
    stop() {
      stopped = true;
      terminate();
    },
    kill() {
      stopped = true;
      stopping = true;
      if (pid !== undefined) signalGroup(pid, 'SIGKILL');
      signalAll(escaped(), 'SIGKILL');
    },
  };
};

function failedAtOnce(reason: string, started: number): TaskProcess {
  return {
    pid: undefined,
    procStart: undefined,
    done: Promise.resolve({ exitCode: null, signal: null, timedOut: false, spawnError: reason, stopped: false, durationMs: Date.now() - started, killedHard: false }),
    stop() {},
    kill() {},
  };
}

function checkCwd(cwd: string): string | undefined {
  try {
    if (!statSync(cwd).isDirectory()) return `working directory is not a directory: ${cwd}`;
  } catch {
    return `working directory does not exist: ${cwd}`;
  }
  return undefined;
}

function describeSpawnError(err: NodeJS.ErrnoException, file: string): string {
  if (err.code === 'ENOENT') return `command not found: ${file}`;
  if (err.code === 'EACCES') return `permission denied: ${file}`;
  return err.message;
}
