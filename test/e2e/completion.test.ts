// `aad completion bash|zsh|fish` through the built CLI, and the scripts at work in the real shells: bash's
// function called with COMP_WORDS/COMP_CWORD as bash sets them, then bash, zsh and fish completing on a
// terminal (or fish's own `complete -C`). aad is on PATH as a small shim, as after an install. The zsh and fish
// cases need those shells installed (apt-get install zsh fish; .ci/run installs them); without them they are
// skipped, and the scripts are only checked for being printed, except in CI (CI set), where a missing shell fails.
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { ArgsDef } from 'citty';
import { beforeAll, describe, expect, it } from 'vitest';
import { commands, COMMAND_META } from '../../src/cli/commands/index.js';
import { cleanEnv, distMain, runCli, tmpDir, writePlan } from '../helpers/cli.js';

const has = (cmd: string) => {
  try {
    execFileSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
};
const HAS_ZSH = has('zsh');
const HAS_FISH = has('fish');
const HAS_SCRIPT = has('script');

it('has the shells it tests in CI (.ci/run installs zsh and fish)', () => {
  if (!process.env.CI) return;
  expect({ zsh: HAS_ZSH, fish: HAS_FISH, script: HAS_SCRIPT }).toEqual({ zsh: true, fish: true, script: true });
});

const PLAN = `tasks:
  - id: build
    cmd: "true"
    description: Build the project
  - id: lint
    cmd: "true"
  - id: test
    cmd: "true"
    depends_on: [build]
`;
const OTHER = `tasks:
  - id: alpha
    cmd: "true"
  - id: beta
    cmd: "true"
`;

/**
 * A project with a plan, another plan, a folder, two runs in ./.aad and one in another home; `aad` on PATH; the
 * scripts saved beside it (not in it: they would be among the files completed).
 */
let ws: { dir: string; env: Record<string, string>; runs: string[]; otherHome: string; otherRun: string; scripts: Record<string, string> };

beforeAll(async () => {
  const dir = tmpDir('aad-e2e-completion-');
  writePlan(dir, PLAN);
  writePlan(dir, OTHER, 'other.yaml');
  fs.mkdirSync(path.join(dir, 'sub'));
  const outside = tmpDir('aad-e2e-completion-home-');
  const bin = path.join(outside, 'bin');
  fs.mkdirSync(bin);
  fs.writeFileSync(path.join(bin, 'aad'), `#!/bin/sh\nexec '${process.execPath}' '${distMain}' "$@"\n`, { mode: 0o755 });
  for (const args of [['run', '--quiet'], ['run', '--quiet', '--only', 'lint']]) expect((await runCli(args, { cwd: dir })).code).toBe(0);
  const otherHome = path.join(dir, 'sub', 'home');
  expect((await runCli(['run', 'other.yaml', '--quiet', '--home', otherHome], { cwd: dir })).code).toBe(0);
  const runs = fs.readdirSync(path.join(dir, '.aad', 'runs')).sort();
  const [otherRun] = fs.readdirSync(path.join(otherHome, 'runs'));
  const scripts: Record<string, string> = {};
  for (const shell of ['bash', 'zsh', 'fish']) {
    const r = await runCli(['completion', shell], { cwd: dir });
    expect(r).toMatchObject({ code: 0, stderr: '' });
    scripts[shell] = path.join(outside, `completion.${shell}`);
    fs.writeFileSync(scripts[shell], r.stdout);
  }
  // HOME: the interactive shells write their history there.
  // INPUTRC: bash's keys are its defaults (emacs), whatever the machine's inputrc says.
  ws = { dir, env: cleanEnv({ PATH: `${bin}:${process.env.PATH}`, TERM: 'xterm', HOME: outside, INPUTRC: '/dev/null' }), runs, otherHome, otherRun: otherRun!, scripts };
}, 60_000);

/** Runs a program in the project folder and returns its stdout (throws on a non-zero exit, unless `anyExit`). */
function sh(file: string, args: string[], input?: string, anyExit = false): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { cwd: ws.dir, env: ws.env, stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout!.setEncoding('utf8').on('data', (c: string) => (out += c));
    child.stderr!.setEncoding('utf8').on('data', (c: string) => (err += c));
    if (input !== undefined) child.stdin!.end(input);
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code === 0 || anyExit) resolve(out);
      else reject(new Error(`${file} ${args.join(' ')} exited ${code}: ${err}`));
    });
  });
}

/** The file holding the script `aad completion SHELL` printed. */
function script(shell: string): string {
  return ws.scripts[shell]!;
}

/** What bash's completion function puts in COMPREPLY for `words` (as bash splits them: `--task=x` is `--task`, `=`, `x`), the last being completed. */
async function bashComplete(...words: string[]): Promise<string[]> {
  const file = script('bash');
  const body = 'source "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 )); _aad; printf "%s\\n" "${COMPREPLY[@]}"';
  const out = await sh('bash', ['--norc', '--noprofile', '-c', body, 'bash', file, 'aad', ...words]);
  return out.split('\n').filter(Boolean).sort();
}

/** The lines an interactive shell on a terminal ends with after each `keys` + Tab: each is turned into `echo X …` and run. */
async function onTerminal(shell: string[], setup: string, keys: string[]): Promise<string[]> {
  // Ctrl-A goes to the start of the line (emacs keys, the default of both shells): `echo X ` makes the completed line printable.
  const input = `${setup}\n${keys.map((k) => `${k}\t\x01echo X \n`).join('')}exit\n`;
  // The shell's exit status is that of its last command: not what is tested here.
  const out = await sh('script', ['-qec', shell.join(' '), '/dev/null'], input, true);
  return [...out.replace(/\r/g, '').matchAll(/X (aad[^\n]*?) *$/gm)].map((m) => m[1]!);
}

const commandNames = Object.keys(COMMAND_META).sort();

/** The long flags a command defines, as its definition (src/cli/commands/NAME.ts) has them, with --help. */
async function flagsOf(name: string): Promise<string[]> {
  const args = ((await commands[name]!()).args ?? {}) as ArgsDef;
  return [...Object.entries(args).filter(([, d]) => d.type !== 'positional').map(([k]) => `--${k}`), '--help'].sort();
}

describe.concurrent('aad completion', () => {
  it('prints a script for bash, zsh and fish that calls aad back; bash and zsh parse them', async () => {
    const bash = await runCli(['completion', 'bash'], { cwd: ws.dir });
    expect(bash.stdout).toContain('complete -F _aad aad\n');
    expect(bash.stdout).toContain('__complete bash');
    const zsh = await runCli(['completion', 'zsh'], { cwd: ws.dir });
    expect(zsh.stdout.split('\n')[0]).toBe('#compdef aad');
    const fish = await runCli(['completion', 'fish'], { cwd: ws.dir });
    expect(fish.stdout).toContain("complete -c aad -f -a '(__aad_complete)'\n");
    for (const r of [bash, zsh, fish]) expect(r).toMatchObject({ code: 0, stderr: '' });
    await sh('bash', ['-n', script('bash')]);
    if (HAS_ZSH) await sh('zsh', ['-n', script('zsh')]);
    if (HAS_FISH) await sh('fish', ['--no-execute', script('fish')]);
  });

  it('exits 2 for an unknown or a missing shell, naming the choices', async () => {
    expect(await runCli(['completion', 'tcsh'], { cwd: ws.dir })).toMatchObject({ code: 2, stdout: '', stderr: 'aad: unknown shell "tcsh": choose bash, zsh or fish (`aad completion bash`)\n' });
    expect(await runCli(['completion'], { cwd: ws.dir })).toMatchObject({ code: 2, stdout: '', stderr: 'aad: which shell? choose bash, zsh or fish (`aad completion bash`)\n' });
    expect(await runCli(['completion', 'bash', 'zsh'], { cwd: ws.dir })).toMatchObject({ code: 2, stderr: 'aad: unexpected argument "zsh" for `aad completion`\n' });
  });

  it('keeps its callback out of the help and of the command list', async () => {
    const help = await runCli(['--help'], { cwd: ws.dir });
    expect(help.stdout).toContain(' completion ');
    expect(help.stdout).not.toContain('__complete');
    const unknown = await runCli(['__completion'], { cwd: ws.dir });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown command "__completion"');
    expect(unknown.stderr).not.toContain('__complete,');
  });
});

describe.concurrent('the bash script, called as bash calls it (COMP_WORDS, COMP_CWORD)', () => {
  it('completes the commands, from their definitions', async () => {
    expect(await bashComplete('')).toEqual(commandNames);
    expect(await bashComplete('st')).toEqual(['status']);
    expect(await bashComplete('--')).toEqual(['--help', '--version']);
    expect(await bashComplete('nosuch', '')).toEqual([]);
  });

  it.each(Object.keys(COMMAND_META))('completes the flags of `aad %s`, exactly those its definition has', async (name) => {
    expect(await bashComplete(name, '--')).toEqual(await flagsOf(name));
  });

  it('leaves out a flag already given, and completes after a flag and its value', async () => {
    expect(await bashComplete('logs', '--task', 'build', '--t')).toEqual(['--tail']);
    expect(await bashComplete('graph', '--json', '--only', 'lint', '--j')).toEqual([]);
  });

  it('completes run ids from the home: ./.aad, $AAD_HOME, or --home before or after the command', async () => {
    expect(await bashComplete('status', '')).toEqual(ws.runs);
    expect(await bashComplete('resume', ws.runs[1]!.slice(0, 17))).toEqual(ws.runs.filter((r) => r.startsWith(ws.runs[1]!.slice(0, 17))));
    expect(await bashComplete('--home', 'sub/home', 'logs', '')).toEqual([ws.otherRun]);
    expect(await bashComplete('cancel', '--home', 'sub/home', '')).toEqual([ws.otherRun]);
    expect(await bashComplete('status', '--home', '=', 'sub/home', '')).toEqual([ws.otherRun]);
    expect(await bashComplete('status', '--home', 'nowhere', '')).toEqual([]);
  });

  it('completes task ids from the plan in the current folder, or the plan given, following the plan as it changes', async () => {
    expect(await bashComplete('run', '--only', '')).toEqual(['build', 'lint', 'test']);
    expect(await bashComplete('graph', 'other.yaml', '--specs', '')).toEqual(['alpha', 'beta']);
    expect(await bashComplete('list', '--only', 'b')).toEqual(['build']);
    // A list: the ids not given yet, after those given.
    expect(await bashComplete('run', '--only', 'lint,')).toEqual(['lint,build', 'lint,test']);
    // --approve takes `all` too.
    expect(await bashComplete('run', '--approve', '')).toEqual(['all', 'build', 'lint', 'test']);
    // `--only=…`: bash splits the word at `=` and completes what follows it.
    expect(await bashComplete('run', '--only', '=')).toEqual(['build', 'lint', 'test']);
    expect(await bashComplete('run', '--only', '=', 'te')).toEqual(['test']);
    const dir = tmpDir('aad-e2e-completion-plan-');
    writePlan(dir, PLAN.replace('id: lint', 'id: format'));
    const changed = await sh('bash', ['--norc', '--noprofile', '-c', `cd '${dir}' && source '${script('bash')}' && COMP_WORDS=(aad run --only '') COMP_CWORD=3 && _aad && printf '%s\\n' "\${COMPREPLY[@]}"`]);
    expect(changed.split('\n').filter(Boolean).sort()).toEqual(['build', 'format', 'test']);
  });

  it("completes a run's task ids for logs --task and approve, from that run", async () => {
    // The latest run, as aad orders them (by id): the two runs may have started in the same second.
    const started = (id: string) => (JSON.parse(fs.readFileSync(path.join(ws.dir, '.aad', 'runs', id, 'events.jsonl'), 'utf8').split('\n')[0]!) as { tasks: string[] }).tasks;
    expect(await bashComplete('logs', '--task', '')).toEqual(started(ws.runs.at(-1)!));
    expect(await bashComplete('logs', ws.runs.find((id) => started(id).length === 3)!, '--task', '')).toEqual(['build', 'lint', 'test']);
    expect(await bashComplete('logs', '--task', '=', 'l')).toEqual(['lint']);
    expect(await bashComplete('approve', '')).toEqual([...ws.runs, ...started(ws.runs.at(-1)!)].sort());
    const full = ws.runs.find((id) => started(id).length === 3)!;
    expect(await bashComplete('approve', full, '')).toEqual(['build', 'lint', 'test']);
  });

  it('completes file names for a plan (with the task ids it may name), folder names for --home and --workdir', async () => {
    expect(await bashComplete('run', '')).toEqual(['.aad', 'aad.yaml', 'build', 'lint', 'other.yaml', 'sub', 'test']);
    expect(await bashComplete('validate', 'o')).toEqual(['other.yaml']);
    expect(await bashComplete('validate', 'b')).toEqual([]);
    expect(await bashComplete('status', '--home', '')).toEqual(['.aad', 'sub']);
    expect(await bashComplete('run', '--workdir', '=', 's')).toEqual(['sub']);
    expect(await bashComplete('completion', '')).toEqual(['bash', 'fish', 'zsh']);
  });
});

describe.concurrent('the scripts at work in the real shells, on a terminal', () => {
  it.skipIf(!HAS_SCRIPT)('bash completes a command, a task id of a run, a --flag= value and a folder', async () => {
    const lines = await onTerminal(['bash', '--norc', '--noprofile', '-i'], `source '${script('bash')}'`, ['aad st', 'aad run --only t', 'aad run --only=li', 'aad status --home=su']);
    expect(lines).toEqual(['aad status', 'aad run --only test', 'aad run --only=lint', 'aad status --home=sub/']);
  });

  it.skipIf(!HAS_ZSH || !HAS_SCRIPT)('zsh (compinit) completes a command, a task id, a --flag= value and a folder', async () => {
    // bindkey -e: zsh picks vi keys when $EDITOR or $VISUAL names vi.
    const setup = `bindkey -e && autoload -Uz compinit && compinit -u -D && source '${script('zsh')}'`;
    const lines = await onTerminal(['zsh', '-f', '-i'], setup, ['aad st', 'aad logs --task l', 'aad run --only=te', 'aad status --home=su']);
    // zsh takes the folder's `/` away again once something other than a name is typed after it.
    expect(lines).toEqual(['aad status', 'aad logs --task lint', 'aad run --only=test', 'aad status --home=sub']);
  });

  it.skipIf(!HAS_FISH)('fish completes commands with their descriptions, flags, task ids and folders (complete -C)', async () => {
    const file = script('fish');
    const ask = async (line: string) => (await sh('fish', ['--no-config', '-c', `source '${file}'; complete -C'${line}'`])).split('\n').filter(Boolean).sort();
    expect(await ask('aad st')).toEqual(["status\tA run's state and each task's state, attempts, duration…"]);
    expect(await ask('aad ')).toHaveLength(commandNames.length);
    expect((await ask('aad logs --')).map((l) => l.split('\t')[0])).toEqual(await flagsOf('logs'));
    expect(await ask('aad run --only ')).toEqual(['build\tBuild the project', 'lint', 'test']);
    expect(await ask('aad run --only=te')).toEqual(['--only=test']);
    expect(await ask('aad status ')).toEqual(ws.runs);
    expect((await ask('aad status --home=su')).map((l) => l.split('\t')[0])).toEqual(['--home=sub/']);
  });
});
