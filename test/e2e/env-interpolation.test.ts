// `${NAME}` / `${NAME:-default}` / `$$` in env values, end to end through the BUILT CLI: run, validate,
// resume, masking, and the run directory's plan.yaml kept as written. Each case in its own temp dir.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, tmpDir, writePlan } from '../helpers/cli.js';

const yaml = (...lines: string[]) => lines.join('\n') + '\n';

/** The only run of the home in `cwd`/.aad and the log of its task's first attempt. */
function onlyRun(cwd: string, task: string): { dir: string; log: string } {
  const runs = path.join(cwd, '.aad', 'runs');
  const [id] = fs.readdirSync(runs);
  const dir = path.join(runs, id!);
  return { dir, log: fs.readFileSync(path.join(dir, 'logs', task, '1.log'), 'utf8') };
}

const PLAN = yaml(
  'defaults:',
  '  env: { REGION: "${REGION:-eu}" }',
  'tasks:',
  '  - id: show',
  '    cmd: printf "%s|%s|%s|%s\\n" "$REGION" "$PRICE" "$WHO" "$N"',
  '    env:',
  '      PRICE: "$$5 $${WHO} $HOME"',
  '      WHO: "${USER_NAME}@${HOST_NAME:-localhost}"',
  '      N: 3',
  '  - id: deploy',
  '    cmd: echo deploying',
  '    env:',
  '      DEPLOY_TOKEN: "${MYTOK}"',
);

describe.concurrent('env interpolation', () => {
  it('replaces ${NAME} and ${NAME:-default} from aad\'s environment, $$ as $, and keeps plan.yaml as written', async () => {
    const cwd = tmpDir();
    writePlan(cwd, PLAN);
    const r = await runCli(['run', '--quiet'], { cwd, env: { USER_NAME: 'ann', MYTOK: 'tok-1234' }, timeoutMs: 15_000 });
    expect(r.code).toBe(0);
    const run = onlyRun(cwd, 'show');
    expect(run.log).toBe('eu|$5 ${WHO} $HOME|ann@localhost|3\n');
    expect(fs.readFileSync(path.join(run.dir, 'plan.yaml'), 'utf8')).toBe(PLAN);
  });

  it('refuses the run, positioned, when a ${NAME} without default is unset; no run is created', async () => {
    const cwd = tmpDir();
    writePlan(cwd, PLAN);
    const r = await runCli(['run'], { cwd, env: { USER_NAME: 'ann' }, timeoutMs: 15_000 });
    expect({ code: r.code, stdout: r.stdout, stderr: r.stderr }).toEqual({
      code: 2,
      stdout: '',
      stderr: yaml('aad.yaml:13:21  tasks[1].env.DEPLOY_TOKEN  ${MYTOK} is not set', '   13 |       DEPLOY_TOKEN: "${MYTOK}"', '      |                     ~~~~~~~~~~', '1 problem in aad.yaml'),
    });
    expect(fs.existsSync(path.join(cwd, '.aad', 'runs'))).toBe(false);
  });

  it('runs a selection (--only) whose tasks need no unset variable', async () => {
    const cwd = tmpDir();
    writePlan(cwd, PLAN);
    const r = await runCli(['run', '--quiet', '--only', 'show'], { cwd, env: { USER_NAME: 'bob', HOST_NAME: 'h1', REGION: 'us' }, timeoutMs: 15_000 });
    expect(r.code).toBe(0);
    expect(onlyRun(cwd, 'show').log).toBe('us|$5 ${WHO} $HOME|bob@h1|3\n');
  });

  it('aad validate warns about every unset variable on stderr and exits 0', async () => {
    const cwd = tmpDir();
    writePlan(cwd, PLAN);
    const r = await runCli(['validate'], { cwd, timeoutMs: 10_000 });
    expect({ code: r.code, stdout: r.stdout, stderr: r.stderr }).toEqual({
      code: 0,
      stdout: 'aad.yaml: valid: 2 tasks, 0 dependencies, 1 wave\n',
      stderr: yaml(
        'aad.yaml:8:12  tasks[0].env.WHO  warning: ${USER_NAME} is not set (`aad run` refuses to start until it is)',
        'aad.yaml:13:21  tasks[1].env.DEPLOY_TOKEN  warning: ${MYTOK} is not set (`aad run` refuses to start until it is)',
      ),
    });
  });

  it('refuses a malformed ${ everywhere, validate included (exit 2, positioned)', async () => {
    const cwd = tmpDir();
    writePlan(cwd, yaml('tasks:', '  - id: a', '    cmd: ls', '    env: { A: "${MYTOK" }'));
    const r = await runCli(['validate'], { cwd, timeoutMs: 10_000 });
    expect(r.code).toBe(2);
    expect(r.stderr.split('\n')[0]).toBe('aad.yaml:4:15  tasks[0].env.A  "${MYTOK" has no closing "}" (write "$$" for a literal "$")');
  });

  it('masks a value that came from a secret-looking variable, its default included', async () => {
    const cwd = tmpDir();
    writePlan(cwd, yaml('tasks:', '  - id: a', '    cmd: echo "url=$URL db=$DB"', '    env:', '      URL: "https://u:${MY_API_KEY}@example.com"', '      DB: "${DB_PASSWORD:-hunter22}"'));
    const r = await runCli(['run'], { cwd, env: { MY_API_KEY: 'k-5678' }, timeoutMs: 15_000 });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('a │ url=https://u:***@example.com db=***\n');
    expect(onlyRun(cwd, 'a').log).toBe('url=https://u:***@example.com db=***\n');
    expect(r.stdout).not.toMatch(/k-5678|hunter22/);
  });

  it('aad resume interpolates again from its own environment (and refuses when a variable is unset there)', async () => {
    const cwd = tmpDir();
    writePlan(cwd, yaml('tasks:', '  - id: t', '    cmd: test -f ok && echo "v=$V"', '    env: { V: "${VAL}" }'));
    const first = await runCli(['run', '--quiet'], { cwd, env: { VAL: 'one' }, timeoutMs: 15_000 });
    expect(first.code).toBe(3);
    fs.writeFileSync(path.join(cwd, 'ok'), '');
    const { dir } = onlyRun(cwd, 't');
    const refused = await runCli(['resume', '--quiet'], { cwd, timeoutMs: 15_000 });
    expect(refused.code).toBe(2);
    expect(refused.stderr.split('\n')[0]).toBe(`${path.join(dir, 'plan.yaml')}:4:15  tasks[0].env.V  \${VAL} is not set`);
    const resumed = await runCli(['resume', '--quiet'], { cwd, env: { VAL: 'two' }, timeoutMs: 15_000 });
    expect(resumed.code).toBe(0);
    expect(fs.readFileSync(path.join(dir, 'logs', 't', '2.log'), 'utf8')).toBe('v=two\n');
  });
});
