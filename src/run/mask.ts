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

/** Replaces every secret in a string with `***`. */
export function maskText(text: string, secrets: readonly string[]): string {
  for (const s of secrets) if (text.includes(s)) text = text.split(s).join('***');
  return text;
}

/**
 * A streaming masker: feed it chunks, get masked chunks. It holds back the last (longest secret − 1)
 * bytes of each chunk, so a secret cut in two by a chunk boundary is still masked.
 */
export class Masker {
  private readonly secrets: Buffer[];
  private readonly keep: number;
  private carry: Buffer = Buffer.alloc(0);

  constructor(secrets: readonly string[]) {
    this.secrets = secrets.map((s) => Buffer.from(s));
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
    let pos = 0;
    // Bytes from `limit` on may start a secret that continues in the next chunk.
    const limit = final ? buf.length : Math.max(0, buf.length - this.keep);
    for (;;) {
      let best = -1;
      let bestLen = 0;
      for (const s of this.secrets) {
        const i = buf.indexOf(s, pos);
        if (i !== -1 && (best === -1 || i < best || (i === best && s.length > bestLen))) {
          best = i;
          bestLen = s.length;
        }
      }
      if (best === -1 || (best >= limit && !final)) break;
      parts.push(buf.subarray(pos, best), MASK);
      pos = best + bestLen;
    }
    const end = Math.max(pos, limit);
    parts.push(buf.subarray(pos, end));
    return { out: parts.length === 1 ? parts[0]! : Buffer.concat(parts), safeEnd: end };
  }
}
