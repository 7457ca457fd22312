import { PlanInvalidError } from '../errors.js';
import type { Outcome } from './compile.js';
import { formatPath, parsePlanText, type DocPath } from './load.js';
import { didYouMean } from './suggest.js';
import type { Defaults, TaskInput } from './types.gen.js';
import { findProblems } from './validate.js';

/** What an attempt wrote in its `$AAD_OUTCOME` file (every key optional). */
export interface OutcomeReport {
  outcome?: Outcome;
  reason?: string;
  retryAfterSec?: number;
  /** Child tasks as the task wrote them (short ids), checked against the plan's schema and rules. */
  children?: TaskInput[];
}

/** The outcome file read: a report (empty when there was no file or it was empty), or what is wrong with it. */
export type OutcomeRead = { ok: true; report: OutcomeReport } | { ok: false; problem: string };

/** The largest outcome file aad reads (a bigger one fails the attempt, saying so). */
export const MAX_OUTCOME_BYTES = 64 * 1024 * 1024;

const KEYS = ['outcome', 'reason', 'retry_after_sec', 'children'];
const OUTCOMES = new Set<string>(['success', 'failure', 'blocked']);
/** The problems listed in a reason at most (the rest are counted). */
const MAX_LISTED = 20;

/**
 * Reads an outcome file's text (`file` names it in messages): absent or blank means "use the exit code"; JSON
 * that breaks the shape gives every problem with its line and column, children included: each child is
 * checked as a task of a plan whose `defaults` are the parent's inherited keys (the plan's own validator).
 */
export function readOutcome(text: string | undefined, file: string, inherit: Defaults): OutcomeRead {
  if (text === undefined || text.trim() === '') return { ok: true, report: {} };
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    return { ok: false, problem: `${file}: not valid JSON: ${jsonError(err as Error, text)}` };
  }
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    return { ok: false, problem: `${file}: must hold a JSON object like {"outcome": "success"}, not ${Array.isArray(data) ? 'a list' : data === null ? 'null' : `a ${typeof data}`}` };
  }
  const o = data as Record<string, unknown>;
  const problems: { path: DocPath; target?: 'key' | 'value'; message: string }[] = [];
  for (const k of Object.keys(o)) if (!KEYS.includes(k)) problems.push({ path: [k], target: 'key', message: `unknown key "${k}"${didYouMean(k, KEYS)} (an outcome file has ${KEYS.join(', ')})` });
  if (o.outcome !== undefined && (typeof o.outcome !== 'string' || !OUTCOMES.has(o.outcome))) problems.push({ path: ['outcome'], message: `must be "success", "failure" or "blocked", not ${JSON.stringify(o.outcome)}` });
  if (o.reason !== undefined && typeof o.reason !== 'string') problems.push({ path: ['reason'], message: `must be a string, not ${JSON.stringify(o.reason)}` });
  if (o.retry_after_sec !== undefined && (typeof o.retry_after_sec !== 'number' || !(o.retry_after_sec >= 0))) {
    problems.push({ path: ['retry_after_sec'], message: `must be a number of seconds >= 0, not ${JSON.stringify(o.retry_after_sec)}` });
  }
  let children: TaskInput[] | undefined;
  if (o.children !== undefined) {
    if (!Array.isArray(o.children)) problems.push({ path: ['children'], message: 'must be a list of tasks' });
    else if (o.children.length > 0) {
      for (const p of findProblems({ defaults: inherit, tasks: o.children }, { templates: false })) {
        if (p.path[0] !== 'tasks') continue; // the inherited keys passed as defaults were the plan's own
        problems.push({ path: ['children', ...p.path.slice(1)], target: p.target, message: p.message.replace(/\btasks\[/g, 'children[') });
      }
      children = o.children as TaskInput[];
    }
  }
  if (problems.length > 0) return { ok: false, problem: describe(problems, text, file) };
  const report: OutcomeReport = {};
  if (o.outcome !== undefined) report.outcome = o.outcome as Outcome;
  if (o.reason !== undefined) report.reason = o.reason as string;
  if (o.retry_after_sec !== undefined) report.retryAfterSec = o.retry_after_sec as number;
  if (children) report.children = children;
  return { ok: true, report };
}

/** Every problem as `file:line:col: path: message`, in the file's order (positions found only now: a valid file is never parsed twice). */
function describe(problems: { path: DocPath; target?: 'key' | 'value'; message: string }[], text: string, file: string): string {
  let locate: ((path: DocPath, target?: 'key' | 'value') => { line: number; col: number }) | undefined;
  try {
    locate = parsePlanText(text, file).locate;
  } catch (err) {
    if (!(err instanceof PlanInvalidError)) throw err;
  }
  const placed = problems.map((p) => ({ ...p, at: locate?.(p.path, p.target) ?? { line: 1, col: 1 } }));
  placed.sort((a, b) => a.at.line - b.at.line || a.at.col - b.at.col);
  const listed = placed.slice(0, MAX_LISTED).map((p) => `${file}:${p.at.line}:${p.at.col}: ${formatPath(p.path)}: ${p.message}`);
  if (placed.length > MAX_LISTED) listed.push(`and ${placed.length - MAX_LISTED} more problem(s)`);
  return `invalid outcome file: ${listed.join('; ')}`;
}

/** JSON.parse's message with a line and column instead of an offset. */
function jsonError(err: Error, text: string): string {
  const m = /at position (\d+)/.exec(err.message);
  if (!m) return err.message;
  const offset = Number(m[1]);
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  const col = offset - before.lastIndexOf('\n');
  return `${err.message.replace(/ in JSON at position \d+.*$/, '')} at line ${line}, column ${col}`;
}

/** The children as journaled: ids `<parent>/<id>`, and sibling dependencies by those ids. */
export function qualifyChildren(parent: string, children: readonly TaskInput[]): TaskInput[] {
  return children.map((c) => ({
    ...c,
    id: `${parent}/${c.id}`,
    ...(c.depends_on ? { depends_on: c.depends_on.map((d) => `${parent}/${d}`) } : {}),
  }));
}
