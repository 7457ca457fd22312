// Byte-exact file <-> blob moves for the built-in `rollback: git` (SPEC "Corrections"): no clean or
// smudge filter, no end-of-line conversion, no attribute ever changes what is kept or what comes back.
// `git add` and `git checkout-index` apply all of those, so files are hashed with `hash-object
// --no-filters` and written back from `cat-file blob` straight into the file.
import { spawn } from 'node:child_process';
import { copyFile, lstat, mkdir, mkdtemp, open, readFile, readlink, rename, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { abs, failure, git, gitEnv, GIT_CONFIG, nulList, type Result } from './git-plumbing.js';

/** What a work-tree path holds, as git records it. */
export interface RawEntry {
  path: string;
  /** '100644', '100755', '120000' (symlink) or '160000' (a nested repository's HEAD). */
  mode: string;
  oid: string;
}

/**
 * The blob ids of `paths` as they are on disk, bytes as they are (symlinks: their target); with
 * `write`, the blobs are stored in the repository. A path that is gone, a directory or a special
 * file is left out of the answer (a nested repository is a gitlink: see `nestedHead`).
 */
export async function hashRaw(root: string, paths: readonly string[], write: boolean): Promise<Result<{ entries: RawEntry[] }>> {
  const tmp = await mkdtemp(path.join(os.tmpdir(), 'aad-raw-'));
  try {
    const items: { path: string; mode: string; source: string }[] = [];
    for (const p of paths) {
      const full = abs(root, p.replace(/\/$/, ''));
      const st = await lstat(full).catch(() => undefined);
      if (st === undefined) continue;
      if (st.isSymbolicLink()) {
        // hash-object would follow the link: hash its target's bytes from a file of ours instead.
        const target = await readlink(full, { encoding: 'buffer' }).catch(() => undefined);
        if (target === undefined) continue;
        const copy = path.join(tmp, `l${items.length}`);
        await writeFile(copy, target);
        items.push({ path: p, mode: '120000', source: copy });
      } else if (st.isFile()) {
        const mode = (st.mode & 0o100) !== 0 ? '100755' : '100644';
        // --stdin-paths reads one path a line and unquotes a leading '"': such names go through a copy.
        let source = p;
        if (p.includes('\n') || p.startsWith('"')) {
          source = path.join(tmp, `f${items.length}`);
          await copyFile(full, source);
        }
        items.push({ path: p, mode, source });
      } else if (st.isDirectory()) {
        const head = await nestedHead(full);
        if (head !== undefined) items.push({ path: p.replace(/\/$/, ''), mode: '160000', source: head });
      }
    }
    const files = items.filter((i) => i.mode !== '160000');
    const entries: RawEntry[] = [];
    for (let start = 0; start < files.length; start += 2000) {
      const chunk = files.slice(start, start + 2000);
      const args = ['hash-object', '--no-filters', ...(write ? ['-w'] : []), '--stdin-paths'];
      const r = await git(root, args, { input: chunk.map((i) => `${i.source}\n`).join('') });
      if (r.exitCode !== 0) return { ok: false, reason: failure('git hash-object', r) };
      const ids = r.stdout.split('\n');
      for (const [k, item] of chunk.entries()) entries.push({ path: item.path, mode: item.mode, oid: ids[k] ?? '' });
    }
    for (const i of items) if (i.mode === '160000') entries.push({ path: i.path, mode: i.mode, oid: i.source });
    return { ok: true, entries };
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

/** The commit checked out in a nested repository, or undefined (not a repository, or no commit yet). */
async function nestedHead(dir: string): Promise<string | undefined> {
  const st = await lstat(path.join(dir, '.git')).catch(() => undefined);
  if (st === undefined) return undefined;
  const r = await git(dir, ['rev-parse', '-q', '--verify', 'HEAD^{commit}']);
  return r.exitCode === 0 ? r.stdout.trim() : undefined;
}

/** Writes blob `oid` to `root/p` with git mode `mode` (a file, or a symlink for 120000), replacing what is there. */
export async function writeRaw(root: string, p: string, mode: string, oid: string): Promise<string | undefined> {
  const dest = abs(root, p);
  const tmp = path.join(path.dirname(dest), `.aad-restore-${process.pid}-${Math.random().toString(36).slice(2, 8)}`);
  try {
    await mkdir(path.dirname(dest), { recursive: true });
    const problem = await catBlob(root, oid, tmp, mode === '100755' ? 0o777 : 0o666);
    if (problem !== undefined) return problem;
    if (mode === '120000') {
      const target = await readFile(tmp);
      await rm(tmp, { force: true });
      await rm(dest, { force: true });
      await symlink(target, dest);
    } else {
      await rename(tmp, dest);
    }
    return undefined;
  } catch (err) {
    return (err as Error).message;
  } finally {
    await rm(tmp, { force: true }).catch(() => undefined);
  }
}

/** `git cat-file blob <oid>` with its stdout going straight into a new file (created with `mode`, less the umask). */
async function catBlob(root: string, oid: string, file: string, mode: number): Promise<string | undefined> {
  const fh = await open(file, 'wx', mode);
  try {
    return await new Promise<string | undefined>((resolve) => {
      const child = spawn('git', [...GIT_CONFIG, 'cat-file', 'blob', oid], { cwd: root, env: gitEnv(undefined, true) as NodeJS.ProcessEnv, stdio: ['ignore', fh.fd, 'pipe'] });
      let stderr = '';
      child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
      child.on('error', (err) => resolve(`git could not be run: ${err.message}`));
      child.on('close', (code) => resolve(code === 0 ? undefined : `git cat-file blob ${oid} failed (exit ${code}): ${stderr.trim() || 'no message'}`));
    });
  } finally {
    await fh.close();
  }
}

/** Paths of the work tree within `scope`: tracked ones (as the index lists them) and untracked ones that are not ignored. */
export async function listWorkTree(root: string, scopeSpec: string, index: string): Promise<Result<{ paths: string[] }>> {
  const r = await git(root, ['ls-files', '-z', '--cached', '--others', '--exclude-standard', '--', scopeSpec], { index });
  if (r.exitCode !== 0) return { ok: false, reason: failure('git ls-files', r) };
  return { ok: true, paths: [...new Set(nulList(r.stdout))] };
}
