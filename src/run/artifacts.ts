import { constants as fsc, promises as fsp } from 'node:fs';
import path from 'node:path';
import { IoError, refusedWrite } from '../errors.js';
import { byPath, codeOf, compare, createLimit, matchFiles, messageOf, type MatchOptions, type Note } from './match-files.js';

/** What to collect, from where, and where to put it. */
export interface CollectOptions {
  /** Absolute task cwd; nothing outside it is read. */
  cwd: string;
  /** picomatch globs relative to cwd; `!glob` excludes. Validated not to escape cwd. */
  patterns: string[];
  /** Absolute folder `<run dir>/artifacts/<task>`; created only if something matched. */
  dest: string;
  /** Absolute folder `<artifacts_dir>/<task>`, also filled when set; files of the same name are replaced. */
  copyTo?: string;
  /**
   * Absolute folders never walked even when a pattern reaches them: pass the aad home and
   * `artifacts_dir`, whose earlier runs' outputs `**` would otherwise collect again, nested one
   * level deeper on every run. `dest` and `copyTo` are always left out.
   */
  skipDirs?: string[];
  /** Files (relative posix paths) never taken even when a pattern matches them (worktree_copy: the tracked files). */
  skipFiles?: ReadonlySet<string>;
  /** Lists a directory; injectable so that tests can see which directories the walk entered. */
  readdir?: MatchOptions['readdir'];
  /** File-system operations in flight at once (default 32). */
  concurrency?: number;
}

/** What collectOutputs did: never thrown, always reported. */
export interface CollectResult {
  /** Relative posix paths copied into dest, sorted. */
  files: string[];
  /** Patterns that matched nothing, skipped symlinks and special files, I/O errors. */
  warnings: string[];
  /** The first copy into the run directory that its file system refused (full, read-only, over quota): aad's I/O error, not a warning. */
  refused?: IoError;
}

/**
 * Copies the files of `cwd` matched by `patterns` into `dest` (and `copyTo`), keeping their relative
 * paths. Best effort: a pattern that matches nothing or a file that cannot be copied is a warning.
 * What matches is matchFiles' (match-files.ts): picomatch with dotfiles, a directory name taking its
 * contents, `!` exclusions, symlinks to files inside cwd copied as regular files with the target's
 * contents (so that the collected outputs stand on their own when the workdir changes), others skipped.
 *
 * - `dest`, `copyTo` and `skipDirs` are never walked, so that `**` cannot collect its own copies.
 * - Copies run through `fs.promises.copyFile` with bounded concurrency, so the runner's event loop
 *   keeps serving other tasks meanwhile. An existing destination file is unlinked before the
 *   copy rather than written through, since it may be a symlink left in `artifacts_dir`.
 */
export async function collectOutputs(opts: CollectOptions): Promise<CollectResult> {
  const copy = new Copies(opts);
  const skipDirs = [opts.dest, ...(opts.copyTo === undefined ? [] : [opts.copyTo]), ...(opts.skipDirs ?? [])];
  const found = await matchFiles({ ...opts, skipDirs }, (rel, source) => copy.start(rel, source));
  await Promise.all(copy.pending);
  const nothing = found.positives.filter((_, i) => found.hits[i] === 0).map((p) => `output pattern "${p}" matched nothing`);
  const notes = [...found.notes, ...copy.notes].sort(byPath);
  return { files: copy.copied.sort(compare), warnings: [...found.unused, ...nothing, ...notes.map((n) => n.text)], refused: copy.refused };
}

/** The copies a collection starts, and what they did. */
class Copies {
  readonly pending: Promise<void>[] = [];
  readonly copied: string[] = [];
  readonly notes: Note[] = [];
  refused: IoError | undefined;
  private readonly limit: <T>(fn: () => Promise<T>) => Promise<T>;
  private readonly madeDirs = new Map<string, Promise<unknown>>();

  constructor(private readonly opts: CollectOptions) {
    this.limit = createLimit(opts.concurrency ?? 32);
  }

  start(rel: string, source: string): void {
    this.pending.push(this.limit(() => this.copy(rel, source)));
  }

  private async copy(rel: string, source: string): Promise<void> {
    const target = path.join(this.opts.dest, rel);
    let copied = false;
    try {
      await this.makeDir(path.dirname(target));
      await copyReplacing(source, target);
      this.copied.push(rel);
      copied = true;
    } catch (e) {
      // Only writes get these codes: the run directory's disk refused the copy (a source that cannot be read is a warning).
      if (WRITE_REFUSALS.has(codeOf(e) ?? '')) this.refused ??= refusedWrite(e, target);
      else this.notes.push({ rel, text: `could not copy ${rel}: ${messageOf(e)}` });
    }
    if (this.opts.copyTo === undefined) return;
    const extra = path.join(this.opts.copyTo, rel);
    try {
      await this.makeDir(path.dirname(extra));
      // From the run directory's copy when there is one, so that both copies hold the same bytes.
      await copyReplacing(copied ? target : source, extra);
    } catch (e) {
      this.notes.push({ rel, text: `could not copy ${rel} to ${this.opts.copyTo}: ${messageOf(e)}` });
    }
  }

  private makeDir(dir: string): Promise<unknown> {
    let made = this.madeDirs.get(dir);
    if (!made) {
      made = fsp.mkdir(dir, { recursive: true });
      this.madeDirs.set(dir, made);
    }
    return made;
  }
}

/** Errors only a write gets: the disk is full, read-only or over quota. */
const WRITE_REFUSALS = new Set(['ENOSPC', 'EROFS', 'EDQUOT', 'EFBIG']);

/** A copy-on-write clone where the file system has them (btrfs, xfs, APFS), else a plain copy. */
const COPY_MODE = fsc.COPYFILE_EXCL | fsc.COPYFILE_FICLONE;

/** Copies `source` to `target`, replacing a file or symlink already there instead of writing through it. */
async function copyReplacing(source: string, target: string): Promise<void> {
  try {
    await fsp.copyFile(source, target, COPY_MODE);
  } catch (e) {
    if (codeOf(e) !== 'EEXIST') throw e;
    if ((await fsp.lstat(target)).isDirectory()) throw new Error(`${target} is a directory`, { cause: e });
    await fsp.unlink(target);
    await fsp.copyFile(source, target, COPY_MODE);
  }
}
