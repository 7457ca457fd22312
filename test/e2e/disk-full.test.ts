// A full disk or a read-only home is aad's I/O error, never a task's (SPEC, "Corrections and precisions"):
// exit 1 with `aad: cannot write <path>: <errno words>`, no stack trace, no task marked failed; the running
// tasks are stopped, the run reads `interrupted`, and `resume` finishes it once there is room.
// Each case mounts its own small tmpfs as the home (root only: skipped with the reason otherwise).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, it } from 'vitest';
import type { RunStatusJson } from '../../src/report/status.js';
import { runCli, tmpDir, writePlan } from '../helpers/cli.js';

type JsonEvent = { event: string; task?: string; [k: string]: unknown };

const mounts: string[] = [];

/** Mounts a tmpfs of `options` (e.g. `size=256k`, `ro,size=64k`) on `dir`; false when this process may not. */
function mount(dir: string, options: string): boolean {
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', options, 'tmpfs', dir], { stdio: 'ignore' });
  } catch {
    return false;
  }
  mounts.push(dir);
  return true;
}

function remount(dir: string, options: string): void {
  execFileSync('mount', ['-o', `remount,${options}`, dir], { stdio: 'ignore' });
}

/** Whether tmpfs can be mounted here (root, and a kernel that lets us). */
const canMount = (() => {
  const probe = tmpDir('aad-e2e-mount-probe-');
  if (!mount(probe, 'size=16k')) return false;
  execFileSync('umount', [probe]);
  mounts.pop();
  return true;
})();

afterAll(() => {
  // Lazily: a process a failed case left behind must not keep the mount (and its folder) forever.
  for (const m of mounts.splice(0)) execFileSync('umount', ['-l', m], { stdio: 'ignore' });
});

/** A case: the plan in a normal folder, the home on its own tmpfs. */
function workspace(yaml: string, mountOptions: string) {
  const dir = tmpDir('aad-e2e-disk-');
  writePlan(dir, yaml);
  const mnt = path.join(dir, 'mnt');
  fs.mkdirSync(mnt);
  if (!mount(mnt, mountOptions)) throw new Error(`cannot mount a tmpfs on ${mnt}`);
  const home = path.join(mnt, 'home');
  const cli = (...args: string[]) => runCli([...args, '--home', home], { cwd: dir });
  const runDir = () => path.join(home, 'runs', fs.readdirSync(path.join(home, 'runs'))[0]!);
  const events = (): JsonEvent[] =>
    fs.readFileSync(path.join(runDir(), 'events.jsonl'), 'utf8').split('\n').flatMap((l) => {
      try {
        return [JSON.parse(l) as JsonEvent];
      } catch {
        return []; // a line torn by the full disk
      }
    });
  const status = async (): Promise<RunStatusJson> => JSON.parse((await cli('status', '--json')).stdout) as RunStatusJson;
  return { dir, mnt, home, cli, runDir, events, status };
}

/** A task that writes ~600 KB of output (lines of 100 characters) and one that sleeps, which the full disk must stop. */
const FILLS_THE_DISK = `tasks:
  - id: big
    cmd: "head -c 600000 /dev/zero | tr '\\\\0' x | fold -w 100"
    retries: 2
    retry_backoff_sec: 0
  - id: sleeper
    cmd: "sleep 5; echo done"
`;

describe.skipIf(!canMount).concurrent('a full or read-only disk (tmpfs homes; needs root to mount them)', () => {
  for (const mode of ['--quiet', 'console'] as const) {
    it(`${mode}: a task that fills the disk stops the run with exit 1 and the I/O error; no task failed; resume finishes it once there is room`, async ({ expect }) => {
      const ws = workspace(FILLS_THE_DISK, 'size=256k');
      const r = await ws.cli('run', ...(mode === '--quiet' ? ['--quiet'] : []));
      expect(r.code, r.stderr).toBe(1);
      expect(r.stderr).toBe(`aad: cannot write ${ws.runDir()}/logs/big/1.log: no space left on device\n`);
      expect(r.stderr + r.stdout).not.toContain('internal error');
      expect(r.stderr + r.stdout).not.toMatch(/\n\s+at /);
      // No summary: the run is not over. The sleeping task was stopped, not waited for.
      expect(r.stdout).not.toMatch(/^Run \S+ (failed|succeeded)/m);
      expect(r.ms).toBeLessThan(4500);

      const evs = ws.events();
      expect(evs.map((e) => e.event).filter((e) => /^task_(failed|retrying|succeeded|cancelled)$|^run_finished$|^escalation$/.test(e))).toEqual([]);
      const st = await ws.status();
      expect(st.state).toBe('interrupted');
      expect(st.counts.failed).toBe(0);
      expect(st.tasks.map((t) => [t.id, t.state, t.attempts])).toEqual([['big', 'running', 1], ['sleeper', 'running', 1]]);
      const text = (await ws.cli('status')).stdout;
      expect(text).toMatch(/^big +interrupted +1 /m);
      expect(text).toMatch(/^sleeper +interrupted +1 /m);

      remount(ws.mnt, 'size=8m');
      const again = await ws.cli('resume', '--quiet');
      expect(again.code, again.stderr).toBe(0);
      const done = await ws.status();
      expect(done.state).toBe('succeeded');
      // The stopped attempts are re-run: attempt 2 of each, big's log whole this time.
      expect(done.tasks.map((t) => [t.id, t.state, t.attempts])).toEqual([['big', 'succeeded', 2], ['sleeper', 'succeeded', 2]]);
      expect(fs.statSync(path.join(ws.runDir(), 'logs', 'big', '2.log')).size).toBe(605999); // 6000 lines of 100, the last without its newline
    });
  }

  it('an output too big for the run directory: exit 1 naming the artifact, the task not marked at all; resume collects it', async ({ expect }) => {
    const ws = workspace(`tasks:
  - id: gen
    cmd: "head -c 400000 /dev/zero > big.bin"
    outputs: [big.bin]
`, 'size=256k');
    const r = await ws.cli('run', '--quiet');
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toBe(`aad: cannot write ${ws.runDir()}/artifacts/gen/big.bin: no space left on device\n`);
    const st = await ws.status();
    expect(st.state).toBe('interrupted');
    expect(st.tasks.map((t) => [t.id, t.state, t.attempts])).toEqual([['gen', 'running', 1]]);
    remount(ws.mnt, 'size=8m');
    expect((await ws.cli('resume', '--quiet')).code).toBe(0);
    expect((await ws.status()).tasks[0]).toMatchObject({ state: 'succeeded', attempts: 2, artifacts: ['big.bin'] });
    expect(fs.statSync(path.join(ws.runDir(), 'artifacts', 'gen', 'big.bin')).size).toBe(400000);
  });

  it('an escalation record the full disk refuses: exit 1 naming it (the task had failed on its own, and says so)', async ({ expect }) => {
    // The task fills the home itself, then fails; its journal line still fits in the journal's last page.
    const ws = workspace(`tasks:
  - id: bad
    cmd: "head -c 400000 /dev/zero > \\"$AAD_RUN_DIR/filler\\" 2>/dev/null; exit 3"
`, 'size=256k');
    const r = await ws.cli('run');
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toBe(`aad: cannot write ${ws.runDir()}/escalations/bad.json: no space left on device\n`);
    expect(r.stdout).toContain('bad │ ✗ failed: exit code 3 after 1 attempt in ');
    const st = await ws.status();
    expect(st.state).toBe('interrupted');
    expect(st.tasks[0]).toMatchObject({ state: 'failed', attempts: 1, reason: 'exit code 3' });
  });

  it('a home on a read-only file system at run start: exit 1 naming the folder it could not make, no "internal error"', async ({ expect }) => {
    const ws = workspace('tasks:\n  - id: a\n    cmd: "true"\n', 'ro,size=16k');
    const inside = await ws.cli('run');
    expect(inside.code).toBe(1);
    expect(inside.stderr).toBe(`aad: cannot write ${ws.home}: read-only file system\n`);
    // The home is the mount itself: the folder of runs is what cannot be made.
    const r = await runCli(['run', '--home', ws.mnt], { cwd: ws.dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`aad: cannot write ${ws.mnt}/runs: read-only file system\n`);
    expect(r.stdout).toBe('');
  });

  it('a home full before the run starts: exit 1 naming the file, and nothing half made is left as a run', async ({ expect }) => {
    const ws = workspace('tasks:\n  - id: a\n    cmd: "true"\n', 'size=16k');
    fs.mkdirSync(ws.home);
    // Fill the disk, leaving no block for the plan's copy.
    try {
      fs.writeFileSync(path.join(ws.mnt, 'filler'), Buffer.alloc(64 * 1024));
    } catch {
      /* full: that is the point */
    }
    const r = await ws.cli('run');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`^aad: cannot write ${ws.home}/runs/\\d{8}-\\d{6}-[a-z0-9]{4}/plan\\.yaml: no space left on device\\n$`));
    expect(fs.readdirSync(path.join(ws.home, 'runs'))).toEqual([]);
  });

  it('resume of a run whose home became read-only: exit 1 naming the journal; the run is left as it was', async ({ expect }) => {
    const ws = workspace('tasks:\n  - id: a\n    cmd: "exit 1"\n', 'size=256k');
    expect((await ws.cli('run', '--quiet')).code).toBe(3);
    remount(ws.mnt, 'ro');
    const r = await ws.cli('resume');
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`aad: cannot write ${ws.runDir()}/events.jsonl: read-only file system\n`);
    expect((await ws.status()).state).toBe('failed');
    remount(ws.mnt, 'rw');
    expect((await ws.cli('resume', '--quiet')).code).toBe(3);
    expect((await ws.status()).tasks[0]).toMatchObject({ state: 'failed', attempts: 2 });
  });
});
