// Messages of the command line, through the BUILT CLI: flags before the command, --workdir that is a file,
// and `aad run ID` for a task id of ./aad.yaml. Each case in its own temp dir.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, tmpDir, writePlan } from '../helpers/cli.js';

const PLAN = 'tasks:\n  - { id: lint, cmd: echo lint }\n  - { id: build, cmd: echo build, depends_on: [lint] }\n  - { id: test, cmd: echo test }\n';

/** Exit code and both outputs of `aad ...args` in `cwd`. */
async function aad(args: string[], cwd: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const r = await runCli(args, { cwd, timeoutMs: 15_000 });
  return { code: r.code, stdout: r.stdout, stderr: r.stderr };
}

/** Ids of the tasks of the only run in `cwd`/.aad, from `aad status --json`. */
async function tasksRun(cwd: string): Promise<string[]> {
  const r = await runCli(['status', '--json'], { cwd, timeoutMs: 10_000 });
  return (JSON.parse(r.stdout) as { tasks: { id: string }[] }).tasks.map((t) => t.id);
}

describe.concurrent('command-line messages', () => {
  it('skips the value of a flag given before the command: `aad --home DIR runs` works', async () => {
    const cwd = tmpDir();
    expect(await aad(['--home', 'h', 'runs'], cwd)).toEqual({ code: 0, stdout: `no runs in ${path.join(cwd, 'h')}\n`, stderr: '' });
  });

  it.each([[['--home', 'h']], [['--max-parallel', '2', '--json']], [['--home=h']]])('says "no command given" for %j', async (args) => {
    expect(await aad(args, tmpDir())).toEqual({ code: 2, stdout: '', stderr: 'aad: no command given; see `aad --help`\n' });
  });

  it('still says an unknown flag is unknown when no command is given', async () => {
    expect(await aad(['--hme', 'h'], tmpDir())).toEqual({ code: 2, stdout: '', stderr: 'aad: unknown flag "--hme" for `aad` (did you mean "--home"?); see `aad --help`\n' });
    expect(await aad(['--bogus'], tmpDir())).toEqual({ code: 2, stdout: '', stderr: 'aad: unknown flag "--bogus" for `aad`; see `aad --help`\n' });
  });

  it('says --workdir is not a directory when it names a file', async () => {
    const cwd = tmpDir();
    writePlan(cwd, PLAN);
    fs.writeFileSync(path.join(cwd, 'notes.txt'), 'x');
    expect(await aad(['run', '--workdir', 'notes.txt'], cwd)).toEqual({ code: 2, stdout: '', stderr: 'aad: --workdir notes.txt: not a directory (give the folder where the tasks run)\n' });
  });

  it('runs a task id of ./aad.yaml given as the plan, as --only (with what it depends on)', async () => {
    const cwd = tmpDir();
    writePlan(cwd, PLAN);
    fs.mkdirSync(path.join(cwd, 'build')); // a folder named like the task does not hide it
    const r = await aad(['run', 'build', '--quiet'], cwd);
    expect(r.code).toBe(0);
    expect(await tasksRun(cwd)).toEqual(['lint', 'build']);
  });

  it('aad graph takes a task id of ./aad.yaml as the plan too', async () => {
    const cwd = tmpDir();
    writePlan(cwd, PLAN);
    const r = await aad(['graph', 'build', '--json'], cwd);
    expect(r.code, r.stderr).toBe(0);
    expect((JSON.parse(r.stdout) as { tasks: { id: string }[] }).tasks.map((t) => t.id)).toEqual(['lint', 'build']);
  });

  it('runs several ids given as ID,ID, added to --only', async () => {
    const cwd = tmpDir();
    writePlan(cwd, PLAN);
    expect((await aad(['run', 'test,lint', '--only', 'build', '--quiet'], cwd)).code).toBe(0);
    expect(await tasksRun(cwd)).toEqual(['lint', 'build', 'test']);
  });

  it('suggests --only with the closest task id when the plan is neither a file nor a task', async () => {
    const cwd = tmpDir();
    writePlan(cwd, PLAN);
    expect(await aad(['run', 'biuld'], cwd)).toEqual({ code: 2, stdout: '', stderr: 'aad: cannot read plan biuld: no such file (did you mean `--only build`, the task "build" of ./aad.yaml?)\n' });
    expect(await aad(['run', 'deploy'], cwd)).toEqual({ code: 2, stdout: '', stderr: 'aad: cannot read plan deploy: no such file\n' });
  });

  it('reads a file named like a task as the plan, and suggests nothing without ./aad.yaml', async () => {
    const cwd = tmpDir();
    writePlan(cwd, PLAN);
    writePlan(cwd, 'tasks:\n  - { id: other, cmd: echo other }\n', 'build');
    expect((await aad(['run', 'build', '--quiet'], cwd)).code).toBe(0);
    expect(await tasksRun(cwd)).toEqual(['other']);
    expect(await aad(['run', 'build'], tmpDir())).toEqual({ code: 2, stdout: '', stderr: 'aad: cannot read plan build: no such file\n' });
  });
});
