import { AadError, PlanInvalidError, refusedWrite } from '../errors.js';
import { formatPlanIssues } from '../report/plan-issues.js';
import { printErr } from '../report/print.js';
import { colorEnabled } from '../report/style.js';

/** Prints an error once and sets the exit code: its own for AadErrors, 2 for usage errors from citty, 1 (a bug) otherwise. */
export function reportError(err: unknown): void {
  if (err instanceof PlanInvalidError) {
    printErr(formatPlanIssues(err, colorEnabled(process.stderr)));
    process.exitCode = err.exitCode;
  } else if (err instanceof AadError) {
    printErr(`aad: ${err.message}`);
    process.exitCode = err.exitCode;
  } else if (unwrappedWrite(err)) {
    // A write the file system refused where no store wrapped it (creating the home, the run directory…).
    printErr(`aad: ${unwrappedWrite(err)!.message}`);
    process.exitCode = 1;
  } else if (err instanceof Error && err.name === 'CLIError') {
    printErr(`aad: ${stripAnsi(err.message)}\nSee \`aad --help\`.`);
    process.exitCode = 2;
  } else {
    const msg = err instanceof Error ? err.message : String(err);
    printErr(`aad: internal error: ${msg}`);
    if (process.env.AAD_DEBUG === '1' && err instanceof Error) printErr(err.stack ?? '');
    else printErr('(set AAD_DEBUG=1 to see the stack trace)');
    process.exitCode = 1;
  }
}

function stripAnsi(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/\x1b\[[0-9;]*m/g, '');
}

/** Calls that only write: their refusals are aad's I/O errors (a refused open or read may be a read's). */
const WRITING_CALLS = new Set(['mkdir', 'write', 'rename', 'unlink', 'fsync', 'copyfile', 'symlink', 'link']);
/** Whatever the call, these only happen to writes. */
const WRITE_ONLY_CODES = new Set(['ENOSPC', 'EROFS', 'EDQUOT', 'EFBIG']);

function unwrappedWrite(err: unknown) {
  const e = err as NodeJS.ErrnoException | null;
  if (!e || typeof e.code !== 'string' || (!WRITE_ONLY_CODES.has(e.code) && !WRITING_CALLS.has(e.syscall ?? ''))) return undefined;
  return refusedWrite(err);
}
