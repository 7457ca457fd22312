import { describe, expect, it } from 'vitest';
import { isRunId, newRunId } from '../../src/store/ids.js';

describe('newRunId', () => {
  it('is the UTC start time, its milliseconds in 2 base-36 characters, then 2 random ones, all of which occur', () => {
    const now = new Date(Date.UTC(2026, 10, 21, 8, 30, 15, 999));
    const seen = new Set<string>();
    const ids = new Set<string>();
    for (let i = 0; i < 30_000; i++) {
      const id = newRunId(now);
      expect(id).toMatch(/^20261121-083015-rr[a-z0-9]{2}$/);
      expect(isRunId(id)).toBe(true);
      for (const c of id.slice(-2)) seen.add(c);
      ids.add(id);
    }
    expect(seen.size).toBe(36);
    // 30,000 draws from the 1296 names of that millisecond: all turn up (a repeat is refused by mkdir and drawn again).
    expect(ids.size).toBe(36 * 36);
  });

  it('sorts by start time within a second', () => {
    const ids = [0, 1, 35, 36, 500, 998, 999].map((ms) => newRunId(new Date(Date.UTC(2026, 10, 21, 8, 30, 15, ms))));
    expect([...ids].sort()).toEqual(ids);
    expect(ids[0]).toMatch(/-00[a-z0-9]{2}$/);
  });
});
