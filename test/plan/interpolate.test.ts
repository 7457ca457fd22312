// Environment interpolation of `env` values: pure, the environment is an argument.
import { describe, expect, it } from 'vitest';
import { findTemplateErrors, interpolatePlan, parseTemplate } from '../../src/plan/interpolate.js';
import type { PlanInput } from '../../src/plan/types.gen.js';

/** The value `text` interpolates to from `env`, or the references left unset. */
function fill(text: string, env: Record<string, string | undefined> = {}): string | { unset: string[] } {
  const r = interpolatePlan({ tasks: [{ id: 'a', cmd: 'x', env: { V: text } }] }, env);
  return r.unset.length > 0 ? { unset: r.unset.map((u) => u.ref) } : String(r.input.tasks[0].env!.V);
}

describe('interpolatePlan: one value', () => {
  it.each([
    ['plain text', 'production', {}, 'production'],
    ['a variable', '${A}', { A: 'one' }, 'one'],
    ['variables inside text', 'x-${A}-${B}-y', { A: '1', B: '2' }, 'x-1-2-y'],
    ['a set but empty variable', '[${A}]', { A: '' }, '[]'],
    ['a default for an unset variable', '${A:-eu}', {}, 'eu'],
    ['a default for an empty variable (as sh does)', '${A:-eu}', { A: '' }, 'eu'],
    ['a set variable over its default', '${A:-eu}', { A: 'us' }, 'us'],
    ['an empty default', '[${A:-}]', {}, '[]'],
    ['a default with spaces and colons', '${A:-a b:c}', {}, 'a b:c'],
    ['$$ as a literal $', 'cost $$5 and $${A}', { A: 'no' }, 'cost $5 and ${A}'],
    ['a $ before anything else as written', '$HOME $ a$', { HOME: '/h' }, '$HOME $ a$'],
    ['a value with a $ not re-read', '${A}', { A: '${B}' }, '${B}'],
  ])('%s', (_name, text, env, want) => {
    expect(fill(text, env)).toBe(want);
  });

  it('lists an unset variable without a default, as written', () => {
    expect(fill('${A}:${B}:${C:-c}', { B: 'b' })).toEqual({ unset: ['${A}'] });
  });

  it('leaves numbers, booleans and every key but env alone', () => {
    const input: PlanInput = { goal: '${A}', tasks: [{ id: 'a', cmd: 'echo ${A}', cwd: '${A}', env: { N: 3, B: true, S: '${A}' } }] };
    const r = interpolatePlan(input, { A: 'x' });
    expect(r.input).toEqual({ goal: '${A}', tasks: [{ id: 'a', cmd: 'echo ${A}', cwd: '${A}', env: { N: 3, B: true, S: 'x' } }] });
    expect(input.tasks[0].env!.S).toBe('${A}');
  });
});

describe('interpolatePlan: a plan', () => {
  const input: PlanInput = {
    defaults: { retries: 1, env: { REGION: '${REGION:-eu}', TOKEN: '${TOK}' } },
    tasks: [
      { id: 'build', cmd: 'make', env: { TOKEN: 'own' } },
      { id: 'deploy', cmd: 'ship', env: { KEY: '${API_KEY}', USER: '${WHO}' } },
    ],
  };

  it('interpolates defaults.env and each task env and says which variables gave what', () => {
    const r = interpolatePlan(input, { TOK: 't0k3n', API_KEY: 'k3y', WHO: 'me' });
    expect(r.unset).toEqual([]);
    expect(r.input.defaults).toEqual({ retries: 1, env: { REGION: 'eu', TOKEN: 't0k3n' } });
    expect(r.input.tasks[1]!.env).toEqual({ KEY: 'k3y', USER: 'me' });
    expect(r.used).toEqual({ REGION: 'eu', TOK: 't0k3n', API_KEY: 'k3y', WHO: 'me' });
  });

  it('lists each unset variable with its path and the tasks it reaches (a default only those that do not set the key)', () => {
    const r = interpolatePlan(input, {});
    expect(r.unset).toEqual([
      { path: ['defaults', 'env', 'TOKEN'], ref: '${TOK}', tasks: ['deploy'] },
      { path: ['tasks', 1, 'env', 'KEY'], ref: '${API_KEY}', tasks: ['deploy'] },
      { path: ['tasks', 1, 'env', 'USER'], ref: '${WHO}', tasks: ['deploy'] },
    ]);
  });
});

describe('parseTemplate / findTemplateErrors: a malformed ${ is a plan error', () => {
  it.each([
    ['${}', '"${}" is not a variable reference'],
    ['${1A}', '"${1A}" is not a variable reference'],
    ['${A B}', '"${A B}" is not a variable reference'],
    ['${A:+b}', '"${A:+b}" is not a variable reference'],
    ['${A-b}', '"${A-b}" is not a variable reference'],
    ['x ${A', '"${A" has no closing "}" (write "$$" for a literal "$")'],
  ])('%s', (text, start) => {
    const r = parseTemplate(text);
    expect('error' in r && r.error.startsWith(start)).toBe(true);
  });

  it('finds them in defaults.env and tasks[i].env, by path, in data that may fail the schema', () => {
    const data = { defaults: { env: { A: '${' } }, tasks: [{ id: 'a', env: { B: 'ok $$', C: '${}', D: 5 } }, null, 'x'] };
    expect(findTemplateErrors(data).map((e) => e.path)).toEqual([
      ['defaults', 'env', 'A'],
      ['tasks', 0, 'env', 'C'],
    ]);
    expect(findTemplateErrors(null)).toEqual([]);
  });
});
