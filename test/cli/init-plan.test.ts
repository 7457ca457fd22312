import { describe, expect, it } from 'vitest';
import { schemaRef, starterPlan } from '../../src/cli/init-plan.js';
import { loadPlanText } from '../../src/cli/plan-file.js';

describe('schemaRef', () => {
  it.each([
    ['a clone of aad: the schema inside the plan folder', '/src/aad/aad.yaml', '/src/aad/schema/aad.schema.json', './schema/aad.schema.json'],
    ['npm install in the project', '/p/aad.yaml', '/p/node_modules/aad/schema/aad.schema.json', './node_modules/aad/schema/aad.schema.json'],
    ['a plan in a subfolder of that project', '/p/ci/deploy/aad.yaml', '/p/node_modules/aad/schema/aad.schema.json', '../../node_modules/aad/schema/aad.schema.json'],
    ['a global install', '/home/me/p/aad.yaml', '/usr/lib/node_modules/aad/schema/aad.schema.json', '/usr/lib/node_modules/aad/schema/aad.schema.json'],
    ['an npx cache', '/home/me/p/aad.yaml', '/home/me/.npm/_npx/1f2e/node_modules/aad/schema/aad.schema.json', '/home/me/.npm/_npx/1f2e/node_modules/aad/schema/aad.schema.json'],
    ['a clone elsewhere', '/tmp/x/aad.yaml', '/src/aad/schema/aad.schema.json', '/src/aad/schema/aad.schema.json'],
  ])('%s', (_what, plan, schema, ref) => {
    expect(schemaRef(plan, schema)).toBe(ref);
  });
});

describe('starterPlan', () => {
  it('is a valid plan of 4 tasks with dependencies, retries and timeouts, the modeline on line 1', () => {
    const text = starterPlan('./node_modules/aad/schema/aad.schema.json');
    expect(text.split('\n')[0]).toBe('# yaml-language-server: $schema=./node_modules/aad/schema/aad.schema.json');
    const { plan } = loadPlanText(text, 'aad.yaml');
    expect(plan.tasks.map((t) => [t.id, t.deps])).toEqual([
      ['install', []],
      ['lint', ['install']],
      ['test', ['install']],
      ['build', ['lint', 'test']],
    ]);
    const test = plan.byId.get('test')!;
    expect(test.retries).toBe(2);
    expect(test.timeoutMs).toBe(300_000);
    expect(plan.byId.get('build')!.timeoutMs).toBe(600_000);
  });
});
