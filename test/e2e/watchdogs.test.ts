// Watchdogs through the built CLI: a silent task stopped but a talking or heartbeating one not; a process
// tree (and a process that escaped its group) over its memory limit stopped, nothing of it left alive.
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'vitest';
import { processGone, runCli, tmpDir, waitFor, writePlan, type CliResult } from '../helpers/cli.js';
import type { RunStatusJson } from '../../src/report/status.js';

function workspace(yaml: string) {
  const dir = tmpDir('aad-e2e-watchdogs-');
  const home = path.join(dir, 'home');
  writePlan(dir, yaml);
  const ws = {
    dir,
    aad: (...args: string[]): Promise<CliResult> => runCli([...args, '--home', home], { cwd: dir }),
    async status(): Promise<RunStatusJson> {
      const r = await ws.aad('status', '--json');
      if (r.code !== 0) throw new Error(`aad status exited ${r.code}: ${r.stderr}`);
      return JSON.parse(r.stdout) as RunStatusJson;
    },
    lines: (name: string) => (fs.existsSync(path.join(dir, name)) ? fs.readFileSync(path.join(dir, name), 'utf8').split('\n').filter(Boolean) : []),
  };
  return ws;
}

/** A node one-liner that holds `mb` MiB resident (written to, so the pages are real) for `sec` seconds, its pid in `pidFile`. */
const hog = (mb: number, sec: number, pidFile: string) =>
  `node -e 'require("fs").writeFileSync("${pidFile}", String(process.pid)); const b = Buffer.alloc(${mb} * 2 ** 20, 1); setTimeout(() => b.length, ${sec * 1000})'`;

describe.concurrent('watchdogs', () => {
  it('stall_timeout_sec stops a silent task (retried by its budget), not one that talks or touches $AAD_HEARTBEAT', async ({ expect }) => {
    const ws = workspace(`defaults:
  stall_timeout_sec: 0.8
tasks:
  - id: silent
    retries: 1
    cmd: 'echo "$AAD_ATTEMPT" >> silent-tries; sleep 20'
  - id: talks
    cmd: 'for i in 1 2 3 4 5 6 7 8 9 10; do echo tick $i; sleep 0.2; done'
  - id: heartbeats
    cmd: 'for i in 1 2 3 4 5 6 7 8 9 10; do touch "$AAD_HEARTBEAT"; sleep 0.2; done'
`);
    const t0 = Date.now();
    const r = await ws.aad('run');
    expect(r.code, r.stdout + r.stderr).toBe(3);
    // Two attempts of ~0.8 s each and the 5 s grace never needed (sleep dies on SIGTERM): far below the 20 s sleep.
    expect(Date.now() - t0).toBeLessThan(10_000);
    const s = await ws.status();
    expect(s.tasks.map((t) => [t.id, t.state, t.attempts, t.reason])).toEqual([
      ['silent', 'failed', 2, 'stalled: no output for 0.8s'],
      ['talks', 'succeeded', 1, null],
      ['heartbeats', 'succeeded', 1, null],
    ]);
    expect(ws.lines('silent-tries')).toEqual(['1', '2']);
    expect(r.stdout).toContain('silent     │ ↻ attempt 1 failed: stalled: no output for 0.8s; retrying');
    // Each attempt lasted about the limit: stopped within a second of it.
    const attempts = fs.readFileSync(path.join(ws.dir, 'home', 'runs', s.run_id, 'events.jsonl'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as { event: string; task?: string; duration_ms?: number });
    const first = attempts.find((e) => e.event === 'task_retrying' && e.task === 'silent')!;
    expect(first.duration_ms).toBeGreaterThanOrEqual(800);
    expect(first.duration_ms).toBeLessThan(1800);
  });

  it('max_memory_mb stops a process tree over its limit, counting a process that escaped the group, and leaves nothing alive', async ({ expect }) => {
    const ws = workspace(`tasks:
  - id: tree
    max_memory_mb: 150
    cmd: |
      ${hog(60, 20, 'tree-a.pid')} & ${hog(60, 20, 'tree-b.pid')} & wait
  - id: escaped
    max_memory_mb: 150
    cmd: |
      setsid ${hog(160, 20, 'escaped.pid')} & sleep 20
  - id: small
    max_memory_mb: 256
    cmd: |
      ${hog(20, 1, 'small.pid')}
`);
    const t0 = Date.now();
    const r = await ws.aad('run');
    expect(r.code, r.stdout + r.stderr).toBe(3);
    expect(Date.now() - t0).toBeLessThan(12_000);
    const s = await ws.status();
    const byId = new Map(s.tasks.map((t) => [t.id, t]));
    // Each hog of the tree alone (node and 60 MB) is under the limit: only their sum is over it.
    expect(byId.get('tree')!.reason).toMatch(/^memory: \d+ MB over the limit of 150 MB$/);
    expect(Number(/memory: (\d+)/.exec(byId.get('tree')!.reason!)![1])).toBeGreaterThan(150);
    // The group itself (sh, sleep) is small: the escaped process is what is over.
    expect(byId.get('escaped')!.reason).toMatch(/^memory: \d+ MB over the limit of 150 MB$/);
    expect(byId.get('small')).toMatchObject({ state: 'succeeded' });
    for (const f of ['tree-a.pid', 'tree-b.pid', 'escaped.pid']) {
      const pid = Number(fs.readFileSync(path.join(ws.dir, f), 'utf8'));
      await waitFor(`${f} (${pid}) gone`, () => (processGone(pid) ? true : undefined), 5000);
    }
  });
});
