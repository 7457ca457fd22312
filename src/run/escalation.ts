import { readFileSync } from 'node:fs';
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

/** Runs the plan's on_escalation hook with the record on stdin; returns a problem to report, or undefined. */
export async function runEscalationHook(cmd: Cmd, record: EscalationRecord, cwd: string, env: Record<string, string | undefined>): Promise<string | undefined> {
  const [file, args] = cmd.kind === 'shell' ? ['/bin/sh', ['-c', cmd.script]] : [cmd.argv[0]!, cmd.argv.slice(1)];
  const r = await execCapture(file, args, { cwd, env, input: JSON.stringify(record) + '\n', timeoutMs: HOOK_TIMEOUT_MS });
  if (r.spawnError) return `on_escalation hook could not start: ${r.spawnError}`;
  if (r.timedOut) return `on_escalation hook timed out after ${HOOK_TIMEOUT_MS / 1000}s`;
  if (r.exitCode !== 0) return `on_escalation hook failed (${r.signal ? `killed by ${r.signal}` : `exit code ${r.exitCode}`})${r.stderr.trim() ? `: ${r.stderr.trim().split('\n').slice(-1)[0]}` : ''}`;
  return undefined;
}
