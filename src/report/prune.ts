import type { painter } from './style.js';

type Paint = ReturnType<typeof painter>;

/** A run `aad prune` deleted (or, with --dry-run, would delete), and what it removed of it in git. */
export interface PrunedRunJson {
  run_id: string;
  /** Its state when judged (`damaged` for a folder aad cannot read as a run; `unknown` for one a stopped prune left). */
  state: string;
  started_at: string | null;
  /** What is wrong with a damaged run. */
  damaged?: string;
  /** A run a stopped prune had already moved aside, finished now. */
  finished?: boolean;
  worktrees: string[];
  refs: { repository: string; refs: string[] }[];
  /** Refs left on purpose: an integration branch whose work none of the user's branches holds yet. */
  kept_refs: { repository: string; ref: string; why: string }[];
  notes: string[];
}

/** `aad prune --json`. */
export interface PruneJson {
  dry_run: boolean;
  pruned: PrunedRunJson[];
  /** Runs left: by a rule (`--keep`: among the newest; `--older-than`: too recent), or (`rule` null) because deleting them now is not safe. */
  kept: { run_id: string; state: string; reason: string; rule: 'keep' | 'older-than' | null }[];
  /** Runs that should have gone but could not (the exit code is then 1). */
  errors: { run_id: string; error: string }[];
}

function shortRef(ref: string): string {
  return ref.startsWith('refs/heads/') ? ref.slice('refs/heads/'.length) : ref;
}

function when(iso: string): string {
  return iso.replace('T', ' ').replace(/\.\d+Z$/, 'Z');
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** The text of `aad prune`: each run deleted with what went of it, each run left that the policy let go and why, then the counts. */
export function pruneReport(r: PruneJson, home: string, total: number, paint: Paint): string {
  const lines: string[] = [];
  for (const p of r.pruned) {
    const what = p.finished ? '(a prune had stopped half way through it)' : `(${p.damaged ? `damaged: ${p.damaged}` : `${p.state}, started ${when(p.started_at ?? '')}`})`;
    lines.push(`${paint('green', r.dry_run ? 'would prune' : p.finished ? 'finished pruning' : 'pruned')} ${p.run_id} ${paint('dim', what)}`);
    for (const w of p.worktrees) lines.push(`  ${r.dry_run ? 'would remove' : 'removed'} worktree ${w}`);
    for (const x of p.refs) lines.push(`  ${r.dry_run ? 'would delete' : 'deleted'} in ${x.repository}: ${x.refs.map(shortRef).join(', ')}`);
    for (const k of p.kept_refs) lines.push(`  ${r.dry_run ? 'would keep' : 'kept'} ${shortRef(k.ref)} in ${k.repository}: ${k.why}`);
    for (const n of p.notes) lines.push(`  ${n}`);
  }
  for (const k of r.kept) if (k.rule === null) lines.push(`${paint('yellow', 'kept')} ${k.run_id}: ${k.reason}`);
  for (const e of r.errors) lines.push(`${paint('red', 'could not prune')} ${e.run_id}: ${e.error}`);
  if (total === 0 && r.pruned.length === 0) {
    lines.push(`no runs in ${home}: nothing to prune`);
    return lines.join('\n');
  }
  const byRule = new Map<string, number>();
  for (const k of r.kept) {
    const why = k.rule === 'keep' ? '--keep' : k.rule === 'older-than' ? '--older-than' : 'left for now, see above';
    byRule.set(why, (byRule.get(why) ?? 0) + 1);
  }
  const kept = [...byRule].map(([why, n]) => `${why}: ${n}`).join(', ');
  const head = r.dry_run ? `${plural(r.pruned.length, 'run')} would be pruned` : `${plural(r.pruned.length, 'run')} pruned`;
  const failed = r.errors.length > 0 ? `, ${r.errors.length} could not be` : '';
  lines.push(`prune: ${head}${failed}, ${r.kept.length} kept${kept ? ` (${kept})` : ''}${r.dry_run ? '; nothing was changed (--dry-run)' : ''}`);
  return lines.join('\n');
}
