// parsePlanText: YAML text → data with positions. Pure: every input is a string built here.
import { describe, expect, it } from 'vitest';
import { PlanInvalidError, type PlanIssue } from '../../src/errors.js';
import { formatPath, parsePlanText } from '../../src/plan/load.js';
import { formatPlanIssues } from '../../src/report/plan-issues.js';

/** YAML text from lines, so that line numbers in a test read off its array index + 1. */
const yaml = (...lines: string[]) => lines.join('\n') + '\n';

/** The PlanInvalidError that parsing `text` throws (fails the test when it does not throw one). */
function refusal(text: string, file = 'aad.yaml'): PlanInvalidError {
  try {
    parsePlanText(text, file);
  } catch (err) {
    if (err instanceof PlanInvalidError) return err;
    throw err;
  }
  throw new Error('expected the text to be refused');
}

/** `LINE:COL message` for each issue: compact enough to compare whole lists. */
const brief = (issues: readonly PlanIssue[]) => issues.map((i) => `${i.line}:${i.col} ${i.message}`);

/** Milliseconds `fn` takes. */
function timed(fn: () => void): number {
  const t0 = performance.now();
  fn();
  return performance.now() - t0;
}

const PLAN = yaml(
  'goal: demo', //            1
  'tasks:', //                2
  '  - id: lint', //          3
  '    cmd: npm run lint', // 4
  '  - id: build', //         5
  '    cmd: [make, all]', //  6
  '    depends_on: [lint]', // 7
  '    env: { A: 1 }', //     8
);

describe('parsePlanText: data', () => {
  it('returns the YAML as plain data', () => {
    const doc = parsePlanText(PLAN, 'aad.yaml');
    expect(doc.file).toBe('aad.yaml');
    expect(doc.source).toBe(PLAN);
    expect(doc.data).toEqual({
      goal: 'demo',
      tasks: [
        { id: 'lint', cmd: 'npm run lint' },
        { id: 'build', cmd: ['make', 'all'], depends_on: ['lint'], env: { A: 1 } },
      ],
    });
  });

  it.each([
    ['an empty file', ''],
    ['only comments', '# nothing here\n# still nothing\n'],
    ['an explicit null', 'null\n'],
  ])('reads %s as null data (validation reports it)', (_name, text) => {
    expect(parsePlanText(text, 'aad.yaml').data).toBeNull();
  });

  it('expands a few aliases (they are legitimate YAML)', () => {
    const doc = parsePlanText(yaml('tasks:', '  - id: a', '    cmd: &c [echo, hi]', '  - id: b', '    cmd: *c', '  - id: c', '    cmd: *c'), 'x');
    expect((doc.data as { tasks: { cmd: unknown }[] }).tasks.map((t) => t.cmd)).toEqual([
      ['echo', 'hi'],
      ['echo', 'hi'],
      ['echo', 'hi'],
    ]);
  });

  it('reads YAML 1.2: yes/no/on/off stay strings, .inf is a number', () => {
    const doc = parsePlanText(yaml('a: yes', 'b: off', 'c: .inf', 'd: 0x10', 'e: 1_000'), 'x');
    expect(doc.data).toEqual({ a: 'yes', b: 'off', c: Infinity, d: 16, e: '1_000' });
  });
});

describe('parsePlanText: positions', () => {
  const doc = parsePlanText(PLAN, 'aad.yaml');

  it.each([
    [['goal'], 'value', { line: 1, col: 7, length: 4 }],
    [['goal'], 'key', { line: 1, col: 1, length: 4 }],
    [['tasks', 0, 'cmd'], 'value', { line: 4, col: 10, length: 12 }],
    [['tasks', 1], 'value', { line: 5, col: 5, length: 9 }],
    [['tasks', 1, 'cmd', 1], 'value', { line: 6, col: 17, length: 3 }],
    [['tasks', 1, 'depends_on', 0], 'value', { line: 7, col: 18, length: 4 }],
    [['tasks', 1, 'env', 'A'], 'key', { line: 8, col: 12, length: 1 }],
    [['tasks', 1, 'env', 'A'], 'value', { line: 8, col: 15, length: 1 }],
  ] as const)('locates %j (%s) at 1-based line and column', (path, target, want) => {
    expect(doc.locate(path, target)).toEqual(want);
  });

  it('locates a missing path at its nearest existing parent', () => {
    expect(doc.locate(['tasks', 1, 'timeout_sec'])).toMatchObject({ line: 5, col: 5 });
    expect(doc.locate(['tasks', 7, 'cmd'])).toMatchObject({ line: 3, col: 3 });
  });

  it('counts lines the same with CRLF line ends and a byte order mark', () => {
    const crlf = parsePlanText(PLAN.replace(/\n/g, '\r\n'), 'x');
    expect(crlf.locate(['tasks', 1, 'depends_on', 0])).toMatchObject({ line: 7, col: 18 });
    const bom = parsePlanText('\uFEFF' + PLAN, 'x');
    expect(bom.locate(['tasks', 1, 'depends_on', 0])).toMatchObject({ line: 7, col: 18 });
  });

  it('formats paths as people write them', () => {
    expect(formatPath([])).toBe('');
    expect(formatPath(['tasks', 2, 'timeout_sec'])).toBe('tasks[2].timeout_sec');
    expect(formatPath(['tasks', 0, 'env', 'A'])).toBe('tasks[0].env.A');
    expect(formatPath(['defaults', 'outputs', 3])).toBe('defaults.outputs[3]');
  });
});

describe('parsePlanText: YAML syntax errors', () => {
  it('reports an unclosed flow list at the line where it is noticed', () => {
    const err = refusal(yaml('tasks:', '  - id: a', '    cmd: [echo, hi', '  - id: b', '    cmd: x'), 'plan.yaml');
    expect(err.file).toBe('plan.yaml');
    expect(err.issues.length).toBeGreaterThan(0);
    expect(err.issues.every((i) => i.path === '' && i.message.startsWith('YAML syntax error: '))).toBe(true);
    expect(err.issues[0]!.line).toBe(4);
  });

  it('reports a tab used for indentation with its line', () => {
    expect(brief(refusal(yaml('tasks:', '  - id: a', '\tcmd: x')).issues)).toEqual(['3:1 YAML syntax error: Tabs are not allowed as indentation']);
  });

  it('reports a duplicate key at the duplicate', () => {
    expect(brief(refusal(yaml('tasks:', '  - id: a', '    cmd: x', '    cmd: y')).issues)).toEqual(['4:5 YAML syntax error: Map keys must be unique']);
  });

  it('reports a key at a wrong indentation with its line', () => {
    expect(brief(refusal(yaml('tasks:', '  - id: a', '    cmd: x', '  retries: 1')).issues)).toEqual([
      '4:1 YAML syntax error: All mapping items must start at the same column',
    ]);
  });

  it('refuses a second YAML document in the file, at its start', () => {
    expect(brief(refusal(yaml('tasks: []', '---', 'tasks: []')).issues)).toEqual([
      '2:1 YAML syntax error: the file holds more than one YAML document (a line "---" starts another); a plan is one document',
    ]);
  });

  it('refuses an alias to an anchor that does not exist, at the alias (not as an alias bomb)', () => {
    expect(brief(refusal(yaml('tasks:', '  - id: a', '    cmd: *nope')).issues)).toEqual([
      '3:10 unknown alias "*nope": an anchor "&nope" must come before it',
    ]);
    expect(brief(refusal(yaml('goal: *g', 'x: &g 1')).issues)).toEqual(['1:7 unknown alias "*g": an anchor "&g" must come before it']);
  });

  it('prints FILE:LINE:COL, the source line and an underline', () => {
    const err = refusal(yaml('tasks:', '  - id: a', '\tcmd: x'), 'dir/aad.yaml');
    expect(formatPlanIssues(err, false).split('\n')).toEqual([
      'dir/aad.yaml:3:1  YAML syntax error: Tabs are not allowed as indentation',
      '    3 | \tcmd: x',
      '      | ~',
      '1 problem in dir/aad.yaml',
    ]);
  });
});

describe('parsePlanText: hostile input is refused fast, with a PlanInvalidError', () => {
  it('refuses the billion laughs (an alias bomb)', () => {
    const lines = ['a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]'];
    for (let i = 1; i <= 9; i++) lines.push(`a${i}: &a${i} [${Array(9).fill(`*a${i - 1}`).join(', ')}]`);
    lines.push('tasks: *a9');
    let err: PlanInvalidError | undefined;
    const ms = timed(() => (err = refusal(yaml(...lines))));
    expect(brief(err!.issues)).toEqual(['1:1 too many YAML aliases (more than 100 expansions): refusing a possible alias bomb']);
    expect(ms).toBeLessThan(1000);
  });

  it.each([
    ['in an x- key', yaml('x-a: &a [*a]', 'tasks:', '  - { id: a, cmd: ls }'), '1:10'],
    ['in a task', yaml('tasks:', '  - id: a', '    cmd: ls', '    env: &e { A: *e }'), '4:18'],
    ['through a nested anchor', yaml('tasks: &t', '  - &u [*t]'), '2:9'],
    ['as a merge key', yaml('tasks:', '  - &m { id: a, cmd: ls, <<: *m }'), '2:30'],
  ])('refuses an alias that refers to itself (%s), at the alias, instead of overflowing the stack', (_name, text, at) => {
    const name = /\*(\w)/.exec(text)![1]!;
    expect(brief(refusal(text).issues)).toEqual([`${at} the alias "*${name}" lies inside the node its anchor "&${name}" names: a YAML alias may not contain itself`]);
  });

  it('takes an alias to a redefined anchor of the same name for the newest one (no false loop)', () => {
    expect(parsePlanText(yaml('x: &a [&a 1, *a]', 'tasks: []'), 'aad.yaml').data).toEqual({ x: [1, 1], tasks: [] });
  });

  it('refuses many aliases to one big list', () => {
    const big = `big: &big [${Array.from({ length: 1000 }, (_, i) => `x${i}`).join(', ')}]`;
    const text = yaml(big, `tasks: [${Array(500).fill('*big').join(', ')}]`);
    expect(refusal(text).issues[0]!.message).toMatch(/alias bomb/);
  });

  it.each([
    ['10,000 unclosed [', '['.repeat(10_000), { line: 1, col: 65 }],
    ['10,000 balanced [ ]', '['.repeat(10_000) + ']'.repeat(10_000), { line: 1, col: 65 }],
    ['10,000 nested { }', '{a: '.repeat(10_000) + '1' + '}'.repeat(10_000), { line: 1, col: 257 }],
    ['10,000 compact "- "', '- '.repeat(10_000) + 'x', { line: 1, col: 129 }],
    ['2,000 indented mappings', Array.from({ length: 2000 }, (_, i) => ' '.repeat(i) + 'k:').join('\n') + ' 1', { line: 65, col: 65 }],
    ['nesting inside a task', yaml('tasks:', '  - id: a', '    cmd: ' + '['.repeat(5000) + ']'.repeat(5000)), { line: 3 }],
  ])('refuses %s', (_name, text, at) => {
    let err: PlanInvalidError | undefined;
    const ms = timed(() => (err = refusal(text)));
    expect(err!.issues).toHaveLength(1);
    expect(err!.issues[0]).toMatchObject({ path: '', message: 'the document is nested more than 64 levels deep; at most 64 are allowed', ...at });
    expect(ms).toBeLessThan(2000);
  });

  it('still refuses deep nesting after many refusals in the same process', () => {
    // V8 may abort the process when a stack overflow strikes inside the regexp compiler, so the
    // refusal must never depend on catching one.
    for (let i = 0; i < 20; i++) expect(refusal('['.repeat(3000 + i) + ']'.repeat(3000 + i)).issues).toHaveLength(1);
  });

  it('accepts nesting up to the limit (the check is not off by a mile)', () => {
    const doc = parsePlanText(`x: ${'['.repeat(60)}1${']'.repeat(60)}\n`, 'x');
    let v = (doc.data as { x: unknown }).x;
    let depth = 0;
    while (Array.isArray(v)) [v, depth] = [v[0], depth + 1];
    expect(depth).toBe(60);
  });
});
