/** A problem found in a plan, with its 1-based position in the file. */
export interface PlanIssue {
  /** Key path such as `tasks[2].timeout_sec`; empty for the whole document. */
  path: string;
  message: string;
  line: number;
  col: number;
  /** Length of the offending span on its line, for the `~~~` underline. */
  length?: number;
}

/** An error of the user's making (or of aad's surroundings) with a stable code and exit code. */
export abstract class AadError extends Error {
  abstract readonly code: `AAD_${string}`;
  abstract readonly exitCode: 1 | 2 | 3 | 4;
}

/** The plan file is not valid: every problem found, with positions. */
export class PlanInvalidError extends AadError {
  readonly code = 'AAD_PLAN_INVALID';
  readonly exitCode = 2;
  constructor(
    readonly file: string,
    readonly issues: PlanIssue[],
    readonly source?: string,
  ) {
    super(`${file}: ${issues.length} problem${issues.length === 1 ? '' : 's'}`);
  }
}

/** The plan file could not be read. */
export class PlanReadError extends AadError {
  readonly code = 'AAD_PLAN_UNREADABLE';
  readonly exitCode = 2;
  constructor(readonly file: string, reason: string, options?: { cause?: unknown }) {
    super(`cannot read plan ${file}: ${reason}`, options);
  }
}

/** Bad flags or arguments on the command line. */
export class UsageError extends AadError {
  readonly code = 'AAD_USAGE';
  readonly exitCode = 2;
}

/** A run id, task id or attempt that does not exist. */
export class NotFoundError extends AadError {
  readonly code = 'AAD_NOT_FOUND';
  readonly exitCode = 2;
}

/** The run is not in a state that allows the command (resume a running run, cancel a finished one…). */
export class RunStateError extends AadError {
  readonly code = 'AAD_RUN_STATE';
  readonly exitCode = 2;
}

/** A run directory aad cannot read as a run: no journal, no run_started, no plan copy. */
export class DamagedRunError extends AadError {
  readonly code = 'AAD_RUN_DAMAGED';
  readonly exitCode = 2;
  constructor(
    readonly runId: string,
    /** What is wrong, for people: `events.jsonl has no run_started event`. */
    readonly what: string,
    options?: { cause?: unknown },
  ) {
    super(`run ${runId}: damaged run directory: ${what}`, options);
  }
}

/** A write of aad's own (journal, attempt log, run directory, runner.json, escalation record) that the file system refused. */
export class IoError extends AadError {
  readonly code = 'AAD_IO';
  readonly exitCode = 1;
  constructor(
    readonly path: string,
    /** The errno code (ENOSPC, EROFS…). */
    readonly errno: string,
    words: string,
    options?: { cause?: unknown },
  ) {
    super(`cannot write ${path}: ${words}`, options);
  }
}

/** The errno codes that mean the file system refused a write, with the words strerror(3) gives them. */
const REFUSALS: Record<string, string> = {
  ENOSPC: 'no space left on device',
  EROFS: 'read-only file system',
  EDQUOT: 'disk quota exceeded',
  EIO: 'input/output error',
  EFBIG: 'file too large',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EMFILE: 'too many open files',
  ENFILE: 'too many open files in system',
};

/**
 * The IoError for an error of a write when the file system refused it (full, read-only, over quota, EIO,
 * permissions); undefined for anything else. The path is `path` when given (the file aad meant to write), else the error's own.
 */
export function refusedWrite(err: unknown, path?: string): IoError | undefined {
  if (err instanceof IoError) return err;
  const e = err as NodeJS.ErrnoException | null;
  const words = e && typeof e.code === 'string' ? REFUSALS[e.code] : undefined;
  const where = path ?? e?.path;
  if (!words || where === undefined) return undefined;
  return new IoError(where, e!.code!, words, { cause: err });
}

/** For exhaustive switches: fails to compile when a case is missing. */
export function unreachable(x: never): never {
  throw new Error(`unreachable: ${JSON.stringify(x)}`);
}
