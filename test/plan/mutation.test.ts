// Seeded random mutations of a valid plan: whatever the text, `aad validate` answers 0 (valid) or
// 2 (invalid, with positions), never a crash or a stack trace. Every mutant goes through the same
// code path as the CLI in-process (loadPlanText + formatPlanIssues); a sample of them also
// through the built CLI, which must answer exactly the same.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse, stringify } from 'yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { prng } from '../helpers/prng.js';
import { loadPlanText } from '../../src/cli/plan-file.js';
import { graphText } from '../../src/cli/show-graph.js';
import { AadError, PlanInvalidError } from '../../src/errors.js';
import { formatPlanIssues } from '../../src/report/plan-issues.js';

const SEED = 0x5eed_aad1;
const CASES = 300;
const CLI_SAMPLE = 20;
const CLI = fileURLToPath(new URL('../../bin/aad.cjs', import.meta.url));
const STACK = /^ {4}at /m;

const BASE = [
  '# yaml-language-server: $schema=../schema/aad.schema.json',
  'version: 1',
  'goal: "Ship the release"',
  'artifacts_dir: dist-artifacts',
  'max_parallel: 4',
  'on_escalation: ./notify.sh',
  'defaults:',
  '  timeout_sec: 600',
  '  retries: 1',
  '  env: { CI: "true", LEVEL: 3 }',
  'tasks:',
  '  - id: lint',
  '    cmd: npm run lint',
  '  - id: build',
  '    cmd: [npm, run, build]',
  '    depends_on: [lint]',
  '    cwd: packages/app',
  '    env: { NODE_ENV: production }',
  '    timeout_sec: 300',
  '    kill_grace_sec: 5',
  '    retries: 2',
  '    retry_backoff_sec: [1, 3, 10]',
  '    outputs: ["dist/**", report.json]',
  '    rollback: git',
  '    rollback_timeout_sec: 60',
  '    rollback_on_cancel: false',
  '    description: Compile the app',
  '  - id: test',
  '    cmd: "npm test && echo ok"',
  '    depends_on: [build]',
  '  - id: deploy',
  '    cmd: ./deploy.sh',
  '    depends_on: [build, test]',
  '    rollback: ./undo.sh',
  '',
].join('\n');

type Rng = () => number;
const int = (rng: Rng, n: number) => Math.floor(rng() * n);
const pick = <T>(rng: Rng, xs: readonly T[]): T => xs[int(rng, xs.length)]!;

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

const ODD_VALUES: Json[] = [
  null, true, false, 0, -1, 1.5, -0.5, 1e308, -1e308, Infinity, -Infinity, NaN, 2 ** 53 + 2, '', ' ', 'x', '0', 'true',
  'a'.repeat(5000), 'déploiement → 😀', '\u202Eevil', 'line\nbreak', 'tab\there', '../escape', '/abs/path', 'git',
  [], [''], ['x'], [1, 2], [null], [[]], {}, { k: 'v' }, { AAD_X: 1 }, { 'A=B': 1 }, { '': 1 },
];
const ODD_KEYS = ['timout_sec', 'cmmd', 'Cmd', 'depends', 'x', '__proto__', 'constructor', 'AAD_X', 'tasks', '', ' ', 'é', '😀', 'a'.repeat(300)];
const GARBAGE = [
  ':', ': ', '- ', '[', ']', '{', '}', ',', '&a ', '*a', '*nope', '!!binary ', '!!set ', '!foo ', '|', '>', '"', "'", '#', '%YAML 1.1\n',
  '---\n', '...\n', '\t', '\u0000', '\uFEFF', 'é', '😀', '\u202E', '\u2028', '\r', '\\', '? ', '<<: *a\n', '@', '`', '\n  - ', '\n', '  ',
  '\ud800', 'ﬀ', '\u0301',
];
const NUMBERS = ['9'.repeat(400), '1e400', '-1e400', '-0', '0x1F', '0o17', '.nan', '.inf', '-.inf', '1_000', '1e-400', '4.', '+3', '0.0000001'];

type Obj = { [k: string]: Json };
const isObj = (v: Json | undefined): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Every container in `root` (maps and lists), for picking a random place to mutate. */
function containers(root: Json): (Obj | Json[])[] {
  const out: (Obj | Json[])[] = [];
  const stack = [root];
  while (stack.length > 0) {
    const v = stack.pop()!;
    if (Array.isArray(v)) {
      out.push(v);
      stack.push(...v);
    } else if (isObj(v)) {
      out.push(v);
      stack.push(...Object.values(v));
    }
  }
  return out;
}

function tasksOf(plan: Obj): Obj[] {
  return Array.isArray(plan.tasks) ? plan.tasks.filter(isObj) : [];
}

/** Mutations of the plan data (serialised to YAML afterwards). */
const DATA_MUTATIONS: Record<string, (rng: Rng, plan: Obj) => void> = {
  'delete a key': (rng, plan) => {
    const maps = containers(plan).filter((c): c is Obj => !Array.isArray(c) && Object.keys(c).length > 0);
    const m = pick(rng, maps);
    delete m[pick(rng, Object.keys(m))];
  },
  'change a type': (rng, plan) => {
    const c = pick(rng, containers(plan));
    if (Array.isArray(c)) {
      if (c.length > 0) c[int(rng, c.length)] = pick(rng, ODD_VALUES);
    } else {
      const keys = Object.keys(c);
      if (keys.length > 0) c[pick(rng, keys)] = pick(rng, ODD_VALUES);
    }
  },
  'add an unknown key': (rng, plan) => {
    const maps = containers(plan).filter((c): c is Obj => !Array.isArray(c));
    pick(rng, maps)[pick(rng, ODD_KEYS)] = pick(rng, ODD_VALUES);
  },
  'duplicate an id': (rng, plan) => {
    const ts = tasksOf(plan);
    if (ts.length > 1) pick(rng, ts).id = pick(rng, ts).id ?? 'x';
  },
  'rename an id': (rng, plan) => {
    const ts = tasksOf(plan);
    if (ts.length === 0) return;
    const t = pick(rng, ts);
    const id = String(t.id ?? 'x');
    t.id = pick(rng, [id.toUpperCase(), `${id} x`, `-${id}`, id.repeat(30), `${id}é`, `${id}.v2`, '', `${id}😀`]);
  },
  'add a dependency': (rng, plan) => {
    const ts = tasksOf(plan);
    if (ts.length === 0) return;
    const t = pick(rng, ts);
    const target = rng() < 0.8 ? (pick(rng, ts).id ?? 'x') : pick(rng, ['nope', 'LINT', 'biuld', 7, '']);
    t.depends_on = [...(Array.isArray(t.depends_on) ? t.depends_on : []), target];
  },
  'duplicate a task': (rng, plan) => {
    if (Array.isArray(plan.tasks) && plan.tasks.length > 0) plan.tasks.push(structuredClone(pick(rng, plan.tasks)));
  },
  'remove tasks': (rng, plan) => {
    if (Array.isArray(plan.tasks)) plan.tasks.splice(int(rng, plan.tasks.length), 1 + int(rng, 4));
  },
  'bad env or outputs': (rng, plan) => {
    const ts = tasksOf(plan);
    if (ts.length === 0) return;
    const t = pick(rng, ts);
    if (rng() < 0.5) t.env = { ...(isObj(t.env) ? t.env : {}), [pick(rng, ['AAD_RUN_ID', 'A=B', '', 'OK', 'SECRET_TOKEN'])]: pick(rng, ['v', 1, true, null, ['x']]) };
    else t.outputs = [pick(rng, ['../up', '/abs', '~/home', 'a/../../b', 'ok/**', '', '**/*'])];
  },
  'odd numbers': (rng, plan) => {
    const ts = tasksOf(plan);
    if (ts.length === 0) return;
    pick(rng, ts)[pick(rng, ['timeout_sec', 'retries', 'kill_grace_sec', 'retry_backoff_sec', 'rollback_timeout_sec'])] = pick(rng, [
      -1, 0, 0.5, 1e300, -1e-300, Infinity, NaN, 2 ** 60, [0.2, -1], [], [1e308],
    ]);
  },
};

/** Mutations of the YAML text. */
const TEXT_MUTATIONS: Record<string, (rng: Rng, text: string) => string> = {
  'delete a line': (rng, text) => {
    const ls = text.split('\n');
    ls.splice(int(rng, ls.length), 1);
    return ls.join('\n');
  },
  'duplicate a line': (rng, text) => {
    const ls = text.split('\n');
    const i = int(rng, ls.length);
    ls.splice(i, 0, ls[i]!);
    return ls.join('\n');
  },
  'swap two lines': (rng, text) => {
    const ls = text.split('\n');
    const [i, j] = [int(rng, ls.length), int(rng, ls.length)];
    [ls[i], ls[j]] = [ls[j]!, ls[i]!];
    return ls.join('\n');
  },
  'break the indentation': (rng, text) => {
    const ls = text.split('\n');
    const i = int(rng, ls.length);
    const shift = pick(rng, [' ', '  ', '   ', '\t', '-1', '-2', '-all']);
    ls[i] = shift === '-all' ? ls[i]!.trimStart() : shift.startsWith('-') ? ls[i]!.slice(Number(shift.slice(1))) : shift + ls[i];
    return ls.join('\n');
  },
  'insert garbage': (rng, text) => {
    const at = int(rng, text.length + 1);
    return text.slice(0, at) + pick(rng, GARBAGE) + text.slice(at);
  },
  'delete characters': (rng, text) => {
    const at = int(rng, text.length);
    return text.slice(0, at) + text.slice(at + 1 + int(rng, 5));
  },
  truncate: (rng, text) => text.slice(0, int(rng, text.length)),
  'replace a number': (rng, text) => {
    const nums = [...text.matchAll(/\b\d+(\.\d+)?\b/g)];
    if (nums.length === 0) return text;
    const m = pick(rng, nums);
    return text.slice(0, m.index) + pick(rng, NUMBERS) + text.slice(m.index + m[0].length);
  },
  'insert unicode': (rng, text) => {
    const at = int(rng, text.length + 1);
    return text.slice(0, at) + pick(rng, ['é', 'ß', '漢字', '😀', '\u200B', '\u00A0', '\u202E', 'İ', 'Ω']) + text.slice(at);
  },
  'huge value': (rng, text) => {
    const ls = text.split('\n');
    const i = int(rng, ls.length);
    ls[i] = ls[i] + pick(rng, ['x'.repeat(20_000), ' # ' + '#'.repeat(10_000), '[' .repeat(200), '{a: '.repeat(100)]);
    return ls.join('\n');
  },
};

interface Mutant {
  index: number;
  steps: string[];
  text: string;
}

const BASE_DATA = parse(BASE) as Obj;

/** The first `count` mutants, the same for every run. */
function mutants(count: number): Mutant[] {
  const rng = prng(SEED);
  const out: Mutant[] = [];
  for (let index = 0; index < count; index++) {
    const steps: string[] = [];
    const data = structuredClone(BASE_DATA);
    const nData = int(rng, 3);
    for (let k = 0; k < nData; k++) {
      const name = pick(rng, Object.keys(DATA_MUTATIONS));
      DATA_MUTATIONS[name]!(rng, data);
      steps.push(name);
    }
    let text = nData > 0 ? stringify(data) : BASE;
    const nText = nData > 0 ? int(rng, 2) : 1 + int(rng, 3);
    for (let k = 0; k < nText; k++) {
      const name = pick(rng, Object.keys(TEXT_MUTATIONS));
      text = TEXT_MUTATIONS[name]!(rng, text);
      steps.push(`text: ${name}`);
    }
    out.push({ index, steps, text });
  }
  return out;
}

interface Outcome {
  code: number;
  stdout: string;
  stderr: string;
}

/** What `aad validate FILE` answers, computed in-process along the CLI's code path. */
function validateInProcess(text: string, file: string): Outcome {
  try {
    const { plan } = loadPlanText(text, file);
    // What `aad graph` would draw must not crash either.
    graphText(plan, 4);
    return { code: 0, stdout: `${file}: valid: ${plan.tasks.length} task`, stderr: '' };
  } catch (err) {
    if (err instanceof PlanInvalidError) return { code: err.exitCode, stdout: '', stderr: formatPlanIssues(err, false) + '\n' };
    if (err instanceof AadError) return { code: err.exitCode, stdout: '', stderr: `aad: ${err.message}\n` };
    throw err;
  }
}

function runCli(args: string[], cwd: string): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    const env = { ...process.env };
    for (const k of ['FORCE_COLOR', 'NO_COLOR', 'AAD_DEBUG', 'NODE_OPTIONS']) delete env[k];
    const child = spawn(process.execPath, [CLI, ...args], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

const ALL = mutants(CASES);
const results = new Map<number, Outcome>();
const crashes: string[] = [];
for (const m of ALL) {
  try {
    results.set(m.index, validateInProcess(m.text, `m${m.index}.yaml`));
  } catch (err) {
    crashes.push(`#${m.index} [${m.steps.join(', ')}]: ${err instanceof Error ? err.stack : String(err)}`);
  }
}

const dir = mkdtempSync(join(tmpdir(), 'aad-mutation-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('seeded random mutations of a valid plan', () => {
  it('starts from a valid plan', () => {
    expect(validateInProcess(BASE, 'base.yaml').code).toBe(0);
  });

  it('is deterministic', () => {
    expect(mutants(60).map((m) => m.text)).toEqual(ALL.slice(0, 60).map((m) => m.text));
  });

  it('never crashes: every mutant is valid (0) or invalid (2)', () => {
    expect(crashes).toEqual([]);
    const codes = new Set([...results.values()].map((r) => r.code));
    expect([...codes].sort()).toEqual([0, 2]);
  });

  it('exercises both outcomes and many kinds of problem', () => {
    const outcomes = [...results.values()];
    const valid = outcomes.filter((r) => r.code === 0).length;
    expect(valid).toBeGreaterThan(CASES * 0.05);
    expect(CASES - valid).toBeGreaterThan(CASES * 0.5);
    // The message of each first problem, with the quoted parts and numbers taken out.
    const kinds = new Set(outcomes.filter((r) => r.code === 2).map((r) => r.stderr.split('\n')[0]!.replace(/^\S+ {2}(\S+ {2})?/, '').replace(/"[^"]*"|\d+/g, '_')));
    expect(kinds.size).toBeGreaterThan(25);
  });

  it('points every problem at a real place in the file', () => {
    for (const m of ALL) {
      const r = results.get(m.index)!;
      if (r.code !== 2) continue;
      const lineCount = m.text.split('\n').length;
      const heads = r.stderr.split('\n').filter((l) => l.startsWith(`m${m.index}.yaml:`));
      expect(heads.length, `#${m.index}`).toBeGreaterThan(0);
      for (const h of heads) {
        const [, line, col] = /^m\d+\.yaml:(\d+):(\d+) {2}/.exec(h) ?? [];
        expect(Number(line), `#${m.index}: ${h}`).toBeGreaterThanOrEqual(1);
        expect(Number(line), `#${m.index}: ${h}`).toBeLessThanOrEqual(lineCount);
        expect(Number(col), `#${m.index}: ${h}`).toBeGreaterThanOrEqual(1);
      }
      expect(r.stderr).toMatch(new RegExp(`\\n${heads.length} problems? in m${m.index}\\.yaml\\n$`));
      expect(r.stderr).not.toMatch(STACK);
    }
  });

  it('answers the same through the built CLI, with no stack trace', async () => {
    // A spread of mutants: mostly invalid ones, some valid.
    const invalid = ALL.filter((m) => results.get(m.index)?.code === 2);
    const valid = ALL.filter((m) => results.get(m.index)?.code === 0);
    const sample = [
      ...invalid.filter((_, k) => k % Math.floor(invalid.length / 14) === 0).slice(0, 14),
      ...valid.filter((_, k) => k % Math.floor(valid.length / 6) === 0).slice(0, 6),
    ];
    expect(sample).toHaveLength(CLI_SAMPLE);
    for (const m of sample) writeFileSync(join(dir, `m${m.index}.yaml`), m.text);
    const cli = await Promise.all(sample.map((m) => runCli(['validate', `m${m.index}.yaml`], dir)));
    sample.forEach((m, k) => {
      const want = results.get(m.index)!;
      const got = cli[k]!;
      const label = `#${m.index} [${m.steps.join(', ')}]`;
      expect([0, 2], label).toContain(got.code);
      expect(got.stderr, label).not.toMatch(STACK);
      expect(got.code, label).toBe(want.code);
      expect(got.stderr, label).toBe(want.stderr);
      expect(got.stdout.startsWith(want.stdout), label).toBe(true);
    });
    // `aad graph` on some of the valid ones.
    const graphs = await Promise.all(sample.filter((m) => results.get(m.index)!.code === 0).slice(0, 3).map((m) => runCli(['graph', `m${m.index}.yaml`], dir)));
    expect(graphs).toHaveLength(3);
    for (const g of graphs) {
      expect(g.code).toBe(0);
      expect(g.stderr).toBe('');
      expect(g.stdout).toContain('Critical path');
    }
  });
});
