// `aad __complete SHELL WORD…`: what the completion scripts of `aad completion` ask aad each time Tab is
// pressed (as cobra's `__complete`). The words are those typed after `aad`, the last one the word being
// completed (empty for a new one). Commands and flags come from the commands' own definitions, run ids from
// the home, task ids from the plan (or from the run): the scripts hold no list that could go stale.
// Not a command: main.ts hands it over before looking for one, so it is in neither `aad --help` nor the
// list of commands an unknown command prints. It never fails: anything wrong just completes nothing.
import type { ArgDef, ArgsDef } from 'citty';
import { existsSync, statSync } from 'node:fs';
import { COMMAND_META, commands } from './commands/index.js';
import { findCommandWord, VALUE_FLAGS } from './command-flags.js';
import { loadPlanFile } from './plan-file.js';
import { resolveHome } from '../store/paths.js';
import { listRunIds, loadRun } from '../store/runs.js';
import { printOut } from '../report/print.js';
import { SHELLS, type Shell } from './completion-scripts.js';

/** One word to offer, with what it is (zsh and fish show it beside the word). */
export interface Candidate {
  word: string;
  description?: string;
}

/** What the shell offers: these words, and (`files`, `dirs`) the shell's own file or folder names besides. */
export interface Completion {
  kind: 'words' | 'files' | 'dirs';
  candidates: Candidate[];
  /**
   * The part of the word being completed before its value (`--task=`), when the shell completes only what
   * follows it (bash, which splits `--task=bu` at the `=`): the scripts are given candidates without it.
   */
  valuePrefix?: string;
}

const NOTHING: Completion = { kind: 'words', candidates: [] };

/** The positional argument names that take a run id, a task id, a plan file, a shell. */
const RUN_ID = 'run_id';
const TASK = 'task';
const PLAN = 'plan';
const SHELL = 'shell';

/**
 * What completes the last of `words` (the words after `aad`; bash's words split at `=` are joined again first).
 * A relative home or plan is found from the current folder (the shell's).
 */
export async function completeWords(words: readonly string[]): Promise<Completion> {
  const joined = joinEquals(words.length === 0 ? [''] : words);
  const cur = joined[joined.length - 1]!;
  const before = joined.slice(0, -1);
  const at = findCommandWord(before);
  if (at === -1) {
    const last = before[before.length - 1];
    // A value flag before the command (`aad --home DIR run`): which command it is for is not known yet.
    if (last !== undefined && /^--?[^=]+$/.test(last) && VALUE_FLAGS.has(last.replace(/^--?/, ''))) return /^--?(home|workdir)$/.test(last) ? { kind: 'dirs', candidates: [] } : NOTHING;
    if (cur.startsWith('-')) return offer(cur, [{ word: '--help', description: 'Show the usage' }, { word: '--version', description: 'Show the version' }]);
    return offer(cur, Object.values(COMMAND_META).map((m) => ({ word: m.name, description: shorten(m.description) })));
  }
  const name = before[at]!;
  const load = commands[name];
  if (!load) return NOTHING;
  const cmd = await load();
  const defs = ((typeof cmd.args === 'function' ? await (cmd.args as () => unknown)() : cmd.args) ?? {}) as ArgsDef;
  const line = parseLine(defs, [...before.slice(0, at), ...before.slice(at + 1)]);
  const ctx: Context = { name, defs, line };
  if (line.pendingValue !== undefined) return completeValue(ctx, line.pendingValue, cur, '');
  if (cur.startsWith('--') && cur.includes('=') && !line.afterDashDash) {
    const flag = cur.slice(2, cur.indexOf('='));
    const prefix = cur.slice(0, cur.indexOf('=') + 1);
    return { ...(await completeValue(ctx, flag, cur.slice(prefix.length), prefix)), valuePrefix: prefix };
  }
  if (cur.startsWith('-') && !line.afterDashDash) {
    const flags: Candidate[] = [];
    for (const [key, def] of Object.entries(defs)) {
      if (def.type === 'positional' || line.given.has(key)) continue;
      flags.push({ word: `--${key}`, description: shorten(def.description ?? '') });
    }
    flags.push({ word: '--help', description: 'Show the usage' });
    return offer(cur, flags);
  }
  const positionals = Object.entries(defs).filter(([, d]) => d.type === 'positional');
  const next = positionals[line.positionals.length];
  if (!next) return NOTHING;
  const [argName] = next;
  switch (argName) {
    case RUN_ID: {
      const runs = runIds(ctx).map((id) => ({ word: id }));
      // `aad approve TASK`: alone, the word may be the task as well.
      const tasks = positionals[line.positionals.length + 1]?.[0] === TASK ? taskIds(ctx) : [];
      return offer(cur, [...runs, ...tasks]);
    }
    case TASK:
      return offer(cur, taskIds(ctx));
    case PLAN:
      // Where the plan argument may also be task ids of ./aad.yaml (`aad run build`), as --only takes them.
      return { kind: 'files', candidates: 'only' in defs ? filter(cur, taskIds(ctx)) : [] };
    case SHELL:
      return offer(cur, SHELLS.map((s) => ({ word: s })));
    default:
      return NOTHING;
  }
}

/** The words of the line so far, read with the command's flags. */
interface Line {
  /** Flags given (their own names, not aliases). */
  given: Set<string>;
  values: Map<string, string>;
  positionals: string[];
  /** A value flag that ends the line without its value (`--task`): the word being completed is its value. */
  pendingValue?: string;
  afterDashDash: boolean;
}

interface Context {
  name: string;
  defs: ArgsDef;
  line: Line;
}

function parseLine(defs: ArgsDef, words: readonly string[]): Line {
  const byName = new Map<string, [string, ArgDef]>();
  for (const [key, def] of Object.entries(defs)) {
    if (def.type === 'positional') continue;
    const alias = (def as { alias?: string | string[] }).alias;
    for (const n of [key, ...(alias === undefined ? [] : [alias].flat())]) byName.set(n, [key, def]);
  }
  const line: Line = { given: new Set(), values: new Map(), positionals: [], afterDashDash: false };
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    if (line.afterDashDash || !w.startsWith('-') || w === '-') {
      line.positionals.push(w);
      continue;
    }
    if (w === '--') {
      line.afterDashDash = true;
      continue;
    }
    const eq = w.indexOf('=');
    const flag = w.replace(/^--?/, '').split('=')[0]!;
    const known = byName.get(flag.replace(/^no-/, ''));
    const key = known?.[0] ?? flag;
    line.given.add(key);
    const takesValue = known ? known[1].type === 'string' : VALUE_FLAGS.has(flag);
    if (!takesValue) continue;
    if (eq !== -1) line.values.set(key, w.slice(eq + 1));
    else if (i + 1 < words.length) line.values.set(key, words[++i]!);
    else line.pendingValue = key;
  }
  return line;
}

/** The value of `--flag` (`key`), by the kind of value its definition names (`valueHint`). */
async function completeValue(ctx: Context, key: string, cur: string, prefix: string): Promise<Completion> {
  const def = ctx.defs[key];
  const hint = def && def.type !== 'positional' ? (def as { valueHint?: string }).valueHint : undefined;
  switch (hint) {
    case 'DIR':
      return { kind: 'dirs', candidates: [] };
    case 'FILE':
      return { kind: 'files', candidates: [] };
    case 'ID':
      return withPrefix(prefix, offer(cur, taskIds(ctx)));
    case 'ID,ID':
    case 'ID,ID|all':
      return withPrefix(prefix, listOf(cur, taskIds(ctx), hint === 'ID,ID|all' ? ['all'] : []));
    default:
      return NOTHING;
  }
}

/** `a,b,c` lists: the ids not yet in the list, each after what is already typed. */
function listOf(cur: string, ids: Candidate[], alone: string[]): Completion {
  const cut = cur.lastIndexOf(',') + 1;
  const head = cur.slice(0, cut);
  const have = new Set(head.split(',').filter(Boolean));
  const rest = ids.filter((c) => !have.has(c.word)).map((c) => ({ ...c, word: head + c.word }));
  return offer(cur, head === '' ? [...alone.map((w) => ({ word: w })), ...rest] : rest);
}

function withPrefix(prefix: string, c: Completion): Completion {
  return prefix === '' ? c : { ...c, candidates: c.candidates.map((x) => ({ ...x, word: prefix + x.word })) };
}

function offer(cur: string, list: Candidate[]): Completion {
  return { kind: 'words', candidates: filter(cur, list) };
}

function filter(cur: string, list: Candidate[]): Candidate[] {
  return list.filter((c) => c.word.startsWith(cur));
}

/** The home of the line: `--home`, else $AAD_HOME, else ./.aad. */
function homeOf(ctx: Context): string {
  return resolveHome(ctx.line.values.get('home'));
}

/** Run ids of the home, newest first. */
function runIds(ctx: Context): string[] {
  return listRunIds(homeOf(ctx)).reverse();
}

/**
 * Task ids: for a command about a run (`logs`, `approve`), the tasks of the run named on the line, else of the
 * latest run (children included); for the others, or without runs, those of the plan named on the line, else
 * of ./aad.yaml, with their descriptions.
 */
function taskIds(ctx: Context): Candidate[] {
  if (RUN_ID in ctx.defs) {
    const home = homeOf(ctx);
    const ids = listRunIds(home);
    const named = ctx.line.positionals.find((w) => ids.includes(w));
    for (const id of named ? [named] : ids.reverse()) {
      try {
        return loadRun(home, id).state.order.map((word) => ({ word }));
      } catch {
        if (named) return [];
      }
    }
  }
  const given = PLAN in ctx.defs ? ctx.line.positionals[0] : undefined;
  const file = given !== undefined && isFile(given) ? given : 'aad.yaml';
  try {
    return loadPlanFile(file).plan.tasks.map((t) => ({ word: t.id, ...(t.description ? { description: shorten(t.description) } : {}) }));
  } catch {
    return [];
  }
}

function isFile(path: string): boolean {
  try {
    return existsSync(path) && statSync(path).isFile();
  } catch {
    return false;
  }
}

/** bash splits `--task=bu` into `--task`, `=`, `bu` (`=` is in COMP_WORDBREAKS): joined again here. */
function joinEquals(words: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    const prev = out[out.length - 1];
    if (w === '=' && prev !== undefined && /^--?[^=]+$/.test(prev)) {
      out[out.length - 1] = prev + '=' + (i + 1 < words.length ? words[++i]! : '');
    } else out.push(w);
  }
  return out;
}

/** A description cut to its first clause, at most 60 characters, on one line. */
function shorten(text: string): string {
  const first = text.split('\n')[0]!.split(/: |; | \(/)[0]!.trim();
  return first.length <= 60 ? first : first.slice(0, 59).replace(/\s+\S*$/, '') + '…';
}

/**
 * `aad __complete SHELL WORD…`: prints the kind (`words`, `files`, `dirs`) on the first line, then one candidate
 * a line, `word<TAB>description` for zsh and fish, the bare value after `=` for bash.
 */
export async function printCompletion(args: readonly string[]): Promise<void> {
  const shell = args[0] as Shell;
  let c: Completion;
  try {
    c = SHELLS.includes(shell) ? await completeWords(args.slice(1)) : NOTHING;
  } catch {
    c = NOTHING;
  }
  const strip = shell === 'bash' ? (c.valuePrefix?.length ?? 0) : 0;
  const lines = c.candidates.map((x) => {
    const word = x.word.slice(strip);
    return shell === 'bash' || !x.description ? word : `${word}\t${x.description.replace(/\s+/g, ' ')}`;
  });
  printOut([c.kind, ...lines].join('\n'));
}
