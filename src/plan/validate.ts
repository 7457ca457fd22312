import type { ErrorObject } from 'ajv';
import { PlanInvalidError, type PlanIssue } from '../errors.js';
import { findCycles } from '../graph/dag.js';
import { formatPath, type DocPath, type LoadedDocument } from './load.js';
import { findTemplateErrors } from './interpolate.js';
import { explainSchemaErrors } from './schema-messages.js';
import { didYouMean } from './suggest.js';
import type { PlanInput } from './types.gen.js';
import { validate as validateSchema } from './validator.gen.js';

export type Problem = { path: DocPath; target?: 'key' | 'value'; message: string };

/** Checks a loaded document against the schema and the semantic rules; returns the plan or throws PlanInvalidError with every problem. */
export function validatePlan(doc: LoadedDocument): PlanInput {
  const problems = findProblems(doc.data);
  if (problems.length > 0) {
    const issues: PlanIssue[] = problems.map((p) => ({
      path: formatPath(p.path),
      message: p.message,
      ...doc.locate(p.path, p.target),
    }));
    issues.sort((a, b) => a.line - b.line || a.col - b.col);
    throw new PlanInvalidError(doc.file, issues, doc.source);
  }
  return doc.data as PlanInput;
}

/** A NUL character cannot pass into a command, a path or the environment. */
/** The plan data when it has no problem at all (so no positions are needed), else undefined. */
export function acceptPlanData(data: unknown): PlanInput | undefined {
  return findProblems(data).length === 0 ? (data as PlanInput) : undefined;
}

/** Every problem of the plan data: schema, semantics, NUL characters, malformed `${…}` in env values (unless `templates` is false: a child task's env is used as written). */
export function findProblems(data: unknown, opts: { templates?: boolean } = {}): Problem[] {
  const problems: Problem[] = [];
  if (data === null || data === undefined) {
    problems.push({ path: [], message: 'the plan is empty: it needs at least a "tasks" list' });
  } else if (!validateSchema(data)) {
    problems.push(...explainSchemaErrors((validateSchema as unknown as { errors: ErrorObject[] }).errors));
  }
  problems.push(...checkSemantics(data));
  problems.push(...findNul(data, []));
  if (opts.templates !== false) problems.push(...findTemplateErrors(data));
  return problems;
}

function findNul(v: unknown, path: (string | number)[]): Problem[] {
  if (typeof v === 'string') return v.includes('\0') ? [{ path, message: 'must not contain a NUL character (\\0)' }] : [];
  if (Array.isArray(v)) return v.flatMap((x, i) => findNul(x, [...path, i]));
  if (v && typeof v === 'object') {
    return Object.entries(v).flatMap(([k, x]) => [
      ...(k.includes('\0') ? [{ path: [...path, k], target: 'key' as const, message: 'a key must not contain a NUL character (\\0)' }] : []),
      ...findNul(x, [...path, k]),
    ]);
  }
  return [];
}

interface LooseTask {
  id?: unknown;
  depends_on?: unknown;
  outputs?: unknown;
  sources?: unknown;
  generates?: unknown;
  worktree_copy?: unknown;
  isolation?: unknown;
  rollback?: unknown;
  rollback_verify?: unknown;
  rollback_approval?: unknown;
  approval?: unknown;
  approval_timeout_sec?: unknown;
  max_memory_mb?: unknown;
}

/** Semantic rules the schema cannot express; tolerant of a document that also fails the schema. */
function checkSemantics(data: unknown): Problem[] {
  const problems: Problem[] = [];
  const tasks = (data as { tasks?: unknown } | null)?.tasks;
  if (!Array.isArray(tasks)) return problems;
  const list = tasks.map((t) => (t && typeof t === 'object' ? (t as LooseTask) : {}));
  const d = (data as { defaults?: unknown }).defaults;
  const defaults = d && typeof d === 'object' ? (d as LooseTask) : undefined;
  const idOf = (t: LooseTask) => (typeof t.id === 'string' ? t.id : undefined);

  const byLower = new Map<string, number>();
  list.forEach((t, i) => {
    const id = idOf(t);
    if (id === undefined) return;
    const first = byLower.get(id.toLowerCase());
    if (first === undefined) byLower.set(id.toLowerCase(), i);
    else {
      const other = idOf(list[first]!)!;
      const same = other === id ? '' : ` ("${other}", ignoring case)`;
      problems.push({ path: ['tasks', i, 'id'], message: `duplicate task id "${id}": tasks[${first}] has it already${same}` });
    }
  });

  const ids = list.map(idOf).filter((x): x is string => x !== undefined);
  const indexOf = new Map<string, number>();
  list.forEach((t, i) => {
    const id = idOf(t);
    if (id !== undefined && !indexOf.has(id)) indexOf.set(id, i);
  });
  const deps: number[][] = list.map(() => []);
  list.forEach((t, i) => {
    const ds = Array.isArray(t.depends_on) ? t.depends_on : [];
    ds.forEach((d, j) => {
      if (typeof d !== 'string') return;
      const path = ['tasks', i, 'depends_on', j];
      if (d === idOf(t)) problems.push({ path, message: `task "${d}" depends on itself` });
      else if (!indexOf.has(d)) {
        const caseHint = ids.find((x) => x.toLowerCase() === d.toLowerCase());
        const hint = caseHint ? ` (did you mean "${caseHint}"? ids are matched exactly)` : didYouMean(d, ids);
        problems.push({ path, message: `unknown task "${d}" in depends_on${hint}` });
      } else deps[i]!.push(indexOf.get(d)!);
    });
  });

  const dag = { ids: list.map((t, i) => idOf(t) ?? `tasks[${i}]`), deps };
  for (const cycle of findCycles(dag)) {
    if (cycle.length === 2) continue; // a self-dependency, reported above
    const at = indexOf.get(cycle[0]!)!;
    problems.push({ path: ['tasks', at, 'depends_on'], message: `dependency cycle: ${cycle.join(' → ')}` });
  }

  list.forEach((t, i) => {
    for (const [key, what] of [['outputs', 'output'], ['sources', 'source'], ['generates', 'generates']] as const) {
      const globs = t[key];
      if (!Array.isArray(globs)) continue;
      globs.forEach((p, j) => {
        if (typeof p === 'string' && escapesCwd(p)) {
          problems.push({ path: ['tasks', i, key, j], message: `${what} pattern "${p}" points outside the task's cwd: use a path relative to it, without ".."` });
        }
      });
    }
    if (t.sources !== undefined && (t.isolation ?? defaults?.isolation) === 'worktree') {
      problems.push({ path: ['tasks', i, 'sources'], message: 'sources is not for a task with `isolation: worktree`: it runs in a fresh worktree each run, so nothing it made is there to be up to date; remove one of them' });
    }
    if (t.generates !== undefined && t.sources === undefined) {
      problems.push({ path: ['tasks', i, 'generates'], message: 'generates is checked only for a task with `sources` (what it reads decides whether it is up to date): add `sources`, or remove it' });
    }
    checkCopy(t.worktree_copy, ['tasks', i, 'worktree_copy'], problems);
    const isolation = t.isolation ?? defaults?.isolation;
    if (t.worktree_copy !== undefined && isolation !== 'worktree') {
      problems.push({ path: ['tasks', i, 'worktree_copy'], message: 'worktree_copy is only for a task with `isolation: worktree` (its files are copied into the worktree): set `isolation: worktree`, or remove it' });
    }
  });
  checkCopy(defaults?.worktree_copy, ['defaults', 'worktree_copy'], problems);
  list.forEach((t, i) => checkGates(t, defaults, ['tasks', i], problems));
  checkMemory(defaults, ['defaults'], problems);
  return problems;
}

/** Keys that do nothing without another: a rollback's verify and approval, an approval's timeout; max_memory_mb off Linux. */
function checkGates(t: LooseTask, defaults: LooseTask | undefined, at: (string | number)[], problems: Problem[]): void {
  const rollback = t.rollback ?? defaults?.rollback;
  for (const key of ['rollback_verify', 'rollback_approval'] as const) {
    if (t[key] !== undefined && t[key] !== false && rollback === undefined) {
      problems.push({ path: [...at, key], target: 'key', message: `${key} is for a task with a rollback: set \`rollback\` (a command, or git), or remove ${key}` });
    }
  }
  const gated = (t.approval ?? defaults?.approval ?? false) !== false || (t.rollback_approval ?? defaults?.rollback_approval) === true;
  if (t.approval_timeout_sec !== undefined && !gated) {
    problems.push({ path: [...at, 'approval_timeout_sec'], target: 'key', message: 'approval_timeout_sec is for a task that waits for an approval: set `approval` or `rollback_approval`, or remove it' });
  }
  checkMemory(t, at, problems);
}

function checkMemory(t: LooseTask | undefined, at: (string | number)[], problems: Problem[]): void {
  if (t?.max_memory_mb === undefined || process.platform === 'linux') return;
  problems.push({ path: [...at, 'max_memory_mb'], target: 'key', message: `max_memory_mb needs Linux (aad reads the processes' memory from /proc); this machine runs ${process.platform}: remove it, or run the plan on Linux` });
}

function checkCopy(patterns: unknown, at: (string | number)[], problems: Problem[]): void {
  if (!Array.isArray(patterns)) return;
  patterns.forEach((p, j) => {
    if (typeof p === 'string' && escapesCwd(p)) {
      problems.push({ path: [...at, j], message: `worktree_copy pattern "${p}" points outside the work tree: use a path relative to its top level, without ".."` });
    }
  });
}

/** Whether a glob could match outside the folder it is relative to. */
export function escapesCwd(pattern: string): boolean {
  const p = pattern.replace(/\\/g, '/');
  if (p.startsWith('/') || p.startsWith('~')) return true;
  let depth = 0;
  for (const seg of p.split('/')) {
    if (seg === '..') depth--;
    else if (seg !== '.' && seg !== '') depth++;
    if (depth < 0) return true;
  }
  return false;
}
