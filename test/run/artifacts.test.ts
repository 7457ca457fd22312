import { execFileSync } from 'node:child_process';
import { promises as fsp, type Dirent } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { collectOutputs, type CollectOptions } from '../../src/run/artifacts.js';

let tmp: string;
let cwd: string;
let dest: string;

beforeEach(async () => {
  tmp = await fsp.realpath(await fsp.mkdtemp(path.join(os.tmpdir(), 'aad-artifacts-')));
  cwd = path.join(tmp, 'work');
  dest = path.join(tmp, 'run', 'artifacts', 'build');
  await fsp.mkdir(cwd);
});

afterEach(async () => {
  await fsp.rm(tmp, { recursive: true, force: true });
});

/** Writes each file (relative to `root`) with its path as contents unless given. */
async function tree(root: string, files: Record<string, string | null> | string[]): Promise<void> {
  const entries = Array.isArray(files) ? files.map((f) => [f, null] as const) : Object.entries(files);
  for (const [rel, content] of entries) {
    const abs = path.join(root, rel);
    await fsp.mkdir(path.dirname(abs), { recursive: true });
    await fsp.writeFile(abs, content ?? rel);
  }
}

/** Every file below `root`, as sorted relative posix paths (symlinks listed, not followed). */
async function listFiles(root: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (rel: string): Promise<void> => {
    for (const e of await fsp.readdir(path.join(root, rel), { withFileTypes: true })) {
      const child = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) await walk(child);
      else out.push(child);
    }
  };
  await walk('');
  return out.sort();
}

/** collectOutputs with a readdir that records every directory listed, relative to cwd. */
async function collect(patterns: string[], extra: Partial<CollectOptions> = {}) {
  const listed: string[] = [];
  const readdir = (dir: string): Promise<Dirent[]> => {
    listed.push(path.relative(cwd, dir).split(path.sep).join('/'));
    return fsp.readdir(dir, { withFileTypes: true });
  };
  const result = await collectOutputs({ cwd, patterns, dest, readdir, ...extra });
  return { ...result, listed };
}

async function exists(p: string): Promise<boolean> {
  return fsp.lstat(p).then(
    () => true,
    () => false,
  );
}

describe('collectOutputs: what is collected', () => {
  it('takes nested globs and keeps relative paths under dest', async () => {
    await tree(cwd, ['dist/a/b.js', 'dist/a/b.css', 'dist/c.js', 'dist/a/deep/er/d.js', 'src/e.js']);
    const r = await collect(['dist/**/*.js']);
    expect(r.files).toEqual(['dist/a/b.js', 'dist/a/deep/er/d.js', 'dist/c.js']);
    expect(r.warnings).toEqual([]);
    expect(await listFiles(dest)).toEqual(r.files);
    expect(await fsp.readFile(path.join(dest, 'dist/a/deep/er/d.js'), 'utf8')).toBe('dist/a/deep/er/d.js');
  });

  it('takes exact file names, with or without ./', async () => {
    await tree(cwd, ['report.json', 'logs/summary.txt', 'logs/other.txt']);
    const r = await collect(['report.json', './logs/summary.txt']);
    expect(r.files).toEqual(['logs/summary.txt', 'report.json']);
    expect(r.warnings).toEqual([]);
  });

  it('takes every file, dotfiles included, below a directory named by a pattern', async () => {
    await tree(cwd, ['out/a.txt', 'out/sub/b.bin', 'out/.hidden', 'outside.txt', 'packages/web/dist/w.js', 'packages/web/src/s.ts']);
    const r = await collect(['out', 'packages/*/dist']);
    expect(r.files).toEqual(['out/.hidden', 'out/a.txt', 'out/sub/b.bin', 'packages/web/dist/w.js']);
    expect(r.warnings).toEqual([]);
  });

  it('keeps picomatch meaning for a trailing wildcard: out/* is the files directly in out', async () => {
    await tree(cwd, ['out/a.txt', 'out/sub/b.txt']);
    expect((await collect(['out/*'])).files).toEqual(['out/a.txt']);
  });

  it('with a trailing slash, takes directories only', async () => {
    await tree(cwd, ['out/a.txt', 'lib/out', 'lib/x/out/b.txt', 'pkgs/top.txt', 'pkgs/a/x.txt', 'pkgs/b/c/y.txt']);
    const r = await collect(['out/', 'lib/*/out/', 'lib/out/', 'pkgs/*/']);
    expect(r.files).toEqual(['lib/x/out/b.txt', 'out/a.txt', 'pkgs/a/x.txt', 'pkgs/b/c/y.txt']);
    expect(r.warnings).toEqual(['output pattern "lib/out/" matched nothing']);
  });

  it('excludes files and whole directories with !patterns', async () => {
    await tree(cwd, ['dist/a.js', 'dist/a.js.map', 'dist/cache/c.js', 'dist/keep/k.js']);
    const r = await collect(['dist/**', '!**/*.map', '!dist/cache']);
    expect(r.files).toEqual(['dist/a.js', 'dist/keep/k.js']);
    expect(r.listed).not.toContain('dist/cache');
  });

  it('collects a file matched by several patterns once', async () => {
    await tree(cwd, ['dist/a.js']);
    const r = await collect(['dist/**', '**/*.js', 'dist/a.js']);
    expect(r.files).toEqual(['dist/a.js']);
    expect(r.warnings).toEqual([]);
  });
});

describe('collectOutputs: best effort', () => {
  it('warns about a pattern that matches nothing, collects the rest, and leaves dest alone when nothing matched', async () => {
    await tree(cwd, ['report.json']);
    const r = await collect(['dist/**', 'report.json', 'missing.txt']);
    expect(r.files).toEqual(['report.json']);
    expect(r.warnings).toEqual(['output pattern "dist/**" matched nothing', 'output pattern "missing.txt" matched nothing']);

    await fsp.rm(dest, { recursive: true });
    const none = await collect(['dist/**']);
    expect(none).toMatchObject({ files: [], warnings: ['output pattern "dist/**" matched nothing'] });
    expect(await exists(dest)).toBe(false);
  });

  it('turns an I/O error on one file into a warning and copies the others', async () => {
    await tree(cwd, ['dist/a.js', 'dist/b.js', 'dist/c.js']);
    // A directory where dest/dist/b.js should go makes that one copy fail.
    await fsp.mkdir(path.join(dest, 'dist/b.js'), { recursive: true });
    const r = await collect(['dist/**']);
    expect(r.files).toEqual(['dist/a.js', 'dist/c.js']);
    expect(r.warnings).toHaveLength(1);
    expect(r.warnings[0]).toMatch(/^could not copy dist\/b\.js: .*is a directory/);
    expect(await fsp.readFile(path.join(dest, 'dist/c.js'), 'utf8')).toBe('dist/c.js');
  });

  it('reports a missing cwd as a warning', async () => {
    const r = await collectOutputs({ cwd: path.join(tmp, 'nope'), patterns: ['dist/**'], dest });
    expect(r.files).toEqual([]);
    expect(r.warnings).toEqual([expect.stringMatching(/^could not read the task's cwd .*nope: ENOENT/)]);
  });

  it('skips a FIFO with a warning instead of hanging on it', async () => {
    await tree(cwd, ['dist/a.js']);
    execFileSync('mkfifo', [path.join(cwd, 'dist/pipe')]);
    const r = await collect(['dist/**']);
    expect(r.files).toEqual(['dist/a.js']);
    expect(r.warnings).toEqual(['skipped dist/pipe (not a regular file)']);
  });

  it('skips a pattern that points outside the cwd', async () => {
    await tree(tmp, ['secret.txt']);
    const r = await collect(['../secret.txt', '/etc/hostname']);
    expect(r.files).toEqual([]);
    expect(r.warnings).toEqual([
      `output pattern "../secret.txt" points outside the task's cwd: skipped`,
      `output pattern "/etc/hostname" points outside the task's cwd: skipped`,
    ]);
    expect(await exists(dest)).toBe(false);
  });
});

describe('collectOutputs: symlinks', () => {
  it('skips a symlink pointing outside the cwd, and the file outside is not copied', async () => {
    await tree(tmp, { 'outside/secret.txt': 'TOP SECRET' });
    await tree(cwd, ['dist/a.js']);
    await fsp.symlink(path.join(tmp, 'outside/secret.txt'), path.join(cwd, 'dist/abs-link'));
    await fsp.symlink('../../outside/secret.txt', path.join(cwd, 'dist/rel-link'));
    const r = await collect(['dist/**']);
    expect(r.files).toEqual(['dist/a.js']);
    expect(r.warnings).toEqual([
      `skipped symlink dist/abs-link -> ${path.join(tmp, 'outside/secret.txt')} (points outside the task's cwd)`,
      `skipped symlink dist/rel-link -> ${path.join(tmp, 'outside/secret.txt')} (points outside the task's cwd)`,
    ]);
    expect(await listFiles(dest)).toEqual(['dist/a.js']);
  });

  it('copies a symlink to a file inside the cwd as a regular file with its contents', async () => {
    await tree(cwd, { 'src/real.js': 'REAL', 'dist/a.js': null });
    await fsp.symlink('../src/real.js', path.join(cwd, 'dist/alias.js'));
    const r = await collect(['dist/**']);
    expect(r.files).toEqual(['dist/a.js', 'dist/alias.js']);
    const st = await fsp.lstat(path.join(dest, 'dist/alias.js'));
    expect(st.isFile()).toBe(true);
    expect(await fsp.readFile(path.join(dest, 'dist/alias.js'), 'utf8')).toBe('REAL');
  });

  it('does not descend into a symlinked directory, inside or outside the cwd', async () => {
    await tree(cwd, ['dist/a.js', 'src/inner.js']);
    await tree(tmp, ['outside/o.js']);
    await fsp.symlink('../src', path.join(cwd, 'dist/linked-in'));
    await fsp.symlink(path.join(tmp, 'outside'), path.join(cwd, 'dist/linked-out'));
    const r = await collect(['dist/**']);
    expect(r.files).toEqual(['dist/a.js']);
    expect(r.listed).toEqual(['dist']);
    expect(r.warnings).toEqual([
      `skipped symlink dist/linked-in -> ${path.join(cwd, 'src')} (symlinked directories are not followed)`,
      `skipped symlink dist/linked-out -> ${path.join(tmp, 'outside')} (points outside the task's cwd)`,
    ]);
  });

  it('does not follow a symlink on the way to a pattern\'s static prefix', async () => {
    await tree(tmp, ['elsewhere/out/x.txt', 'elsewhere/y.txt']);
    await fsp.symlink(path.join(tmp, 'elsewhere'), path.join(cwd, 'build'));
    await fsp.symlink(path.join(tmp, 'elsewhere'), path.join(cwd, 'lib'));
    const r = await collect(['build/**', 'lib/out/**']);
    expect(r.files).toEqual([]);
    expect(r.listed).toEqual([]);
    expect(r.warnings).toContain(`skipped symlink build -> ${path.join(tmp, 'elsewhere')} (points outside the task's cwd)`);
    expect(r.warnings).toContain(`skipped symlink lib -> ${path.join(tmp, 'elsewhere')} (points outside the task's cwd)`);
    expect(await exists(dest)).toBe(false);
  });

  it('reports a broken or looping symlink that a pattern names', async () => {
    await tree(cwd, ['dist/a.js']);
    await fsp.symlink('nowhere', path.join(cwd, 'dist/broken'));
    await fsp.symlink('loop', path.join(cwd, 'dist/loop'));
    const r = await collect(['dist/**']);
    expect(r.files).toEqual(['dist/a.js']);
    expect(r.warnings).toEqual([
      expect.stringMatching(/^skipped symlink dist\/broken: ENOENT/),
      expect.stringMatching(/^skipped symlink dist\/loop: ELOOP/),
    ]);
  });
});

describe('collectOutputs: copyTo', () => {
  it('fills copyTo too, replacing files of the same name and keeping the others', async () => {
    const copyTo = path.join(tmp, 'dist-artifacts', 'build');
    await tree(cwd, { 'dist/a.js': 'new a', 'dist/sub/b.js': 'new b' });
    await tree(copyTo, { 'dist/a.js': 'old a', 'older.txt': 'kept' });
    const r = await collect(['dist/**'], { copyTo });
    expect(r.warnings).toEqual([]);
    expect(await listFiles(copyTo)).toEqual(['dist/a.js', 'dist/sub/b.js', 'older.txt']);
    expect(await fsp.readFile(path.join(copyTo, 'dist/a.js'), 'utf8')).toBe('new a');
    expect(await fsp.readFile(path.join(copyTo, 'dist/sub/b.js'), 'utf8')).toBe('new b');
    expect(await fsp.readFile(path.join(dest, 'dist/sub/b.js'), 'utf8')).toBe('new b');
  });

  it('replaces a symlink in copyTo instead of writing through it', async () => {
    const copyTo = path.join(tmp, 'dist-artifacts', 'build');
    await tree(tmp, { 'victim.txt': 'untouched' });
    await tree(cwd, { 'dist/a.js': 'artifact' });
    await fsp.mkdir(path.join(copyTo, 'dist'), { recursive: true });
    await fsp.symlink(path.join(tmp, 'victim.txt'), path.join(copyTo, 'dist/a.js'));
    const r = await collect(['dist/**'], { copyTo });
    expect(r.warnings).toEqual([]);
    expect((await fsp.lstat(path.join(copyTo, 'dist/a.js'))).isFile()).toBe(true);
    expect(await fsp.readFile(path.join(copyTo, 'dist/a.js'), 'utf8')).toBe('artifact');
    expect(await fsp.readFile(path.join(tmp, 'victim.txt'), 'utf8')).toBe('untouched');
  });

  it('replaces files left in dest by an earlier collection', async () => {
    await tree(cwd, { 'dist/a.js': 'second' });
    await tree(dest, { 'dist/a.js': 'first' });
    const r = await collect(['dist/**']);
    expect(r.files).toEqual(['dist/a.js']);
    expect(await fsp.readFile(path.join(dest, 'dist/a.js'), 'utf8')).toBe('second');
  });
});

describe('collectOutputs: its own copies', () => {
  it('never walks dest, copyTo or skipDirs inside the cwd, so runs do not collect earlier runs', async () => {
    const home = path.join(cwd, '.aad');
    const artifactsDir = path.join(cwd, 'dist-artifacts');
    await tree(cwd, ['out/a.txt']);
    for (const run of ['r1', 'r2', 'r3']) {
      const runDest = path.join(home, 'runs', run, 'artifacts', 'build');
      const r = await collect(['**/*.txt'], { dest: runDest, copyTo: path.join(artifactsDir, 'build'), skipDirs: [home, artifactsDir] });
      expect(r.files).toEqual(['out/a.txt']);
      expect(r.listed.filter((d) => d.startsWith('.aad') || d.startsWith('dist-artifacts'))).toEqual([]);
      expect(await listFiles(runDest)).toEqual(['out/a.txt']);
    }
    expect(await listFiles(artifactsDir)).toEqual(['build/out/a.txt']);
  });

  it('leaves out dest and copyTo even without skipDirs', async () => {
    await tree(cwd, ['out/a.txt', 'dist-artifacts/other/old.txt']);
    const inside = path.join(cwd, '.aad', 'runs', 'r1', 'artifacts', 'build');
    const copyTo = path.join(cwd, 'dist-artifacts', 'build');
    const r = await collect(['**'], { dest: inside, copyTo });
    expect(r.files).toEqual(['dist-artifacts/other/old.txt', 'out/a.txt']);
    const again = await collect(['**'], { dest: inside, copyTo });
    expect(again.files).toEqual(['dist-artifacts/other/old.txt', 'out/a.txt']);
    expect(again.listed).not.toContain('.aad/runs/r1/artifacts/build');
    expect(again.listed).not.toContain('dist-artifacts/build');
  });
});

describe('collectOutputs: pruning', () => {
  beforeEach(async () => {
    await tree(cwd, [
      'dist/a.js',
      'dist/sub/b.js',
      'node_modules/dep/index.js',
      'node_modules/dep/deep/x.js',
      'packages/web/dist/w.js',
      'packages/web/node_modules/m/m.js',
      'packages/api/dist/api.js',
      'packages/api/src/s.js',
    ]);
    // Walking into these would hang (FIFO) or loop (symlink to itself); the walk must not go there.
    execFileSync('mkfifo', [path.join(cwd, 'node_modules/dep/fifo.js')]);
    await fsp.symlink('.', path.join(cwd, 'node_modules/loop'));
  });

  it('starts at the static prefix: dist/** never lists node_modules', async () => {
    const r = await collect(['dist/**']);
    expect(r.files).toEqual(['dist/a.js', 'dist/sub/b.js']);
    expect(r.listed.sort()).toEqual(['dist', 'dist/sub']);
  });

  it('prunes by segment below the prefix: packages/*/dist/** never lists packages/*/node_modules or src', async () => {
    const r = await collect(['packages/*/dist/**']);
    expect(r.files).toEqual(['packages/api/dist/api.js', 'packages/web/dist/w.js']);
    expect(r.listed.sort()).toEqual(['packages', 'packages/api', 'packages/api/dist', 'packages/web', 'packages/web/dist']);
  });

  it('prunes by brace alternatives at the top', async () => {
    const r = await collect(['{dist,packages}/**/*.js', '!**/node_modules']);
    expect(r.files).toEqual(['dist/a.js', 'dist/sub/b.js', 'packages/api/dist/api.js', 'packages/api/src/s.js', 'packages/web/dist/w.js']);
    expect(r.listed).not.toContain('node_modules');
    expect(r.listed).not.toContain('packages/web/node_modules');
    expect(r.listed).toContain('');
  });

  it('with a pattern from the cwd, an excluded directory is not entered', async () => {
    const r = await collect(['**/*.js', '!node_modules', '!packages/*/node_modules']);
    expect(r.files).toEqual(['dist/a.js', 'dist/sub/b.js', 'packages/api/dist/api.js', 'packages/api/src/s.js', 'packages/web/dist/w.js']);
    expect(r.listed.filter((d) => d.includes('node_modules'))).toEqual([]);
  });

  it('without an exclusion, a pattern from the cwd does walk node_modules (and skips the FIFO)', async () => {
    const r = await collect(['**/*.js']);
    expect(r.listed).toContain('node_modules/dep');
    expect(r.listed).not.toContain('node_modules/loop');
    expect(r.files).toContain('node_modules/dep/deep/x.js');
    expect(r.warnings).toEqual(['skipped node_modules/dep/fifo.js (not a regular file)']);
  });
});
