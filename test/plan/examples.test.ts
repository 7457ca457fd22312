// examples/: every plan there carries the schema modeline, loads through the real loader, and
// runs through the built CLI (`aad run`) as its comments say, each in a few seconds.
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { loadPlanFile } from '../../src/cli/plan-file.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const EXAMPLES = join(ROOT, 'examples');
const CLI = join(ROOT, 'bin', 'aad.cjs');
const MODELINE = '# yaml-language-server: $schema=../schema/aad.schema.json';
const files = readdirSync(EXAMPLES).filter((f) => /\.ya?ml$/.test(f)).sort();

const load = (name: string) => loadPlanFile(join(EXAMPLES, name)).plan;

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'aad-examples-'));
  dirs.push(d);
  return d;
}

interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/** The test's environment without aad's variables, and without git's (GIT_DIR and the like would point git elsewhere). */
function cleanEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const k of Object.keys(env)) if (k.startsWith('AAD_') || k.startsWith('GIT_') || k === 'FORCE_COLOR') delete env[k];
  return env;
}

function aad(args: string[], extraEnv: Record<string, string> = {}): Promise<RunResult> {
  const env = { ...cleanEnv(), ...extraEnv };
  const t0 = Date.now();
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    child.on('error', fail);
    child.on('close', (code) => done({ code, stdout, stderr, ms: Date.now() - t0 }));
  });
}

interface TaskStatus {
  id: string;
  state: string;
  attempts: number;
  reason: string | null;
  artifacts: string[];
  rollback: { state: string; exit_code: number | null } | null;
}

/** git in `cwd`, its output; the user's and the system's git config are left out (identity set in the repository). */
function git(cwd: string, args: string[]): string {
  const r = spawnSync('git', args, { cwd, encoding: 'utf8', env: { ...cleanEnv(), GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1' } });
  if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

/** Runs an example in a scratch workdir and home; returns the run's exit code, time and status. */
async function runExample(name: string): Promise<{ code: number | null; ms: number; workdir: string; tasks: Map<string, TaskStatus>; output: string }> {
  const [home, workdir] = [tempDir(), tempDir()];
  const run = await aad(['run', join('examples', name), '--home', home, '--workdir', workdir, '--quiet']);
  const status = await aad(['status', '--home', home, '--json']);
  expect(status.code, status.stderr).toBe(0);
  const tasks = (JSON.parse(status.stdout) as { tasks: TaskStatus[] }).tasks;
  return { code: run.code, ms: run.ms, workdir, tasks: new Map(tasks.map((t) => [t.id, t])), output: run.stdout + run.stderr };
}

describe('examples/', () => {
  it('holds at least 6 plans', () => {
    expect(files.length).toBeGreaterThanOrEqual(6);
    expect(files).toEqual(expect.arrayContaining(['hello.yaml', 'parallel.yaml', 'flaky.yaml', 'timeout.yaml', 'artifacts.yaml', 'rollback.yaml', 'agents.yaml', 'fan-out.yaml', 'deploy-gate.yaml', 'matrix.yaml']));
  });

  it.each(files)('%s starts with the schema modeline, pointing at the schema', (name) => {
    const text = readFileSync(join(EXAMPLES, name), 'utf8');
    expect(text.split('\n')[0]).toBe(MODELINE);
    const target = resolve(dirname(join(EXAMPLES, name)), MODELINE.split('$schema=')[1]!);
    expect(existsSync(target)).toBe(true);
  });

  it.each(files)('%s is a valid plan', (name) => {
    expect(load(name).tasks.length).toBeGreaterThan(0);
  });
});

describe('examples/: what each one shows', () => {
  it('hello.yaml is a chain of 3 echo tasks', () => {
    const plan = load('hello.yaml');
    expect(plan.waves).toHaveLength(3);
    expect(plan.waves.every((w) => w.length === 1)).toBe(true);
    expect(plan.tasks.every((t) => (t.cmd.kind === 'argv' ? t.cmd.argv[0] : t.cmd.script.split(' ')[0]) === 'echo')).toBe(true);
  });

  it('matrix.yaml runs 3 tests in parallel (their outputs collected), then a local: true report', async () => {
    const plan = load('matrix.yaml');
    expect(plan.waves.map((w) => w.length)).toEqual([3, 1]);
    expect(plan.byId.get('report')!.local).toBe(true);
    const r = await runExample('matrix.yaml');
    expect(r.code, r.output).toBe(0);
    expect(r.tasks.get('test-node22')!.artifacts).toEqual(['results/node22.txt']);
  });

  it('parallel.yaml has waves of 1, 3 and 1 tasks', () => {
    expect(load('parallel.yaml').waves.map((w) => w.length)).toEqual([1, 3, 1]);
  });

  it('flaky.yaml retries 3 times, waiting 0.2 s then 0.5 s', () => {
    expect(load('flaky.yaml').byId.get('flaky')).toMatchObject({ retries: 3, backoffMs: [200, 500] });
  });

  it('timeout.yaml stops `sleep 30` after 1 s, with 1 s of grace, beside an independent task', () => {
    const plan = load('timeout.yaml');
    expect(plan.byId.get('slow')).toMatchObject({ cmd: { kind: 'argv', argv: ['sleep', '30'] }, timeoutMs: 1000, killGraceMs: 1000 });
    expect(plan.tasks.some((t) => t.id !== 'slow' && t.deps.length === 0)).toBe(true);
  });

  it('artifacts.yaml collects out/** into artifacts/', () => {
    const plan = load('artifacts.yaml');
    expect(plan.artifactsDir).toBe('artifacts');
    expect(plan.tasks.find((t) => t.outputs.length > 0)!.outputs).toEqual(['out/**']);
  });

  it('rollback.yaml has a failing task that rolls back with an echo', () => {
    expect(load('rollback.yaml').byId.get('deploy')!.rollback).toEqual({ kind: 'argv', argv: ['echo', 'rolling', 'back'], source: 'echo rolling back' });
  });

  it('fan-out.yaml: the planner adds one child per input file, summary runs after them, ask is blocked until resumed with an answer', async () => {
    const [home, dir] = [tempDir(), tempDir()];
    copyFileSync(join(EXAMPLES, 'fan-out.yaml'), join(dir, 'fan-out.yaml'));
    cpSync(join(EXAMPLES, 'fan-out'), join(dir, 'fan-out'), { recursive: true });
    const run = await aad(['run', join(dir, 'fan-out.yaml'), '--home', home]);
    expect(run.code, run.stderr).toBe(3);
    expect(run.stdout).toContain('total words: 9');
    const status = await aad(['status', '--home', home, '--json']);
    const s = JSON.parse(status.stdout) as { tasks: (TaskStatus & { parent: string | null })[] };
    expect(s.tasks.map((t) => [t.id, t.parent, t.state])).toEqual([
      ['planner', null, 'succeeded'],
      ['planner/count-a', 'planner', 'succeeded'],
      ['planner/count-b', 'planner', 'succeeded'],
      ['planner/count-c', 'planner', 'succeeded'],
      ['summary', null, 'succeeded'],
      ['ask', null, 'blocked'],
    ]);
    expect(s.tasks.at(-1)!.reason).toBe('which region? write it to examples/fan-out/region, then aad resume');
    writeFileSync(join(dir, 'fan-out', 'region'), 'eu-west-1\n');
    const resumed = await aad(['resume', '--home', home]);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stdout).toContain('deploying to eu-west-1');
  });

  it('deploy-gate.yaml: deploy waits for an approval given from another terminal; approved ahead it runs at once; failing alike twice it is rolled back, the rollback verified', async () => {
    const [home, workdir] = [tempDir(), tempDir()];
    const plan = load('deploy-gate.yaml');
    expect(plan.byId.get('build')).toMatchObject({ stallMs: 10_000, maxMemoryBytes: 512 * 2 ** 20 });
    expect(plan.byId.get('deploy')).toMatchObject({ approval: 'Deploy release v1 to the demo environment?', maxIdenticalFailures: 2, maxRollbacks: 3 });
    const waiting = aad(['run', 'examples/deploy-gate.yaml', '--home', home, '--workdir', workdir]);
    let state = '';
    for (let i = 0; i < 200 && state !== 'awaiting_approval'; i++) {
      await new Promise((r) => setTimeout(r, 50));
      const st = await aad(['status', '--home', home, '--json']);
      if (st.code === 0) state = ((JSON.parse(st.stdout) as { tasks: TaskStatus[] }).tasks.find((t) => t.id === 'deploy')?.state) ?? '';
    }
    expect(state).toBe('awaiting_approval');
    const ok = await aad(['approve', 'deploy', '--home', home]);
    expect(ok.code, ok.stderr).toBe(0);
    const run = await waiting;
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.stdout).toContain('smoke ok');
    const ahead = await aad(['run', 'examples/deploy-gate.yaml', '--home', home, '--workdir', workdir, '--approve', 'deploy', '--quiet']);
    expect(ahead.code, ahead.stderr).toBe(0);
    const failing = await aad(['run', 'examples/deploy-gate.yaml', '--home', home, '--workdir', workdir, '--approve', 'deploy', '--json'], { FAIL_DEPLOY: '1' });
    expect(failing.code).toBe(3);
    const events = failing.stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l) as { event: string; task?: string; reason?: string });
    expect(events.filter((e) => e.task === 'deploy' && e.event === 'task_started')).toHaveLength(2);
    expect(events.find((e) => e.event === 'task_failed')!.reason).toBe('the same failure 2 times in a row: exit code 1: health check failed on port #');
    expect(events.map((e) => e.event)).toContain('rollback_succeeded');
    expect(existsSync(join(workdir, 'deploy-gate', 'live.txt'))).toBe(false);
  });

  it('agents.yaml runs 3 agents at once, then a reviewer, each in its own worktree, then a report in the checkout', () => {
    const plan = load('agents.yaml');
    expect(plan.waves.map((w) => w.length)).toEqual([3, 1, 1]);
    expect(plan.tasks.filter((t) => t.isolation === 'worktree').map((t) => t.id)).toEqual(['agent-api', 'agent-tests', 'agent-docs', 'reviewer']);
    expect(plan.byId.get('report')!.isolation).toBe('shared');
  });
});

describe.concurrent('examples/ run as their comments say (built CLI)', () => {
  it('incremental.yaml: the second run finds bundle up to date; a changed source or a deleted output runs it again; --force bundle too', async () => {
    const [home, workdir] = [tempDir(), tempDir()];
    const run = async (...extra: string[]) => {
      const r = await aad(['run', join('examples', 'incremental.yaml'), '--home', home, '--workdir', workdir, '--quiet', ...extra]);
      expect(r.code, r.stdout + r.stderr).toBe(0);
      const s = await aad(['status', '--home', home, '--json']);
      return new Map((JSON.parse(s.stdout) as { tasks: TaskStatus[] }).tasks.map((t) => [t.id, [t.attempts, t.reason]]));
    };
    expect((await run()).get('bundle')).toEqual([1, null]);
    expect(readFileSync(join(workdir, 'dist', 'bundle.txt'), 'utf8')).toBe('hello\nworld\n');
    const second = await run();
    expect(second.get('bundle')).toEqual([0, 'up to date']);
    expect(second.get('check')).toEqual([1, null]);
    writeFileSync(join(workdir, 'src', 'name.txt'), 'aad\n');
    expect((await run()).get('bundle')).toEqual([1, null]);
    expect(readFileSync(join(workdir, 'dist', 'bundle.txt'), 'utf8')).toBe('hello\naad\n');
    rmSync(join(workdir, 'dist'), { recursive: true });
    expect((await run()).get('bundle')).toEqual([1, null]);
    expect((await run()).get('bundle')).toEqual([0, 'up to date']);
    expect((await run('--force', 'bundle')).get('bundle')).toEqual([1, null]);
  });

  it('hello.yaml succeeds', async () => {
    const r = await runExample('hello.yaml');
    expect(r.code, r.output).toBe(0);
    expect([...r.tasks.values()].map((t) => t.state)).toEqual(['succeeded', 'succeeded', 'succeeded']);
    expect(r.ms).toBeLessThan(5000);
  });

  it('parallel.yaml succeeds in about the time of one wave of sleeps', async () => {
    const r = await runExample('parallel.yaml');
    expect(r.code, r.output).toBe(0);
    expect(r.ms).toBeGreaterThanOrEqual(1000);
    expect(r.ms).toBeLessThan(5000);
  });

  it('flaky.yaml succeeds on its 3rd attempt', async () => {
    const r = await runExample('flaky.yaml');
    expect(r.code, r.output).toBe(0);
    expect(r.tasks.get('flaky')).toMatchObject({ state: 'succeeded', attempts: 3 });
    expect(r.ms).toBeLessThan(5000);
  });

  it('timeout.yaml fails `slow` by timeout and lets `independent` succeed (exit 3)', async () => {
    const r = await runExample('timeout.yaml');
    expect(r.code, r.output).toBe(3);
    expect(r.tasks.get('slow')!.state).toBe('failed');
    expect(r.tasks.get('slow')!.reason).toContain('timeout');
    expect(r.tasks.get('independent')!.state).toBe('succeeded');
    expect(r.ms).toBeLessThan(5000);
  });

  it('artifacts.yaml copies out/** to artifacts/build/', async () => {
    const r = await runExample('artifacts.yaml');
    expect(r.code, r.output).toBe(0);
    expect(readFileSync(join(r.workdir, 'artifacts', 'build', 'out', 'reports', 'summary.json'), 'utf8')).toBe('{"tests": 3, "failed": 0}\n');
    expect(existsSync(join(r.workdir, 'artifacts', 'build', 'out', 'app.txt'))).toBe(true);
  });

  it('rollback.yaml fails `deploy`, rolls it back and skips its dependent (exit 3)', async () => {
    const r = await runExample('rollback.yaml');
    expect(r.code, r.output).toBe(3);
    expect(r.tasks.get('deploy')).toMatchObject({ state: 'failed', rollback: { state: 'succeeded', exit_code: 0 } });
    expect(r.tasks.get('smoke-test')!.state).toBe('skipped');
  });

  it('agents.yaml merges the 3 agents\' and the reviewer\'s work into aad/<run_id>, leaving the checkout as it was; merge, then aad clean --branches, leave no aad ref', async () => {
    // A clone's layout: the example committed under examples/ of a repository, run from there (its folder
    // is the workdir), with an untracked file and an uncommitted change in the checkout.
    const [home, repo] = [tempDir(), tempDir()];
    git(repo, ['init', '-q']);
    git(repo, ['config', 'user.name', 'Example Tester']);
    git(repo, ['config', 'user.email', 'tester@example.invalid']);
    mkdirSync(join(repo, 'examples'));
    copyFileSync(join(EXAMPLES, 'agents.yaml'), join(repo, 'examples', 'agents.yaml'));
    writeFileSync(join(repo, 'README.md'), '# project\n');
    git(repo, ['add', '-A']);
    git(repo, ['commit', '-q', '-m', 'initial']);
    writeFileSync(join(repo, 'README.md'), '# project\n\nwork in progress\n');
    writeFileSync(join(repo, 'notes.txt'), 'mine\n');
    const before = { head: git(repo, ['rev-parse', 'HEAD']), branch: git(repo, ['symbolic-ref', 'HEAD']), porcelain: git(repo, ['status', '--porcelain']), diff: git(repo, ['diff', 'HEAD']) };
    expect(before.porcelain).toBe(' M README.md\n?? notes.txt\n');

    const run = await aad(['run', join(repo, 'examples', 'agents.yaml'), '--home', home, '--quiet']);
    const output = run.stdout + run.stderr;
    expect(run.code, output).toBe(0);
    // About 2 s on an idle machine (1 s of sleeps, then git's work); other suites share the 2 cores.
    expect(run.ms).toBeLessThan(10_000);
    const status = await aad(['status', '--home', home, '--json']);
    expect(status.code, status.stderr).toBe(0);
    type Task = TaskStatus & { started_at: string; ended_at: string; worktree?: { state: string } };
    const s = JSON.parse(status.stdout) as { run_id: string; integration: { branch: string }; tasks: Task[] };
    const branch = `aad/${s.run_id}`;
    expect(s.integration.branch).toBe(branch);
    expect(s.tasks.map((t) => [t.id, t.state, t.worktree?.state ?? null])).toEqual([
      ['agent-api', 'succeeded', 'removed'],
      ['agent-tests', 'succeeded', 'removed'],
      ['agent-docs', 'succeeded', 'removed'],
      ['reviewer', 'succeeded', 'removed'],
      ['report', 'succeeded', null],
    ]);
    // The agents overlapped: each started before any of them ended.
    const agents = s.tasks.filter((t) => t.id.startsWith('agent-'));
    const firstEnd = Math.min(...agents.map((t) => Date.parse(t.ended_at)));
    for (const t of agents) expect(Date.parse(t.started_at)).toBeLessThan(firstEnd);

    // The run's branch holds each agent's commit and the reviewer's, merged, and their files.
    const subjects = git(repo, ['log', '--format=%s', branch]).split('\n');
    for (const task of ['agent-api', 'agent-tests', 'agent-docs', 'reviewer']) {
      expect(subjects).toContain(`aad: ${task} (run ${s.run_id})`);
      expect(subjects).toContain(`aad: merge ${task} (run ${s.run_id})`);
    }
    expect(git(repo, ['diff', '--name-only', `HEAD...${branch}`]).split('\n').filter(Boolean).sort()).toEqual(
      ['examples/demo/README.md', 'examples/demo/REVIEW.md', 'examples/demo/api.mjs', 'examples/demo/api.test.mjs'],
    );
    expect(git(repo, ['show', `${branch}:examples/demo/REVIEW.md`])).toContain('Approved');
    // The shared report step printed the branch's log in the checkout.
    const report = readFileSync(join(home, 'runs', s.run_id, 'logs', 'report', '1.log'), 'utf8');
    expect(report).toContain(`aad: merge reviewer (run ${s.run_id})`);

    // The checkout: same HEAD, same branch, same changes, same untracked file; no worktree left.
    expect(git(repo, ['rev-parse', 'HEAD'])).toBe(before.head);
    expect(git(repo, ['symbolic-ref', 'HEAD'])).toBe(before.branch);
    expect(git(repo, ['status', '--porcelain'])).toBe(before.porcelain);
    expect(git(repo, ['diff', 'HEAD'])).toBe(before.diff);
    expect(existsSync(join(repo, 'examples', 'demo'))).toBe(false);
    expect(git(repo, ['worktree', 'list', '--porcelain']).match(/^worktree /gm)).toHaveLength(1);

    // As the example's comments say: merge the branch to take the work, then `aad clean --branches` removes aad's branches.
    git(repo, ['merge', '-q', '--no-edit', branch]);
    expect(readFileSync(join(repo, 'examples', 'demo', 'REVIEW.md'), 'utf8')).toContain('Approved');
    const clean = await aad(['clean', s.run_id, '--branches', '--home', home]);
    expect(clean.code, clean.stdout + clean.stderr).toBe(0);
    expect(git(repo, ['for-each-ref', 'refs/heads/aad/', 'refs/aad/'])).toBe('');
  });
});
