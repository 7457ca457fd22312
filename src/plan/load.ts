import { createRequire } from 'node:module';
import type { CST, Node, Document } from 'yaml';
import { PlanInvalidError, type PlanIssue } from '../errors.js';

/** A path into the plan document: keys and array indices. */
export type DocPath = readonly (string | number)[];

/** A parsed plan document that can say where any path lies in the source. */
export interface LoadedDocument {
  file: string;
  source: string;
  data: unknown;
  /** Position of the value (or, with `key`, of the key) at `path`; the nearest existing parent otherwise. */
  locate(path: DocPath, target?: 'key' | 'value'): { line: number; col: number; length: number };
}

const MAX_ALIASES = 100;

// `yaml` is loaded only when needed: a valid plan is read by js-yaml (see fast-load.ts), and loading
// `yaml`'s ~60 modules would double the start-up of `aad validate`. It keeps positions for messages.
let lib: typeof import('yaml') | undefined;
function yaml(): typeof import('yaml') {
  return (lib ??= createRequire(import.meta.url)('yaml') as typeof import('yaml'));
}
const MAX_DEPTH = 64;

/** Formats a path as `tasks[2].timeout_sec`. */
export function formatPath(path: DocPath): string {
  let out = '';
  for (const seg of path) out += typeof seg === 'number' ? `[${seg}]` : out === '' ? seg : `.${seg}`;
  return out;
}

/** Parses YAML text into a document with positions; throws PlanInvalidError on syntax errors, alias bombs or absurd nesting. */
export function parsePlanText(source: string, file: string): LoadedDocument {
  const lineCounter = new (yaml().LineCounter)();
  const pos = (offset: number) => {
    const p = lineCounter.linePos(offset);
    return { line: p.line, col: p.col };
  };
  let doc: Document.Parsed | undefined;
  try {
    // yaml's parser is iterative but its composer recurses once per level: refuse deep nesting
    // before composing, as a stack overflow there is not always catchable (V8 may abort while
    // compiling a regexp).
    const tokens = [...new (yaml().Parser)(lineCounter.addNewLine).parse(source)];
    const deep = measureSourceDepth(tokens);
    if (deep.depth > MAX_DEPTH) {
      const message = `the document is nested more than ${MAX_DEPTH} levels deep; at most ${MAX_DEPTH} are allowed`;
      throw new PlanInvalidError(file, [{ path: '', message, ...pos(deep.offset) }], source);
    }
    for (const next of new (yaml().Composer)({ uniqueKeys: true, merge: true }).compose(tokens, true, source.length)) {
      if (!doc) doc = next;
      else {
        const message = 'the file holds more than one YAML document (a line "---" starts another); a plan is one document';
        doc.errors.push(new (yaml().YAMLParseError)([next.range[0], next.range[1]], 'MULTIPLE_DOCS', message));
        break;
      }
    }
  } catch (err) {
    if (err instanceof PlanInvalidError) throw err;
    throw new PlanInvalidError(file, [{ path: '', message: tooDeep(err), line: 1, col: 1 }], source);
  }
  if (!doc) throw new PlanInvalidError(file, [{ path: '', message: 'cannot parse YAML', line: 1, col: 1 }], source);
  if (doc.errors.length > 0) {
    const issues: PlanIssue[] = doc.errors.map((e) => ({
      path: '',
      message: `YAML syntax error: ${firstLine(e.message)}`,
      ...pos(e.pos[0]),
      length: Math.max(1, Math.min(e.pos[1] - e.pos[0], 80)),
    }));
    throw new PlanInvalidError(file, issues, source);
  }
  const depth = measureDepth(doc.contents as Node | null);
  if (depth > MAX_DEPTH) {
    throw new PlanInvalidError(file, [{ path: '', message: `the document is nested ${depth} levels deep; at most ${MAX_DEPTH} are allowed`, line: 1, col: 1 }], source);
  }
  const loop = findSelfAlias(doc);
  if (loop) {
    const message = `the alias "*${loop.name}" lies inside the node its anchor "&${loop.name}" names: a YAML alias may not contain itself`;
    throw new PlanInvalidError(file, [{ path: '', message, ...pos(loop.offset), length: loop.name.length + 1 }], source);
  }
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: MAX_ALIASES });
  } catch (err) {
    const unresolved = err instanceof ReferenceError ? /^Unresolved alias.*: (.*)$/.exec(err.message) : null;
    if (unresolved) {
      let at = 0;
      yaml().visit(doc, { Alias: (_key, node) => (node.source === unresolved[1] ? ((at = node.range?.[0] ?? 0), yaml().visit.BREAK) : undefined) });
      const message = `unknown alias "*${unresolved[1]}": an anchor "&${unresolved[1]}" must come before it`;
      throw new PlanInvalidError(file, [{ path: '', message, ...pos(at) }], source);
    }
    const message = err instanceof ReferenceError && /resource exhaustion/i.test(err.message)
      ? `too many YAML aliases (more than ${MAX_ALIASES} expansions): refusing a possible alias bomb`
      : tooDeep(err);
    throw new PlanInvalidError(file, [{ path: '', message, line: 1, col: 1 }], source);
  }

  const locate: LoadedDocument['locate'] = (path, target = 'value') => {
    let node = doc.contents as Node | null;
    let best = node?.range ? node.range : [0, 0];
    for (let i = 0; i < path.length && node; i++) {
      const seg = path[i];
      if (yaml().isMap(node)) {
        const pair = node.items.find((p) => yaml().isPair(p) && yaml().isScalar(p.key) && String(p.key.value) === String(seg));
        if (!pair) break;
        const last = i === path.length - 1;
        if (last && target === 'key' && yaml().isScalar(pair.key) && pair.key.range) {
          best = pair.key.range;
          break;
        }
        node = (pair.value as Node | null) ?? null;
        const r = node?.range ?? (yaml().isScalar(pair.key) ? pair.key.range : undefined);
        if (r) best = r;
      } else if (yaml().isSeq(node) && typeof seg === 'number') {
        node = (node.items[seg] as Node | undefined) ?? null;
        if (node?.range) best = node.range;
      } else break;
    }
    const [start = 0, end = 0] = best;
    const p = pos(start);
    const lineEnd = source.indexOf('\n', start);
    const span = Math.min(end, lineEnd === -1 ? source.length : lineEnd) - start;
    return { ...p, length: Math.max(1, span) };
  };
  return { file, source, data, locate };
}

/** The first alias that refers to a node holding it (`a: &a [*a]`): yaml would build a circular value that overflows the stack later. */
function findSelfAlias(doc: Document.Parsed): { name: string; offset: number } | undefined {
  let found: { name: string; offset: number } | undefined;
  yaml().visit(doc, {
    Alias: (_key, node, path) => {
      const target = node.resolve(doc);
      if (target && path.includes(target)) {
        found = { name: node.source, offset: node.range?.[0] ?? 0 };
        return yaml().visit.BREAK;
      }
      return undefined;
    },
  });
  return found;
}

/** The deepest nesting of collections in yaml's CST and where it starts. */
function measureSourceDepth(tokens: readonly CST.Token[]): { depth: number; offset: number } {
  let depth = 0;
  let offset = 0;
  const stack: [CST.Token | undefined, number][] = tokens.map((t) => [t, 0]);
  while (stack.length > 0 && depth <= MAX_DEPTH) {
    const [t, d] = stack.pop()!;
    if (t?.type === 'document') stack.push([t.value, d]);
    else if (t?.type === 'block-map' || t?.type === 'block-seq' || t?.type === 'flow-collection') {
      if (d + 1 > depth) [depth, offset] = [d + 1, t.offset];
      for (const item of t.items) stack.push([item.key ?? undefined, d + 1], [item.value, d + 1]);
    }
  }
  return { depth, offset };
}

function measureDepth(root: Node | null): number {
  let max = 0;
  const stack: [unknown, number][] = [[root, 1]];
  while (stack.length > 0) {
    const [node, d] = stack.pop()!;
    if (d > max) max = d;
    if (d > MAX_DEPTH) return d;
    if (yaml().isMap(node) || yaml().isSeq(node)) {
      for (const item of node.items) stack.push([yaml().isPair(item) ? item.value : item, d + 1]);
    }
  }
  return max;
}

function tooDeep(err: unknown): string {
  if (err instanceof RangeError) return 'the document is nested too deeply to read';
  return `cannot parse YAML: ${err instanceof Error ? firstLine(err.message) : String(err)}`;
}

function firstLine(s: string): string {
  return s.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
}
