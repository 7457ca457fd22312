import { PlanInvalidError } from '../errors.js';

const strict = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const lenient = new TextDecoder('utf-8', { ignoreBOM: true });

/**
 * Decodes plan bytes as UTF-8, or throws PlanInvalidError at the line and column of the first byte that is not
 * valid UTF-8: a silent U+FFFD would change ids, paths and commands behind the user's back.
 */
export function decodePlanBytes(bytes: Uint8Array, file: string): string {
  try {
    return strict.decode(bytes);
  } catch {
    const bad = firstInvalidByte(bytes);
    const before = lenient.decode(bytes.subarray(0, bad));
    const lineStart = before.lastIndexOf('\n') + 1;
    const line = before.split('\n').length;
    const hex = `0x${bytes[bad]!.toString(16).padStart(2, '0')}`;
    const message = `the file is not valid UTF-8: byte ${hex} at offset ${bad} cannot be read; save the plan as UTF-8`;
    throw new PlanInvalidError(file, [{ path: '', message, line, col: before.length - lineStart + 1 }], lenient.decode(bytes));
  }
}

/** Offset of the first byte that does not start or continue a well-formed UTF-8 sequence (the Unicode standard's table 3-7). */
export function firstInvalidByte(b: Uint8Array): number {
  for (let i = 0; i < b.length; ) {
    const c = b[i]!;
    let n: number;
    let lo = 0x80;
    let hi = 0xbf;
    if (c < 0x80) n = 0;
    else if (c >= 0xc2 && c <= 0xdf) n = 1;
    else if (c >= 0xe0 && c <= 0xef) [n, lo, hi] = [2, c === 0xe0 ? 0xa0 : 0x80, c === 0xed ? 0x9f : 0xbf];
    else if (c >= 0xf0 && c <= 0xf4) [n, lo, hi] = [3, c === 0xf0 ? 0x90 : 0x80, c === 0xf4 ? 0x8f : 0xbf];
    else return i;
    for (let k = 1; k <= n; k++) {
      const x = b[i + k];
      if (x === undefined || x < (k === 1 ? lo : 0x80) || x > (k === 1 ? hi : 0xbf)) return i;
    }
    i += n + 1;
  }
  return b.length;
}
