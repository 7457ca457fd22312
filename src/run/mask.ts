/** Names of environment variables whose values are secrets (SPEC.md). */
export const SECRET_NAME = /SECRET|TOKEN|PASSW(OR)?D|API_?KEY|PRIVATE|CREDENTIAL/i;
/** Shorter values are not masked: they would mask ordinary text everywhere. */
export const MIN_SECRET_LENGTH = 4;
const MASK = Buffer.from('***');

/** The secret values among environments (aad's own, `defaults.env`, a task's `env`), longest first. */
export function secretValues(...envs: (Record<string, string | undefined> | undefined)[]): string[] {
  const out = new Set<string>();
  for (const env of envs) {
    for (const [k, v] of Object.entries(env ?? {})) {
      if (v !== undefined && v.length >= MIN_SECRET_LENGTH && SECRET_NAME.test(k)) out.add(v);
    }
  }
  return [...out].sort((a, b) => b.length - a.length);
}

/**
 * Replaces every secret in a string with `***`, in any order of `secrets`: each run of overlapping occurrences
 * becomes one `***`, so no part of any secret is left readable.
 */
export function maskText(text: string, secrets: readonly string[]): string {
  const next = matcher<string>(text, secrets.filter((s) => s.length > 0));
  let out = '';
  let pos = 0;
  for (let m = next(0); m; m = next(pos)) {
    out += text.slice(pos, m.start) + '***';
    pos = m.end;
  }
  return pos === 0 ? text : out + text.slice(pos);
}

/** What maskText and Masker search in: a string or a Buffer. */
interface Haystack<N> {
  readonly length: number;
  indexOf(needle: N, from: number): number;
}

/**
 * Returns a function giving the next span to mask at or after `from` (which must not go back): the leftmost
 * occurrence of any secret, grown by every occurrence that starts inside it. Each secret's search position only
 * moves forward, so a scan costs one pass per secret, not one per occurrence.
 */
function matcher<N extends { readonly length: number }>(hay: Haystack<N>, needles: readonly N[]): (from: number) => { start: number; end: number } | null {
  // next occurrence of needle k at or after the last position asked for; -1: none left; -2: not searched yet.
  const at = needles.map(() => -2);
  const find = (k: number, from: number): number => {
    const i = at[k]!;
    if (i === -1 || i >= from) return i;
    return (at[k] = hay.indexOf(needles[k]!, from));
  };
  return (from) => {
    let start = -1;
    let end = -1;
    for (let k = 0; k < needles.length; k++) {
      const i = find(k, from);
      if (i !== -1 && (start === -1 || i <= start)) {
        end = i === start ? Math.max(end, i + needles[k]!.length) : i + needles[k]!.length;
        start = i;
      }
    }
    if (start === -1) return null;
    for (let grew = true; grew; ) {
      grew = false;
      for (let k = 0; k < needles.length; k++) {
        for (let i = find(k, start + 1); i !== -1 && i < end; i = find(k, i + 1)) {
          if (i + needles[k]!.length > end) {
            end = i + needles[k]!.length;
            grew = true;
          }
        }
      }
    }
    return { start, end };
  };
}

/**
 * A streaming masker: feed it chunks, get masked chunks, the same as maskText of the whole stream. It holds back
 * the tail of each chunk where a secret (or a run of overlapping ones) may continue in the next chunk.
 */
export class Masker {
  private readonly secrets: Buffer[];
  private readonly keep: number;
  private carry: Buffer = Buffer.alloc(0);

  constructor(secrets: readonly string[]) {
    this.secrets = secrets.filter((s) => s.length > 0).map((s) => Buffer.from(s));
    this.keep = Math.max(0, ...this.secrets.map((s) => s.length - 1));
  }

  /** Whether there is anything to mask at all. */
  get active(): boolean {
    return this.secrets.length > 0;
  }

  /** Masks what can be decided now and keeps the rest for the next chunk. */
  push(chunk: Buffer): Buffer {
    if (!this.active) return chunk;
    const buf = this.carry.length > 0 ? Buffer.concat([this.carry, chunk]) : chunk;
    const { out, safeEnd } = this.scan(buf, false);
    this.carry = Buffer.from(buf.subarray(safeEnd));
    return out;
  }

  /** Masks and returns whatever is held back (at the end of the stream). */
  flush(): Buffer {
    if (!this.active || this.carry.length === 0) return Buffer.alloc(0);
    const { out } = this.scan(this.carry, true);
    this.carry = Buffer.alloc(0);
    return out;
  }

  private scan(buf: Buffer, final: boolean): { out: Buffer; safeEnd: number } {
    const parts: Buffer[] = [];
    // A span ending after `limit` might grow with bytes still to come (an occurrence starting inside it is at
    // most keep bytes longer); bytes from `limit` on may start a secret that continues in the next chunk.
    const limit = final ? buf.length : Math.max(0, buf.length - this.keep);
    const next = matcher<Buffer>(buf, this.secrets);
    let pos = 0;
    let m = next(0);
    for (; m && m.end <= limit; m = next(pos)) {
      parts.push(buf.subarray(pos, m.start), MASK);
      pos = m.end;
    }
    const end = Math.max(pos, Math.min(m ? m.start : limit, limit));
    parts.push(buf.subarray(pos, end));
    return { out: parts.length === 1 ? parts[0]! : Buffer.concat(parts), safeEnd: end };
  }
}
