import { mkdirSync, readFileSync, readdirSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RunPaths } from './paths.js';

/**
 * A person's answer to an approval, from another terminal (`aad approve`, `aad reject`). It is written as a
 * file in the run directory's `requests/` and the runner is signalled; the runner alone records it in the
 * journal (task_approved / task_rejected) and then removes the file. A request left while the runner was
 * dead is recorded by the next `resume`.
 */
export interface ApprovalRequest {
  action: 'approve' | 'reject';
  task: string;
  by: string;
  reason?: string;
  /** The answer is for the task's rollback (`rollback_approval`), not for its start. */
  rollback?: boolean;
  /** When it was asked (ISO time). */
  at: string;
}

/** A request as found in the folder: its file (to remove once recorded) and what it asks. */
export interface FoundRequest {
  file: string;
  request: ApprovalRequest;
}

/**
 * Writes a request where the runner looks for it: a temporary name first, renamed once complete, so the
 * runner never reads half a request. The name sorts by time, so requests are taken in the order given.
 */
export function writeRequest(paths: RunPaths, request: ApprovalRequest): string {
  mkdirSync(paths.requestsDir, { recursive: true });
  const name = `${Date.now().toString().padStart(15, '0')}-${process.pid}-${Math.random().toString(36).slice(2, 8)}.json`;
  const tmp = join(paths.requestsDir, `.${name}.tmp`);
  writeFileSync(tmp, JSON.stringify(request) + '\n');
  const file = join(paths.requestsDir, name);
  renameSync(tmp, file);
  return file;
}

/** The requests waiting in the run directory, oldest first; a file that is not a request is skipped (and left). */
export function readRequests(paths: RunPaths): FoundRequest[] {
  let names: string[];
  try {
    names = readdirSync(paths.requestsDir);
  } catch {
    return [];
  }
  const out: FoundRequest[] = [];
  for (const name of names.filter((n) => n.endsWith('.json') && !n.startsWith('.')).sort()) {
    const file = join(paths.requestsDir, name);
    try {
      const r = JSON.parse(readFileSync(file, 'utf8')) as Partial<ApprovalRequest>;
      if ((r.action === 'approve' || r.action === 'reject') && typeof r.task === 'string' && typeof r.by === 'string') {
        out.push({ file, request: { action: r.action, task: r.task, by: r.by, at: String(r.at ?? ''), ...(typeof r.reason === 'string' ? { reason: r.reason } : {}), ...(r.rollback === true ? { rollback: true } : {}) } });
      }
    } catch {
      /* removed meanwhile, or not ours */
    }
  }
  return out;
}

/** Removes a request once recorded (already gone is fine). */
export function dropRequest(file: string): void {
  try {
    unlinkSync(file);
  } catch {
    /* gone */
  }
}
