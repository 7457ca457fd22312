import path from 'node:path';
import picomatch from 'picomatch';

// The output patterns of a task, compiled for collectOutputs (artifacts.ts): what each matches, where
// its walk starts, and whether a directory can still hold a match (so that the walk prunes early).

/** Stands for a pattern segment that may span any number of path segments (`**`, `{a/b,c}`). */
const ANY = 'any';
/** picomatch options: dotfiles match (`dist/**` takes `dist/.env` too, as copying the folder would). */
const GLOB = { dot: true } as const;

export interface Pattern {
  /** As written in the plan, for messages. */
  source: string;
  negated: boolean;
  /** Trailing slash: matches directories only. */
  dirOnly: boolean;
  /** Static prefix, unescaped, '' for cwd: where the walk for this pattern starts. */
  base: string;
  match: picomatch.Matcher;
  /** One matcher per path segment, to judge whether a directory can hold a match. */
  segments: Array<picomatch.Matcher | typeof ANY>;
  /** A directory it matches brings every file below it. */
  coversContents: boolean;
}

/** Compiles one plan pattern, or returns the warning that says why it is not used. */
export function compilePattern(source: string): Pattern | string {
  let p = source;
  const negated = p.startsWith('!') && !p.startsWith('!(');
  if (negated) p = p.slice(1);
  p = p.replace(/\/{2,}/g, '/');
  while (p.startsWith('./')) p = p.slice(2);
  const dirOnly = p.endsWith('/');
  p = p.replace(/\/+$/, '');
  if (p === '' || p === '.') p = '**';
  const parts = picomatch.scan(p, { parts: true }).parts ?? [p];
  const base = path.posix.normalize(picomatch.scan(p, { unescape: true }).base || '.');
  if (path.posix.isAbsolute(base) || base === '..' || base.startsWith('../')) {
    return `output pattern "${source}" points outside the task's cwd: skipped`;
  }
  const last = parts[parts.length - 1] ?? '';
  return {
    source,
    negated,
    dirOnly,
    base: base === '.' ? '' : base,
    match: picomatch(p, GLOB),
    segments: parts.map((s) => (s.includes('**') || s.includes('/') ? ANY : picomatch(s, GLOB))),
    coversContents: dirOnly || last === '**' || !picomatch.scan(last).isGlob,
  };
}

/** The walk's starting points: the patterns' static prefixes, without those nested in another. */
export function rootsOf(patterns: Pattern[]): string[] {
  const bases = [...new Set(patterns.map((p) => p.base))].sort();
  return bases.filter((b) => !bases.some((o) => o !== b && (o === '' || b.startsWith(`${o}/`))));
}

/** Whether a file below the directory `segs` could still match `p`, given its segments so far. */
export function canMatchBelow(p: Pattern, segs: string[]): boolean {
  for (let i = 0; i < segs.length; i++) {
    const s = p.segments[i];
    if (s === undefined) return false;
    if (s === ANY) return true;
    if (!s(segs[i]!)) return false;
  }
  return segs.length < p.segments.length;
}
