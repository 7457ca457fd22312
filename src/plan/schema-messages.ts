import type { ErrorObject } from 'ajv';
import type { DocPath } from './load.js';
import { didYouMean } from './suggest.js';

/** A schema error in words a person understands, with where it points. */
export interface SchemaProblem {
  path: DocPath;
  target: 'key' | 'value';
  message: string;
}

/** Turns ajv's errors (with `verbose`) into one problem each, in words; branch noise of `anyOf` is folded into one message. */
export function explainSchemaErrors(errors: readonly ErrorObject[]): SchemaProblem[] {
  const anyOfPaths = errors.filter((e) => e.keyword === 'anyOf').map((e) => e.schemaPath);
  const { promoted, replaced } = pickAnyOfBranches(errors);
  const out: SchemaProblem[] = [];
  const seen = new Set<string>();
  // An empty id or name also fails its pattern: "must not be empty" says it all.
  const empty = new Set(errors.filter((e) => e.keyword === 'minLength').map((e) => `${e.instancePath}|${e.propertyName ?? ''}`));
  for (const e of errors) {
    if (e.keyword === 'pattern' && empty.has(`${e.instancePath}|${e.propertyName ?? ''}`)) continue;
    // Errors inside the branches of an anyOf are summed up by the anyOf error itself, unless they say more.
    if (replaced.has(e)) continue;
    if (e.keyword !== 'anyOf' && !promoted.has(e) && anyOfPaths.some((p) => e.schemaPath.startsWith(p + '/'))) continue;
    if (e.keyword === 'propertyNames') continue; // its inner error (pattern/minLength on the name) says more
    const problem = explainOne(e);
    const key = `${problem.path.join('\0')}|${problem.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(problem);
  }
  return out;
}

/**
 * The anyOf errors better told by their branch's own errors: when the value has the type of exactly one branch
 * (a list for `cmd: [ls, {a: 1}]`) and that branch failed only on its items or on a maximum, those errors point
 * at the bad item (`cmd[1]`) or name the limit, where the anyOf would only say "not a list".
 */
function pickAnyOfBranches(errors: readonly ErrorObject[]): { promoted: Set<ErrorObject>; replaced: Set<ErrorObject> } {
  const promoted = new Set<ErrorObject>();
  const replaced = new Set<ErrorObject>();
  for (const a of errors) {
    if (a.keyword !== 'anyOf') continue;
    const inner = errors.filter(
      (e) => e !== a && e.schemaPath.startsWith(a.schemaPath + '/') && (e.instancePath === a.instancePath || e.instancePath.startsWith(a.instancePath + '/')),
    );
    const branchOf = (e: ErrorObject) => e.schemaPath.slice(a.schemaPath.length + 1).split('/')[0]!;
    const wrongType = new Set(inner.filter((e) => e.keyword === 'type' && e.schemaPath === `${a.schemaPath}/${branchOf(e)}/type`).map(branchOf));
    const matched = [...new Set(inner.map(branchOf))].filter((b) => !wrongType.has(b));
    if (matched.length !== 1) continue;
    const own = inner.filter((e) => branchOf(e) === matched[0]);
    if (own.every((e) => e.instancePath !== a.instancePath || e.keyword === 'maximum' || e.keyword === 'additionalProperties' || e.keyword === 'required')) {
      own.forEach((e) => promoted.add(e));
      replaced.add(a);
    }
  }
  return { promoted, replaced };
}

function explainOne(e: ErrorObject): SchemaProblem {
  const path = pointerToPath(e.instancePath);
  const last = path[path.length - 1];
  const got = describeValue(e.data);
  switch (e.keyword) {
    case 'additionalProperties': {
      const key = String((e.params as { additionalProperty: string }).additionalProperty);
      const allowed = Object.keys((e.parentSchema as { properties?: object } | undefined)?.properties ?? {});
      return { path: [...path, key], target: 'key', message: `unknown key "${key}"${didYouMean(key, allowed)}` };
    }
    case 'required': {
      const key = (e.params as { missingProperty: string }).missingProperty;
      return { path, target: 'value', message: `missing required key "${key}"` };
    }
    case 'type': {
      const t = String((e.params as { type: unknown }).type);
      if (typeof e.data === 'number' && !Number.isFinite(e.data)) return { path, target: 'value', message: `must be a finite number, not ${got}` };
      const want = t === 'integer' ? 'a whole number' : t === 'object' ? 'a mapping (key: value)' : t === 'array' ? 'a list' : orList(t.split(',').map(article));
      return { path, target: 'value', message: `must be ${want}, not ${got}${quoteHint(e.data, t)}` };
    }
    case 'anyOf':
      // Only a command accepts a string: quoting a number elsewhere would not help.
      return { path, target: 'value', message: `${anyOfWants(e.schemaPath, last)}, not ${got}${quoteHint(e.data, isCommand(e.schemaPath) ? 'string' : '')}` };
    case 'enum': {
      const allowed = (e.params as { allowedValues: unknown[] }).allowedValues.map((v) => JSON.stringify(v));
      return { path, target: 'value', message: `must be ${orList(allowed)}, not ${got}` };
    }
    case 'const':
      return { path, target: 'value', message: `must be ${JSON.stringify((e.params as { allowedValue: unknown }).allowedValue)}, not ${got}` };
    case 'minimum':
    case 'exclusiveMinimum': {
      const { comparison, limit } = e.params as { comparison: string; limit: number };
      return { path, target: 'value', message: `must be a number ${comparison} ${limit}, not ${got}` };
    }
    case 'maximum':
      return { path, target: 'value', message: `must be at most ${(e.params as { limit: number }).limit}, not ${got}` };
    case 'minItems':
      return { path, target: 'value', message: last === 'tasks' ? 'must list at least one task' : 'must not be an empty list' };
    case 'minLength':
      if (e.propertyName !== undefined) return { path: [...path, e.propertyName], target: 'key', message: 'a variable name may not be empty' };
      return { path, target: 'value', message: 'must not be empty' };
    case 'maxLength':
      return { path, target: 'value', message: `is longer than ${(e.params as { limit: number }).limit} characters` };
    case 'pattern': {
      if (e.propertyName !== undefined && e.schemaPath.includes('exit_codes')) {
        return { path: [...path, e.propertyName], target: 'key', message: `"${e.propertyName}" is not an exit code: use a whole number from 0 to 255` };
      }
      if (e.propertyName !== undefined) {
        const name = e.propertyName;
        const why = name.startsWith('AAD_') ? 'names starting with AAD_ are reserved for aad' : 'a variable name may not contain "="';
        return { path: [...path, name], target: 'key', message: `invalid environment variable name "${name}": ${why}` };
      }
      return { path, target: 'value', message: `${got} is not a valid task id: use 1 to 128 letters, digits, ".", "_" or "-", starting with a letter or digit` };
    }
    default:
      return { path, target: 'value', message: `${e.message ?? 'is invalid'}` };
  }
}

/** ajv inlines `$ref`s: `rollback` has its own copy of the command schema. */
function isCommand(schemaPath: string): boolean {
  return /\/(command|rollback)\/anyOf$/.test(schemaPath);
}

function anyOfWants(schemaPath: string, key: string | number | undefined): string {
  if (schemaPath.includes('retry_backoff_sec')) return 'must be a number >= 0, a non-empty list of numbers >= 0, or {initial, factor, max, jitter}';
  if (isCommand(schemaPath)) return 'must be a command: a non-empty string or a non-empty list of strings';
  return `${String(key ?? 'value')} does not match any allowed form`;
}

/** YAML reads `true`, `yes`-less `1.0`, `null` as non-strings: tell the user to quote. */
function quoteHint(data: unknown, wanted: string): string {
  if (!wanted.includes('string')) return '';
  if (typeof data === 'boolean' || typeof data === 'number') return ` (YAML reads it as a ${typeof data}: quote it, "${String(data)}")`;
  return '';
}

function orList(words: string[]): string {
  return words.length <= 1 ? (words[0] ?? '') : `${words.slice(0, -1).join(', ')} or ${words[words.length - 1]}`;
}

function article(t: string): string {
  return t === 'integer' ? 'a whole number' : t === 'object' ? 'a mapping' : t === 'array' ? 'a list' : `a ${t}`;
}

/** Short description of a value for error messages: `-5`, `"abc"`, `a list`, `nothing`. */
export function describeValue(v: unknown): string {
  if (v === null || v === undefined) return 'nothing';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? v.slice(0, 37) + '...' : v);
  return String(v);
}

function pointerToPath(pointer: string): (string | number)[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}
