// decodePlanBytes: plan bytes → text, refusing what is not UTF-8 at the position of its first bad byte.
import { describe, expect, it } from 'vitest';
import { PlanInvalidError } from '../../src/errors.js';
import { decodePlanBytes, firstInvalidByte } from '../../src/plan/utf8.js';

const bytes = (...parts: (string | number[])[]) => Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p) : Buffer.from(p))));

function refusal(b: Uint8Array): PlanInvalidError {
  try {
    decodePlanBytes(b, 'aad.yaml');
  } catch (err) {
    if (err instanceof PlanInvalidError) return err;
    throw err;
  }
  throw new Error('expected the bytes to be refused');
}

describe('decodePlanBytes', () => {
  it('decodes valid UTF-8, multi-byte characters and a byte order mark included', () => {
    expect(decodePlanBytes(bytes('goal: café ✓ 𝄞\n'), 'aad.yaml')).toBe('goal: café ✓ 𝄞\n');
    expect(decodePlanBytes(bytes([0xef, 0xbb, 0xbf], 'tasks: []\n'), 'aad.yaml')).toBe('\uFEFFtasks: []\n');
  });

  it.each([
    ['a stray 0xff', bytes('tasks:\n  - id: a', [0xff], '\n'), 2, 10, '0xff', 16],
    ['Latin-1 é after a multi-byte character', bytes('goal: ✓ caf', [0xe9], '\n'), 1, 12, '0xe9', 13],
    ['a sequence cut short', bytes('a: b\nc: ', [0xe2, 0x82], 'x\n'), 2, 4, '0xe2', 8],
    ['an overlong encoding of "/"', bytes('x: ', [0xc0, 0xaf], '\n'), 1, 4, '0xc0', 3],
    ['a UTF-16 surrogate', bytes('x: ', [0xed, 0xa0, 0x80], '\n'), 1, 4, '0xed', 3],
  ])('refuses %s at the line and column of the first bad byte', (_name, b, line, col, hex, offset) => {
    const err = refusal(b);
    expect(err.issues).toEqual([{ path: '', line, col, message: `the file is not valid UTF-8: byte ${hex} at offset ${offset} cannot be read; save the plan as UTF-8` }]);
    expect(err.exitCode).toBe(2);
  });

  it('finds the first invalid byte the way the strict decoder judges validity', () => {
    let seed = 7;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) % 256);
    const strict = new TextDecoder('utf-8', { fatal: true });
    for (let n = 0; n < 2000; n++) {
      const b = Uint8Array.from({ length: 1 + (n % 9) }, rnd);
      const valid = (() => {
        try {
          strict.decode(b);
          return true;
        } catch {
          return false;
        }
      })();
      const at = firstInvalidByte(b);
      expect(at === b.length, `bytes ${[...b].map((x) => x.toString(16)).join(' ')}`).toBe(valid);
      if (!valid) expect(() => strict.decode(b.subarray(0, at))).not.toThrow();
    }
  });
});
