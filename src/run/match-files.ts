import { promises as fsp, type Dirent } from 'node:fs';
import path from 'node:path';
import { canMatchBelow, compilePattern, rootsOf, type Pattern } from './output-patterns.js';

// The files of a task's cwd that its globs match (`outputs` to collect, `sources` and `generates` to
// fingerprint): one walk that enters only the directories where a pattern can still match.

/** Where to look and what for. */
export interface MatchOptions {
  /** Absolute task cwd; nothing outside it is read. */
  cwd: string;
  /** picomatch globs relative to cwd; `!glob` excludes. Validated not to escape cwd. */
  patterns: string[];
  /** Absolute folders never walked even when a pattern reaches them (inside cwd; others are ignored). */
  skipDirs?: string[];
  /** Files (relative posix paths) never taken even when a pattern matches them. */
  skipFiles?: ReadonlySet<string>;
  /** Lists a directory; injectable so that tests can see which directories the walk entered. */
  readdir?: (dir: string) => Promise<Dirent[]>;
  /** File-system operations in flight at once (default 32). */
  concurrency?: number;
}

/** Something a walk passed over, about the file or folder at `rel`. */
export interface Note {
  rel: string;
  text: string;
}

/** What a walk found. */
export interface MatchResult {
  /** How many files each positive pattern took, in the order of `positives` (empty when cwd could not be read). */
  hits: number[];
  /** The positive patterns, as written. */
  positives: string[];
  /** Patterns not used (pointing outside cwd), with why. */
  unused: string[];
  /** Skipped symlinks and special files, I/O errors: the path each is about, and what; sorted by path. */
  notes: Note[];
}

/**
 * Walks `cwd` for the files `patterns` match and hands each to `onFile` (its relative posix path, and the
 * path to read it from: a symlink inside cwd gives its target). Never throws for what it finds.
 *
 * - Matching is picomatch with `dot: true`: `dist/**` takes `dist/.env.production` too, the same
 *   files as copying the folder `dist` would, so `dist` and `dist/**` agree.
 * - A pattern whose last segment is a plain name (`out`, `apps/{web,api}/dist`) or `**` and that
 *   matches a directory takes every file below it. `out/*` keeps picomatch's meaning: files
 *   directly in `out`. A trailing slash (`out/`) matches directories only. `!pattern` excludes
 *   files, and a directory it names in the same way is not entered at all (`!node_modules`).
 * - The walk starts at each pattern's static prefix (`picomatch.scan`) and does not enter a
 *   directory under which no pattern can match, judged segment by segment: `dist/**` never lists
 *   `node_modules`, `packages/{a,b}/dist/**` never lists `packages/a/node_modules`.
 * - Symlinks: never followed into directories. A symlink to a file inside cwd (by realpath) is
 *   taken as a regular file with the target's contents; one pointing outside cwd is skipped with a
 *   warning. FIFOs, sockets and devices are skipped with a warning (reading a FIFO would hang).
 */
export async function matchFiles(opts: MatchOptions, onFile: (rel: string, source: string) => void): Promise<MatchResult> {
  const warnings: string[] = [];
  const positives: Pattern[] = [];
  const negatives: Pattern[] = [];
  for (const source of opts.patterns) {
    const p = compilePattern(source);
    if (typeof p === 'string') warnings.push(p);
    else (p.negated ? negatives : positives).push(p);
  }
  const sources = positives.map((p) => p.source);
  if (positives.length === 0) return { hits: [], positives: sources, unused: warnings, notes: [] };
  let realCwd: string;
  try {
    realCwd = await fsp.realpath(opts.cwd);
  } catch (e) {
    return { hits: [], positives: sources, unused: warnings, notes: [{ rel: '', text: `could not read the task's cwd ${opts.cwd}: ${messageOf(e)}` }] };
  }
  const walk = new Walk(opts, onFile, realCwd, positives, negatives, skippedDirs(opts, realCwd));
  await Promise.all(rootsOf(positives).map((root) => walk.walkRoot(root)));
  return { hits: walk.hits, positives: sources, unused: warnings, notes: walk.notes.sort(byPath) };
}

const NONE: readonly number[] = [];
const EMPTY: ReadonlySet<number> = new Set();

type Kind = Pick<Dirent, 'isFile' | 'isDirectory' | 'isSymbolicLink'>;

/** The folders never to walk, as paths relative to cwd: those of skipDirs inside it. */
function skippedDirs(opts: MatchOptions, realCwd: string): Set<string> {
  const skipped = new Set<string>();
  for (const dir of opts.skipDirs ?? []) {
    // Lexically against both spellings of cwd: dest does not exist yet, so it has no realpath.
    for (const base of [opts.cwd, realCwd]) {
      const rel = path.relative(base, dir);
      if (rel !== '' && rel !== '..' && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel)) skipped.add(rel.split(path.sep).join('/'));
    }
  }
  return skipped;
}

/** One walk in progress: the files it found (handed to onFile) and what it noted. */
class Walk {
  readonly hits: number[];
  readonly notes: Note[] = [];
  private readonly readdir: (dir: string) => Promise<Dirent[]>;
  /** cwd with a trailing '/', to which a relative path is appended (undefined where the separator is not '/'). */
  private readonly prefix: string | undefined;
  private readonly limit: <T>(fn: () => Promise<T>) => Promise<T>;

  constructor(
    private readonly opts: MatchOptions,
    private readonly onFile: (rel: string, source: string) => void,
    private readonly realCwd: string,
    private readonly positives: Pattern[],
    private readonly negatives: Pattern[],
    private readonly skipped: ReadonlySet<string>,
  ) {
    this.hits = positives.map(() => 0);
    const base = path.resolve(opts.cwd);
    this.prefix = path.sep === '/' ? (base.endsWith('/') ? base : `${base}/`) : undefined;
    this.readdir = opts.readdir ?? ((dir) => fsp.readdir(dir, { withFileTypes: true }));
    this.limit = createLimit(opts.concurrency ?? 32);
  }

  /** Reaches `root` one segment at a time with lstat, so that no symlink on the way is followed. */
  async walkRoot(root: string): Promise<void> {
    if (root === '') return this.walkDir('', EMPTY);
    const segs = root.split('/');
    for (let j = 1; j <= segs.length; j++) {
      const rel = segs.slice(0, j).join('/');
      let st: Kind;
      try {
        st = await fsp.lstat(this.abs(rel));
      } catch (e) {
        if (!isMissing(e)) this.note(rel, `could not read ${rel}: ${messageOf(e)}`);
        return;
      }
      if (st.isSymbolicLink()) return this.visitSymlink(rel, EMPTY, true);
      if (j === segs.length) return this.visit(rel, st, EMPTY);
      if (!st.isDirectory() || this.isExcludedDir(rel)) return;
    }
  }

  private async walkDir(rel: string, covered: ReadonlySet<number>): Promise<void> {
    let entries: Dirent[];
    try {
      entries = await this.limit(() => this.readdir(this.abs(rel)));
    } catch (e) {
      this.note(rel, `could not read ${rel || '.'}: ${messageOf(e)}`);
      return;
    }
    const pending: Promise<void>[] = [];
    for (const entry of entries) {
      const child = rel === '' ? entry.name : `${rel}/${entry.name}`;
      if (entry.isDirectory() || entry.isSymbolicLink()) pending.push(this.visit(child, entry, covered));
      else this.visitFile(child, entry, covered);
    }
    await Promise.all(pending);
  }

  private async visit(rel: string, kind: Kind, covered: ReadonlySet<number>): Promise<void> {
    if (kind.isSymbolicLink()) return this.visitSymlink(rel, covered);
    if (!kind.isDirectory()) return this.visitFile(rel, kind, covered);
    const next = this.enter(rel, covered);
    if (next) await this.walkDir(rel, next);
  }

  private visitFile(rel: string, kind: Kind, covered: ReadonlySet<number>): void {
    const hit = this.matchFile(rel, covered);
    if (hit.length === 0) return;
    if (kind.isFile()) this.take(rel, this.abs(rel), hit);
    else this.note(rel, `skipped ${rel} (not a regular file)`);
  }

  /**
   * Copies a symlink to a file inside cwd; reports one that leads elsewhere. A symlink that no
   * pattern names is passed over in silence (a pnpm `node_modules` holds thousands), unless the
   * walk to a pattern's static prefix goes through it (`onRoute`).
   */
  private async visitSymlink(rel: string, covered: ReadonlySet<number>, onRoute = false): Promise<void> {
    const hit = this.matchFile(rel, covered);
    if (hit.length === 0 && !onRoute) return;
    try {
      const real = await fsp.realpath(this.abs(rel));
      if (real !== this.realCwd && !real.startsWith(this.realCwd.endsWith(path.sep) ? this.realCwd : this.realCwd + path.sep)) {
        this.note(rel, `skipped symlink ${rel} -> ${real} (points outside the task's cwd)`);
        return;
      }
      const st = await fsp.stat(real);
      if (st.isDirectory()) this.note(rel, `skipped symlink ${rel} -> ${real} (symlinked directories are not followed)`);
      else if (hit.length === 0) return;
      else if (st.isFile()) this.take(rel, real, hit);
      else this.note(rel, `skipped ${rel} (not a regular file)`);
    } catch (e) {
      if (hit.length > 0) this.note(rel, `skipped symlink ${rel}: ${messageOf(e)}`);
    }
  }

  /** The patterns whose matches cover everything below `rel` once entered, or null to prune it. */
  private enter(rel: string, covered: ReadonlySet<number>): ReadonlySet<number> | null {
    if (this.isExcludedDir(rel)) return null;
    let next = covered;
    this.positives.forEach((p, i) => {
      if (p.coversContents && !next.has(i) && p.match(rel)) {
        if (next === covered) next = new Set(covered);
        (next as Set<number>).add(i);
      }
    });
    if (next.size > 0) return next;
    const segs = rel.split('/');
    return this.positives.some((p) => canMatchBelow(p, segs)) ? next : null;
  }

  private isExcludedDir(rel: string): boolean {
    return this.skipped.has(rel) || this.negatives.some((n) => n.coversContents && n.match(rel));
  }

  /** Indices of the patterns that take the file at `rel` (none when an exclusion matches it). */
  private matchFile(rel: string, covered: ReadonlySet<number>): readonly number[] {
    if (this.opts.skipFiles?.has(rel)) return NONE;
    if (this.negatives.some((n) => !n.dirOnly && n.match(rel))) return NONE;
    let hit: number[] | undefined;
    this.positives.forEach((p, i) => {
      if (covered.has(i) || (!p.dirOnly && p.match(rel))) (hit ??= []).push(i);
    });
    return hit ?? NONE;
  }

  private take(rel: string, source: string, hit: readonly number[]): void {
    for (const i of hit) this.hits[i]! += 1;
    this.onFile(rel, source);
  }

  private abs(rel: string): string {
    if (rel === '') return this.opts.cwd;
    // rel is already clean (names joined by '/'): a concatenation costs far less than path.join per file.
    return this.prefix === undefined ? path.join(this.opts.cwd, rel) : this.prefix + rel;
  }

  private note(rel: string, text: string): void {
    this.notes.push({ rel, text });
  }
}

/** A runner of async functions that keeps at most `n` of them in flight. */
export function createLimit(n: number): <T>(fn: () => Promise<T>) => Promise<T> {
  let active = 0;
  const waiting: Array<() => void> = [];
  return async (fn) => {
    if (active < n) active++;
    else await new Promise<void>((resolve) => waiting.push(resolve));
    try {
      return await fn();
    } finally {
      // Hand the slot straight to a waiter, so that a newcomer cannot take it in between.
      const next = waiting.shift();
      if (next) next();
      else active--;
    }
  };
}

/** Notes in path order, then text order. */
export function byPath(a: Note, b: Note): number {
  return compare(a.rel, b.rel) || compare(a.text, b.text);
}

export function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function codeOf(e: unknown): string | undefined {
  return typeof e === 'object' && e !== null && 'code' in e ? String((e as { code: unknown }).code) : undefined;
}

function isMissing(e: unknown): boolean {
  const code = codeOf(e);
  return code === 'ENOENT' || code === 'ENOTDIR';
}

export function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
