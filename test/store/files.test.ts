// The last lines of a log, read backwards in blocks: what `aad logs --tail` and escalations' log_tail show.
import { closeSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MAX_LINE, tailPieces, tailLines, tailSegments } from '../../src/store/files.js';
import { tmpDir } from '../helpers/cli.js';
import { prng } from '../helpers/prng.js';

function file(content: string | Buffer): string {
  const p = join(tmpDir('aad-tail-'), 'x.log');
  writeFileSync(p, content);
  return p;
}

/** What the tail must be, computed the simple way: split everything, cut long lines. */
function expected(content: Buffer, n: number, maxLine: number): Buffer[] {
  const lines: Buffer[] = [];
  let from = 0;
  for (let i = content.indexOf(10); i !== -1; i = content.indexOf(10, from)) {
    lines.push(content.subarray(from, i));
    from = i + 1;
  }
  if (from < content.length) lines.push(content.subarray(from));
  return (n === 0 ? [] : lines.slice(-n)).map((l) => {
    if (l.length <= maxLine) return l;
    let s = l.length - maxLine;
    for (let k = 0; k < 3 && (l[s]! & 0xc0) === 0x80; k++) s++;
    return l.subarray(s);
  });
}

/** The tail as tailSegments gives it, split into lines. */
function viaSegments(path: string, n: number, maxLine: number): Buffer[] {
  const fd = openSync(path, 'r');
  try {
    const content = readFileSync(path);
    const out: Buffer[] = [];
    for (const s of tailSegments(fd, n, maxLine)) {
      const seg = content.subarray(s.start, s.end);
      let from = 0;
      for (let i = seg.indexOf(10); i !== -1; i = seg.indexOf(10, from)) {
        out.push(seg.subarray(from, i));
        from = i + 1;
      }
      out.push(seg.subarray(from));
    }
    return out;
  } finally {
    closeSync(fd);
  }
}

describe('tailLines', () => {
  it('keeps a last line longer than 64 KiB (cut to its last 64 KiB) instead of dropping it', () => {
    const long = 'a'.repeat(69_999) + 'Z';
    const p = file(`first\n${long}\nshort\n`);
    expect(tailLines(p, 1)).toEqual(['short']);
    expect(tailLines(p, 2)).toEqual([long.slice(-MAX_LINE), 'short']);
    expect(tailLines(p, 3)).toEqual(['first', long.slice(-MAX_LINE), 'short']);
  });

  it('gives the end of a log that is one long line without a newline, and [] for --tail 0', () => {
    const p = file('x'.repeat(300_000) + 'END');
    expect(tailLines(p, 5)).toEqual(['x'.repeat(MAX_LINE - 3) + 'END']);
    expect(tailLines(p, 0)).toEqual([]);
  });

  it('counts a last line without newline as a line, an empty line as a line, and gives [] for a missing or empty file', () => {
    expect(tailLines(file('a\nb'), 1)).toEqual(['b']);
    expect(tailLines(file('a\n\nb\n'), 2)).toEqual(['', 'b']);
    expect(tailLines(file('\n'), 3)).toEqual(['']);
    expect(tailLines(file(''), 3)).toEqual([]);
    expect(tailLines('/nonexistent/aad/x.log', 3)).toEqual([]);
  });

  it('cuts a long line of multi-byte characters at a character, never inside one', () => {
    const p = file('é'.repeat(40_000) + 'Z\n');
    const [line] = tailLines(p, 1);
    expect(line).toBe('é'.repeat(MAX_LINE / 2 - 1) + 'Z');
    expect(line).not.toContain('\uFFFD');
  });

  it('merges whole lines in a row into few segments: 200,000 short lines cost one segment', () => {
    const p = file(Array.from({ length: 200_000 }, (_, i) => `line ${i}`).join('\n') + '\n');
    const fd = openSync(p, 'r');
    try {
      expect(tailSegments(fd, 1e9)).toHaveLength(1);
    } finally {
      closeSync(fd);
    }
    expect(tailLines(p, 3)).toEqual(['line 199997', 'line 199998', 'line 199999']);
    expect(tailLines(p, 1e9)).toHaveLength(200_000);
  });

  it('streams the tail in blocks of at most 64 KiB with a line end after each segment', () => {
    const p = file(`${'b'.repeat(200_000)}\nmid\n${'c'.repeat(10)}`);
    const parts: string[] = [];
    for (const b of tailPieces(p, 3)) parts.push(b === null ? '|' : `<${b.length}>`);
    expect(parts).toEqual([`<${MAX_LINE}>`, '|', '<14>', '|']);
  });

  it('equals the simple split on random files (lines long and short, across block boundaries)', () => {
    const rand = prng(42);
    for (let round = 0; round < 150; round++) {
      const parts: string[] = [];
      const lines = Math.floor(rand() * 12);
      for (let i = 0; i < lines; i++) {
        const r = rand();
        const len = r < 0.5 ? Math.floor(rand() * 20) : r < 0.9 ? Math.floor(rand() * 3000) : Math.floor(rand() * 150_000);
        parts.push((rand() < 0.3 ? 'é' : 'x').repeat(len));
      }
      const text = parts.join('\n') + (rand() < 0.5 ? '\n' : '');
      const content = Buffer.from(text);
      const p = file(content);
      const maxLine = rand() < 0.5 ? MAX_LINE : 1 + Math.floor(rand() * 2000);
      const n = Math.floor(rand() * 14);
      expect(viaSegments(p, n, maxLine).map(String), `round ${round}`).toEqual(expected(content, n, maxLine).map(String));
    }
  });
});
