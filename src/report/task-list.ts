import type { painter } from './style.js';

/** One row of `aad list`: a task, what it is for, and what it waits for. */
export interface TaskListRow {
  id: string;
  /** The task's `description`, or undefined when it has none. */
  description: string | undefined;
  /** What the task runs, shown in place of a missing description. */
  cmd: string;
  /** Its `depends_on`, in plan order. */
  dependsOn: string[];
}

const HEADERS = ['TASK', 'DEPENDS ON', 'DESCRIPTION'] as const;
/** On a terminal, the dependency column is cut past this width (`a, b, … +3`); piped output is never cut. */
const MAX_DEPS_WIDTH = 40;

/**
 * The table of `aad list`: TASK, DEPENDS ON, DESCRIPTION, aligned, one task a line, in plan order. A task with no
 * description shows its command as `$ cmd`; a multi-line text shows its first line and `…`. With `width` (a
 * terminal), each line fits in it: the description is cut with `…`, and a long dependency list too.
 */
export function renderTaskList(rows: readonly TaskListRow[], paint: ReturnType<typeof painter>, width?: number): string {
  const deps = rows.map((r) => fitList(r.dependsOn, width === undefined ? Infinity : MAX_DEPS_WIDTH));
  const texts = rows.map((r) => (r.description === undefined ? `$ ${firstLine(r.cmd)}` : firstLine(r.description)));
  const idWidth = Math.max(HEADERS[0].length, ...rows.map((r) => r.id.length));
  const depsWidth = Math.max(HEADERS[1].length, ...deps.map((d) => d.length));
  const lead = idWidth + 2 + depsWidth + 2;
  const fit = (text: string) => (width === undefined ? text : cut(text, Math.max(10, width - lead)));
  const line = (id: string, dep: string, text: string) => `${id.padEnd(idWidth)}  ${dep.padEnd(depsWidth)}  ${text}`.trimEnd();
  const out = [paint('bold', line(HEADERS[0], HEADERS[1], HEADERS[2]))];
  rows.forEach((r, i) => {
    const text = fit(texts[i]!);
    out.push(line(r.id, deps[i]!, r.description === undefined && text !== '' ? paint('dim', text) : text));
  });
  return out.join('\n') + '\n';
}

/** The first non-blank line of a text, with `…` when more lines follow. */
function firstLine(text: string): string {
  const lines = text.split(/\r?\n/).map((l) => l.trim());
  const at = lines.findIndex((l) => l !== '');
  if (at === -1) return '';
  return lines[at]! + (lines.slice(at + 1).some((l) => l !== '') ? ' …' : '');
}

/** `text` in at most `max` characters (code points), its end replaced by `…` when cut. */
function cut(text: string, max: number): string {
  const chars = [...text];
  return chars.length <= max ? text : chars.slice(0, max - 1).join('') + '…';
}

/** Ids joined by `, `, as many as fit in `max` characters followed by `… +N` for the rest; `-` for none. */
function fitList(ids: readonly string[], max: number): string {
  if (ids.length === 0) return '-';
  const all = ids.join(', ');
  if (all.length <= max) return all;
  if (ids.length === 1) return cut(all, max);
  for (let n = ids.length - 1; n >= 1; n--) {
    const text = `${ids.slice(0, n).join(', ')}, … +${ids.length - n}`;
    if (text.length <= max) return text;
  }
  return `${cut(ids[0]!, Math.max(2, max - 8))}, … +${ids.length - 1}`;
}
