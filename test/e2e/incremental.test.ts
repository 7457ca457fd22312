// Incremental runs (`sources` / `generates`) through the built CLI: what makes a task up to date, every
// trigger that makes it run again, --force, graph and --dry-run marks, and what the fingerprints hold.
// Each case has its own folder and home; each task appends a line to `ran.log`, so what ran is counted.
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'vitest';
import type { RunStatusJson } from '../../src/report/status.js';
import { filesUnder, runCli, tmpDir, writePlan, type CliResult } from '../helpers/cli.js';

const PLAN = `tasks:
  - id: build
    cmd: 'cat src/*.txt > out/all.txt; echo build >> ran.log'
    sources: [src]
    generates: [out/all.txt]
    env:
      MODE: \${MODE}
  - id: test
    cmd: 'echo test >> ran.log'
    depends_on: [build]
`;

function workspace(yaml = PLAN) {
  const dir = tmpDir('aad-e2e-incremental-');
  const home = path.join(dir, 'home');
  writePlan(dir, yaml);
  fs.mkdirSync(path.join(dir, 'src'));
  fs.mkdirSync(path.join(dir, 'out'));
  fs.writeFileSync(path.join(dir, 'src', 'a.txt'), 'a\n');
  fs.writeFileSync(path.join(dir, 'src', 'b.txt'), 'b\n');
  const file = (f: string) => path.join(dir, f);
  const ws = {
    dir,
    home,
    file,
    aad: (args: string[], env: Record<string, string> = {}): Promise<CliResult> => runCli([...args, '--home', home], { cwd: dir, env: { MODE: 'fast', ...env } }),
    /** Runs the plan; returns what ran (from ran.log) and each task's [state, attempts, reason]. */
    async run(args: string[] = [], env: Record<string, string> = {}) {
      fs.rmSync(file('ran.log'), { force: true });
      const r = await ws.aad(['run', ...args], env);
      if (r.code !== 0) throw new Error(`aad run exited ${r.code}: ${r.stdout}${r.stderr}`);
      const s = await ws.status();
      const ran = fs.existsSync(file('ran.log')) ? fs.readFileSync(file('ran.log'), 'utf8').split('\n').filter(Boolean) : [];
      return { ran, tasks: Object.fromEntries(s.tasks.map((t) => [t.id, [t.state, t.attempts, t.reason]])), stdout: r.stdout, runId: s.run_id };
    },
    async status(): Promise<RunStatusJson> {
      const r = await ws.aad(['status', '--json']);
      if (r.code !== 0) throw new Error(`aad status exited ${r.code}: ${r.stderr}`);
      return JSON.parse(r.stdout) as RunStatusJson;
    },
    events: (runId: string) =>
      fs.readFileSync(path.join(home, 'runs', runId, 'events.jsonl'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as { event: string; task?: string }),
  };
  return ws;
}

const UP = ['succeeded', 0, 'up to date'];
const RAN = ['succeeded', 1, null];

describe.concurrent('incremental runs', () => {
  it('a task whose sources and generated files are unchanged is up to date: no attempt, task_up_to_date, its dependents still run', async ({ expect }) => {
    const ws = workspace();
    expect((await ws.run()).ran).toEqual(['build', 'test']);
    const second = await ws.run();
    expect(second.ran).toEqual(['test']);
    expect(second.tasks).toEqual({ build: UP, test: RAN });
    expect(second.stdout).toContain('build │ ✓ up to date');
    expect(second.stdout).toMatch(/2 succeeded \(1 up to date\)/);
    const events = ws.events(second.runId);
    expect(events.filter((e) => e.task === 'build').map((e) => e.event)).toEqual(['task_up_to_date']);
    // A file touched but unchanged (new mtime and ctime): its contents decide, so still up to date.
    const later = new Date(Date.now() + 5000);
    fs.utimesSync(ws.file('src/a.txt'), later, later);
    fs.utimesSync(ws.file('out/all.txt'), later, later);
    expect((await ws.run()).tasks.build).toEqual(UP);
    // `aad status` (text) says why it did not run.
    const text = await ws.aad(['status']);
    expect(text.stdout).toMatch(/build\s.*up to date/);
  });

  it.for([
    ['a source changed', (ws: ReturnType<typeof workspace>) => fs.appendFileSync(ws.file('src/a.txt'), 'more\n')],
    ['a source changed, same size and mtime', (ws: ReturnType<typeof workspace>) => {
      const st = fs.statSync(ws.file('src/a.txt'));
      fs.writeFileSync(ws.file('src/a.txt'), 'A\n');
      fs.utimesSync(ws.file('src/a.txt'), st.atime, st.mtime);
    }],
    ['a source added', (ws: ReturnType<typeof workspace>) => fs.writeFileSync(ws.file('src/c.txt'), 'c\n')],
    ['a source deleted', (ws: ReturnType<typeof workspace>) => fs.rmSync(ws.file('src/b.txt'))],
    ['a generated file deleted', (ws: ReturnType<typeof workspace>) => fs.rmSync(ws.file('out/all.txt'))],
    ['a generated file changed', (ws: ReturnType<typeof workspace>) => fs.writeFileSync(ws.file('out/all.txt'), 'tampered\n')],
    ['the command changed', (ws: ReturnType<typeof workspace>) => writePlan(ws.dir, PLAN.replace('echo build >>', 'echo  build >>'))],
  ] as const)('%s: the task runs again, then is up to date', async ([, change], { expect }) => {
    const ws = workspace();
    await ws.run();
    expect((await ws.run()).tasks.build).toEqual(UP);
    change(ws);
    const again = await ws.run();
    expect(again.ran).toEqual(['build', 'test']);
    expect(again.tasks.build).toEqual(RAN);
    expect((await ws.run()).tasks.build).toEqual(UP);
  });

  it('an environment value changed makes it run again; the value is never stored in the fingerprints', async ({ expect }) => {
    const ws = workspace();
    await ws.run([], { MODE: 'secret-value-1234' });
    expect((await ws.run([], { MODE: 'secret-value-1234' })).tasks.build).toEqual(UP);
    expect((await ws.run([], { MODE: 'other-value-5678' })).tasks.build).toEqual(RAN);
    const prints = filesUnder(path.join(ws.home, 'fingerprints'));
    expect(prints).toHaveLength(1);
    for (const f of prints) {
      const text = fs.readFileSync(f, 'utf8');
      expect(text).not.toContain('secret-value-1234');
      expect(text).not.toContain('other-value-5678');
      expect(JSON.parse(text)).toMatchObject({ v: 1, task: 'build', plan: fs.realpathSync(ws.file('aad.yaml')) });
    }
  });

  it('a failed task records nothing and runs again; a source it changes while it runs makes the next run run it', async ({ expect }) => {
    const ws = workspace(`tasks:
  - id: flaky
    cmd: 'echo flaky >> ran.log; test -e ok'
    sources: [src]
  - id: self
    cmd: 'echo self >> ran.log; echo x >> src/self.txt'
    sources: [src/self.txt]
`);
    fs.writeFileSync(ws.file('src/self.txt'), '');
    const r = await ws.aad(['run', '--quiet']);
    expect(r.code).toBe(3);
    expect((await ws.status()).tasks.map((t) => [t.id, t.state])).toEqual([['flaky', 'failed'], ['self', 'succeeded']]);
    fs.writeFileSync(ws.file('ok'), '');
    const second = await ws.run(['--quiet']);
    // flaky: nothing recorded by its failure; self: its fingerprint was taken before it wrote to its source.
    expect(second.tasks).toEqual({ flaky: RAN, self: RAN });
    expect(fs.readFileSync(ws.file('src/self.txt'), 'utf8')).toBe('x\nx\n');
  });

  it('--force runs every task, --force ID that one, --force PLAN.yaml every task of that plan; an unknown id is exit 2', async ({ expect }) => {
    const ws = workspace(`tasks:
  - id: one
    cmd: 'echo one >> ran.log'
    sources: [src/a.txt]
  - id: two
    cmd: 'echo two >> ran.log'
    sources: [src/b.txt]
`);
    await ws.run();
    expect((await ws.run()).ran).toEqual([]);
    expect((await ws.run(['--force'])).ran.sort()).toEqual(['one', 'two']);
    expect((await ws.run(['--force', 'two'])).ran).toEqual(['two']);
    expect((await ws.run(['--force', 'aad.yaml'])).ran.sort()).toEqual(['one', 'two']);
    expect((await ws.run(['--force', 'all', '--quiet'])).ran.sort()).toEqual(['one', 'two']);
    expect((await ws.run(['--force=one', '--quiet'])).ran).toEqual(['one']);
    const bad = await ws.aad(['run', '--force', 'thre']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--force: unknown task "thre"');
    expect(bad.stderr).not.toMatch(/\n\s+at /);
  });

  it('graph and run --dry-run mark what is up to date (text and --json); --force clears the mark', async ({ expect }) => {
    const ws = workspace();
    const before = await ws.aad(['graph', '--json']);
    expect((JSON.parse(before.stdout) as { tasks: Array<{ id: string; up_to_date?: boolean }> }).tasks.map((t) => [t.id, t.up_to_date])).toEqual([['build', false], ['test', undefined]]);
    await ws.run();
    const graph = await ws.aad(['graph']);
    expect(graph.stdout).toMatch(/build — .* \[up to date\]/);
    expect(graph.stdout).not.toMatch(/test — .*up to date/);
    const dry = await ws.aad(['run', '--dry-run', '--json']);
    expect((JSON.parse(dry.stdout) as { tasks: Array<{ id: string; up_to_date?: boolean }> }).tasks[0]).toMatchObject({ id: 'build', up_to_date: true });
    expect((await ws.aad(['run', '--dry-run', '--force'])).stdout).not.toContain('[up to date]');
    fs.appendFileSync(ws.file('src/a.txt'), 'more\n');
    expect((await ws.aad(['graph'])).stdout).not.toContain('[up to date]');
  });

  it('refuses generates without sources, a pattern outside the cwd, and sources on an isolated task, saying where', async ({ expect }) => {
    const ws = workspace(`tasks:
  - id: a
    cmd: 'true'
    generates: [out]
  - id: b
    cmd: 'true'
    sources: ['../elsewhere/**']
  - id: c
    cmd: 'true'
    sources: [src]
    isolation: worktree
`);
    const r = await runCli(['validate'], { cwd: ws.dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('aad.yaml:4:');
    expect(r.stderr).toContain('generates is checked only for a task with `sources`');
    expect(r.stderr).toContain('source pattern "../elsewhere/**" points outside the task\'s cwd');
    expect(r.stderr).toContain('sources is not for a task with `isolation: worktree`');
  });
});
