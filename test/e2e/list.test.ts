// `aad list` through the built CLI: the table off and on a terminal, --json, the selection, and the errors
// it shares with `aad validate`.
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { cleanEnv, distMain, runCli, tmpDir, writePlan, type CliResult } from '../helpers/cli.js';

const yaml = (...lines: string[]) => lines.join('\n') + '\n';

const PLAN = yaml(
  'tasks:',
  '  - id: setup',
  '    cmd: echo setup',
  '  - id: lint',
  '    cmd: npm run lint',
  '    description: Check the style',
  '    depends_on: [setup]',
  '  - id: test',
  '    cmd: [npm, test]',
  '    description: |',
  '      Run the unit tests',
  '      and the integration tests',
  '    depends_on: [setup, setup]',
  '  - id: ship',
  '    cmd: ./ship.sh',
  '    description: Publish the release',
  '    depends_on: [lint, test]',
);

/** A folder holding `plan` as aad.yaml; `aad` runs there. */
function workspace(plan = PLAN) {
  const dir = tmpDir('aad-e2e-list-');
  writePlan(dir, plan);
  return { dir, aad: (...args: string[]) => runCli(args, { cwd: dir }) };
}

/** Runs the CLI with stdout on a pseudo-terminal of `cols` columns (util-linux `script`), colours allowed. */
function onTty(args: string[], cwd: string, cols: number): Promise<CliResult> {
  const quote = (a: string) => `'${a.replace(/'/g, `'\\''`)}'`;
  const line = `stty cols ${cols} 2>/dev/null; ${[process.execPath, distMain, ...args].map(quote).join(' ')}`;
  return new Promise((resolve, reject) => {
    const child = spawn('script', ['-qec', line, '/dev/null'], { cwd, env: cleanEnv({ NO_COLOR: undefined, TERM: 'xterm' }), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr, stdoutBytes: stdout.length, ms: 0 }));
  });
}

// eslint-disable-next-line no-control-regex
const ANSI = /\x1b\[[0-9;]*m/g;

describe.concurrent('aad list', () => {
  it('prints an aligned table of the tasks, their dependencies and descriptions, in plan order', async () => {
    const r = await workspace().aad('list');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      [
        'TASK   DEPENDS ON  DESCRIPTION',
        'setup  -           $ echo setup',
        'lint   setup       Check the style',
        'test   setup       Run the unit tests …',
        'ship   lint, test  Publish the release',
        '',
      ].join('\n'),
    );
  });

  it('--json prints {id, description, depends_on} for each task, description null when there is none', async () => {
    const r = await workspace().aad('list', '--json');
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toEqual([
      { id: 'setup', description: null, depends_on: [] },
      { id: 'lint', description: 'Check the style', depends_on: ['setup'] },
      { id: 'test', description: 'Run the unit tests\nand the integration tests\n', depends_on: ['setup'] },
      { id: 'ship', description: 'Publish the release', depends_on: ['lint', 'test'] },
    ]);
  });

  it('takes the plan as a path, and task ids of ./aad.yaml or --only as graph does', async () => {
    const ws = workspace(yaml('tasks:', '  - id: other', '    cmd: "true"'));
    writePlan(ws.dir, PLAN, 'sub/plan.yaml');
    const byPath = await ws.aad('list', 'sub/plan.yaml', '--json');
    expect(byPath.code).toBe(0);
    expect((JSON.parse(byPath.stdout) as { id: string }[]).map((t) => t.id)).toEqual(['setup', 'lint', 'test', 'ship']);

    const ws2 = workspace();
    const byId = await ws2.aad('list', 'lint');
    expect(byId).toMatchObject({ code: 0, stderr: '', stdout: 'TASK   DEPENDS ON  DESCRIPTION\nsetup  -           $ echo setup\nlint   setup       Check the style\n' });
    expect(await ws2.aad('list', '--only', 'lint')).toEqual({ ...byId, ms: expect.any(Number) });
    const specs = await ws2.aad('list', '--specs=test', '--json');
    expect((JSON.parse(specs.stdout) as { id: string }[]).map((t) => t.id)).toEqual(['setup', 'test']);
  });

  it('masks secret values in descriptions and commands', async () => {
    const plan = yaml('tasks:', '  - id: deploy', '    cmd: curl -H "token hunter2-secret" x', '    env: { DEPLOY_TOKEN: hunter2-secret }', '  - id: tell', '    cmd: "true"', '    description: uses hunter2-secret');
    const r = await workspace(plan).aad('list');
    expect(r.code).toBe(0);
    expect(r.stdout).not.toContain('hunter2');
    expect(r.stdout).toContain('deploy  -           $ curl -H "token ***" x\n');
    expect(r.stdout).toContain('tell    -           uses ***\n');
  });

  it('on a terminal, bolds the header, dims the commands and fits each line in its width', async () => {
    const long = 'word '.repeat(40).trim();
    const deps = Array.from({ length: 12 }, (_, i) => `dependency-${i}`);
    const lines = ['tasks:', ...deps.flatMap((d) => [`  - id: ${d}`, '    cmd: "true"']), '  - id: big', `    description: ${long}`, '    cmd: "true"', `    depends_on: [${deps.join(', ')}]`];
    const ws = workspace(yaml(...lines));
    const r = await onTty(['list'], ws.dir, 70);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/\x1b\[1mTASK +DEPENDS ON +DESCRIPTION\x1b\[22m/);
    expect(r.stdout).toMatch(/dependency-0 +- +\x1b\[2m\$ true\x1b\[22m/);
    const plain = r.stdout.replace(ANSI, '').split('\r\n').filter(Boolean);
    expect(plain).toHaveLength(14);
    for (const l of plain) expect([...l].length, l).toBeLessThanOrEqual(70);
    const big = plain.find((l) => l.startsWith('big '))!;
    expect(big).toMatch(/^big +dependency-0, dependency-1, … \+10 +word word .*…$/);
    // Piped, nothing is cut.
    const piped = await ws.aad('list');
    expect(piped.stdout).toContain(`${'big'.padEnd('dependency-11'.length)}  ${deps.join(', ')}  ${long}\n`);
  });

  it('exits 2 with the same problems as aad validate on an invalid plan', async () => {
    const ws = workspace(yaml('tasks:', '  - id: a', '    cmd: x', '    depends_on: [b]', '    retries: -1'));
    const validate = await ws.aad('validate');
    const r = await ws.aad('list');
    expect(validate.code).toBe(2);
    expect(validate.stderr).toContain('tasks[0].depends_on[0]  unknown task "b"');
    expect(r).toMatchObject({ code: 2, stdout: '', stderr: validate.stderr });
    expect(await ws.aad('list', '--json')).toMatchObject({ code: 2, stdout: '', stderr: validate.stderr });
  });

  it('exits 2 for a missing plan, an unknown --only task and an unknown flag, without a stack', async () => {
    const ws = workspace();
    expect(await ws.aad('list', 'nope.yaml')).toMatchObject({ code: 2, stdout: '', stderr: 'aad: cannot read plan nope.yaml: no such file\n' });
    expect(await runCli(['list'], { cwd: tmpDir() })).toMatchObject({ code: 2, stdout: '', stderr: 'aad: cannot read plan aad.yaml: no such file\n' });
    expect(await ws.aad('list', '--only', 'tset')).toMatchObject({ code: 2, stdout: '', stderr: 'aad: --only: unknown task "tset" (did you mean "test"?); tasks: setup, lint, test, ship\n' });
    expect(await ws.aad('list', '--jsn')).toMatchObject({ code: 2, stdout: '', stderr: 'aad: unknown flag "--jsn" for `aad list` (did you mean "--json"?); see `aad list --help`\n' });
  });
});
