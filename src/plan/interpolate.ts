import type { DocPath } from './load.js';
import type { PlanInput } from './types.gen.js';

/** An environment to read variables from (aad's own, passed in: this module stays pure). */
export type EnvSource = Readonly<Record<string, string | undefined>>;

/** A `${NAME}` with no default whose variable is unset. */
export interface UnsetVariable {
  /** Where the value is: `tasks[3].env.DEPLOY_TOKEN` or `defaults.env.X`. */
  path: DocPath;
  /** The reference as written: `${MYTOK}`. */
  ref: string;
  /** Ids of the tasks whose environment gets this value (a `defaults.env` value reaches the tasks that do not set the key). */
  tasks: string[];
}

/** The plan with its `env` values interpolated, and what that needed. */
export interface InterpolatedPlan {
  input: PlanInput;
  /** Every variable read, with the value it gave (its default when unset or empty): a secret-looking name makes it a secret. */
  used: Record<string, string>;
  unset: UnsetVariable[];
}

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

type Piece = { text: string } | { name: string; fallback?: string; ref: string };

/**
 * Splits an `env` value into literal text and `${NAME}` / `${NAME:-default}` references (`$$` is a literal `$`;
 * any other `$` is kept as written), or returns what is wrong with a malformed `${`.
 */
export function parseTemplate(value: string): Piece[] | { error: string } {
  const pieces: Piece[] = [];
  let text = '';
  for (let i = 0; i < value.length; i++) {
    const c = value[i];
    if (c !== '$' || (value[i + 1] !== '$' && value[i + 1] !== '{')) {
      text += c;
      continue;
    }
    if (value[i + 1] === '$') {
      text += '$';
      i++;
      continue;
    }
    const end = value.indexOf('}', i + 2);
    if (end === -1) return { error: `"${value.slice(i, i + 20)}" has no closing "}" (write "$$" for a literal "$")` };
    const ref = value.slice(i, end + 1);
    const inner = value.slice(i + 2, end);
    const sep = inner.indexOf(':-');
    const name = sep === -1 ? inner : inner.slice(0, sep);
    if (!NAME.test(name)) {
      return { error: `"${ref}" is not a variable reference: write \${NAME} or \${NAME:-default}, NAME made of letters, digits and "_" (write "$$" for a literal "$")` };
    }
    if (text) pieces.push({ text });
    text = '';
    pieces.push(sep === -1 ? { name, ref } : { name, fallback: inner.slice(sep + 2), ref });
    i = end;
  }
  if (text || pieces.length === 0) pieces.push({ text });
  return pieces;
}

/** What is wrong with the `${…}` syntax of every `env` value of the plan data, by path (for validation). */
export function findTemplateErrors(data: unknown): { path: DocPath; message: string }[] {
  const out: { path: DocPath; message: string }[] = [];
  for (const { path, value } of envValues(data)) {
    const parsed = parseTemplate(value);
    if ('error' in parsed) out.push({ path, message: parsed.error });
  }
  return out;
}

/**
 * Replaces `${NAME}` and `${NAME:-default}` in the `env` values of a valid plan (tasks and `defaults`) from `env`:
 * a default applies when the variable is unset or empty, as in sh; an unset variable without a default is listed
 * in `unset` (and left as written). `cmd` and every other key are left alone.
 */
export function interpolatePlan(input: PlanInput, env: EnvSource): InterpolatedPlan {
  const used: Record<string, string> = {};
  const unset: UnsetVariable[] = [];
  const fill = (vars: Record<string, string | number | boolean> | undefined, path: DocPath, tasks: () => string[]) => {
    if (!vars) return vars;
    const out: Record<string, string | number | boolean> = {};
    for (const [k, v] of Object.entries(vars)) {
      out[k] = v;
      if (typeof v !== 'string') continue;
      const pieces = parseTemplate(v);
      if ('error' in pieces) continue; // validation refused it already
      let s = '';
      let complete = true;
      for (const p of pieces) {
        if ('text' in p) s += p.text;
        else {
          const got = env[p.name];
          const value = got === undefined || (got === '' && p.fallback !== undefined) ? p.fallback : got;
          if (value === undefined) {
            unset.push({ path: [...path, k], ref: p.ref, tasks: tasks() });
            complete = false;
          } else {
            used[p.name] = value;
            s += value;
          }
        }
      }
      if (complete) out[k] = s;
    }
    return out;
  };
  const defaults = input.defaults?.env === undefined ? input.defaults : { ...input.defaults, env: fill(input.defaults.env, ['defaults', 'env'], () => []) };
  // A default's unset variable matters only to the tasks that do not set the key themselves.
  for (const u of unset) {
    const key = String(u.path[u.path.length - 1]);
    u.tasks = input.tasks.filter((t) => t.env?.[key] === undefined).map((t) => t.id);
  }
  const tasks = input.tasks.map((t, i) => (t.env === undefined ? t : { ...t, env: fill(t.env, ['tasks', i, 'env'], () => [t.id]) }));
  return { input: { ...input, ...(defaults ? { defaults } : {}), tasks: tasks as PlanInput['tasks'] }, used, unset };
}

/** The message for an unset variable: `${MYTOK} is not set`. */
export function describeUnset(u: UnsetVariable): string {
  return `${u.ref} is not set`;
}

function* envValues(data: unknown): Generator<{ path: DocPath; value: string }> {
  const d = data as { defaults?: { env?: unknown }; tasks?: unknown } | null;
  const fromEnv = function* (env: unknown, path: DocPath) {
    if (!env || typeof env !== 'object' || Array.isArray(env)) return;
    for (const [k, v] of Object.entries(env)) if (typeof v === 'string') yield { path: [...path, k], value: v };
  };
  if (d && typeof d === 'object') {
    if (d.defaults && typeof d.defaults === 'object') yield* fromEnv(d.defaults.env, ['defaults', 'env']);
    if (Array.isArray(d.tasks)) {
      for (let i = 0; i < d.tasks.length; i++) yield* fromEnv((d.tasks[i] as { env?: unknown } | null)?.env, ['tasks', i, 'env']);
    }
  }
}
