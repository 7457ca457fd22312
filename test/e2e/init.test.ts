// `aad init` through the built CLI: the starter plan passes `aad validate` and `aad run`, its modeline leads
// an editor to the schema (from a clone of aad and from an npm install's layout, checked with the real
// yaml-language-server), and an existing file is never overwritten.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanEnv, runCli, tmpDir, writePlan } from '../helpers/cli.js';
import { startYamlLanguageServer, type LspClient } from '../helpers/lsp-client.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const SCHEMA = path.join(ROOT, 'schema', 'aad.schema.json');
const WROTE = 'wrote aad.yaml: a starter plan of 4 tasks; try `aad list`, `aad graph`, then `aad run`\n';

/**
 * A project with aad installed the way npm lays it out: `node_modules/aad/` holding what package.json's
 * `files` ships of the build (bin, the bundles, schema), and its dependency yaml beside it.
 */
function npmProject(): { dir: string; bin: string } {
  const dir = tmpDir('aad-e2e-init-npm-');
  const pkg = path.join(dir, 'node_modules', 'aad');
  fs.mkdirSync(path.join(pkg, 'dist', 'cli'), { recursive: true });
  for (const f of ['package.json', 'bin/aad.cjs', 'schema/aad.schema.json']) fs.cpSync(path.join(ROOT, f), path.join(pkg, f));
  for (const f of fs.readdirSync(path.join(ROOT, 'dist', 'cli')).filter((f) => f.startsWith('aad'))) fs.cpSync(path.join(ROOT, 'dist', 'cli', f), path.join(pkg, 'dist', 'cli', f));
  fs.symlinkSync(path.join(ROOT, 'node_modules', 'yaml'), path.join(dir, 'node_modules', 'yaml'));
  return { dir, bin: path.join(pkg, 'bin', 'aad.cjs') };
}

describe.concurrent('aad init', () => {
  it('writes a commented starter aad.yaml that aad validate, list and run accept', async () => {
    const dir = tmpDir('aad-e2e-init-');
    const r = await runCli(['init'], { cwd: dir });
    expect(r).toMatchObject({ code: 0, stdout: WROTE, stderr: '' });
    const text = fs.readFileSync(path.join(dir, 'aad.yaml'), 'utf8');
    expect(text.split('\n')[0]).toBe(`# yaml-language-server: $schema=${SCHEMA}`);
    expect(text.split('\n').filter((l) => l.trimStart().startsWith('#')).length).toBeGreaterThan(10);
    // It shows dependencies, retries and a timeout.
    for (const key of ['depends_on: [install]', 'retries: 2', 'timeout_sec: 300', 'timeout_sec: 600']) expect(text).toContain(key);

    expect(await runCli(['validate'], { cwd: dir })).toMatchObject({ code: 0, stdout: 'aad.yaml: valid: 4 tasks, 4 dependencies, 3 waves\n', stderr: '' });
    const list = await runCli(['list', '--json'], { cwd: dir });
    expect(JSON.parse(list.stdout)).toEqual([
      { id: 'install', description: 'Install the dependencies', depends_on: [] },
      { id: 'lint', description: 'Check the style', depends_on: ['install'] },
      { id: 'test', description: 'Run the tests', depends_on: ['install'] },
      { id: 'build', description: 'Build the project', depends_on: ['lint', 'test'] },
    ]);
    const run = await runCli(['run', '--json'], { cwd: dir });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const events = run.stdout.trim().split('\n').map((l) => JSON.parse(l) as { event: string; task?: string });
    expect(events.filter((e) => e.event === 'task_succeeded').map((e) => e.task).sort()).toEqual(['build', 'install', 'lint', 'test']);
    expect(events.at(-1)).toMatchObject({ event: 'run_finished', state: 'succeeded' });
  });

  it('writes another file when given one, and names it in what to try next', async () => {
    const dir = tmpDir('aad-e2e-init-');
    fs.mkdirSync(path.join(dir, 'ci'));
    const r = await runCli(['init', 'ci/my plan.yaml'], { cwd: dir });
    expect(r).toMatchObject({ code: 0, stderr: '', stdout: "wrote ci/my plan.yaml: a starter plan of 4 tasks; try `aad list 'ci/my plan.yaml'`, `aad graph 'ci/my plan.yaml'`, then `aad run 'ci/my plan.yaml'`\n" });
    expect(await runCli(['validate', 'ci/my plan.yaml'], { cwd: dir })).toMatchObject({ code: 0 });
    expect(fs.existsSync(path.join(dir, 'aad.yaml'))).toBe(false);
  });

  it('refuses to overwrite an existing aad.yaml (exit 2), leaving it as it was', async () => {
    const dir = tmpDir('aad-e2e-init-');
    const mine = 'tasks:\n  - id: mine\n    cmd: "true"\n';
    writePlan(dir, mine);
    const r = await runCli(['init'], { cwd: dir });
    expect(r).toMatchObject({ code: 2, stdout: '', stderr: 'aad: aad.yaml already exists: not overwritten (remove it first, or name another file: `aad init other.yaml`)\n' });
    expect(fs.readFileSync(path.join(dir, 'aad.yaml'), 'utf8')).toBe(mine);
    // Nor through a dangling symlink, nor over a folder.
    fs.symlinkSync(path.join(dir, 'nowhere.yaml'), path.join(dir, 'link.yaml'));
    expect(await runCli(['init', 'link.yaml'], { cwd: dir })).toMatchObject({ code: 2, stderr: expect.stringContaining('link.yaml already exists: not overwritten') });
    expect(fs.existsSync(path.join(dir, 'nowhere.yaml'))).toBe(false);
    fs.mkdirSync(path.join(dir, 'folder.yaml'));
    expect(await runCli(['init', 'folder.yaml'], { cwd: dir })).toMatchObject({ code: 2, stderr: expect.stringContaining('folder.yaml already exists') });
  });

  it('exits 2 for a folder that does not exist, 1 for one it may not write in, without a stack', async () => {
    const dir = tmpDir('aad-e2e-init-');
    expect(await runCli(['init', 'no/such/aad.yaml'], { cwd: dir })).toMatchObject({ code: 2, stdout: '', stderr: 'aad: cannot write no/such/aad.yaml: no such directory no/such\n' });
    if (process.getuid?.() !== 0) {
      fs.mkdirSync(path.join(dir, 'ro'), { mode: 0o555 });
      expect(await runCli(['init', 'ro/aad.yaml'], { cwd: dir })).toMatchObject({ code: 1, stdout: '', stderr: 'aad: cannot write ro/aad.yaml: permission denied\n' });
    }
    expect(await runCli(['init', 'a.yaml', 'b.yaml'], { cwd: dir })).toMatchObject({ code: 2, stderr: 'aad: unexpected argument "b.yaml" for `aad init`\n' });
  });

  it('points the modeline into node_modules when aad is installed in the project with npm', async () => {
    const { dir, bin } = npmProject();
    const init = spawnSync(process.execPath, [bin, 'init'], { cwd: dir, encoding: 'utf8', env: cleanEnv() });
    expect(init.stderr).toBe('');
    expect(init.status).toBe(0);
    expect(fs.readFileSync(path.join(dir, 'aad.yaml'), 'utf8').split('\n')[0]).toBe('# yaml-language-server: $schema=./node_modules/aad/schema/aad.schema.json');
    fs.mkdirSync(path.join(dir, 'sub'));
    expect(spawnSync(process.execPath, [bin, 'init', 'sub/aad.yaml'], { cwd: dir, encoding: 'utf8', env: cleanEnv() }).status).toBe(0);
    expect(fs.readFileSync(path.join(dir, 'sub', 'aad.yaml'), 'utf8').split('\n')[0]).toBe('# yaml-language-server: $schema=../node_modules/aad/schema/aad.schema.json');
    const validate = spawnSync(process.execPath, [bin, 'validate', 'sub/aad.yaml'], { cwd: dir, encoding: 'utf8', env: cleanEnv() });
    expect(validate).toMatchObject({ status: 0, stdout: 'sub/aad.yaml: valid: 4 tasks, 4 dependencies, 3 waves\n' });
  });
});

describe('the starter plan in an editor (yaml-language-server)', () => {
  let lsp: LspClient;
  beforeAll(async () => {
    lsp = await startYamlLanguageServer({ rootDir: ROOT });
  });
  afterAll(async () => {
    await lsp?.dispose();
  });

  it.each([
    ['written by a clone of aad (absolute path)', () => ({ dir: tmpDir('aad-e2e-init-lsp-'), bin: path.join(ROOT, 'bin', 'aad.cjs') })],
    ['written by an npm install of aad (relative path into node_modules)', npmProject],
  ])('%s: its modeline finds the schema, which finds no problem in it and flags a bad key', async (_what, where) => {
    const { dir, bin } = where();
    expect(spawnSync(process.execPath, [bin, 'init'], { cwd: dir, env: cleanEnv() }).status).toBe(0);
    const file = path.join(dir, 'aad.yaml');
    const text = fs.readFileSync(file, 'utf8');
    expect(await lsp.open(pathToFileURL(file).href, text)).toEqual([]);
    // The same text with a typo: only a server that found the schema through the modeline reports it.
    const bad = text.replace('    retries: 2 ', '    retries: -2 ').replace('timeout_sec: 300', 'timout_sec: 300');
    expect(bad).not.toBe(text);
    const found = await lsp.open(pathToFileURL(path.join(dir, 'copy.yaml')).href, bad);
    expect(found.map((d) => d.message).join('\n')).toMatch(/Property timout_sec is not allowed/);
    expect(found.map((d) => d.message).join('\n')).toMatch(/minimum of 0/);
  });
});
