// One number of attempts and one duration per task, wherever aad shows them: the console's task line,
// the summary, `status`, `status --json`, the journal and the escalation record (SPEC, "Counts agree").
// A task's duration runs from its first start in the session to its end; the console adds the last
// attempt's time when there were several. Built CLI, real processes; each case has its own folder.
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'vitest';
import { formatMs } from '../../src/graph/render.js';
import type { RunStatusJson, TaskStatusJson } from '../../src/report/status.js';
import { runCli, tmpDir, writePlan } from '../helpers/cli.js';

type JsonEvent = { event: string; ts: string; task?: string; [k: string]: unknown };

function workspace(yaml: string) {
  const dir = tmpDir('aad-e2e-counts-');
  writePlan(dir, yaml);
  const home = path.join(dir, 'home');
  const cli = (...args: string[]) => runCli([...args, '--home', home], { cwd: dir });
  const runId = () => fs.readdirSync(path.join(home, 'runs'))[0]!;
  const runDir = () => path.join(home, 'runs', runId());
  const events = (): JsonEvent[] =>
    fs.readFileSync(path.join(runDir(), 'events.jsonl'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as JsonEvent);
  const statusJson = async (): Promise<RunStatusJson> => JSON.parse((await cli('status', '--json')).stdout) as RunStatusJson;
  return { dir, cli, runId, runDir, events, statusJson };
}

/** The row of `aad status` for a task, split on runs of spaces: [id, state, attempts, duration, reason…]. */
function statusRow(text: string, id: string): string[] {
  const line = text.split('\n').find((l) => l.startsWith(id + ' '));
  if (!line) throw new Error(`no row for ${id} in:\n${text}`);
  return line.trim().split(/ {2,}/);
}

const taskOf = (s: RunStatusJson, id: string): TaskStatusJson => s.tasks.find((t) => t.id === id)!;

describe.concurrent('counts agree', () => {
  it('a task that fails, then succeeds on its retry: one duration (first start to end) in the console, status, status --json and the journal', async ({ expect }) => {
    const ws = workspace(`tasks:
  - id: flaky
    cmd: 'sleep 0.3; test "$AAD_ATTEMPT" -ge 2'
    retries: 1
    retry_backoff_sec: 0.4
`);
    const r = await ws.cli('run');
    expect(r.code, r.stderr).toBe(0);
    const st = await ws.statusJson();
    const t = taskOf(st, 'flaky');
    expect(t).toMatchObject({ state: 'succeeded', attempts: 2 });
    const dur = formatMs(t.duration_ms!);
    // First start to end: both attempts and the backoff between them.
    expect(t.duration_ms!).toBeGreaterThanOrEqual(1000);
    expect(t.duration_ms).toBe(Date.parse(t.ended_at!) - Date.parse(t.started_at!));

    const evs = ws.events().filter((e) => e.task === 'flaky');
    const started = evs.filter((e) => e.event === 'task_started');
    const succeeded = evs.find((e) => e.event === 'task_succeeded')!;
    expect(succeeded.duration_ms).toBe(t.duration_ms);
    expect(succeeded.duration_ms).toBe(Date.parse(succeeded.ts) - Date.parse(started[0]!.ts));

    const last = formatMs(Date.parse(succeeded.ts) - Date.parse(started[1]!.ts));
    expect(r.stdout).toContain(`flaky │ ✓ succeeded in ${dur} (last attempt ${last})`);
    const row = statusRow((await ws.cli('status')).stdout, 'flaky');
    expect(row.slice(0, 4)).toEqual(['flaky', 'succeeded', '2', dur]);
  });

  it('a task that succeeds at once: the console shows the same duration as status, with no "last attempt"', async ({ expect }) => {
    const ws = workspace(`tasks:
  - id: once
    cmd: 'sleep 0.2'
`);
    const r = await ws.cli('run');
    expect(r.code, r.stderr).toBe(0);
    const t = taskOf(await ws.statusJson(), 'once');
    expect(t.attempts).toBe(1);
    expect(r.stdout).toMatch(new RegExp(`once │ ✓ succeeded in ${formatMs(t.duration_ms!).replace('.', '\\.')}\\n`));
    expect(ws.events().find((e) => e.event === 'task_succeeded')!.duration_ms).toBe(t.duration_ms);
  });

  it('a task that fails, is resumed and fails again: attempts over the whole run, and the resumed session\'s duration, everywhere', async ({ expect }) => {
    const ws = workspace(`tasks:
  - id: bad
    cmd: 'sleep 0.2; exit 1'
`);
    const first = await ws.cli('run');
    expect(first.code).toBe(3);
    expect(first.stdout).toContain('bad │ ✗ failed: exit code 1 after 1 attempt in ');
    const second = await ws.cli('resume');
    expect(second.code).toBe(3);

    const t = taskOf(await ws.statusJson(), 'bad');
    expect(t).toMatchObject({ state: 'failed', attempts: 2, reason: 'exit code 1' });
    const dur = formatMs(t.duration_ms!);
    // The resumed session's first start is its only attempt: the first session's time is not counted.
    expect(t.duration_ms!).toBeLessThan(1000);

    expect(second.stdout).toContain(`bad │ ✗ failed: exit code 1 after 2 attempts in ${dur}\n`);
    expect(second.stdout).toContain(`  ✗ bad: exit code 1 (2 attempts, ${dur})\n`);
    const row = statusRow((await ws.cli('status')).stdout, 'bad');
    expect(row.slice(0, 5)).toEqual(['bad', 'failed', '2', dur, 'exit code 1']);

    const failed = ws.events().filter((e) => e.event === 'task_failed');
    expect(failed.map((e) => e.attempts)).toEqual([1, 2]);
    expect(failed[1]!.duration_ms).toBe(t.duration_ms);
    const escalations = JSON.parse(fs.readFileSync(path.join(ws.runDir(), 'escalations', 'bad.json'), 'utf8')) as { level: string; reason: string }[];
    expect(escalations.filter((e) => e.level === 'error').map((e) => e.reason)).toEqual([
      'failed for good after 1 attempt: exit code 1',
      'failed for good after 2 attempts: exit code 1',
    ]);
  });
});
