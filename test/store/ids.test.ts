import { describe, expect, it } from 'vitest';
import { isRunId, newRunId } from '../../src/store/ids.js';

describe('newRunId', () => {
  it('is the UTC start time then 4 base-36 characters, all of which occur', () => {
    const now = new Date(Date.UTC(2026, 10, 21, 8, 30, 15));
    const seen = new Set<string>();
    const ids = new Set<string>();
    for (let i = 0; i < 3000; i++) {
      const id = newRunId(now);
      expect(id).toMatch(/^20261121-083015-[a-z0-9]{4}$/);
      expect(isRunId(id)).toBe(true);
      for (const c of id.slice(-4)) seen.add(c);
      ids.add(id);
    }
    expect(seen.size).toBe(36);
    // 3000 draws from 36^4 = 1.68M names: a few repeats at most (a repeat is refused by mkdir and drawn again).
    expect(ids.size).toBeGreaterThan(2990);
  });
});
