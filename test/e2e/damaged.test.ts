// Damaged run directories through the built CLI: a journal with event kinds from a newer aad, a journal
// without run_started, a missing journal, a missing or unreadable plan.yaml. Each command says what is
// wrong with exit 2 (never "internal error"), and `aad runs` lists the damaged run instead of hiding it.
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'vitest';
import { runCli, tmpDir, writePlan, type CliResult } from '../helpers/cli.js';

/** A workdir with a plan (ok succeeds, bad fails until `fixed` exists, after waits on bad) and its own home. */
function workspace() {
  const dir = tmpDir('aad-e2e-damaged-');
  const home = path.join(dir, 'home');
  writePlan(
    dir,
    `tasks:
  - id: ok
    cmd: 'echo ok >> count-ok'
  - id: bad
    cmd: 'echo bad >> count-bad; test -f fixed'
  - id: after
    cmd: 'echo after >> count-after'
    depends_on: [bad]
`,
  );
  const ws = {
    dir,
    home,
    aad: (...args: string[]): Promise<CliResult> => runCli([...args, '--home', home], { cwd: dir }),
    runIds: (): string[] => fs.readdirSync(path.join(home, 'runs')).sort(),
    runDir: (id: string) => path.join(home, 'runs', id),
    journal: (id: string) => path.join(home, 'runs', id, 'events.jsonl'),
    /** Runs the plan once (it fails: exit 3) and returns the new run's id. */
    async failedRun(): Promise<string> {
      const before = fs.existsSync(path.join(home, 'runs')) ? ws.runIds() : [];
      const r = await ws.aad('run');
      if (r.code !== 3) throw new Error(`aad run exited ${r.code}: ${r.stderr}`);
      return ws.runIds().find((id) => !before.includes(id))!;
    },
    count: (name: string) => (fs.existsSync(path.join(dir, name)) ? fs.readFileSync(path.join(dir, name), 'utf8').split('\n').filter(Boolean).length : 0),
  };
  return ws;
}

/** A journal line of an event kind this aad does not know. */
const futureEvent = (kind: string, extra: Record<string, unknown> = {}) => JSON.stringify({ v: 1, ts: '2026-11-21T08:30:15.123Z', event: kind, ...extra }) + '\n';

function warnings(stderr: string): string[] {
  return stderr.split('\n').filter((l) => l.startsWith('aad: warning:'));
}

describe.concurrent('damaged run directories', () => {
  it('event kinds from a newer aad are skipped with one warning per command; status, logs, runs and resume read the rest as usual', async ({ expect }) => {
    const ws = workspace();
    const id = await ws.failedRun();
    // One unknown kind in the middle, two at the end (one of them twice).
    const lines = fs.readFileSync(ws.journal(id), 'utf8').split('\n');
    lines.splice(2, 0, futureEvent('task_teleported', { task: 'ok' }).trimEnd());
    fs.writeFileSync(ws.journal(id), lines.join('\n') + futureEvent('quantum_state', { task: 'bad' }) + futureEvent('quantum_state'));
    const warning = `aad: warning: run ${id}: skipped 3 journal events of kinds this aad does not know (quantum_state, task_teleported); a newer aad wrote them`;

    const st = await ws.aad('status', '--json');
    expect(st.code, st.stderr).toBe(0);
    expect(warnings(st.stderr)).toEqual([warning]);
    const json = JSON.parse(st.stdout) as { state: string; tasks: { id: string; state: string }[] };
    expect(json.state).toBe('failed');
    expect(json.tasks.map((t) => [t.id, t.state])).toEqual([['ok', 'succeeded'], ['bad', 'failed'], ['after', 'skipped']]);

    const text = await ws.aad('status', id);
    expect(text.code).toBe(0);
    expect(warnings(text.stderr)).toEqual([warning]);
    expect(text.stdout).toMatch(/^bad +failed +1 /m);

    const logs = await ws.aad('logs', id, '--task', 'ok');
    expect(logs.code, logs.stderr).toBe(0);
    expect(warnings(logs.stderr)).toEqual([warning]);

    const runs = await ws.aad('runs', '--json');
    expect(runs.code).toBe(0);
    expect(warnings(runs.stderr)).toEqual([warning]);
    expect((JSON.parse(runs.stdout) as { run_id: string; state: string }[]).map((r) => [r.run_id, r.state])).toEqual([[id, 'failed']]);

    fs.writeFileSync(path.join(ws.dir, 'fixed'), '');
    const resumed = await ws.aad('resume', id);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(warnings(resumed.stderr)).toEqual([warning]);
    expect([ws.count('count-ok'), ws.count('count-bad'), ws.count('count-after')]).toEqual([1, 2, 1]);
    const after = await ws.aad('status', '--json');
    expect((JSON.parse(after.stdout) as { state: string }).state).toBe('succeeded');
  });

  it('a journal without run_started: status, status --json, resume, resume --dry-run, cancel and logs exit 2 saying so; runs lists the run as damaged', async ({ expect }) => {
    const ws = workspace();
    const good = await ws.failedRun();
    const id = await ws.failedRun();
    const kept = fs.readFileSync(ws.journal(id), 'utf8').split('\n').filter((l) => !l.includes('"event":"run_started"'));
    fs.writeFileSync(ws.journal(id), kept.join('\n'));
    const message = `aad: run ${id}: damaged run directory: events.jsonl has no run_started event\n`;
    for (const args of [['status', id], ['status', id, '--json'], ['resume', id], ['resume', id, '--dry-run'], ['cancel', id], ['logs', id, '--task', 'ok']]) {
      const r = await ws.aad(...args);
      expect([args, r.code, r.stderr]).toEqual([args, 2, message]);
    }
    expect(ws.count('count-bad')).toBe(2); // nothing ran
    // cancel without an id looks for a running run: it names the damaged one among the runs, and exits 2.
    const cancel = await ws.aad('cancel');
    expect(cancel.code).toBe(2);
    expect(cancel.stderr).toMatch(new RegExp(`^aad: no run is running in .*: nothing to cancel; runs: .*\\b${id} \\(damaged\\)`));
    expect(cancel.stderr).toContain(`${good} (failed)`);

    const text = await ws.aad('runs');
    expect(text.code, text.stderr).toBe(0);
    // Both runs started in the same second: their order in the list is the order of their random suffixes.
    const rows = text.stdout.trimEnd().split('\n');
    expect(rows).toHaveLength(3);
    expect(rows.find((r) => r.startsWith(id))).toMatch(new RegExp(`^${id} +damaged +.*events\\.jsonl has no run_started event$`));
    expect(rows.find((r) => r.startsWith(good))).toMatch(new RegExp(`^${good} +failed `));
    const json = await ws.aad('runs', '--json');
    expect(json.code).toBe(0);
    const list = JSON.parse(json.stdout) as Record<string, unknown>[];
    expect(list).toHaveLength(2);
    expect(list.find((r) => r.run_id === id)).toEqual({
      run_id: id, state: 'damaged', reason: 'events.jsonl has no run_started event', exit_code: null, plan_path: null, workdir: null,
      started_at: null, ended_at: null, counts: null, leftover_processes: null,
    });
    expect(list.find((r) => r.run_id === good)).toMatchObject({ state: 'failed' });
  });

  it('a known event with a shape aad cannot fold (a hand-edited run_started): exit 2 naming the event, not an internal error', async ({ expect }) => {
    const ws = workspace();
    const id = await ws.failedRun();
    const lines = fs.readFileSync(ws.journal(id), 'utf8').split('\n');
    const started = JSON.parse(lines[0]!) as Record<string, unknown>;
    lines[0] = JSON.stringify({ ...started, tasks: 'ok,bad,after' });
    fs.writeFileSync(ws.journal(id), lines.join('\n'));
    const r = await ws.aad('status', id);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(new RegExp(`^aad: run ${id}: damaged run directory: events\\.jsonl line 1: a run_started event aad cannot read \\(.+\\)\\n$`));
    const runs = await ws.aad('runs', '--json');
    expect(runs.code, runs.stderr).toBe(0);
    expect(JSON.parse(runs.stdout)).toMatchObject([{ run_id: id, state: 'damaged' }]);
  });

  it('a deleted or unreadable journal: status exits 2 naming it, runs lists the run as damaged', async ({ expect }) => {
    const ws = workspace();
    const gone = await ws.failedRun();
    const dirJournal = await ws.failedRun();
    fs.rmSync(ws.journal(gone));
    fs.rmSync(ws.journal(dirJournal));
    fs.mkdirSync(ws.journal(dirJournal));

    const a = await ws.aad('status', gone);
    expect([a.code, a.stderr]).toEqual([2, `aad: run ${gone}: damaged run directory: events.jsonl is missing\n`]);
    const b = await ws.aad('status', dirJournal, '--json');
    expect([b.code, b.stderr]).toEqual([2, `aad: run ${dirJournal}: damaged run directory: cannot read events.jsonl: EISDIR: illegal operation on a directory, read\n`]);
    const runs = await ws.aad('runs', '--json');
    expect(runs.code, runs.stderr).toBe(0);
    expect((JSON.parse(runs.stdout) as { run_id: string; state: string }[]).map((r) => [r.run_id, r.state]).sort()).toEqual([[dirJournal, 'damaged'], [gone, 'damaged']].sort());
  });

  it('a deleted or unreadable plan.yaml: status still works, resume and resume --dry-run exit 2 saying so and change nothing', async ({ expect }) => {
    const ws = workspace();
    const id = await ws.failedRun();
    const plan = path.join(ws.runDir(id), 'plan.yaml');
    fs.rmSync(plan);
    const journal = fs.readFileSync(ws.journal(id), 'utf8');

    const st = await ws.aad('status', id);
    expect(st.code, st.stderr).toBe(0);
    for (const args of [['resume', id], ['resume', id, '--dry-run'], ['resume', '--failed-only']]) {
      const r = await ws.aad(...args);
      expect([args, r.code, r.stderr]).toEqual([args, 2, `aad: run ${id}: damaged run directory: plan.yaml is missing\n`]);
    }
    fs.mkdirSync(plan);
    const r = await ws.aad('resume', id);
    expect([r.code, r.stderr]).toEqual([2, `aad: run ${id}: damaged run directory: cannot read plan.yaml: EISDIR: illegal operation on a directory, read\n`]);
    expect(fs.readFileSync(ws.journal(id), 'utf8')).toBe(journal);
    expect(ws.count('count-bad')).toBe(1);
  });
});
