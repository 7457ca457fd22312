
/** What a short helper command (git, a hook) did. */
export interface ExecResult {
  exitCode: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  /** Set when the command could not be started (not found, bad cwd). */
  spawnError?: string;
}

/** Options of execCapture. */
export interface ExecOptions {
  cwd: string;
  env?: Record<string, string | undefined>;
  input?: string;
  timeoutMs?: number;
}

/**
 * Runs a short helper command (git, the escalation hook) and captures its output; never throws for a
 * failing command. Task attempts do not go through here: see run/process.ts.
 */
export async function execCapture(file: string, args: readonly string[], opts: ExecOptions): Promise<ExecResult> {
  // Loaded at the first use: most runs need no git nor hook, and loading execa took ~9 ms of every run's start.
  const { execa } = await import('execa');
  const r = await execa(file, args, {
    cwd: opts.cwd,
    env: opts.env,
    extendEnv: opts.env === undefined,
    input: opts.input,
    stdin: opts.input === undefined ? 'ignore' : undefined,
    timeout: opts.timeoutMs,
    killSignal: 'SIGKILL',
    reject: false,
    stripFinalNewline: false,
    maxBuffer: 64 * 1024 * 1024,
  });
  const spawnError = r.failed && r.exitCode === undefined && !r.isTerminated && !r.timedOut ? (r.originalMessage ?? r.shortMessage) : undefined;
  return {
    exitCode: r.exitCode ?? null,
    signal: r.signal ?? null,
    stdout: String(r.stdout ?? ''),
    stderr: String(r.stderr ?? ''),
    timedOut: r.timedOut,
    spawnError,
  };
}
