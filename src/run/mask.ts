/** Names of environment variables whose values are secrets (SPEC.md). */
export const SECRET_NAME = /SECRET|TOKEN|PASSW(OR)?D|API_?KEY|PRIVATE|CREDENTIAL/i;
/** Shorter values are not masked: they would mask ordinary text everywhere. */
export const MIN_SECRET_LENGTH = 4;
const MASK = Buffer.from('***');
const EMPTY = Buffer.alloc(0);

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
  const needles = secrets.filter((s) => s.length > 0);
  const next = matcher(
    needles.map((n) => n.length),
    (k, from) => text.indexOf(needles[k]!, from),
  );
  let out = '';
  let pos = 0;
  for (let m = next(0); m; m = next(pos)) {
    out += text.slice(pos, m.start) + '***';
    pos = m.end;
  }
  return pos === 0 ? text : out + text.slice(pos);
}

/**
 * Returns a function giving the next span to mask at or after `from` (which must not go back): the leftmost
 * occurrence of any secret, grown by every occurrence that starts inside it. Each secret's search position only
 * moves forward, so a scan costs one pass per secret, not one per occurrence.
 */
function matcher(lengths: readonly number[], search: (k: number, from: number) => number): (from: number) => { start: number; end: number } | null {
  const needles = lengths.map((length) => ({ length }));
  // next occurrence of needle k at or after the last position asked for; -1: none left; -2: not searched yet.
  const at = needles.map(() => -2);
  const find = (k: number, from: number): number => {
    const i = at[k]!;
    if (i === -1 || i >= from) return i;
    return (at[k] = search(k, from));
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
  private readonly lengths: number[];
  private readonly finders: ((buf: Buffer, from: number) => number)[];
  private readonly keep: number;
  private carry: Buffer = EMPTY;

  constructor(secrets: readonly string[]) {
    this.secrets = secrets.filter((s) => s.length > 0).map((s) => Buffer.from(s));
    this.lengths = this.secrets.map((s) => s.length);
    this.finders = this.secrets.map(finder);
    this.keep = Math.max(0, ...this.lengths.map((n) => n - 1));
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
    this.carry = safeEnd === buf.length ? EMPTY : Buffer.from(buf.subarray(safeEnd));
    return out;
  }

  /** Masks and returns whatever is held back (at the end of the stream). */
  flush(): Buffer {
    if (!this.active || this.carry.length === 0) return EMPTY;
    const { out } = this.scan(this.carry, true);
    this.carry = EMPTY;
    return out;
  }

  private scan(buf: Buffer, final: boolean): { out: Buffer; safeEnd: number } {
    const parts: Buffer[] = [];
    // Bytes from `limit` on may start a secret that continues in the next chunk: the longest end of the buffer
    // that begins some secret. A span ending after `limit` might still grow (an occurrence starting inside it
    // and continuing); one ending before cannot. Usually nothing is held back, and the next chunk is scanned
    // as it came, without copying it onto what was held back.
    const limit = final ? buf.length : buf.length - this.secretStartAtEnd(buf);
    const next = matcher(this.lengths, (k, from) => this.finders[k]!(buf, from));
    let pos = 0;
    let m = next(0);
    for (; m && m.end <= limit; m = next(pos)) {
      parts.push(buf.subarray(pos, m.start), MASK);
      pos = m.end;
    }
    const end = Math.max(pos, Math.min(m ? m.start : limit, limit));
    if (parts.length === 0 && end === buf.length) return { out: buf, safeEnd: end };
    parts.push(buf.subarray(pos, end));
    return { out: parts.length === 1 ? parts[0]! : Buffer.concat(parts), safeEnd: end };
  }

  /** The length of the longest end of `buf` that is the beginning (not the whole) of a secret; 0 if none. */
  private secretStartAtEnd(buf: Buffer): number {
    for (let n = Math.min(this.keep, buf.length); n > 0; n--) {
      for (const s of this.secrets) if (s.length > n && buf.compare(s, 0, n, buf.length - n) === 0) return n;
    }
    return 0;
  }
}

/**
 * Finds a secret in output faster than Buffer#indexOf's Boyer-Moore-Horspool (~1.6 GB/s here): memchr (what
 * indexOf of one byte is) looks for the secret's least common byte in usual output, and each hit is checked.
 * Where that byte turns out to be common in this output, it goes back to indexOf of the whole secret.
 */
function finder(secret: Buffer): (buf: Buffer, from: number) => number {
  let anchor = 0;
  for (let i = 1; i < secret.length; i++) if (commonness(secret[i]!) < commonness(secret[anchor]!)) anchor = i;
  const byte = secret[anchor]!;
  const len = secret.length;
  return (buf, from) => {
    let misses = 0;
    for (let i = buf.indexOf(byte, from + anchor); i !== -1; i = buf.indexOf(byte, i + 1)) {
      const start = i - anchor;
      if (start + len > buf.length) return -1;
      if (buf.compare(secret, 0, len, start, start + len) === 0) return start;
      // Too many false hits for what was scanned: the whole-secret search is faster here.
      if (++misses > 16 && misses * 256 > i - from) return buf.indexOf(secret, start + 1);
    }
    return -1;
  };
}

/** How common a byte is in typical program output (logs, English text): higher is more common. */
function commonness(b: number): number {
  if (b === 0x20 || b === 0x0a || b === 0x09) return 6;
  if (b >= 0x61 && b <= 0x7a) return 'etaoinsrhl'.includes(String.fromCharCode(b)) ? 5 : 4;
  if (b >= 0x30 && b <= 0x39) return 3;
  if ('.,:;/-_=\'"()[]'.includes(String.fromCharCode(b))) return 3;
  if (b >= 0x41 && b <= 0x5a) return 2;
  return 1;
}
