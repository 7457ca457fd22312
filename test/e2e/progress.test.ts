// Progress and the time-left estimate in `aad status` (text and --json), end to end: the BUILT CLI, real
// processes, each case in its own folder and home. The waiting task waits for a file the test creates,
// so the run is where the test wants it whatever the load.
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'vitest';
import type { RunStatusJson } from '../../src/report/status.js';
import { runCli, startCli, tmpDir, waitFor, writePlan } from '../helpers/cli.js';

/** A task command that waits (at most ~20 s) for `file` in the workdir. */
const waitFile = (file: string) => `i=0; while [ ! -e ${file} ]; do sleep 0.05; i=$((i+1)); if [ $i -gt 400 ]; then exit 9; fi; done`;

function workspace(yaml: string) {
  const dir = tmpDir('aad-e2e-progress-');
  writePlan(dir, yaml);
  const home = path.join(dir, 'home');
  const args = (a: string[]) => [...a, '--home', home];
  return {
    dir,
    aad: (a: string[], env: Record<string, string> = {}) => runCli(args(a), { cwd: dir, env }),
    start: (a: string[], env: Record<string, string> = {}) => startCli(args(a), { cwd: dir, env }),
    touch: (f: string) => fs.writeFileSync(path.join(dir, f), ''),
    /** `aad status --json` once the newest run has `done` tasks done and is still running. */
    async runningWith(done: number): Promise<RunStatusJson> {
      return waitFor(`a running run with ${done} done`, async () => {
        const r = await runCli(args(['status', '--json']), { cwd: dir });
        if (r.code !== 0) return undefined; // no journal yet
        const s = JSON.parse(r.stdout) as RunStatusJson;
        return s.state === 'running' && s.progress.done === done && s.tasks.some((t) => t.state === 'running') ? s : undefined;
      });
    },
  };
}

describe.concurrent('progress', () => {
  it('after two runs of a plan, status of a third shows N/M done, P% and a time left; once over, no estimate', async ({ expect }) => {
    // `b` waits for the test's file in the third run only; `c` (after it) is what is left then.
    const ws = workspace(`tasks:
  - id: a
    cmd: sleep 0.2
  - id: b
    depends_on: [a]
    cmd: 'if [ -n "$HOLD" ]; then ${waitFile('go')}; else sleep 0.2; fi'
  - id: c
    depends_on: [b]
    cmd: sleep 0.2
`);
    // Two earlier runs, side by side (a home takes concurrent runs).
    for (const r of await Promise.all([ws.aad(['run', '--quiet']), ws.aad(['run', '--quiet'])])) expect(r.code, r.stderr).toBe(0);
    const run = ws.start(['run', '--quiet'], { HOLD: '1' });
    const s = await ws.runningWith(1);
    expect(s.progress).toMatchObject({ done: 1, total: 3, percent: 33 });
    // b is past its 0.2 s or nearly so; c's 0.2 s is still ahead (the longest chain of what is left).
    expect(typeof s.progress.eta_ms).toBe('number');
    expect(s.progress.eta_ms!).toBeGreaterThanOrEqual(150);
    expect(s.progress.eta_ms!).toBeLessThan(5000);
    // Existing keys stay where they were; progress comes before tasks.
    expect(Object.keys(s).slice(-2)).toEqual(['progress', 'tasks']);

    const [text, runsOut] = await Promise.all([ws.aad(['status']), ws.aad(['runs', '--json'])]);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout.split('\n')[2]).toMatch(/^1\/3 done, 33%, (~\d+\.\ds|<1s) left  ·  1 succeeded, 0 failed, 0 skipped, 0 cancelled, 1 running, 1 pending$/);

    // `aad runs --json` reads no other run: no progress there.
    const runs = JSON.parse(runsOut.stdout) as Record<string, unknown>[];
    expect(runs).toHaveLength(3);
    for (const r of runs) expect(r).not.toHaveProperty('progress');

    ws.touch('go');
    expect((await run.done).code).toBe(0);
    const end = JSON.parse((await ws.aad(['status', '--json'])).stdout) as RunStatusJson;
    expect(end.progress).toEqual({ done: 3, total: 3, percent: 100, eta_ms: null });
    expect((await ws.aad(['status'])).stdout.split('\n')[2]).toBe('3/3 done, 100%  ·  3 succeeded, 0 failed, 0 skipped, 0 cancelled, 0 running, 0 pending');
  });

  it('a first-ever run has no estimate: eta_ms null, and the text says only N/M done, P%', async ({ expect }) => {
    const ws = workspace(`tasks:
  - id: a
    cmd: 'true'
  - id: b
    depends_on: [a]
    cmd: '${waitFile('go')}'
`);
    const run = ws.start(['run', '--quiet']);
    const s = await ws.runningWith(1);
    expect(s.progress).toEqual({ done: 1, total: 2, percent: 50, eta_ms: null });
    const text = await ws.aad(['status']);
    expect(text.stdout.split('\n')[2]).toBe('1/2 done, 50%  ·  1 succeeded, 0 failed, 0 skipped, 0 cancelled, 1 running, 0 pending');
    ws.touch('go');
    expect((await run.done).code).toBe(0);
  });
});
