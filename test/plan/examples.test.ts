// examples/: every plan there carries the schema modeline, loads through the real loader, and
// runs through the built CLI (`aad run`) as its comments say, each in a few seconds.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
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

function aad(args: string[]): Promise<RunResult> {
  const env = { ...process.env };
  for (const k of Object.keys(env)) if (k.startsWith('AAD_') || k === 'FORCE_COLOR') delete env[k];
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
  rollback: { state: string; exit_code: number | null } | null;
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
    expect(files).toEqual(expect.arrayContaining(['hello.yaml', 'parallel.yaml', 'flaky.yaml', 'timeout.yaml', 'artifacts.yaml', 'rollback.yaml']));
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
});

describe.concurrent('examples/ run as their comments say (built CLI)', () => {
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
});
