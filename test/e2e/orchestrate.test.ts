// `aad orchestrate` through the built CLI: `run --specs` with a closing summary of the succeeded and failed
// tasks and the time, `--resume` of the plan's latest run, `--dry-run`, `--json`, and its usage errors.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, tmpDir, writePlan } from '../helpers/cli.js';

// `b` fails until the file `fixed` exists; `a` counts its runs in `a.count`.
const PLAN = `tasks:
  - id: a
    cmd: echo run >> a.count
  - id: b
    depends_on: [a]
    cmd: test -e fixed
  - id: c
    depends_on: [b]
    cmd: "true"
  - id: d
    cmd: "true"
  - id: e
    depends_on: [d]
    cmd: "true"
`;

/** A folder holding PLAN as aad.yaml, with its own home. */
function workspace(plan = PLAN) {
  const dir = tmpDir('aad-e2e-orchestrate-');
  const home = path.join(dir, 'home');
  writePlan(dir, plan);
  return {
    dir,
    home,
    aad: (...args: string[]) => runCli([...args, '--home', home], { cwd: dir }),
    runIds: (): string[] => (fs.existsSync(path.join(home, 'runs')) ? fs.readdirSync(path.join(home, 'runs')).sort() : []),
    count: (name: string) => (fs.existsSync(path.join(dir, name)) ? fs.readFileSync(path.join(dir, name), 'utf8').split('\n').filter(Boolean).length : 0),
    started: (id: string) => JSON.parse(fs.readFileSync(path.join(home, 'runs', id, 'events.jsonl'), 'utf8').split('\n')[0]!) as { tasks: string[] },
  };
}

/** The summary orchestrate prints last, its time replaced by <t>. */
const summaryOf = (stdout: string) => stdout.slice(stdout.lastIndexOf('\nOrchestrated run ') + 1).replace(/exit (\d), \S+ in all/, 'exit $1, <t> in all');

describe.concurrent('aad orchestrate', () => {
  it('--specs runs those tasks and what they need, as run --specs does, then names what succeeded and failed', async () => {
    const ws = workspace();
    const r = await ws.aad('orchestrate', '--specs', 'e,a');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const [id] = ws.runIds();
    expect(ws.runIds()).toHaveLength(1);
    expect(ws.started(id!).tasks).toEqual(['a', 'd', 'e']);
    // The run's usual output first (task lines, its summary), then orchestrate's.
    expect(r.stdout).toMatch(new RegExp(`Run ${id} succeeded in .*\\(exit 0\\)\\n  status: aad status ${id}\\n\\nOrchestrated run `));
    expect(summaryOf(r.stdout)).toBe(`Orchestrated run ${id}: exit 0, <t> in all\n  succeeded (3): a, d, e\n  failed (0): -\n`);
    expect(ws.count('a.count')).toBe(1);
  });

  it('a failing task: exit 3, the summary names it failed and what was skipped', async () => {
    const ws = workspace();
    const r = await ws.aad('orchestrate', '--specs=c,e', '--quiet');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(3);
    const [id] = ws.runIds();
    expect(summaryOf(r.stdout)).toBe(`Orchestrated run ${id}: exit 3, <t> in all\n  succeeded (3): a, d, e\n  failed (1): b\n  skipped (1): c\n`);
    // --quiet keeps the run's own summary, with what failed and why.
    expect(r.stdout).toContain('✗ b: exit code 1');
  });

  it('--resume continues the latest run of the plan in place: succeeded tasks do not run again', async () => {
    const ws = workspace();
    const first = await ws.aad('orchestrate', '--specs', 'c', '--quiet');
    expect(first.code).toBe(3);
    const [id] = ws.runIds();
    fs.writeFileSync(path.join(ws.dir, 'fixed'), '');
    const r = await ws.aad('orchestrate', '--specs', 'c', '--resume', '--quiet');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(ws.runIds()).toEqual([id]);
    expect(ws.count('a.count')).toBe(1);
    expect(summaryOf(r.stdout)).toBe(`Orchestrated run ${id}: exit 0, <t> in all\n  succeeded (3): a, b, c\n  failed (0): -\n`);
    // Once succeeded, there is nothing left to resume.
    const again = await ws.aad('orchestrate', '--resume');
    expect(again.code).toBe(0);
    expect(again.stdout).toContain(`run ${id} already succeeded: nothing to resume\n`);
  });

  it('--resume picks the latest run of the same --specs, and of the same plan file', async () => {
    const ws = workspace();
    writePlan(ws.dir, PLAN, 'other.yaml');
    expect((await ws.aad('orchestrate', '--specs', 'c', '--quiet')).code).toBe(3);
    const [ofC] = ws.runIds();
    expect((await ws.aad('orchestrate', '--specs', 'e', '--quiet')).code).toBe(0);
    expect((await ws.aad('orchestrate', 'other.yaml', '--specs', 'c', '--quiet')).code).toBe(3);
    fs.writeFileSync(path.join(ws.dir, 'fixed'), '');
    const r = await ws.aad('orchestrate', '--specs', 'c', '--resume', '--quiet');
    expect(r.code).toBe(0);
    expect(summaryOf(r.stdout)).toMatch(new RegExp(`^Orchestrated run ${ofC}: exit 0`));
    expect(ws.runIds()).toHaveLength(3);
    // No run of that selection: exit 2, saying which run there is.
    const none = await ws.aad('orchestrate', '--specs', 'b', '--resume');
    expect(none.code).toBe(2);
    expect(none.stdout).toBe('');
    // The latest run of aad.yaml is the one of --specs e (that of other.yaml, newer, is of another plan).
    const latest = ws.runIds().find((i) => ws.started(i).tasks.join() === 'd,e')!;
    expect(none.stderr).toBe(
      `aad: --resume: no run of aad.yaml with the tasks a, b in ${ws.home}; its latest run, ${latest}, ran other tasks (\`aad resume ${latest}\` continues it); start one with \`aad orchestrate\` without --resume\n`,
    );
  });

  it('--resume without any run of the plan exits 2', async () => {
    const ws = workspace();
    const r = await ws.aad('orchestrate', '--resume');
    expect(r).toMatchObject({ code: 2, stdout: '', stderr: `aad: --resume: no run of aad.yaml in ${ws.home}; start one with \`aad orchestrate\` without --resume\n` });
  });

  it('--dry-run shows what would run (as run --dry-run) and runs nothing; with --resume, what the resume would run', async () => {
    const ws = workspace();
    const r = await ws.aad('orchestrate', '--specs', 'c', '--dry-run');
    const run = await ws.aad('run', '--specs', 'c', '--dry-run');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(run.stdout);
    expect(r.stdout).toContain('Tasks (3)');
    expect(r.stdout).not.toContain('Orchestrated');
    expect(ws.runIds()).toEqual([]);
    expect(ws.count('a.count')).toBe(0);

    expect((await ws.aad('orchestrate', '--specs', 'c', '--quiet')).code).toBe(3);
    const [id] = ws.runIds();
    const preview = await ws.aad('orchestrate', '--specs', 'c', '--resume', '--dry-run');
    expect(preview.code).toBe(0);
    expect(preview.stdout).toBe((await ws.aad('resume', id!, '--dry-run')).stdout);
    expect(preview.stdout).not.toContain('Orchestrated');
    expect(ws.count('a.count')).toBe(1);
  });

  it('--json prints only the run events, as run --json', async () => {
    const ws = workspace();
    const r = await ws.aad('orchestrate', 'c', '--json');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(3);
    const events = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { event: string; tasks?: string[] });
    expect(events[0]).toMatchObject({ event: 'run_started', tasks: ['a', 'b', 'c'] });
    expect(events.at(-1)).toMatchObject({ event: 'run_finished', state: 'failed', exit_code: 3 });
  });

  it('refuses what only a new run takes with --resume, and bad usage, with exit 2 and no stack', async () => {
    const ws = workspace();
    expect(await ws.aad('orchestrate', '--resume', '--workdir', '.')).toMatchObject({ code: 2, stdout: '', stderr: 'aad: --workdir is for a new run: a resumed run keeps the workdir it started with\n' });
    expect(await ws.aad('orchestrate', '--resume', '--approve', 'all')).toMatchObject({ code: 2, stderr: 'aad: --approve is for a new run: approve the waiting tasks of a resumed run with `aad approve`\n' });
    expect(await ws.aad('orchestrate', '--specs', 'nope')).toMatchObject({ code: 2, stderr: 'aad: --only: unknown task "nope"; tasks: a, b, c, d, e\n' });
    expect(await ws.aad('orchestrate', '--specs', 'a', '--only', 'b')).toMatchObject({ code: 2, stderr: 'aad: --only and --specs are the same flag: give one\n' });
    expect(await ws.aad('orchestrate', '--json', '--quiet')).toMatchObject({ code: 2, stderr: 'aad: --json and --quiet cannot be used together\n' });
    expect(await ws.aad('orchestrate', '--resme')).toMatchObject({ code: 2, stderr: 'aad: unknown flag "--resme" for `aad orchestrate` (did you mean "--resume"?); see `aad orchestrate --help`\n' });
    writePlan(ws.dir, 'tasks:\n  - id: a\n    cmd: x\n    retries: -1\n', 'bad.yaml');
    const bad = await ws.aad('orchestrate', 'bad.yaml');
    expect(bad).toMatchObject({ code: 2, stdout: '', stderr: (await runCli(['validate', 'bad.yaml'], { cwd: ws.dir })).stderr });
    expect(bad.stderr).toContain('tasks[0].retries  must be a number >= 0, not -1');
    expect(ws.runIds()).toEqual([]);
  });
});
