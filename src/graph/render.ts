import type { Dag } from './dag.js';
import { dependentsOf } from './dag.js';

/** What `aad graph` shows, as plain data. */
export interface GraphView {
  goal?: string;
  dag: Dag;
  waves: number[][];
  critical: number[];
  /** Estimated duration in task-lengths (equal weights) or milliseconds when history gives weights. */
  estimate: { value: number; unit: 'tasks' | 'ms'; parallel: number };
  describe?: (i: number) => string | undefined;
}

type Paint = (style: 'bold' | 'dim' | 'cyan' | 'yellow', text: string) => string;

/** Renders the DAG as an indented tree (dependents under their dependency), its waves, critical path and estimate, within `width` columns. */
export function renderGraph(view: GraphView, paint: Paint, width = 80): string {
  const { dag } = view;
  const out: string[] = [];
  if (view.goal) out.push(paint('bold', `Goal: ${view.goal}`), '');
  out.push(paint('bold', `Tasks (${dag.ids.length})`));
  const dependents = dependentsOf(dag);
  const shown = new Set<number>();
  // Depth-first with an explicit stack: a 10,000-task chain must not overflow the call stack.
  const walk = (root: number) => {
    const stack: [v: number, prefix: string, last: boolean, top: boolean][] = [[root, '  ', true, true]];
    while (stack.length > 0) {
      const [v, prefix, last, top] = stack.pop()!;
      const branch = top ? '' : last ? '└─ ' : '├─ ';
      const again = shown.has(v);
      const deps = dag.deps[v]!;
      const extra = deps.length > 1 && !top ? paint('dim', ` (after ${deps.map((d) => dag.ids[d]).join(', ')})`) : '';
      const desc = view.describe?.(v);
      const label = dag.ids[v]! + (again ? paint('dim', ' ↑') : extra + (desc ? paint('dim', ` — ${desc}`) : ''));
      out.push(clip(prefix + branch + label, width));
      if (again) continue;
      shown.add(v);
      const kids = dependents[v]!;
      // A prefix as wide as the screen is clipped anyway: stop growing it (deep chains stay linear).
      const childPrefix = top || prefix.length >= width ? prefix : prefix + (last ? '   ' : '│  ');
      for (let i = kids.length - 1; i >= 0; i--) stack.push([kids[i]!, childPrefix, i === kids.length - 1, false]);
    }
  };
  dag.ids.forEach((_, i) => {
    if (dag.deps[i]!.length === 0) walk(i);
  });
  if (shown.size < dag.ids.length) out.push(paint('dim', '  (↑ marks a task shown above)'));

  out.push('', paint('bold', `Waves (${view.waves.length})`));
  const names = (w: number[]) => w.map((i) => dag.ids[i]!);
  const inline = view.waves.map((w) => (w.length === 1 ? names(w)[0] : `[${names(w).join(', ')}]`)).join(' → ');
  if (inline.length + 2 <= width) out.push(`  ${inline}`);
  else view.waves.forEach((w, k) => out.push(...wrapList(`  ${String(k + 1).padStart(3)}  `, names(w), width)));

  out.push('', paint('bold', `Critical path (${view.critical.length} task${view.critical.length === 1 ? '' : 's'})`));
  out.push(...wrapList('  ', view.critical.map((i) => dag.ids[i]!), width, ' → '));
  const e = view.estimate;
  const value = e.unit === 'ms' ? formatMs(e.value) : `${e.value} task-length${e.value === 1 ? '' : 's'}`;
  const note = e.unit === 'ms' ? 'from earlier runs' : 'equal weights: no run history yet';
  const parallel = `at ${e.parallel} in parallel`;
  if (`Estimate  ${value} (${note}), ${parallel}`.length <= width) out.push('', `${paint('bold', 'Estimate')}  ${value} (${note}), ${parallel}`);
  else out.push('', `${paint('bold', 'Estimate')}  ${value}, ${parallel}`, `  (${note})`);
  return out.map((line) => clip(line, width)).join('\n');
}

/** Cuts a line to `width` columns; colour codes take none and are kept, so that styles still end. */
function clip(s: string, width: number): string {
  // eslint-disable-next-line no-control-regex
  const parts = s.split(/(\x1b\[[0-9;]*m)/);
  const isCode = (p: string) => p.startsWith('\x1b');
  if (parts.reduce((n, p) => n + (isCode(p) ? 0 : [...p].length), 0) <= width) return s;
  let left = width - 1;
  let out = '';
  for (const p of parts) {
    if (isCode(p)) out += p;
    else {
      const chars = [...p];
      out += chars.slice(0, Math.max(0, left)).join('');
      left -= chars.length;
    }
  }
  return out + '…';
}

function wrapList(first: string, items: string[], width: number, sep = ', '): string[] {
  const lines: string[] = [];
  let cur = first;
  const indent = ' '.repeat(first.length);
  items.forEach((it, i) => {
    const piece = it + (i < items.length - 1 ? sep.trimEnd() : '');
    if (cur.length + piece.length + 1 > width && cur.trim() !== '') {
      lines.push(cur.trimEnd());
      cur = indent;
    }
    cur += piece + (i < items.length - 1 ? (sep.startsWith(' ') ? ' ' : ' ') : '');
  });
  lines.push(cur.trimEnd());
  return lines;
}

/** `1.2s`, `3m 04s`, `850ms`. */
export function formatMs(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`;
  const m = Math.floor(ms / 60_000);
  const s = Math.round((ms % 60_000) / 1000);
  return m < 60 ? `${m}m ${String(s).padStart(2, '0')}s` : `${Math.floor(m / 60)}h ${String(m % 60).padStart(2, '0')}m`;
}

