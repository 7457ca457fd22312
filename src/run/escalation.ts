import { appendFileSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Cmd } from '../plan/compile.js';
import { tailLines, writeFileAtomic } from '../store/files.js';
import type { EscalationLevel } from './events.js';
import { execCapture } from './exec.js';
import { maskText } from './mask.js';

/** An escalation record, as written to escalations/<task>.json and given to the hook. */
export interface EscalationRecord {
  task: string;
  level: EscalationLevel;
  reason: string;
  attempt: number | null;
  timestamp: string;
  log_tail: string[];
}

const HOOK_TIMEOUT_MS = 30_000;

/** Builds a record with the last 20 lines of the attempt's log, secrets masked. */
export function buildEscalation(
  fields: Omit<EscalationRecord, 'log_tail' | 'timestamp'>,
  logPath: string | undefined,
  now: number,
  secrets: readonly string[],
): EscalationRecord {
  const tail = logPath ? tailLines(logPath, 20) : [];
  return {
    ...fields,
    reason: maskText(fields.reason, secrets),
    timestamp: new Date(now).toISOString(),
    log_tail: tail.map((l) => maskText(l, secrets)),
  };
}

/** Appends a record to the task's escalation file (a JSON array, rewritten atomically). */
export function recordEscalation(path: string, record: EscalationRecord): void {
  let list: EscalationRecord[] = [];
  try {
    const parsed = JSON.parse(readFileSync(path, 'utf8')) as unknown;
    if (Array.isArray(parsed)) list = parsed as EscalationRecord[];
  } catch {
    /* first record, or an unreadable file that we replace */
  }
  list.push(record);
  writeFileAtomic(path, JSON.stringify(list, null, 2) + '\n');
}

/** Where the hook's output goes, and what to mask in it. */
export interface HookLog {
  path: string;
  secrets: readonly string[];
}

/**
 * Runs the plan's on_escalation hook with the record on stdin and appends its stdout and stderr to `log` (one
 * block per call, headed by the escalation it was for); returns a problem to report (naming the log), or undefined.
 */
export async function runEscalationHook(cmd: Cmd, record: EscalationRecord, cwd: string, env: Record<string, string | undefined>, log: HookLog): Promise<string | undefined> {
  const [file, args] = cmd.kind === 'shell' ? ['/bin/sh', ['-c', cmd.script]] : [cmd.argv[0]!, cmd.argv.slice(1)];
  const r = await execCapture(file, args, { cwd, env, input: JSON.stringify(record) + '\n', timeoutMs: HOOK_TIMEOUT_MS });
  const outcome = r.spawnError
    ? `could not start: ${r.spawnError}`
    : r.timedOut
      ? `timed out after ${HOOK_TIMEOUT_MS / 1000}s`
      : r.exitCode !== 0
        ? `failed (${r.signal ? `killed by ${r.signal}` : `exit code ${r.exitCode}`})`
        : 'exit code 0';
  const logged = appendHookLog(log, record, outcome, r.stdout, r.stderr);
  const where = logged === true ? `; its output: ${log.path}` : `; ${logged}`;
  if (r.spawnError || r.timedOut) return `on_escalation hook ${outcome}${where}`;
  if (r.exitCode !== 0) return `on_escalation hook ${outcome}${r.stderr.trim() ? `: ${r.stderr.trim().split('\n').slice(-1)[0]}` : ''}${where}`;
  return logged === true ? undefined : `on_escalation hook: ${logged}`;
}

/** Appends one block (in one write, so that hooks running at once do not interleave); true, or what went wrong. */
function appendHookLog(log: HookLog, record: EscalationRecord, outcome: string, stdout: string, stderr: string): true | string {
  const ended = (s: string) => (s === '' || s.endsWith('\n') ? s : s + '\n');
  const attempt = record.attempt === null ? '' : `, attempt ${record.attempt}`;
  const block =
    `── ${record.timestamp} on_escalation for ${record.task} (${record.level}${attempt}): ${outcome}\n` +
    ended(stdout) +
    (stderr === '' ? '' : `── stderr\n${ended(stderr)}`);
  try {
    mkdirSync(dirname(log.path), { recursive: true });
    appendFileSync(log.path, maskText(block, log.secrets));
    return true;
  } catch (err) {
    return `cannot write its output to ${log.path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`;
  }
}
