// Tasks that decide, through the built CLI: exit_codes, $AAD_OUTCOME (blocked, retry_after_sec, malformed
// files), dynamic children (sibling dependencies, a failing child, limits, resume after SIGKILL).
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, it } from 'vitest';
import { processGone, runCli, startCli, tmpDir, waitFor, writePlan, type CliProcess, type CliResult } from '../helpers/cli.js';
import type { RunStatusJson } from '../../src/report/status.js';

const pidsToKill: number[] = [];
afterAll(() => {
  for (const pid of pidsToKill) {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      /* already gone */
    }
  }
});

type Ev = { event: string; task?: string; [k: string]: unknown };

function workspace(yaml: string, files: Record<string, string> = {}) {
  const dir = tmpDir('aad-e2e-outcomes-');
  const home = path.join(dir, 'home');
  writePlan(dir, yaml);
  for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), text);
  const ws = {
    dir,
    aad: (...args: string[]): Promise<CliResult> => runCli([...args, '--home', home], { cwd: dir }),
    start: (...args: string[]): CliProcess => startCli([...args, '--home', home], { cwd: dir }),
    onlyRun(): string {
      const ids = fs.readdirSync(path.join(home, 'runs'));
      if (ids.length !== 1) throw new Error(`expected one run, found ${ids.length}`);
      return ids[0]!;
    },
    async status(): Promise<RunStatusJson> {
      const r = await ws.aad('status', '--json');
      if (r.code !== 0) throw new Error(`aad status exited ${r.code}: ${r.stderr}`);
      return JSON.parse(r.stdout) as RunStatusJson;
    },
    async task(id: string) {
      return (await ws.status()).tasks.find((t) => t.id === id)!;
    },
    events: (): Ev[] =>
      fs.readFileSync(path.join(home, 'runs', ws.onlyRun(), 'events.jsonl'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Ev),
    lines: (name: string) => (fs.existsSync(path.join(dir, name)) ? fs.readFileSync(path.join(dir, name), 'utf8').split('\n').filter(Boolean) : []),
    touch: (name: string) => fs.writeFileSync(path.join(dir, name), ''),
  };
  return ws;
}

/** A shell command that writes `json` into $AAD_OUTCOME. */
const writes = (json: object) => `printf '%s' '${JSON.stringify(json)}' > "$AAD_OUTCOME"`;

describe.concurrent('tasks that decide', () => {
  it('blocked (outcome file or exit_codes): not retried, no rollback, an error escalation, dependents skipped, exit 3; resume runs it again', async ({ expect }) => {
    const ws = workspace(`tasks:
  - id: ask
    retries: 3
    rollback: 'echo rolled >> rollbacks'
    cmd: 'test -f answer || { echo "{\\"outcome\\": \\"blocked\\", \\"reason\\": \\"which region? write it to answer\\"}" > "$AAD_OUTCOME"; }'
  - id: after
    depends_on: [ask]
    cmd: 'echo after >> ran'
  - id: coded
    exit_codes: { 2: blocked, 3: success }
    cmd: 'test -f answer && exit 3; exit 2'
`);
    const r = await ws.aad('run');
    expect(r.code, r.stderr).toBe(3);
    expect(r.stdout).toMatch(/\nask +│ ⏸ blocked: which region\? write it to answer \(not retried; `aad resume` runs it again\)\n/);
    expect(r.stdout).toContain('Blocked (2), waiting for help:');
    const s = await ws.status();
    expect(s.counts).toMatchObject({ blocked: 2, skipped: 1, failed: 0 });
    expect(s.tasks.map((t) => [t.id, t.state, t.attempts, t.reason])).toEqual([
      ['ask', 'blocked', 1, 'which region? write it to answer'],
      ['after', 'skipped', 0, 'dependency ask is blocked'],
      ['coded', 'blocked', 1, 'exit code 2 means blocked (exit_codes)'],
    ]);
    expect(ws.lines('rollbacks')).toEqual([]);
    const ev = ws.events();
    expect(ev.filter((e) => e.event === 'task_decided' && e.task === 'ask')).toEqual([
      expect.objectContaining({ attempt: 1, outcome: 'blocked', decision: 'block', reason: 'which region? write it to answer' }),
    ]);
    expect(ev.filter((e) => e.event === 'escalation' && e.task === 'ask').map((e) => [e.level, e.reason])).toEqual([['error', 'blocked: which region? write it to answer']]);
    // The decision is journaled before it is acted on.
    const i = ev.findIndex((e) => e.event === 'task_decided' && e.task === 'ask');
    expect(ev[i + 1]).toMatchObject({ event: 'task_blocked', task: 'ask', attempt: 1 });

    ws.touch('answer');
    const again = await ws.aad('resume', '--failed-only');
    expect(again.code, again.stderr).toBe(0);
    expect((await ws.status()).tasks.map((t) => [t.id, t.state, t.attempts])).toEqual([['ask', 'succeeded', 2], ['after', 'succeeded', 1], ['coded', 'succeeded', 2]]);
  });

  it('retry_after_sec sets the retry delay; the reason from the file is the failure reason', async ({ expect }) => {
    const ws = workspace(`tasks:
  - id: flaky
    retries: 2
    retry_backoff_sec: 600
    cmd: |
      echo x >> tries
      test $(wc -l < tries) -ge 2 && exit 0
      ${writes({ reason: 'rate limited', retry_after_sec: 0.2 })}
      exit 75
`);
    const r = await ws.aad('run');
    expect(r.code, r.stderr).toBe(0);
    const ev = ws.events();
    expect(ev.filter((e) => e.event === 'task_retrying').map((e) => [e.attempt, e.delay_ms, e.reason])).toEqual([[1, 200, 'rate limited']]);
    expect(ev.filter((e) => e.event === 'task_decided').map((e) => [e.outcome, e.decision, e.delay_ms ?? null])).toEqual([['failure', 'retry', 200], ['success', 'succeed', null]]);
  });

  it('a malformed outcome file fails the attempt with what is wrong, where; invalid children list every problem with its position', async ({ expect }) => {
    const ws = workspace(`tasks:
  - id: notjson
    cmd: 'printf "{\\"outcome\\": success}" > "$AAD_OUTCOME"'
  - id: shape
    cmd: 'printf "{\\"outcome\\": \\"done\\", \\"retry\\": 3}" > "$AAD_OUTCOME"'
  - id: kids
    cmd: cp kids.json "$AAD_OUTCOME"
`, {
      'kids.json': `{
  "children": [
    {"id": "ok", "cmd": "true"},
    {"id": "two", "cmd": "true", "timeout_sec": 0},
    {"id": "three", "depends_on": ["nope"]}
  ]
}`,
    });
    const r = await ws.aad('run');
    expect(r.code, r.stderr).toBe(3);
    expect(r.stderr).toBe('');
    const reasons = Object.fromEntries((await ws.status()).tasks.map((t) => [t.id, [t.state, t.reason]]));
    // Node 20's JSON.parse quotes the place (a position when it gives one is made a line and column).
    expect(reasons.notjson).toEqual(['failed', expect.stringMatching(/^outcomes\/notjson\/1\.json: not valid JSON: Unexpected token 's', .*success/)]);
    expect(reasons.shape).toEqual([
      'failed',
      'invalid outcome file: outcomes/shape/1.json:1:13: outcome: must be "success", "failure" or "blocked", not "done"; ' +
        'outcomes/shape/1.json:1:21: retry: unknown key "retry" (did you mean "retry_after_sec"?) (an outcome file has outcome, reason, retry_after_sec, children)',
    ]);
    expect(reasons.kids![0]).toBe('failed');
    expect(reasons.kids![1]).toContain('outcomes/kids/1.json:4:49: children[1].timeout_sec: must be a number > 0, not 0');
    expect(reasons.kids![1]).toContain('outcomes/kids/1.json:5:5: children[2]: missing required key "cmd"');
    expect(reasons.kids![1]).toContain('outcomes/kids/1.json:5:36: children[2].depends_on[0]: unknown task "nope" in depends_on');
    // No child was added.
    expect(ws.events().some((e) => e.event === 'tasks_added')).toBe(false);
  });

  it('children: ids parent/child, sibling dependencies, inherited env, dependents of the parent wait; status, --json, logs', async ({ expect }) => {
    const ws = workspace(`max_parallel: 2
tasks:
  - id: planner
    env: { GREETING: hi }
    cmd: |
      for f in one two three; do echo "$f" > "in-$f"; done
      cat > "$AAD_OUTCOME" <<'J'
      {"children": [
        {"id": "one", "cmd": "sleep 0.2; echo $GREETING one >> order"},
        {"id": "two", "cmd": "echo $GREETING two >> order", "depends_on": ["one"]},
        {"id": "three", "cmd": "echo three >> order; echo log-of-three", "env": {"GREETING": "yo"}}
      ]}
      J
  - id: summary
    depends_on: [planner]
    cmd: 'echo summary >> order'
`);
    const r = await ws.aad('run');
    expect(r.code, r.stderr + r.stdout).toBe(0);
    expect(r.stdout).toMatch(/\nplanner +│ ⤷ added 3 child tasks/);
    const order = ws.lines('order');
    expect(order.indexOf('hi one')).toBeLessThan(order.indexOf('hi two'));
    expect(order.at(-1)).toBe('summary');
    expect(order.sort()).toEqual(['hi one', 'hi two', 'summary', 'three']);
    const s = await ws.status();
    expect(s.tasks.map((t) => [t.id, t.parent, t.state])).toEqual([
      ['planner', null, 'succeeded'],
      ['planner/one', 'planner', 'succeeded'],
      ['planner/two', 'planner', 'succeeded'],
      ['planner/three', 'planner', 'succeeded'],
      ['summary', null, 'succeeded'],
    ]);
    const t = Object.fromEntries(s.tasks.map((x) => [x.id, x]));
    expect(Date.parse(t['planner/two']!.started_at!)).toBeGreaterThanOrEqual(Date.parse(t['planner/one']!.ended_at!));
    expect(Date.parse(t.summary!.started_at!)).toBeGreaterThanOrEqual(Date.parse(t.planner!.ended_at!));
    const ev = ws.events();
    const added = ev.findIndex((e) => e.event === 'tasks_added');
    expect(ev[added]).toMatchObject({ parent: 'planner', tasks: [expect.objectContaining({ id: 'planner/one' }), expect.objectContaining({ id: 'planner/two', depends_on: ['planner/one'] }), expect.objectContaining({ id: 'planner/three' })] });
    expect(ev[added + 1]).toMatchObject({ event: 'task_decomposed', task: 'planner', children: ['planner/one', 'planner/two', 'planner/three'] });
    expect(ev.findIndex((e) => e.event === 'task_started' && String(e.task).startsWith('planner/'))).toBeGreaterThan(added + 1);
    const text = await ws.aad('status');
    expect(text.stdout).toMatch(/\n {2}planner\/one +succeeded/);
    const logs = await ws.aad('logs', '--task', 'planner/three');
    expect(logs.code, logs.stderr).toBe(0);
    expect(logs.stdout).toBe('log-of-three\n');
  });

  it('a failing child fails its parent ("child <id> failed") and skips its dependents; resume --failed-only re-runs only what failed', async ({ expect }) => {
    const ws = workspace(`tasks:
  - id: planner
    cmd: |
      echo planned >> planned
      cat > "$AAD_OUTCOME" <<'J'
      {"children": [{"id": "good", "cmd": "echo good >> ran"}, {"id": "bad", "cmd": "test -f fixed && echo bad >> ran"}, {"id": "late", "depends_on": ["bad"], "cmd": "echo late >> ran"}]}
      J
  - id: summary
    depends_on: [planner]
    cmd: 'echo summary >> ran'
`);
    const r = await ws.aad('run');
    expect(r.code).toBe(3);
    const s = await ws.status();
    expect(s.tasks.map((t) => [t.id, t.state, t.reason])).toEqual([
      ['planner', 'failed', 'child planner/bad failed'],
      ['planner/good', 'succeeded', null],
      ['planner/bad', 'failed', 'exit code 1'],
      ['planner/late', 'skipped', 'dependency planner/bad failed'],
      ['summary', 'skipped', 'dependency planner failed'],
    ]);
    expect(s.counts).toMatchObject({ succeeded: 1, failed: 2, skipped: 2, decomposed: 0 });
    ws.touch('fixed');
    const again = await ws.aad('resume', '--failed-only');
    expect(again.code, again.stderr + again.stdout).toBe(0);
    expect((await ws.status()).tasks.map((t) => [t.id, t.state, t.attempts])).toEqual([
      ['planner', 'succeeded', 1],
      ['planner/good', 'succeeded', 1],
      ['planner/bad', 'succeeded', 2],
      ['planner/late', 'succeeded', 1],
      ['summary', 'succeeded', 1],
    ]);
    // The planner did not run again, nor did the child that had succeeded.
    expect(ws.lines('planned')).toEqual(['planned']);
    expect(ws.lines('ran').sort()).toEqual(['bad', 'good', 'late', 'summary']);
  });

  it('SIGKILL of aad while children run: resume rebuilds the grown plan from the journal and does not re-run finished children', async ({ expect }) => {
    const ws = workspace(`max_parallel: 2
tasks:
  - id: planner
    cmd: |
      echo planned >> planned
      cat > "$AAD_OUTCOME" <<'J'
      {"children": [{"id": "quick", "cmd": "echo quick >> ran"}, {"id": "slow", "cmd": "test -f go || { echo $$ > slow.pid; sleep 30; }; echo slow >> ran"}, {"id": "after", "depends_on": ["slow"], "cmd": "echo after >> ran"}]}
      J
  - id: summary
    depends_on: [planner]
    cmd: 'echo summary >> ran'
`);
    const run = ws.start('run');
    const pid = await waitFor('slow.pid', () => (ws.lines('slow.pid')[0] ? Number(ws.lines('slow.pid')[0]) : undefined));
    pidsToKill.push(pid);
    await waitFor('quick ran', () => (ws.lines('ran').includes('quick') ? true : undefined));
    await waitFor('quick recorded', () => (ws.events().some((e) => e.event === 'task_succeeded' && e.task === 'planner/quick') ? true : undefined));
    run.child.kill('SIGKILL');
    await run.done;
    process.kill(pid, 'SIGKILL');
    await waitFor('slow child gone', () => (processGone(pid) ? true : undefined));
    const interrupted = await ws.aad('status');
    expect(interrupted.stdout).toContain('interrupted');
    ws.touch('go');
    const r = await ws.aad('resume');
    expect(r.code, r.stderr + r.stdout).toBe(0);
    expect((await ws.status()).tasks.map((t) => [t.id, t.state, t.attempts])).toEqual([
      ['planner', 'succeeded', 1],
      ['planner/quick', 'succeeded', 1],
      ['planner/slow', 'succeeded', 2],
      ['planner/after', 'succeeded', 1],
      ['summary', 'succeeded', 1],
    ]);
    expect(ws.lines('planned')).toEqual(['planned']);
    expect(ws.lines('ran').sort()).toEqual(['after', 'quick', 'slow', 'summary']);
  });

  it('limits: past max_children the parent fails naming it; children nest at most 4 levels', async ({ expect }) => {
    const ws = workspace(`max_children: 2
tasks:
  - id: many
    cmd: |
      ${writes({ children: [{ id: 'a', cmd: 'true' }, { id: 'b', cmd: 'true' }, { id: 'c', cmd: 'true' }] })}
`);
    const r = await ws.aad('run');
    expect(r.code).toBe(3);
    expect(await ws.task('many')).toMatchObject({ state: 'failed', reason: 'cannot add 3 child task(s): the run may add 2 in all (max_children) and has added 0' });

    const deep = workspace(`tasks:
  - id: root
    cmd: sh deeper.sh
`, { 'deeper.sh': `printf '%s' '{"children": [{"id": "n", "cmd": "sh deeper.sh"}]}' > "$AAD_OUTCOME"\n` });
    const d = await deep.aad('run');
    expect(d.code).toBe(3);
    const s = await deep.status();
    expect(s.tasks.map((t) => [t.id, t.state, t.reason])).toEqual([
      ['root', 'failed', 'child root/n failed'],
      ['root/n', 'failed', 'child root/n/n failed'],
      ['root/n/n', 'failed', 'child root/n/n/n failed'],
      ['root/n/n/n', 'failed', 'child root/n/n/n/n failed'],
      ['root/n/n/n/n', 'failed', 'cannot add children: root/n/n/n/n is a child 4 levels deep, and children nest at most 4 levels'],
    ]);
  });
});
