// The fast path (js-yaml, no positions) must read every plan exactly as the careful path (yaml, with
// positions) does, and step aside whenever the careful path is needed.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { fastParse } from '../../src/plan/fast-load.js';
import { parsePlanText } from '../../src/plan/load.js';
import { acceptPlanData, validatePlan } from '../../src/plan/validate.js';

const EXAMPLES = fileURLToPath(new URL('../../examples/', import.meta.url));

const plans: Record<string, string> = {
  'flow style and quoting': `tasks: [{id: a, cmd: "echo 'hi' && true"}, {id: b, cmd: [sh, -c, 'exit 0'], depends_on: [a]}]\n`,
  'block scalars': `tasks:\n  - id: a\n    cmd: |\n      echo one\n      echo two\n  - id: b\n    cmd: >-\n      echo folded\n      line\n`,
  'numbers, booleans and strings in env': `tasks:\n  - id: a\n    cmd: env\n    env: { N: 1, F: 1.5, E: 1e3, O: 0o17, H: 0x1f, B: true, S: "yes", NO: no, T: ~x }\n    timeout_sec: .5\n    retry_backoff_sec: [0, 1.25, 3]\n`,
  'unicode and comments': `# a comment\ngoal: "déploiement ✓"   # trailing\ntasks:\n  - id: a\n    cmd: echo "日本"\n    description: 'it''s fine'\n`,
  'every key': `version: 1\ngoal: g\nartifacts_dir: art\nmax_parallel: 3\non_escalation: [sh, -c, cat]\ndefaults: { timeout_sec: 10, retries: 1, env: { A: b }, kill_grace_sec: 0, outputs: ["out/**"] }\ntasks:\n  - id: a.b_c-1\n    cmd: "true"\n    cmd2: x\n`.replace('    cmd2: x\n', '    cwd: sub\n    rollback: git\n    rollback_timeout_sec: 5\n    rollback_on_cancel: true\n'),
  'windows line ends': 'tasks:\r\n  - id: a\r\n    cmd: echo a\r\n',
};

describe('fastParse', () => {
  const examples = readdirSync(EXAMPLES).filter((f) => f.endsWith('.yaml'));
  const cases: [string, string][] = [...Object.entries(plans), ...examples.map((f): [string, string] => [`examples/${f}`, readFileSync(join(EXAMPLES, f), 'utf8')])];

  it.each(cases)('reads %s as the careful path does', (_name, text) => {
    const careful = validatePlan(parsePlanText(text, 'plan.yaml'));
    const fast = acceptPlanData(fastParse(text));
    expect(fast).toBeDefined();
    expect(fast).toEqual(careful);
  });

  it.each([
    ['an anchor and alias', 'x-d: &d { retries: 1 }\ntasks:\n  - { id: a, cmd: echo, <<: *d }\n'],
    ['a syntax error', 'tasks:\n  - id: a\n   cmd: echo\n'],
    ['a duplicate key', 'tasks:\n  - id: a\n    id: b\n    cmd: echo\n'],
    ['two documents', 'tasks: [{id: a, cmd: echo}]\n---\ntasks: []\n'],
    ['deep nesting', `tasks: [{id: a, cmd: echo, env: {X: ${'['.repeat(80)}${']'.repeat(80)}}}]\n`],
  ])('steps aside for %s', (_name, text) => {
    expect(fastParse(text)).toBeUndefined();
  });

  it('accepts only data without any problem: anything else goes to the careful path for its positions', () => {
    expect(acceptPlanData(fastParse('tasks:\n  - id: a\n    cmd: echo\n    timout_sec: 1\n'))).toBeUndefined();
    expect(acceptPlanData(fastParse('tasks:\n  - id: a\n    cmd: echo\n    depends_on: [a]\n'))).toBeUndefined();
    expect(acceptPlanData(fastParse(''))).toBeUndefined();
  });
});
