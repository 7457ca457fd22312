import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, closeSync, constants, openSync, statSync, statfsSync, writeSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { IoError, refusedWrite } from '../errors.js';
import type { Cmd } from '../plan/compile.js';
import { findTaskProcesses, groupMembers, procStartOf, signalAll, signalGroup } from '../store/proc.js';
import type { AttemptResult } from './decide.js';
import { Masker, maskText } from './mask.js';
import { readDataEvents, readPipeInPlace, type PipeReader } from './pipe-reader.js';
import type { Trip, Watchdog } from './watchdog.js';

/** What to run for one attempt (a task's or a rollback's). */
export interface SpawnRequest {
  cmd: Cmd;
  cwd: string;
  env: Record<string, string>;
  /** Log file of the attempt; output is appended, masked. */
  logPath: string;
  /** The log already opened for appending (the attempt then owns and closes it). */
  logFd?: number;
  timeoutMs?: number;
  killGraceMs: number;
  /** Secret values to mask in the log and in what onOutput receives. */
  secrets: readonly string[];
  /**
   * Receives the masked output as it arrives (the console); omit it when nobody reads it. The chunk is valid
   * only during the call (the next read reuses its memory). Returning false pauses reading until `onDrain` calls back.
   */
  onOutput?: (chunk: Buffer) => boolean | void;
  /** Calls back when the receiver of onOutput can take more. */
  onDrain?: (resume: () => void) => void;
  /** Run and task ids (and the attempt, where two attempts of a task may overlap: a worker) in the environment, to find processes that left the group (Linux). */
  ids?: { runId: string; taskId: string; attempt?: string };
  /** Watchdogs (`stall_timeout_sec`, `max_memory_mb`): the run's sampler and this attempt's limits. */
  watch?: { watchdog: Watchdog; stallMs?: number; maxMemoryBytes?: number; heartbeatPath: string };
  /** Told of the task before it is spawned (the remote backend sends it to a worker); the local backend ignores it. */
  task?: TaskRef;
}

/** The task an attempt belongs to, as the plan wrote it: what a worker on another machine needs. */
export interface TaskRef {
  id: string;
  attempt: number;
  /** The cwd as written in the plan (relative to the workdir unless absolute). */
  cwd: string;
  /** The task's own env (the plan's and its own), without aad's environment. */
  env: Record<string, string>;
  outputs: readonly string[];
  /** Runs on the runner's machine whatever the backend: `local: true`, isolated, `rollback`, `sources`. */
  local: boolean;
}

/** A running attempt. */
export interface TaskProcess {
  /** Process id of the group leader (= the group id); undefined if the spawn failed at once. */
  pid: number | undefined;
  procStart: string | undefined;
  done: Promise<AttemptDone>;
  /** Stops the attempt (cancel, fail-fast): SIGTERM to the group, SIGKILL after the grace. */
  stop(): void;
  /** SIGKILL to the group now (a second Ctrl-C). */
  kill(): void;
  /** Where the attempt runs when not here (a worker), once known; the remote backend sets it. */
  remote?: Promise<{ job: string; worker: string; pid: number } | undefined>;
}

/** How an attempt ended, for the runner. */
export type AttemptDone = AttemptResult & {
  killedHard: boolean;
  /** aad could not write the attempt's log (a full disk, a read-only one): aad's failure, not the task's. */
  ioError?: IoError;
  /** A remote attempt's outputs, sent back by its worker: collect them from here rather than from the task's cwd. */
  outputsDir?: string;
  /** A remote attempt's outputs that stayed on its worker (too large to send): where they are. */
  outputsNote?: string;
};

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
    fd = req.logFd ?? openSync(req.logPath, 'a');
  } catch (err) {
    return failedAtOnce(`cannot open log ${req.logPath}: ${(err as Error).message}`, started, refusedWrite(err, req.logPath));
  }
  const masker = new Masker(req.secrets);
  const direct = !masker.active && !req.onOutput;
  // Where the output goes straight to the log, a bad cwd is found when the spawn fails (one stat less per
  // attempt); through a pipe, the program is looked up first, and that needs the cwd.
  const cwdProblem = direct ? undefined : checkCwd(req.cwd);
  if (cwdProblem) return failedAtOnce(cwdProblem, started, noteAndClose(fd, req.logPath, `aad: ${maskText(cwdProblem, req.secrets)}\n`));
  const resolved = direct || req.cmd.kind === 'shell' ? undefined : resolveProgram(req.cmd.argv[0]!, req.env.PATH ?? '', req.cwd);
  if (resolved && !resolved.ok) return failedAtOnce(resolved.reason, started, noteAndClose(fd, req.logPath, `aad: spawn failed: ${maskText(resolved.reason, req.secrets)}\n`));
  const [file, args] = commandLine(req.cmd, !direct, resolved?.path);
  let child: ChildProcess;
  try {
    child = spawn(file, args, {
      cwd: req.cwd,
      env: req.env,
      detached: true,
      stdio: direct ? ['ignore', fd, fd] : ['ignore', 'pipe', 'pipe'],
    });
  } catch (err) {
    const reason = checkCwd(req.cwd);
    return failedAtOnce(reason ?? (err as Error).message, started, noteAndClose(fd, req.logPath, reason && `aad: ${maskText(reason, req.secrets)}\n`));
  }
  const pid = child.pid;

  let timedOut = false;
  let stopped = false;
  let killedHard = false;
  let stopping = false;
  let stopAt = 0;
  let timeoutTimer: NodeJS.Timeout | undefined;
  let graceTimer: NodeJS.Timeout | undefined;

  const escaped = () => (req.ids ? findTaskProcesses(req.ids.runId, req.ids.taskId, false, req.ids.attempt) : []);
  const terminate = () => {
    if (stopping || pid === undefined) return;
    stopping = true;
    stopAt = Date.now();
    signalGroup(pid, 'SIGTERM');
    signalAll(escaped(), 'SIGTERM');
    // SIGKILL after the grace even while the leader is still alive (it may ignore SIGTERM).
    graceTimer = setTimeout(() => {
      const left = [...groupMembers(pid), ...escaped()];
      if (left.length > 0) killedHard = true;
      signalGroup(pid, 'SIGKILL');
      signalAll(left, 'SIGKILL');
    }, req.killGraceMs);
    graceTimer.unref();
  };
  if (req.timeoutMs !== undefined && pid !== undefined) {
    timeoutTimer = setTimeout(() => {
      timedOut = true;
      terminate();
    }, req.timeoutMs);
  }
  /** What a watchdog stopped the attempt for (silent too long, too much memory). */
  let tripped: Trip | undefined;
  const w = req.watch;
  const unwatch =
    w && pid !== undefined
      ? w.watchdog.watch(
          { pgid: pid, runId: req.ids?.runId ?? '', taskId: req.ids?.taskId ?? '', logPath: req.logPath, heartbeatPath: w.heartbeatPath, startedMs: started, stallMs: w.stallMs, maxMemoryBytes: w.maxMemoryBytes },
          (trip) => {
            if (stopping) return;
            tripped = trip;
            terminate();
          },
        )
      : undefined;

  /** Set when the log could not be written: the attempt is stopped, and its output read on and dropped so that it can end. */
  let ioError: IoError | undefined;
  /** Appends to the log; false (the attempt then stopped) when the log refused it. */
  const toLog = (chunk: Buffer): boolean => {
    if (ioError) return false;
    try {
      // A write(2) cut short (the disk filling up) is continued: the next one gives the error.
      for (let n = writeSync(fd, chunk); n < chunk.length; ) n += writeSync(fd, chunk, n);
      return true;
    } catch (err) {
      ioError = refusedWrite(err, req.logPath) ?? new IoError(req.logPath, (err as NodeJS.ErrnoException).code ?? 'EIO', (err as Error).message);
      stopped = true;
      terminate();
      return false;
    }
  };
  const write = (chunk: Buffer): boolean => {
    if (chunk.length === 0 || !toLog(chunk)) return true;
    return req.onOutput?.(chunk) !== false;
  };
  /** The task's output pipes (stdout, and stderr for what the shell itself says before `exec 2>&1`). */
  let pipes: PipeReader[] = [];
  if (!direct) {
    let paused = false;
    const onData = (chunk: Buffer): boolean => {
      if (write(masker.push(chunk)) || paused || !req.onDrain) return true;
      // The console is congested: stop reading (the task then blocks on its full pipe) until it drains.
      paused = true;
      for (const p of pipes) p.pause();
      req.onDrain(() => {
        paused = false;
        for (const p of pipes) p.resume();
      });
      return false;
    };
    pipes = [child.stdout!, child.stderr!].map((s) => readPipeInPlace(s, onData) ?? readDataEvents(s, onData));
  }

  /**
   * No process of a task outlives it: once the leader is gone, what is left of its group (and, when
   * the task was stopped, what escaped the group) gets SIGTERM, then SIGKILL after the grace, and
   * the attempt ends only when they are gone. The usual case, an empty group, costs one kill(2).
   */
  const reapRest = async (): Promise<void> => {
    if (pid === undefined) return;
    const since = stopping ? stopAt : Date.now();
    if (!stopping && !signalGroup(pid, 'SIGTERM')) return;
    let killed = false;
    for (;;) {
      const members = groupMembers(pid);
      const esc = stopping ? escaped() : [];
      if (members.length === 0 && esc.length === 0) return;
      const late = Date.now() - since;
      if (!killed && late >= req.killGraceMs) {
        signalAll(members, 'SIGKILL');
        signalAll(esc, 'SIGKILL');
        killedHard = true;
        killed = true;
      } else if (killed && late >= req.killGraceMs + 2000) return; // unkillable (D state): do not hang the run
      await new Promise((r) => setTimeout(r, 25));
    }
  };

  const done = new Promise<AttemptDone>((resolve) => {
    let spawnError: string | undefined;
    /** A spawn that failed for its cwd is said so, as when it is found before spawning. */
    let badCwd = false;
    let exitCode: number | null = null;
    let signal: string | null = null;
    child.once('error', (err) => {
      const cwd = checkCwd(req.cwd);
      badCwd = cwd !== undefined;
      spawnError = cwd ?? describeSpawnError(err as NodeJS.ErrnoException, file);
    });
    child.once('exit', (code, sig) => {
      exitCode = code;
      signal = sig;
      if (!direct) {
        // Leftovers (in the group, or escaped with setsid) may hold our pipes: end them, and stop waiting after the grace.
        if (pid !== undefined && !stopping) signalGroup(pid, 'SIGTERM');
        const t = setTimeout(() => {
          if (pid !== undefined) signalGroup(pid, 'SIGKILL');
          signalAll(escaped(), 'SIGKILL');
          for (const p of pipes) p.destroy();
        }, req.killGraceMs + 500);
        t.unref();
        child.once('close', () => clearTimeout(t));
      }
    });
    child.once('close', () => {
      clearTimeout(timeoutTimer);
      unwatch?.();
      if (!direct) write(masker.flush());
      if (spawnError) toLog(Buffer.from(`aad: ${badCwd ? '' : 'spawn failed: '}${maskText(spawnError, req.secrets)}\n`));
      try {
        closeSync(fd);
      } catch (err) {
        ioError ??= refusedWrite(err, req.logPath);
      }
      // Written by the task itself, the log's write errors are the task's to see: one that failed on a full or
      // read-only disk did not fail of its own accord (checked only after a failure: nothing on the usual path).
      if (direct && !stopping && (exitCode !== 0 || signal !== null)) ioError ??= refusedLog(req.logPath);
      void reapRest().then(() => {
        // The group is gone: its id may be reused, so no late SIGKILL may reach it.
        clearTimeout(graceTimer);
        resolve({
          exitCode: spawnError ? null : exitCode,
          signal: spawnError ? null : signal,
          timedOut,
          spawnError,
          stopped: stopped && !timedOut,
          ...(tripped && !timedOut && !stopped ? { watchdog: tripped } : {}),
          durationMs: Date.now() - started,
          killedHard,
          ioError,
        });
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

/**
 * The program and arguments for a command. Read through a pipe, stderr is merged into stdout at the
 * source (`exec 2>&1`), so that the log keeps the exact order in which the task wrote them.
 */
function commandLine(cmd: Cmd, merge: boolean, program?: string): [string, string[]] {
  if (cmd.kind === 'shell') return ['/bin/sh', ['-c', merge ? `exec 2>&1; ${cmd.script}` : cmd.script]];
  if (merge) return ['/bin/sh', ['-c', 'exec 2>&1; exec "$@"', 'sh', program ?? cmd.argv[0]!, ...cmd.argv.slice(1)]];
  return [cmd.argv[0]!, cmd.argv.slice(1)];
}

/** Finds an argv's program as execvp would (PATH, or a path relative to the cwd), so that a missing one fails the same way with or without the merging shell. */
function resolveProgram(name: string, path: string, cwd: string): { ok: true; path: string } | { ok: false; reason: string } {
  const candidates = name.includes('/') ? [isAbsolute(name) ? name : join(cwd, name)] : path.split(':').map((dir) => join(dir || '.', name));
  let denied = false;
  for (const c of candidates) {
    try {
      accessSync(c, constants.X_OK);
      if (statSync(c).isFile()) return { ok: true, path: isAbsolute(c) ? c : join(cwd, c) };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EACCES') denied = true;
    }
  }
  return { ok: false, reason: denied ? `permission denied: ${name}` : `command not found: ${name}` };
}

/** An attempt that did not start (`reason`: its spawn error), with the I/O error that stopped it if any. */
export function failedAtOnce(reason: string, started: number, ioError?: IoError): TaskProcess {
  return {
    pid: undefined,
    procStart: undefined,
    done: Promise.resolve({ exitCode: null, signal: null, timedOut: false, spawnError: reason, stopped: false, durationMs: Date.now() - started, killedHard: false, ioError }),
    stop() {},
    kill() {},
  };
}

/** Writes aad's note on an attempt that did not start to its log, and closes it; the IoError if the log refused it. */
function noteAndClose(fd: number, logPath: string, note: string | undefined): IoError | undefined {
  try {
    if (note) writeSync(fd, note);
    return undefined;
  } catch (err) {
    return refusedWrite(err, logPath);
  } finally {
    closeSync(fd);
  }
}

/** Why the task could not write its log, if its file system is full or read-only now; undefined otherwise. */
function refusedLog(logPath: string): IoError | undefined {
  try {
    const fs = statfsSync(logPath);
    // root may write into the blocks reserved for it: the disk is full for it only when none is free at all.
    if ((process.getuid?.() === 0 ? fs.bfree : fs.bavail) === 0) return new IoError(logPath, 'ENOSPC', 'no space left on device');
    accessSync(logPath, constants.W_OK);
  } catch (err) {
    return refusedWrite(err, logPath);
  }
  return undefined;
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
