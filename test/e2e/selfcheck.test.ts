// `aad selfcheck` through the built CLI: it runs its built-in plans as real aad child processes. Each case
// gives the selfcheck its own TMPDIR (where it makes its work folder), so that what it leaves behind, or
// not, can be seen; a failing selfcheck is made for real, with a --home that is a file.
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'vitest';
import { runCli, startCli, tmpDir, waitFor } from '../helpers/cli.js';
import type { SelfcheckJson } from '../../src/report/selfcheck.js';

const CHECKS = ['chain', 'fan-out', 'retry', 'resume', 'cancel', 'rollback'];
const STACK = /^\s+at /m;

/** A folder for one case, and a TMPDIR of its own inside it. */
function workspace() {
  const dir = tmpDir('aad-e2e-selfcheck-');
  const tmp = path.join(dir, 'tmp');
  fs.mkdirSync(tmp);
  return {
    dir,
    tmp,
    aad: (...args: string[]) => runCli(args, { cwd: dir, env: { TMPDIR: tmp }, timeoutMs: 60_000 }),
    leftovers: () => fs.readdirSync(tmp),
  };
}

// A passing selfcheck runs six plans at once: these go one at a time, to spare the machine's cores.
describe('aad selfcheck', () => {
  it('passes: one ✓ line per check, exit 0, the JSON in --json-out, the runs in --home, its work folder removed', { timeout: 60_000 }, async ({ expect }) => {
    const ws = workspace();
    const r = await ws.aad('selfcheck', '--home', 'home', '--json-out', 'out.json');
    expect([r.code, r.stderr]).toEqual([0, '']);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(CHECKS.length + 1);
    CHECKS.forEach((name, i) => expect(lines[i]).toMatch(new RegExp(`^✓ ${name}: \\S.* \\(\\d+(ms|\\.\\ds)\\)$`)));
    expect(lines[0]).toMatch(/^✓ chain: 3 tasks succeeded one after the other in /);
    expect(lines[1]).toContain('at most 2 at once (--max-parallel 2)');
    expect(lines[2]).toContain('flaky failed after 3 attempts (retries: 2)');
    expect(lines[4]).toContain('exit 4, 2 tasks cancelled, their 2 processes gone');
    expect(lines[CHECKS.length]).toMatch(/^selfcheck: all 6 checks passed in \d/);

    const json = JSON.parse(fs.readFileSync(path.join(ws.dir, 'out.json'), 'utf8')) as SelfcheckJson;
    expect(json.ok).toBe(true);
    expect(json.workdir).toBeNull();
    expect(json.checks.map((c) => [c.name, c.ok])).toEqual(CHECKS.map((n) => [n, true]));
    for (const c of json.checks) expect(typeof c.ms === 'number' && c.ms >= 0 && c.detail !== '').toBe(true);
    // The printed details are the JSON's.
    json.checks.forEach((c, i) => expect(lines[i]).toContain(`${c.name}: ${c.detail} (`));

    // The runs stayed in the home named (the retry's run was resumed in place), the work folder went.
    const runs = await runCli(['runs', '--json', '--home', 'home'], { cwd: ws.dir });
    const states = (JSON.parse(runs.stdout) as { state: string }[]).map((x) => x.state).sort();
    expect(states).toEqual(['cancelled', 'failed', 'succeeded', 'succeeded', 'succeeded']);
    expect(ws.leftovers()).toEqual([]);
  });

  it('--json prints only the JSON on stdout: {ok, checks: [{name, ok, ms, detail}], workdir}', { timeout: 60_000 }, async ({ expect }) => {
    const ws = workspace();
    const r = await ws.aad('selfcheck', '--json');
    expect([r.code, r.stderr]).toEqual([0, '']);
    const json = JSON.parse(r.stdout) as SelfcheckJson;
    expect(Object.keys(json)).toEqual(['ok', 'checks', 'workdir']);
    expect(json.ok).toBe(true);
    expect(json.workdir).toBeNull();
    expect(json.checks.map((c) => Object.keys(c))).toEqual(CHECKS.map(() => ['name', 'ok', 'ms', 'detail']));
    expect(json.checks.map((c) => c.name)).toEqual(CHECKS);
    // Without --home, the runs were in a temporary home inside the work folder: both are gone.
    expect(ws.leftovers()).toEqual([]);
  });

  it('SIGTERM (as Ctrl-C) cancels it: its runs are cancelled and end, its folder goes, exit 4', { timeout: 60_000 }, async ({ expect }) => {
    const ws = workspace();
    const home = path.join(ws.dir, 'home');
    const sc = startCli(['selfcheck', '--home', home], { cwd: ws.dir, env: { TMPDIR: ws.tmp }, timeoutMs: 60_000 });
    // The cancel check's task is running (it waits 30 s for its cancel): the selfcheck is mid-way.
    await waitFor('the cancel check to be running', () => {
      const [work] = ws.leftovers();
      return work !== undefined && fs.existsSync(path.join(ws.tmp, work, 'cancel', 'task.pid')) ? true : undefined;
    }, 30_000);
    sc.child.kill('SIGTERM');
    const r = await sc.done;
    expect([r.code, r.stderr]).toEqual([4, `aad: selfcheck cancelled (its runs are in ${home})\n`]);
    expect(r.stdout).not.toContain('✗');
    expect(ws.leftovers()).toEqual([]);
    // Every run it started has ended (none running, none left interrupted by a killed runner).
    const runs = await runCli(['runs', '--json', '--home', home], { cwd: ws.dir });
    const states = (JSON.parse(runs.stdout) as { state: string }[]).map((x) => x.state);
    expect(states.length).toBeGreaterThan(0);
    for (const st of states) expect(['succeeded', 'failed', 'cancelled']).toContain(st);
  });

});

describe.concurrent('aad selfcheck that fails', () => {
  it('fails when the runs cannot be written (--home is a file): ✗ lines saying why, exit 1, no stack trace, the work folder kept', { timeout: 60_000 }, async ({ expect }) => {
    const ws = workspace();
    const home = path.join(ws.dir, 'not-a-folder');
    fs.writeFileSync(home, 'a file\n');
    const r = await ws.aad('selfcheck', '--home', home, '--json-out', 'out.json');
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('');
    expect(r.stdout).not.toMatch(STACK);
    expect(r.stdout).not.toContain('internal error');
    const lines = r.stdout.trimEnd().split('\n');
    const why = `aad: cannot write ${home}: not a directory`;
    expect(lines.slice(0, 6)).toEqual([
      expect.stringMatching(`^✗ chain: aad run: expected exit 0, got 1: ${why} \\(`),
      expect.stringMatching(`^✗ fan-out: aad run --max-parallel 2: expected exit 0, got 1: ${why} \\(`),
      expect.stringMatching(`^✗ retry: aad run: expected exit 3, got 1: ${why} \\(`),
      expect.stringMatching(/^✗ resume: not run: the retry check failed/),
      expect.stringMatching(`^✗ cancel: aad run ended before its task started \\(exit 1\\): ${why} \\(`),
      expect.stringMatching(`^✗ rollback: aad run: expected exit 3, got 1: ${why} \\(`),
    ]);
    expect(lines[6]).toMatch(/^selfcheck: 6 of 6 checks failed in /);
    // It says where it left the checks' files, and they are there.
    const [kept] = ws.leftovers();
    expect(kept).toMatch(/^aad-selfcheck-/);
    const keptDir = path.join(ws.tmp, kept!);
    expect(lines[7]).toBe(`  kept ${keptDir} for inspection (each check's plan and files; the runs' home is ${home})`);
    expect(fs.readFileSync(path.join(keptDir, 'chain', 'aad.yaml'), 'utf8')).toContain('id: three');
    expect(fs.readFileSync(home, 'utf8')).toBe('a file\n');
    const json = JSON.parse(fs.readFileSync(path.join(ws.dir, 'out.json'), 'utf8')) as SelfcheckJson;
    expect([json.ok, json.workdir, json.checks.filter((c) => c.ok).length]).toEqual([false, keptDir, 0]);
  });

  it('--json of a failing selfcheck: ok false, the kept folder in workdir, the summary on stderr', { timeout: 60_000 }, async ({ expect }) => {
    const ws = workspace();
    fs.writeFileSync(path.join(ws.dir, 'home'), '');
    const r = await ws.aad('selfcheck', '--json', '--home', 'home');
    expect(r.code).toBe(1);
    const json = JSON.parse(r.stdout) as SelfcheckJson;
    expect(json.ok).toBe(false);
    expect(json.checks.every((c) => !c.ok && c.detail.length > 0)).toBe(true);
    expect(json.checks[0]!.detail).toBe(`aad run: expected exit 0, got 1: aad: cannot write ${path.join(ws.dir, 'home')}: not a directory`);
    expect(json.workdir).toBe(path.join(ws.tmp, ws.leftovers()[0]!));
    expect(r.stderr).toMatch(/^selfcheck: 6 of 6 checks failed in .*\n {2}kept /);
    expect(r.stderr).not.toMatch(STACK);
  });

  it('refuses bad usage with exit 2 before running anything', async ({ expect }) => {
    const ws = workspace();
    const noDir = await ws.aad('selfcheck', '--json-out', 'missing/out.json');
    expect([noDir.code, noDir.stdout, noDir.stderr]).toEqual([2, '', `aad: --json-out missing/out.json: no such folder ${path.join(ws.dir, 'missing')}\n`]);
    const isDir = await ws.aad('selfcheck', '--json-out', '.');
    expect([isDir.code, isDir.stderr]).toEqual([2, 'aad: --json-out .: is a folder; give a file name\n']);
    const unknown = await ws.aad('selfcheck', '--fast');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('--fast');
    expect(ws.leftovers()).toEqual([]);
  });
});

describe.concurrent('a --home that is a file', () => {
  it('aad run says it cannot write there (exit 1), not an internal error; a home under a file too', async ({ expect }) => {
    const dir = tmpDir('aad-e2e-selfcheck-');
    fs.writeFileSync(path.join(dir, 'aad.yaml'), 'tasks:\n  - id: a\n    cmd: echo a\n');
    fs.writeFileSync(path.join(dir, 'file'), '');
    for (const home of ['file', 'file/sub']) {
      const r = await runCli(['run', '--home', home], { cwd: dir });
      expect([r.code, r.stdout, r.stderr]).toEqual([1, '', `aad: cannot write ${path.join(dir, 'file')}: not a directory\n`]);
    }
  });
});
