// compilePlan: validated plan data → normalised tasks and DAG facts. Pure: plans are objects built here.
import { describe, expect, it } from 'vitest';
import { compilePlan, formatCmd, restrictPlan, toCmd, type Plan } from '../../src/plan/compile.js';
import type { Defaults, PlanInput, TaskInput } from '../../src/plan/types.gen.js';

/** A task with a default command. */
const task = (id: string, extra: Partial<TaskInput> = {}): TaskInput => ({ id, cmd: `echo ${id}`, ...extra });

/** A plan from tasks, with optional top-level keys. */
const input = (tasks: TaskInput[], top: Partial<Omit<PlanInput, 'tasks'>> = {}): PlanInput => ({ ...top, tasks: tasks as PlanInput['tasks'] });

/** A compiled plan from `{ id: [deps] }`. */
const graph = (g: Record<string, string[]>): Plan => compilePlan(input(Object.entries(g).map(([id, deps]) => task(id, { depends_on: deps }))));

/** The one task of a plan made of `t` under `defaults`. */
const only = (t: TaskInput, defaults?: Defaults) => compilePlan(input([t], { defaults })).tasks[0]!;

const ids = (plan: Plan, indices: readonly number[]) => indices.map((i) => plan.tasks[i]!.id);

describe('compilePlan: defaults', () => {
  it('gives a bare task the documented defaults', () => {
    expect(only(task('a'))).toEqual({
      id: 'a',
      index: 0,
      cmd: { kind: 'argv', argv: ['echo', 'a'], source: 'echo a' },
      deps: [],
      cwd: '.',
      env: {},
      timeoutMs: undefined,
      killGraceMs: 5000,
      retries: 0,
      backoffMs: [0],
      outputs: [],
      generates: [],
      rollback: undefined,
      rollbackTimeoutMs: undefined,
      rollbackOnCancel: false,
      rollbackApproval: false,
      maxRollbacks: 3,
      local: false,
      isolation: 'shared',
      worktreeCopy: [],
      description: undefined,
      exitCodes: {},
      depth: 0,
      inherit: {},
    });
  });

  it('takes every defaultable key from defaults', () => {
    const defaults: Defaults = {
      cwd: 'pkg',
      timeout_sec: 60,
      kill_grace_sec: 2,
      retries: 3,
      retry_backoff_sec: [1, 2],
      outputs: ['dist/**'],
      rollback: './undo.sh',
      rollback_timeout_sec: 9,
      rollback_on_cancel: true,
      isolation: 'worktree',
      worktree_copy: ['.env'],
      description: 'from defaults',
    };
    expect(only(task('a'), defaults)).toMatchObject({
      cwd: 'pkg',
      timeoutMs: 60_000,
      killGraceMs: 2000,
      retries: 3,
      backoffMs: [1000, 2000],
      outputs: ['dist/**'],
      rollback: { kind: 'argv', argv: ['./undo.sh'], source: './undo.sh' },
      rollbackTimeoutMs: 9000,
      rollbackOnCancel: true,
      isolation: 'worktree',
      worktreeCopy: ['.env'],
      description: 'from defaults',
    });
  });

  it("lets the task's own keys win over defaults, even when falsy", () => {
    const t = only(task('a', { retries: 0, kill_grace_sec: 0, rollback_on_cancel: false, outputs: [], cwd: 'own' }), {
      retries: 4,
      kill_grace_sec: 7,
      rollback_on_cancel: true,
      outputs: ['x'],
      cwd: 'pkg',
    });
    expect(t).toMatchObject({ retries: 0, killGraceMs: 0, rollbackOnCancel: false, outputs: [], cwd: 'own' });
  });

  it('keeps the top-level keys', () => {
    const plan = compilePlan(input([task('a')], { goal: 'ship', artifacts_dir: 'art', max_parallel: 3, on_escalation: ['./notify', '--json'] }));
    expect(plan).toMatchObject({ goal: 'ship', artifactsDir: 'art', maxParallel: 3, onEscalation: { kind: 'argv', argv: ['./notify', '--json'] } });
    expect(compilePlan(input([task('a')]))).toMatchObject({ goal: undefined, artifactsDir: undefined, maxParallel: undefined, onEscalation: undefined });
  });
});

describe('compilePlan: env', () => {
  it('merges defaults.env under the task env, the task winning, values as strings', () => {
    const t = only(task('a', { env: { B: 'task', C: 3 } }), { env: { A: 'x', B: 'defaults', D: true, E: 1.5 } });
    expect(t.env).toEqual({ A: 'x', B: 'task', C: '3', D: 'true', E: '1.5' });
  });

  it('keeps an empty string and false as values', () => {
    expect(only(task('a', { env: { EMPTY: '', NO: false, ZERO: 0 } })).env).toEqual({ EMPTY: '', NO: 'false', ZERO: '0' });
  });

  it('does not share env objects between tasks', () => {
    const plan = compilePlan(input([task('a'), task('b')], { defaults: { env: { A: '1' } } }));
    plan.tasks[0]!.env.A = 'changed';
    expect(plan.tasks[1]!.env.A).toBe('1');
  });
});

describe('compilePlan: times and retries', () => {
  it.each([
    [undefined, [0]],
    [0, [0]],
    [2, [2000]],
    [0.25, [250]],
    [[1, 3, 10], [1000, 3000, 10_000]],
    [[0.2, 0.5], [200, 500]],
  ] as const)('normalises retry_backoff_sec %j to %j ms', (backoff, ms) => {
    expect(only(task('a', backoff === undefined ? {} : { retry_backoff_sec: backoff as TaskInput['retry_backoff_sec'] })).backoffMs).toEqual(ms);
  });

  it('converts seconds to whole milliseconds', () => {
    const t = only(task('a', { timeout_sec: 1.5, kill_grace_sec: 0.1, rollback_timeout_sec: 0.0004 }));
    expect(t).toMatchObject({ timeoutMs: 1500, killGraceMs: 100, rollbackTimeoutMs: 0 });
    expect(only(task('a', { timeout_sec: 0.0016 })).timeoutMs).toBe(2);
  });

  it('clamps huge times to what a Node timer can wait (beyond it, a timer fires at once)', () => {
    const t = only(task('a', { timeout_sec: 3e6, kill_grace_sec: 1e300, retry_backoff_sec: [1, 1e12], rollback_timeout_sec: 2 ** 31 }));
    expect(t).toMatchObject({ timeoutMs: 2 ** 31 - 1, killGraceMs: 2 ** 31 - 1, backoffMs: [1000, 2 ** 31 - 1], rollbackTimeoutMs: 2 ** 31 - 1 });
    expect(only(task('a', { timeout_sec: 2_000_000 })).timeoutMs).toBe(2_000_000_000);
  });

  it("uses the task's timeout for its rollback unless rollback_timeout_sec is set", () => {
    expect(only(task('a', { timeout_sec: 30 })).rollbackTimeoutMs).toBe(30_000);
    expect(only(task('a', { timeout_sec: 30 }), { rollback_timeout_sec: 5 }).rollbackTimeoutMs).toBe(5000);
    expect(only(task('a'), { timeout_sec: 12 }).rollbackTimeoutMs).toBe(12_000);
  });
});

describe('compilePlan: rollback', () => {
  it.each([
    ['git', { kind: 'git' }],
    ['echo rolling back', { kind: 'argv', argv: ['echo', 'rolling', 'back'], source: 'echo rolling back' }],
    ['./undo.sh && echo done', { kind: 'shell', script: './undo.sh && echo done' }],
    [['git', 'checkout', '.'], { kind: 'argv', argv: ['git', 'checkout', '.'] }],
  ] as const)('reads rollback %j', (rollback, want) => {
    expect(only(task('a', { rollback: rollback as TaskInput['rollback'] })).rollback).toEqual(want);
  });
});

describe('toCmd: shell or argv', () => {
  it.each([
    ['npm run build', ['npm', 'run', 'build']],
    ['  ls   -la  ', ['ls', '-la']],
    ['node scripts/build.js --out=dist', ['node', 'scripts/build.js', '--out=dist']],
    ['sleep 0.5', ['sleep', '0.5']],
    ['true', ['true']],
    ['curl https://example.com:8080/a@b', ['curl', 'https://example.com:8080/a@b']],
    ['echo a=b', ['echo', 'a=b']],
  ])('runs %j without a shell', (cmd, argv) => {
    expect(toCmd(cmd)).toEqual({ kind: 'argv', argv, source: cmd });
  });

  it.each([
    'echo $HOME',
    'echo "quoted words"',
    "echo 'single'",
    'make && make test',
    'a || b',
    'cat x | wc -l',
    'echo hi > out.txt',
    'sort < in',
    'echo *.txt',
    'ls ~',
    'echo a; echo b',
    'sleep 1 &',
    'FOO=1 node x.js',
    'echo `date`',
    'echo $(date)',
    'echo {a,b}',
    'echo hi # comment',
    '[ -f x ]',
    'echo a\\ b',
    'exit 1',
    'cd sub',
    'export A=1',
    'source env.sh',
    '. ./env.sh',
    'set -e',
    'if true',
    'echo one\necho two',
    'echo\ttab',
  ])('runs %j with /bin/sh -c', (cmd) => {
    expect(toCmd(cmd)).toEqual({ kind: 'shell', script: cmd });
  });

  it('keeps an argv list as given, even with shell characters', () => {
    expect(toCmd(['sh', '-c', 'echo $A && exit 3'])).toEqual({ kind: 'argv', argv: ['sh', '-c', 'echo $A && exit 3'] });
  });

  it('formats commands as a person would type them', () => {
    expect(formatCmd(toCmd('  npm   test '))).toBe('  npm   test ');
    expect(formatCmd(toCmd('a && b'))).toBe('a && b');
    expect(formatCmd(toCmd(['node', 'x.js', 'two words', '$HOME']))).toBe('node x.js "two words" "$HOME"');
    expect(formatCmd({ kind: 'git' })).toBe('git (built-in)');
  });
});

describe('compilePlan: DAG facts', () => {
  it('keeps plan order in indices and deduplicates dependencies', () => {
    const plan = graph({ a: [], b: ['a', 'a'], c: ['b', 'a'] });
    expect(plan.tasks.map((t) => [t.id, t.index, t.deps])).toEqual([
      ['a', 0, []],
      ['b', 1, ['a']],
      ['c', 2, ['b', 'a']],
    ]);
    expect(plan.dag).toEqual({ ids: ['a', 'b', 'c'], deps: [[], [0], [1, 0]] });
    expect(plan.byId.get('c')).toBe(plan.tasks[2]);
  });

  it('orders, groups in waves and finds the critical path', () => {
    // Plan order lists dependents before what they depend on.
    const plan = graph({ deploy: ['test', 'docs'], test: ['build'], docs: [], build: ['lint'], lint: [] });
    expect(ids(plan, plan.order)).toEqual(['docs', 'lint', 'build', 'test', 'deploy']);
    expect(plan.waves.map((w) => ids(plan, w))).toEqual([['docs', 'lint'], ['build'], ['test'], ['deploy']]);
    expect(ids(plan, plan.critical)).toEqual(['lint', 'build', 'test', 'deploy']);
    expect(plan.remaining).toEqual([1, 2, 2, 3, 4]);
  });
});

describe('restrictPlan (--only)', () => {
  const full = graph({ lint: [], build: ['lint'], test: ['build'], docs: [], deploy: ['test', 'docs'], unrelated: [] });

  it('keeps the selected tasks and everything they depend on, transitively, in plan order', () => {
    const plan = restrictPlan(full, ['test']);
    expect(plan.tasks.map((t) => [t.id, t.index])).toEqual([
      ['lint', 0],
      ['build', 1],
      ['test', 2],
    ]);
    expect(plan.dag).toEqual({ ids: ['lint', 'build', 'test'], deps: [[], [0], [1]] });
    expect([...plan.byId.keys()]).toEqual(['lint', 'build', 'test']);
    expect(plan.waves).toEqual([[0], [1], [2]]);
    expect(plan.critical).toEqual([0, 1, 2]);
  });

  it('unions several selections without duplicates', () => {
    const plan = restrictPlan(full, ['docs', 'build', 'docs', 'lint']);
    expect(plan.tasks.map((t) => t.id)).toEqual(['lint', 'build', 'docs']);
    expect(plan.waves.map((w) => ids(plan, w))).toEqual([['lint', 'docs'], ['build']]);
  });

  it('keeps the whole plan when the last task is selected', () => {
    expect(restrictPlan(full, ['deploy', 'unrelated']).tasks.map((t) => t.id)).toEqual(full.tasks.map((t) => t.id));
  });

  it('keeps top-level keys and leaves the full plan untouched', () => {
    const withMeta = compilePlan(input([task('a'), task('b', { depends_on: ['a'] }), task('c')], { goal: 'g', max_parallel: 2, artifacts_dir: 'art' }));
    const plan = restrictPlan(withMeta, ['c']);
    expect(plan).toMatchObject({ goal: 'g', maxParallel: 2, artifactsDir: 'art' });
    expect(plan.tasks).toHaveLength(1);
    expect(plan.tasks[0]).toMatchObject({ id: 'c', index: 0 });
    expect(withMeta.tasks[2]!.index).toBe(2);
    expect(withMeta.tasks).toHaveLength(3);
  });
});
