// validatePlan: every problem of a plan, each with its line, column, path and message.
// Pure: plans are YAML strings built here, one line per array item (line N is item N-1).
import { describe, expect, it } from 'vitest';
import { AadError, PlanInvalidError, PlanReadError, UsageError } from '../../src/errors.js';
import { parsePlanText } from '../../src/plan/load.js';
import { escapesCwd, validatePlan } from '../../src/plan/validate.js';

const yaml = (...lines: string[]) => lines.join('\n') + '\n';

/** A plan's text from tasks given as `{ id: [deps] }`: task i takes lines 2+3i .. 4+3i. */
function plan(graph: Record<string, string[]>): string {
  const lines = ['tasks:'];
  for (const [id, deps] of Object.entries(graph)) lines.push(`  - id: ${id}`, `    cmd: echo ${id}`, `    depends_on: [${deps.join(', ')}]`);
  return yaml(...lines);
}

/** A one-task plan with extra lines under the task (they start at line 4). */
const task = (...extra: string[]) => yaml('tasks:', '  - id: a', '    cmd: echo a', ...extra);

/** `LINE:COL  path  message` for every problem in `text`, in the order reported; [] when valid. */
function problems(text: string): string[] {
  try {
    validatePlan(parsePlanText(text, 'aad.yaml'));
    return [];
  } catch (err) {
    if (!(err instanceof PlanInvalidError)) throw err;
    return err.issues.map((i) => `${i.line}:${i.col}  ${i.path}  ${i.message}`);
  }
}

describe('validatePlan: valid plans', () => {
  it('returns the plan data unchanged', () => {
    const text = yaml(
      'version: 1',
      'goal: ship',
      'artifacts_dir: dist',
      'max_parallel: 2',
      'on_escalation: ./notify.sh',
      'defaults: { timeout_sec: 60, retries: 1, env: { CI: true } }',
      'tasks:',
      '  - id: Build.app_1-x',
      '    cmd: [make, all]',
      '    cwd: app',
      '    env: { N: 1, S: x, B: false }',
      '    timeout_sec: 0.5',
      '    kill_grace_sec: 0',
      '    retries: 0',
      '    retry_backoff_sec: [0, 1.5]',
      '    outputs: ["dist/**", ./report.json, "a/../b"]',
      '    rollback: git',
      '    rollback_timeout_sec: 10',
      '    rollback_on_cancel: true',
      '    description: builds',
      '  - id: test',
      '    cmd: npm test',
      '    depends_on: [Build.app_1-x]',
    );
    const input = validatePlan(parsePlanText(text, 'aad.yaml'));
    expect(input.tasks.map((t) => t.id)).toEqual(['Build.app_1-x', 'test']);
    expect(input.defaults).toEqual({ timeout_sec: 60, retries: 1, env: { CI: true } });
    expect(input.tasks[0]!.retry_backoff_sec).toEqual([0, 1.5]);
  });

  it.each([
    ['a minimal plan', task()],
    ['a 128-character id', yaml('tasks:', `  - id: ${'a'.repeat(128)}`, '    cmd: x')],
    ['a diamond', plan({ a: [], b: ['a'], c: ['a'], d: ['b', 'c'] })],
    ['a dependency listed twice', plan({ a: [], b: ['a', 'a'] })],
    ['a backoff given as one number', task('    retry_backoff_sec: 2')],
    ['an integer written as 2.0', task('    retries: 2.0')],
  ])('accepts %s', (_name, text) => {
    expect(problems(text)).toEqual([]);
  });
});

describe('validatePlan: one problem of each kind, at its line', () => {
  it.each([
    // Keys
    ['unknown task key, with a suggestion', task('    timout_sec: 5'), '4:5  tasks[0].timout_sec  unknown key "timout_sec" (did you mean "timeout_sec"?)'],
    ['unknown key, nothing close', task('    colour: red'), '4:5  tasks[0].colour  unknown key "colour"'],
    ['unknown defaults key', yaml('defaults:', '  depends_on: [a]', 'tasks:', '  - id: a', '    cmd: x'), '2:3  defaults.depends_on  unknown key "depends_on"'],
    ['missing cmd, at the task', yaml('tasks:', '  - id: a', '    retries: 1'), '2:5  tasks[0]  missing required key "cmd"'],
    ['missing id, at the task', yaml('tasks:', '  - cmd: x'), '2:5  tasks[0]  missing required key "id"'],
    ['missing tasks, at the document', yaml('goal: nothing to do'), '1:1    missing required key "tasks"'],
    // Types
    ['tasks as a mapping', yaml('tasks:', '  a: { cmd: x }'), '2:3  tasks  must be a list, not a mapping'],
    ['a task as a string', yaml('tasks:', '  - build'), '2:5  tasks[0]  must be a mapping (key: value), not "build"'],
    ['the document as a list', yaml('- id: a', '  cmd: x'), '1:1    must be a mapping (key: value), not a list'],
    ['id as a number', yaml('tasks:', '  - id: 12', '    cmd: x'), '2:9  tasks[0].id  must be a string, not 12 (YAML reads it as a number: quote it, "12")'],
    ['env as a list', task('    env: [A=1]'), '4:10  tasks[0].env  must be a mapping (key: value), not a list'],
    ['env value as a list', task('    env: { A: [1] }'), '4:15  tasks[0].env.A  must be a string, a number or a boolean, not a list'],
    ['depends_on as a string', task('    depends_on: b'), '4:17  tasks[0].depends_on  must be a list, not "b"'],
    ['outputs as a string', task('    outputs: dist/**'), '4:14  tasks[0].outputs  must be a list, not "dist/**"'],
    ['rollback_on_cancel as a string', task('    rollback_on_cancel: "yes"'), '4:25  tasks[0].rollback_on_cancel  must be a boolean, not "yes"'],
    ['version 2', yaml('version: 2', 'tasks:', '  - id: a', '    cmd: x'), '1:10  version  must be 1, not 2'],
    ['max_parallel 0', yaml('max_parallel: 0', 'tasks:', '  - id: a', '    cmd: x'), '1:15  max_parallel  must be a number >= 1, not 0'],
    ['max_parallel 1.5', yaml('max_parallel: 1.5', 'tasks:', '  - id: a', '    cmd: x'), '1:15  max_parallel  must be a whole number, not 1.5'],
    // Numbers
    ['retries negative', task('    retries: -1'), '4:14  tasks[0].retries  must be a number >= 0, not -1'],
    ['retries not an integer', task('    retries: 1.5'), '4:14  tasks[0].retries  must be a whole number, not 1.5'],
    ['retries as text', task('    retries: three'), '4:14  tasks[0].retries  must be a whole number, not "three"'],
    ['timeout_sec 0', task('    timeout_sec: 0'), '4:18  tasks[0].timeout_sec  must be a number > 0, not 0'],
    ['timeout_sec negative', task('    timeout_sec: -5'), '4:18  tasks[0].timeout_sec  must be a number > 0, not -5'],
    ['timeout_sec .inf', task('    timeout_sec: .inf'), '4:18  tasks[0].timeout_sec  must be a finite number, not Infinity'],
    ['timeout_sec .nan', task('    timeout_sec: .nan'), '4:18  tasks[0].timeout_sec  must be a finite number, not NaN'],
    ['timeout_sec overflowing to infinity', task('    timeout_sec: 1e999'), '4:18  tasks[0].timeout_sec  must be a finite number, not Infinity'],
    ['timeout_sec in quotes', task('    timeout_sec: "30"'), '4:18  tasks[0].timeout_sec  must be a number, not "30"'],
    ['kill_grace_sec negative', task('    kill_grace_sec: -1'), '4:21  tasks[0].kill_grace_sec  must be a number >= 0, not -1'],
    ['rollback_timeout_sec 0', task('    rollback_timeout_sec: 0'), '4:27  tasks[0].rollback_timeout_sec  must be a number > 0, not 0'],
    ['retry_backoff_sec negative', task('    retry_backoff_sec: -1'), '4:24  tasks[0].retry_backoff_sec  must be a number >= 0, a non-empty list of numbers >= 0, or {initial, factor, max, jitter}, not -1'],
    ['retry_backoff_sec with a negative item, at the item', task('    retry_backoff_sec: [1, -2]'), '4:28  tasks[0].retry_backoff_sec[1]  must be a number >= 0, not -2'],
    ['retry_backoff_sec with a text item, at the item', task('    retry_backoff_sec: [1, "2"]'), '4:28  tasks[0].retry_backoff_sec[1]  must be a number, not "2"'],
    ['defaults.retry_backoff_sec with a negative item, at the item', yaml('defaults:', '  retry_backoff_sec: [-1]', 'tasks:', '  - id: a', '    cmd: x'), '2:23  defaults.retry_backoff_sec[0]  must be a number >= 0, not -1'],
    // Maximums name their limit
    ['max_parallel over 4096', yaml('max_parallel: 10000', 'tasks:', '  - id: a', '    cmd: x'), '1:15  max_parallel  must be at most 4096, not 10000'],
    ['timeout_sec over its limit', task('    timeout_sec: 1e9'), '4:18  tasks[0].timeout_sec  must be at most 2147483, not 1000000000'],
    ['kill_grace_sec over its limit', task('    kill_grace_sec: 2147484'), '4:21  tasks[0].kill_grace_sec  must be at most 2147483, not 2147484'],
    ['retries over its limit', task('    retries: 10001'), '4:14  tasks[0].retries  must be at most 10000, not 10001'],
    ['retry_backoff_sec over its limit', task('    retry_backoff_sec: 1e9'), '4:24  tasks[0].retry_backoff_sec  must be at most 2147483, not 1000000000'],
    ['retry_backoff_sec item over its limit', task('    retry_backoff_sec: [1, 1e9]'), '4:28  tasks[0].retry_backoff_sec[1]  must be at most 2147483, not 1000000000'],
    ['rollback_timeout_sec over its limit', task('    rollback_timeout_sec: 1e9'), '4:27  tasks[0].rollback_timeout_sec  must be at most 2147483, not 1000000000'],
    ['exit_codes: a code out of range', task('    exit_codes: { 256: success }'), '4:19  tasks[0].exit_codes.256  "256" is not an exit code: use a whole number from 0 to 255'],
    ['exit_codes: an unknown outcome', task('    exit_codes: { 2: maybe }'), '4:22  tasks[0].exit_codes[2]  must be "success", "failure" or "blocked", not "maybe"'],
    ['exponential backoff: a misspelt key', task('    retry_backoff_sec: { initial: 1, factr: 2 }'), '4:38  tasks[0].retry_backoff_sec.factr  unknown key "factr" (did you mean "factor"?)'],
    ['exponential backoff: factor below 1', task('    retry_backoff_sec: { initial: 1, factor: 0.5 }'), '4:46  tasks[0].retry_backoff_sec.factor  must be a number >= 1, not 0.5'],
    ['retry_backoff_sec empty', task('    retry_backoff_sec: []'), '4:24  tasks[0].retry_backoff_sec  must be a number >= 0, a non-empty list of numbers >= 0, or {initial, factor, max, jitter}, not a list'],
    // Commands
    ['cmd empty', yaml('tasks:', '  - id: a', '    cmd: ""'), '3:10  tasks[0].cmd  must be a command: a non-empty string or a non-empty list of strings, not ""'],
    ['cmd an empty list', yaml('tasks:', '  - id: a', '    cmd: []'), '3:10  tasks[0].cmd  must be a command: a non-empty string or a non-empty list of strings, not a list'],
    ['cmd a boolean', yaml('tasks:', '  - id: a', '    cmd: true'), '3:10  tasks[0].cmd  must be a command: a non-empty string or a non-empty list of strings, not true (YAML reads it as a boolean: quote it, "true")'],
    ['cmd nothing', yaml('tasks:', '  - id: a', '    cmd:'), '3:9  tasks[0].cmd  must be a command: a non-empty string or a non-empty list of strings, not nothing'],
    ['cmd a list with a number, at the item', yaml('tasks:', '  - id: a', '    cmd: [sleep, 1]'), '3:18  tasks[0].cmd[1]  must be a string, not 1 (YAML reads it as a number: quote it, "1")'],
    ['cmd a list with a mapping, at the item', yaml('tasks:', '  - id: a', '    cmd: [ls, {a: 1}]'), '3:15  tasks[0].cmd[1]  must be a string, not a mapping'],
    ['rollback a list with a boolean, at the item', task('    rollback: [undo, true]'), '4:22  tasks[0].rollback[1]  must be a string, not true (YAML reads it as a boolean: quote it, "true")'],
    ['rollback a number', task('    rollback: 5'), '4:15  tasks[0].rollback  must be a command: a non-empty string or a non-empty list of strings, not 5 (YAML reads it as a number: quote it, "5")'],
    ['on_escalation empty', yaml('on_escalation: ""', 'tasks:', '  - id: a', '    cmd: x'), '1:16  on_escalation  must be a command: a non-empty string or a non-empty list of strings, not ""'],
    // Ids
    ['id with a space', yaml('tasks:', '  - id: my task', '    cmd: x'), '2:9  tasks[0].id  "my task" is not a valid task id: use 1 to 128 letters, digits, ".", "_" or "-", starting with a letter or digit'],
    ['id starting with a dash', yaml('tasks:', '  - id: "-a"', '    cmd: x'), '2:9  tasks[0].id  "-a" is not a valid task id: use 1 to 128 letters, digits, ".", "_" or "-", starting with a letter or digit'],
    ['id with unicode', yaml('tasks:', '  - id: déploy', '    cmd: x'), '2:9  tasks[0].id  "déploy" is not a valid task id: use 1 to 128 letters, digits, ".", "_" or "-", starting with a letter or digit'],
    ['id of 129 characters', yaml('tasks:', `  - id: ${'a'.repeat(129)}`, '    cmd: x'), '2:9  tasks[0].id  is longer than 128 characters'],
    ['id empty', yaml('tasks:', '  - id: ""', '    cmd: x'), '2:9  tasks[0].id  must not be empty'],
    // Environment
    ['env name with "="', task('    env: { "A=B": x }'), '4:12  tasks[0].env.A=B  invalid environment variable name "A=B": a variable name may not contain "="'],
    ['env name with the AAD_ prefix', task('    env: { AAD_RUN_ID: x }'), '4:12  tasks[0].env.AAD_RUN_ID  invalid environment variable name "AAD_RUN_ID": names starting with AAD_ are reserved for aad'],
    ['defaults.env name with the AAD_ prefix', yaml('defaults:', '  env:', '    AAD_X: 1', 'tasks:', '  - id: a', '    cmd: x'), '3:5  defaults.env.AAD_X  invalid environment variable name "AAD_X": names starting with AAD_ are reserved for aad'],
    ['env name empty', task('    env: { "": x }'), '4:12  tasks[0].env.  a variable name may not be empty'],
    ['env value with ${} (malformed interpolation)', task('    env: { A: "${}" }'), '4:15  tasks[0].env.A  "${}" is not a variable reference: write ${NAME} or ${NAME:-default}, NAME made of letters, digits and "_" (write "$$" for a literal "$")'],
    ['defaults.env value with an unclosed ${', yaml('defaults:', '  env:', '    A: "x${HOME"', 'tasks:', '  - id: a', '    cmd: x'), '3:8  defaults.env.A  "${HOME" has no closing "}" (write "$$" for a literal "$")'],
    // Outputs
    ['outputs escaping with ..', task('    outputs: ["../secrets/*"]'), '4:15  tasks[0].outputs[0]  output pattern "../secrets/*" points outside the task\'s cwd: use a path relative to it, without ".."'],
    ['outputs absolute', task('    outputs: [dist, /etc/passwd]'), '4:21  tasks[0].outputs[1]  output pattern "/etc/passwd" points outside the task\'s cwd: use a path relative to it, without ".."'],
    ['outputs escaping from a subfolder', task('    outputs: ["a/../../b"]'), '4:15  tasks[0].outputs[0]  output pattern "a/../../b" points outside the task\'s cwd: use a path relative to it, without ".."'],
    ['outputs with an empty pattern', task('    outputs: [""]'), '4:15  tasks[0].outputs[0]  must not be empty'],
    // Whole plan
    ['an empty tasks list', yaml('tasks: []'), '1:8  tasks  must list at least one task'],
    ['an empty document', '', '1:1    the plan is empty: it needs at least a "tasks" list'],
    ['a document of comments', yaml('# plan', '# more'), '1:1    the plan is empty: it needs at least a "tasks" list'],
  ])('%s', (_name, text, want) => {
    expect(problems(text)).toEqual([want]);
  });
});

describe('validatePlan: ids and dependencies', () => {
  it('refuses duplicate ids, ignoring case, at the later task', () => {
    expect(problems(plan({ build: [], Build: [], BUILD: [], test: [] }))).toEqual([
      '5:9  tasks[1].id  duplicate task id "Build": tasks[0] has it already ("build", ignoring case)',
      '8:9  tasks[2].id  duplicate task id "BUILD": tasks[0] has it already ("build", ignoring case)',
    ]);
    expect(problems(plan({ a: [] }) + yaml('  - id: a', '    cmd: x'))).toEqual(['5:9  tasks[1].id  duplicate task id "a": tasks[0] has it already']);
  });

  it('refuses an unknown dependency, with a suggestion when one is close', () => {
    expect(problems(plan({ build: [], test: ['biuld'], ship: ['deploy'] }))).toEqual([
      '7:18  tasks[1].depends_on[0]  unknown task "biuld" in depends_on (did you mean "build"?)',
      '10:18  tasks[2].depends_on[0]  unknown task "deploy" in depends_on',
    ]);
  });

  it('says that ids are matched exactly when only the case differs', () => {
    expect(problems(plan({ Build: [], test: ['build'] }))).toEqual([
      '7:18  tasks[1].depends_on[0]  unknown task "build" in depends_on (did you mean "Build"? ids are matched exactly)',
    ]);
  });

  it('reports an unknown top-level key beside the missing key it was meant to be', () => {
    expect(problems(yaml('task:', '  - id: a', '    cmd: x'))).toEqual([
      '1:1    missing required key "tasks"',
      '1:1  task  unknown key "task" (did you mean "tasks"?)',
    ]);
  });

  it.each([
    ['timeout', 'timeout_sec'],
    ['kill_grace', 'kill_grace_sec'],
    ['retry_backoff', 'retry_backoff_sec'],
    ['depends', 'depends_on'],
    ['depend_on', 'depends_on'],
    ['dependson', 'depends_on'],
    ['cdm', 'cmd'],
    ['ouputs', 'outputs'],
    ['rollback_on_cancle', 'rollback_on_cancel'],
    ['Retries', 'retries'],
  ])('suggests "%s" → "%s"', (typo, key) => {
    expect(problems(task(`    ${typo}: 1`)).find((p) => p.includes(`unknown key "${typo}"`))).toContain(`(did you mean "${key}"?)`);
  });

  it('suggests nothing for a key that is not close to any', () => {
    expect(problems(task('    command: x'))).toEqual(['4:5  tasks[0].command  unknown key "command"']);
    expect(problems(task('    shell: bash'))).toEqual(['4:5  tasks[0].shell  unknown key "shell"']);
  });

  it('refuses a self-dependency (once, not also as a cycle)', () => {
    expect(problems(plan({ a: [], b: ['a', 'b'] }))).toEqual(['7:21  tasks[1].depends_on[1]  task "b" depends on itself']);
  });

  it('prints a cycle as a path that comes back to its start', () => {
    expect(problems(plan({ a: ['b'], b: ['c'], c: ['a'] }))).toEqual(['4:17  tasks[0].depends_on  dependency cycle: a → b → c → a']);
    expect(problems(plan({ x: [], a: ['b'], b: ['a'] }))).toEqual(['7:17  tasks[1].depends_on  dependency cycle: a → b → a']);
  });

  it('reports a cycle through a task that also depends on itself', () => {
    expect(problems(plan({ a: ['a', 'b'], b: ['a'] }))).toEqual([
      '4:17  tasks[0].depends_on  dependency cycle: a → b → a',
      '4:18  tasks[0].depends_on[0]  task "a" depends on itself',
    ]);
  });

  it('reports each independent cycle', () => {
    expect(problems(plan({ a: ['b'], b: ['a'], ok: [], c: ['d'], d: ['e'], e: ['c'] }))).toEqual([
      '4:17  tasks[0].depends_on  dependency cycle: a → b → a',
      '13:17  tasks[3].depends_on  dependency cycle: c → d → e → c',
    ]);
  });

  it('finds a cycle through a long chain without overflowing the stack', () => {
    const graph: Record<string, string[]> = {};
    for (let i = 0; i < 5000; i++) graph[`t${i}`] = [`t${(i + 1) % 5000}`];
    const found = problems(plan(graph));
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(/^4:17 {2}tasks\[0\]\.depends_on {2}dependency cycle: t0 → t1 → t2 → .* → t4999 → t0$/);
  });

  it('checks dependencies of tasks whose ids are broken without crashing', () => {
    expect(problems(yaml('tasks:', '  - id: 7', '    cmd: x', '    depends_on: [7, zz]', '  - cmd: y', '    depends_on: [a]'))).toEqual([
      '2:9  tasks[0].id  must be a string, not 7 (YAML reads it as a number: quote it, "7")',
      '4:18  tasks[0].depends_on[0]  must be a string, not 7 (YAML reads it as a number: quote it, "7")',
      '4:21  tasks[0].depends_on[1]  unknown task "zz" in depends_on',
      '5:5  tasks[1]  missing required key "id"',
      '6:18  tasks[1].depends_on[0]  unknown task "a" in depends_on',
    ]);
  });
});

describe('validatePlan: every error at once', () => {
  it('reports all problems of a plan in one go, sorted by position', () => {
    const text = yaml(
      'version: 1', //                       1
      'max_parallel: -2', //                 2
      'defaults:', //                        3
      '  retries: -1', //                    4
      'tasks:', //                           5
      '  - id: lint', //                     6
      '    cmd: ""', //                      7
      '    timout_sec: 5', //                8
      '  - id: Lint', //                     9
      '    cmd: [eslint, .]', //             10
      '    depends_on: [lnt, Lint]', //      11
      '  - id: b', //                        12
      '    env: { AAD_X: 1, "K=V": 2 }', //  13
      '    outputs: [../out]', //            14
      '    retry_backoff_sec: -3', //        15
      '    timeout_sec: .inf', //            16
      `  - id: ${'x'.repeat(129)}`, //       17
      '    cmd: y', //                       18
    );
    expect(problems(text)).toEqual([
      '2:15  max_parallel  must be a number >= 1, not -2',
      '4:12  defaults.retries  must be a number >= 0, not -1',
      '7:10  tasks[0].cmd  must be a command: a non-empty string or a non-empty list of strings, not ""',
      '8:5  tasks[0].timout_sec  unknown key "timout_sec" (did you mean "timeout_sec"?)',
      '9:9  tasks[1].id  duplicate task id "Lint": tasks[0] has it already ("lint", ignoring case)',
      '11:18  tasks[1].depends_on[0]  unknown task "lnt" in depends_on (did you mean "lint"?)',
      '11:23  tasks[1].depends_on[1]  task "Lint" depends on itself',
      '12:5  tasks[2]  missing required key "cmd"',
      '13:12  tasks[2].env.AAD_X  invalid environment variable name "AAD_X": names starting with AAD_ are reserved for aad',
      '13:22  tasks[2].env.K=V  invalid environment variable name "K=V": a variable name may not contain "="',
      '14:15  tasks[2].outputs[0]  output pattern "../out" points outside the task\'s cwd: use a path relative to it, without ".."',
      '15:24  tasks[2].retry_backoff_sec  must be a number >= 0, a non-empty list of numbers >= 0, or {initial, factor, max, jitter}, not -3',
      '16:18  tasks[2].timeout_sec  must be a finite number, not Infinity',
      '17:9  tasks[3].id  is longer than 128 characters',
    ]);
  });

  it('carries the file, the source and a count in its error', () => {
    const text = yaml('tasks:', '  - id: a');
    let err: unknown;
    try {
      validatePlan(parsePlanText(text, 'x/plan.yaml'));
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(PlanInvalidError);
    const e = err as PlanInvalidError;
    expect(e.file).toBe('x/plan.yaml');
    expect(e.source).toBe(text);
    expect(e.message).toBe('x/plan.yaml: 1 problem');
  });
});

describe('escapesCwd', () => {
  it.each([
    ['dist/**', false],
    ['./report.json', false],
    ['a/../b', false],
    ['a/b/../../c', false],
    ['**/*.log', false],
    ['..', true],
    ['../x', true],
    ['a/../../x', true],
    ['/abs', true],
    ['~/x', true],
    ['..\\x', true],
  ])('%s → %s', (pattern, escapes) => {
    expect(escapesCwd(pattern)).toBe(escapes);
  });
});

describe('errors: codes and exit codes', () => {
  it.each([
    [new PlanInvalidError('f.yaml', []), 'AAD_PLAN_INVALID', 'f.yaml: 0 problems'],
    [new PlanReadError('f.yaml', 'no such file'), 'AAD_PLAN_UNREADABLE', 'cannot read plan f.yaml: no such file'],
    [new UsageError('bad flag'), 'AAD_USAGE', 'bad flag'],
  ])('%s has its code, exit code 2 and its message', (err: AadError, code, message) => {
    expect(err).toBeInstanceOf(AadError);
    expect(err.code).toBe(code);
    expect(err.exitCode).toBe(2);
    expect(err.message).toBe(message);
  });
});
