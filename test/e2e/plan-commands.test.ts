// `aad validate`, `aad graph`, `aad schema` and the top level of the CLI, through the built binary
// (dist/: `npm test` builds it first), each case in its own temp dir.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CLI = join(ROOT, 'bin', 'aad.cjs');
const SCHEMA = readFileSync(join(ROOT, 'schema', 'aad.schema.json'), 'utf8');
const VERSION = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
const COMMANDS = ['run', 'validate', 'graph', 'list', 'status', 'logs', 'resume', 'orchestrate', 'worker', 'cancel', 'approve', 'reject', 'runs', 'clean', 'prune', 'schema', 'init', 'completion', 'selfcheck'];
// eslint-disable-next-line no-control-regex
const ANSI = /\x1b\[/;
const STACK = /^ {4}at /m;

interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** A fresh temp dir holding `files` (name → text). */
function workspace(files: Record<string, string> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'aad-e2e-plan-'));
  dirs.push(dir);
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

/** The environment of the CLI: ours, without anything that changes its output. */
function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const k of Object.keys(env)) if (k.startsWith('AAD_') || ['FORCE_COLOR', 'NO_COLOR', 'COLUMNS', 'NODE_OPTIONS'].includes(k)) delete env[k];
  return { ...env, ...extra };
}

/** Runs a command to its end. */
function exec(file: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<Result> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Runs the built CLI with stdout and stderr piped (not a TTY). */
function aad(args: string[], opts: { cwd?: string; env?: Record<string, string> } = {}): Promise<Result> {
  return exec(process.execPath, [CLI, ...args], opts.cwd ?? workspace(), cleanEnv(opts.env));
}

/** Runs the built CLI with stdout on a pseudo-terminal (util-linux or BSD `script`). */
function aadOnTty(args: string[], cwd: string, env: Record<string, string> = {}): Promise<Result> {
  const line = [process.execPath, CLI, ...args].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
  const scriptArgs = process.platform === 'linux' ? ['-qec', line, '/dev/null'] : ['-q', '/dev/null', 'sh', '-c', line];
  return exec('script', scriptArgs, cwd, cleanEnv({ TERM: 'xterm', ...env }));
}

const yaml = (...lines: string[]) => lines.join('\n') + '\n';

const VALID = yaml(
  '# yaml-language-server: $schema=../schema/aad.schema.json',
  'goal: Ship it',
  'tasks:',
  '  - id: setup',
  '    cmd: echo setup',
  '  - id: lint',
  '    cmd: npm run lint',
  '    depends_on: [setup]',
  '  - id: test',
  '    cmd: [npm, test]',
  '    depends_on: [setup]',
  '    description: unit tests',
  '  - id: ship',
  '    cmd: ./ship.sh && echo done',
  '    depends_on: [lint, test]',
);

const INVALID = yaml(
  'tasks:', //                       1
  '  - id: build', //                2
  '    cmd: make', //                3
  '    timout_sec: 5', //            4
  '  - id: test', //                 5
  '    cmd: make test', //           6
  '    depends_on: [biuld]', //      7
  '    retries: -1', //              8
);

const INVALID_STDERR = [
  'aad.yaml:4:5  tasks[0].timout_sec  unknown key "timout_sec" (did you mean "timeout_sec"?)',
  '    4 |     timout_sec: 5',
  '      |     ~~~~~~~~~~',
  'aad.yaml:7:18  tasks[1].depends_on[0]  unknown task "biuld" in depends_on (did you mean "build"?)',
  '    7 |     depends_on: [biuld]',
  '      |                  ~~~~~',
  'aad.yaml:8:14  tasks[1].retries  must be a number >= 0, not -1',
  '    8 |     retries: -1',
  '      |              ~~',
  '3 problems in aad.yaml',
  '',
].join('\n');

/** Lines wider than `width` columns (code points; every character aad prints is one column). */
const tooWide = (text: string, width = 80) => text.split('\n').filter((l) => [...l].length > width);

describe.concurrent('aad validate', () => {
  it('exits 0 and sums up a valid plan on stdout', async () => {
    const r = await aad(['validate', 'aad.yaml'], { cwd: workspace({ 'aad.yaml': VALID }) });
    expect(r).toEqual({ code: 0, stdout: 'aad.yaml: valid: 4 tasks, 4 dependencies, 3 waves\n', stderr: '' });
  });

  it('reads ./aad.yaml when no plan is given', async () => {
    const r = await aad(['validate'], { cwd: workspace({ 'aad.yaml': yaml('tasks:', '  - id: only', '    cmd: "true"') }) });
    expect(r).toEqual({ code: 0, stdout: 'aad.yaml: valid: 1 task, 0 dependencies, 1 wave\n', stderr: '' });
  });

  it('names the plan as it was given, in a subfolder too', async () => {
    const dir = workspace();
    mkdirSync(join(dir, 'sub'));
    writeFileSync(join(dir, 'sub', 'p.yaml'), INVALID);
    const r = await aad(['validate', 'sub/p.yaml'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr.split('\n')[0]).toBe('sub/p.yaml:4:5  tasks[0].timout_sec  unknown key "timout_sec" (did you mean "timeout_sec"?)');
    expect(r.stderr).toContain('\n3 problems in sub/p.yaml\n');
  });

  it('exits 2 and prints every problem as FILE:LINE:COL  path  message, with the source line', async () => {
    const r = await aad(['validate', 'aad.yaml'], { cwd: workspace({ 'aad.yaml': INVALID }) });
    expect(r).toEqual({ code: 2, stdout: '', stderr: INVALID_STDERR });
  });

  it('prints the same problems without a stack, with AAD_DEBUG=1 too', async () => {
    const r = await aad(['validate', 'aad.yaml'], { cwd: workspace({ 'aad.yaml': INVALID }), env: { AAD_DEBUG: '1' } });
    expect(r).toEqual({ code: 2, stdout: '', stderr: INVALID_STDERR });
  });

  it('exits 2 on a YAML syntax error, with its line', async () => {
    const r = await aad(['validate', 'p.yaml'], { cwd: workspace({ 'p.yaml': yaml('tasks:', '  - id: a', '\tcmd: x') }) });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(['p.yaml:3:1  YAML syntax error: Tabs are not allowed as indentation', '    3 | \tcmd: x', '      | ~', '1 problem in p.yaml', ''].join('\n'));
  });

  it('exits 2 on an empty plan', async () => {
    const r = await aad(['validate', 'p.yaml'], { cwd: workspace({ 'p.yaml': '' }) });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('p.yaml:1:1  the plan is empty: it needs at least a "tasks" list\n    1 | \n      | ~\n1 problem in p.yaml\n');
  });

  it('prints a cycle as a path', async () => {
    const text = yaml('tasks:', '  - id: a', '    cmd: x', '    depends_on: [c]', '  - id: b', '    cmd: x', '    depends_on: [a]', '  - id: c', '    cmd: x', '    depends_on: [b]');
    const r = await aad(['validate', 'p.yaml'], { cwd: workspace({ 'p.yaml': text }) });
    expect(r.code).toBe(2);
    expect(r.stderr.split('\n')[0]).toBe('p.yaml:4:17  tasks[0].depends_on  dependency cycle: a → c → b → a');
  });

  it('refuses 10,000 nested [ quickly, with one problem', async () => {
    const t0 = Date.now();
    const r = await aad(['validate', 'p.yaml'], { cwd: workspace({ 'p.yaml': '['.repeat(10_000) + ']'.repeat(10_000) }) });
    expect(r.code).toBe(2);
    expect(r.stderr.split('\n')[0]).toBe('p.yaml:1:65  the document is nested more than 64 levels deep; at most 64 are allowed');
    expect(r.stderr).toMatch(/\n1 problem in p\.yaml\n$/);
    expect(Date.now() - t0).toBeLessThan(5000);
  });

  it('refuses an alias bomb', async () => {
    const lines = ['a0: &a0 [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i <= 8; i++) lines.push(`a${i}: &a${i} [${Array(10).fill(`*a${i - 1}`).join(', ')}]`);
    const r = await aad(['validate', 'p.yaml'], { cwd: workspace({ 'p.yaml': yaml(...lines, 'tasks: *a8') }) });
    expect(r.code).toBe(2);
    expect(r.stderr.split('\n')[0]).toBe('p.yaml:1:1  too many YAML aliases (more than 100 expansions): refusing a possible alias bomb');
  });

  it('exits 2 for a missing plan, without a stack', async () => {
    const r = await aad(['validate', 'nope.yaml']);
    expect(r).toEqual({ code: 2, stdout: '', stderr: 'aad: cannot read plan nope.yaml: no such file\n' });
  });

  it('exits 2 when ./aad.yaml is missing', async () => {
    const r = await aad(['validate']);
    expect(r).toEqual({ code: 2, stdout: '', stderr: 'aad: cannot read plan aad.yaml: no such file\n' });
  });

  it('exits 2 for a folder given as the plan', async () => {
    const r = await aad(['validate', '.']);
    expect(r).toEqual({ code: 2, stdout: '', stderr: 'aad: cannot read plan .: it is a directory (give the path of a plan file, e.g. aad.yaml)\n' });
  });

  it('reads a plan from a pipe (/dev/stdin)', async () => {
    const cwd = workspace({ 'p.yaml': VALID });
    const r = await exec('sh', ['-c', `cat p.yaml | '${process.execPath}' '${CLI}' validate /dev/stdin`], cwd, cleanEnv());
    expect(r).toEqual({ code: 0, stdout: '/dev/stdin: valid: 4 tasks, 4 dependencies, 3 waves\n', stderr: '' });
  });

  it('refuses an endless device (/dev/zero) quickly instead of reading forever', async () => {
    const t0 = Date.now();
    const r = await aad(['validate', '/dev/zero']);
    expect(r).toEqual({ code: 2, stdout: '', stderr: 'aad: cannot read plan /dev/zero: it holds more than 64 MB; plans are limited to 64 MB\n' });
    expect(Date.now() - t0).toBeLessThan(10_000);
  });

  it('exits 2 for an unknown flag, with a suggestion', async () => {
    const r = await aad(['validate', '--strict', 'aad.yaml']);
    expect(r).toEqual({ code: 2, stdout: '', stderr: 'aad: unknown flag "--strict" for `aad validate`; see `aad validate --help`\n' });
    const g = await aad(['graph', '--onyl', 'a']);
    expect(g).toEqual({ code: 2, stdout: '', stderr: 'aad: unknown flag "--onyl" for `aad graph` (did you mean "--only"?); see `aad graph --help`\n' });
  });

  it('exits 2 for a second plan argument', async () => {
    const r = await aad(['validate', 'a.yaml', 'b.yaml']);
    expect(r).toEqual({ code: 2, stdout: '', stderr: 'aad: unexpected argument "b.yaml" for `aad validate`\n' });
  });
});

describe.concurrent('aad graph', () => {
  it('prints the tree, the waves, the critical path and the estimate', async () => {
    const r = await aad(['graph', 'aad.yaml', '--max-parallel', '2'], { cwd: workspace({ 'aad.yaml': VALID }) });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      [
        'Goal: Ship it',
        '',
        'Tasks (4)',
        '  setup — echo setup',
        '  ├─ lint — npm run lint',
        '  │  └─ ship (after lint, test) — ./ship.sh && echo done',
        '  └─ test — unit tests',
        '     └─ ship ↑',
        '',
        'Waves (3)',
        '  setup → [lint, test] → ship',
        '',
        'Critical path (3 tasks)',
        '  setup → lint → ship',
        '',
        'Estimate  3 task-lengths (equal weights: no run history yet), at 2 in parallel',
        '',
      ].join('\n'),
    );
  });

  it('restricts the graph with --only (and its alias --specs) to the tasks and what they depend on', async () => {
    const cwd = workspace({ 'aad.yaml': VALID });
    const only = await aad(['graph', '--only', 'test', '--max-parallel', '1'], { cwd });
    expect(only.code).toBe(0);
    expect(only.stdout).toContain('Tasks (2)\n  setup — echo setup\n  └─ test — unit tests\n');
    expect(only.stdout).toContain('Waves (2)\n  setup → test\n');
    expect(only.stdout).not.toContain('ship');
    const specs = await aad(['graph', '--specs=test', '--max-parallel', '1'], { cwd });
    expect(specs).toEqual(only);
  });

  it('exits 2 for an unknown --only task, naming the tasks', async () => {
    const r = await aad(['graph', '--only', 'tset'], { cwd: workspace({ 'aad.yaml': VALID }) });
    expect(r).toEqual({ code: 2, stdout: '', stderr: 'aad: --only: unknown task "tset" (did you mean "test"?); tasks: setup, lint, test, ship\n' });
  });

  it('exits 2 for a bad --max-parallel', async () => {
    const cwd = workspace({ 'aad.yaml': VALID });
    for (const bad of ['0', '1.5']) {
      const r = await aad(['graph', `--max-parallel=${bad}`], { cwd });
      expect(r).toEqual({ code: 2, stdout: '', stderr: `aad: --max-parallel must be a whole number >= 1, not "${bad}"\n` });
    }
  });

  it('exits 2 with the same problems as validate on an invalid plan', async () => {
    const r = await aad(['graph'], { cwd: workspace({ 'aad.yaml': INVALID }) });
    expect(r).toEqual({ code: 2, stdout: '', stderr: INVALID_STDERR });
  });

  it('fits in 80 columns, with long ids, descriptions and many tasks', async () => {
    const lines = ['goal: ' + 'a goal that is far too long to fit on one line of a terminal '.repeat(3), 'tasks:'];
    lines.push(`  - id: ${'r'.repeat(128)}`, '    cmd: echo root', `    description: ${'a long description '.repeat(10)}`);
    for (let i = 0; i < 40; i++) lines.push(`  - id: task-number-${i}`, `    cmd: echo ${'x'.repeat(100)}`, `    depends_on: [${'r'.repeat(128)}]`);
    lines.push(`  - id: ${'z'.repeat(128)}`, '    cmd: echo end', `    depends_on: [${Array.from({ length: 40 }, (_, i) => `task-number-${i}`).join(', ')}]`);
    const r = await aad(['graph', '--max-parallel', '1000'], { cwd: workspace({ 'aad.yaml': yaml(...lines) }) });
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n').length).toBeGreaterThan(50);
    expect(tooWide(r.stdout)).toEqual([]);
    expect(r.stdout).toContain('Estimate  3 task-lengths');
  });

  it('draws a 10,000-task chain without overflowing the stack, in 80 columns', async () => {
    const lines = ['tasks:'];
    for (let i = 0; i < 10_000; i++) lines.push(`  - id: t${i}`, '    cmd: "true"', ...(i > 0 ? [`    depends_on: [t${i - 1}]`] : []));
    const r = await aad(['graph', '--max-parallel', '4'], { cwd: workspace({ 'aad.yaml': yaml(...lines) }) });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Tasks \(10000\)\n {2}t0 — true\n {2}└─ t1 — true\n {5}└─ t2 — true\n/);
    expect(r.stdout).toContain('\nWaves (10000)\n');
    expect(r.stdout).toContain('\nCritical path (10000 tasks)\n');
    expect(r.stdout).toMatch(/t9999\n\nEstimate {2}10000 task-lengths, at 4 in parallel\n {2}\(equal weights: no run history yet\)\n$/);
    expect(tooWide(r.stdout)).toEqual([]);
  });

  it('stops quietly when its reader goes away (`aad graph | head -1`)', async () => {
    const lines = ['tasks:'];
    for (let i = 0; i < 10_000; i++) lines.push(`  - id: t${i}`, '    cmd: "true"', ...(i > 0 ? [`    depends_on: [t${i - 1}]`] : []));
    const cwd = workspace({ 'aad.yaml': yaml(...lines) });
    // The graph is ~1 MB: far more than a pipe holds, so aad is still writing when the reader closes.
    const child = spawn(process.execPath, [CLI, 'graph'], { cwd, env: cleanEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    child.stdout.once('data', () => child.stdout.destroy());
    const code = await new Promise<number | null>((done) => child.on('close', done));
    expect(stderr).toBe('');
    expect(code).toBe(0);
  });

  it('prints no colour codes when stdout is not a terminal', async () => {
    const r = await aad(['graph', '--max-parallel', '2'], { cwd: workspace({ 'aad.yaml': VALID }) });
    expect(r.code).toBe(0);
    expect(r.stdout).not.toMatch(ANSI);
  });

  it('prints colour codes only on a terminal, and none there with NO_COLOR', async () => {
    const cwd = workspace({ 'aad.yaml': VALID });
    const tty = await aadOnTty(['graph', '--max-parallel', '2'], cwd);
    expect(tty.code).toBe(0);
    expect(tty.stdout).toContain('Critical path');
    expect(tty.stdout).toMatch(ANSI);
    // CI=1 makes Node's own colour check say no; aad decides by itself and still colours a terminal.
    const inCi = await aadOnTty(['graph', '--max-parallel', '2'], cwd, { CI: '1' });
    expect(inCi.code).toBe(0);
    expect(inCi.stdout).toMatch(ANSI);
    const noColor = await aadOnTty(['graph', '--max-parallel', '2'], cwd, { NO_COLOR: '1' });
    expect(noColor.code).toBe(0);
    expect(noColor.stdout).toContain('Critical path');
    expect(noColor.stdout).not.toMatch(ANSI);
    // This pty has no size (0 columns): aad draws for 80, not for its 40-column minimum.
    expect(noColor.stdout).toContain('\nEstimate  3 task-lengths (equal weights: no run history yet), at 2 in parallel\r\n');
  });

  it('keeps coloured lines within 80 columns too (FORCE_COLOR)', async () => {
    const text = yaml('tasks:', '  - id: a', '    cmd: echo a', '  - id: b', '    depends_on: [a]', `    cmd: echo ${'long '.repeat(40)}`);
    const r = await aad(['graph', '--max-parallel', '2'], { cwd: workspace({ 'aad.yaml': text }), env: { FORCE_COLOR: '1' } });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(ANSI);
    // eslint-disable-next-line no-control-regex
    const visible = r.stdout.replace(/\x1b\[[0-9;]*m/g, '');
    expect(visible).toContain('└─ b — echo long long');
    expect(tooWide(visible)).toEqual([]);
  });
});

describe.concurrent('aad schema, --version, --help and usage errors', () => {
  it('aad schema prints the JSON Schema of schema/aad.schema.json', async () => {
    const r = await aad(['schema']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe(SCHEMA);
    expect(JSON.parse(r.stdout)).toEqual(JSON.parse(SCHEMA));
  });

  it('aad --version and -v print the package version', async () => {
    expect(await aad(['--version'])).toEqual({ code: 0, stdout: `${VERSION}\n`, stderr: '' });
    expect(await aad(['-v'])).toEqual({ code: 0, stdout: `${VERSION}\n`, stderr: '' });
  });

  it('aad --help lists every command, with no colour when piped', async () => {
    const r = await aad(['--help']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain(`USAGE aad ${COMMANDS.join('|')}`);
    for (const c of COMMANDS) expect(r.stdout).toMatch(new RegExp(`^ +${c} {4}\\S`, 'm'));
    expect(r.stdout).toContain('Exit codes: 0 ok, 1 aad failed, 2 invalid plan or usage, 3 a task failed, was blocked or was skipped, 4 cancelled.');
    expect(r.stdout).not.toMatch(ANSI);
  });

  it('aad validate --help describes the command and its argument', async () => {
    const r = await aad(['validate', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('USAGE aad validate [OPTIONS] [PLAN]');
    expect(r.stdout).toContain('exit 0 (valid) or 2 (invalid)');
  });

  it('aad with no arguments prints the usage on stderr and exits 2', async () => {
    const r = await aad([]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(`USAGE aad ${COMMANDS.join('|')}`);
  });

  it('exits 2 for an unknown command, with a suggestion', async () => {
    expect(await aad(['valdate'])).toEqual({
      code: 2,
      stdout: '',
      stderr: `aad: unknown command "valdate" (did you mean "validate"?); commands: ${COMMANDS.join(', ')}\n`,
    });
    expect(await aad(['frobnicate'])).toEqual({ code: 2, stdout: '', stderr: `aad: unknown command "frobnicate"; commands: ${COMMANDS.join(', ')}\n` });
  });

  it('exits 2 for an unknown top-level flag', async () => {
    expect(await aad(['--frobnicate'])).toEqual({ code: 2, stdout: '', stderr: 'aad: unknown flag "--frobnicate" for `aad`; see `aad --help`\n' });
  });

  it('never prints a stack for user errors, and does not ask for AAD_DEBUG', async () => {
    // The other cases compare stderr whole; these are the usage errors left.
    const cwd = workspace({ 'aad.yaml': INVALID });
    const runs = await Promise.all([
      aad(['graph', '--only', 'x', 'aad.yaml'], { cwd }),
      aad(['graph', '--max-parallel'], { cwd }),
      aad(['schema', 'extra'], { cwd }),
    ]);
    expect(runs.map((r) => r.stderr)).toEqual([
      INVALID_STDERR,
      'aad: flag "--max-parallel" needs a value\n',
      'aad: unexpected argument "extra" for `aad schema`\n',
    ]);
    for (const r of runs) {
      expect(r.code).toBe(2);
      expect(r.stderr).not.toMatch(STACK);
      expect(r.stderr).not.toContain('AAD_DEBUG');
    }
  });
});
