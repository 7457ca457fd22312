// Secret masking: maskText for whole strings, Masker for streams cut anywhere, secretValues from environments.
import { describe, expect, it } from 'vitest';
import { prng } from '../helpers/prng.js';
import { MIN_SECRET_LENGTH, Masker, SECRET_NAME, maskText, secretValues } from '../../src/run/mask.js';

/** Feeds `text` to a fresh Masker in pieces cut at `cuts` (byte offsets), then flushes; returns what came out. */
function stream(secrets: readonly string[], text: string | Buffer, cuts: readonly number[]): string {
  const buf = typeof text === 'string' ? Buffer.from(text) : text;
  const m = new Masker(secrets);
  const out: Buffer[] = [];
  let from = 0;
  for (const c of [...cuts, buf.length]) {
    out.push(m.push(buf.subarray(from, c)));
    from = c;
  }
  out.push(m.flush());
  return Buffer.concat(out).toString();
}

/**
 * The reference: every byte inside any occurrence of any secret is hidden; occurrences that overlap
 * make one masked span, each span becomes `***` (adjacent secrets stay two spans).
 */
function oracle(text: string, secrets: readonly string[]): string {
  const spans: [number, number][] = [];
  for (const s of secrets) for (let i = text.indexOf(s); i !== -1; i = text.indexOf(s, i + 1)) spans.push([i, i + s.length]);
  spans.sort((x, y) => x[0] - y[0]);
  let out = '';
  let pos = 0;
  let cur: [number, number] | undefined;
  for (const sp of spans) {
    if (cur && sp[0] < cur[1]) cur[1] = Math.max(cur[1], sp[1]);
    else {
      if (cur) out += text.slice(pos, cur[0]) + '***';
      if (cur) pos = cur[1];
      cur = [...sp];
    }
  }
  if (cur) out += text.slice(pos, cur[0]) + '***';
  return out + text.slice(cur ? cur[1] : pos);
}

describe('maskText', () => {
  it.each([
    { text: 'token=hunter22!', secrets: ['hunter22'], want: 'token=***!' },
    { text: 'hunter22 and hunter22', secrets: ['hunter22'], want: '*** and ***' },
    { text: 'nothing here', secrets: ['hunter22'], want: 'nothing here' },
    { text: 'no secrets at all', secrets: [], want: 'no secrets at all' },
    { text: 'abcdwxyz', secrets: ['abcd', 'wxyz'], want: '******' },
    { text: 'key=abcdef', secrets: ['abcd', 'abcdef'], want: 'key=***' },
    { text: 'key=abcdef', secrets: ['abcdef', 'abcd'], want: 'key=***' },
    { text: 'x abcdefgh y', secrets: ['abcd', 'cdefgh'], want: 'x *** y' },
    { text: 'x abcdefgh y', secrets: ['cdefgh', 'abcd'], want: 'x *** y' },
    { text: 'aaaaaa', secrets: ['aaaa'], want: '***' },
    { text: 'ends with s3cr3t', secrets: ['s3cr3t'], want: 'ends with ***' },
    { text: 'pässwört=ünïcødé!', secrets: ['ünïcødé'], want: 'pässwört=***!' },
  ])('$text with $secrets → $want', ({ text, secrets, want }) => {
    expect(maskText(text, secrets)).toBe(want);
    expect(oracle(text, secrets)).toBe(want);
  });

  it('never leaves a secret readable, even where two secrets overlap', () => {
    const secrets = ['abcd', 'cdefgh'];
    const out = maskText('abcdefgh', secrets);
    for (const s of secrets) expect(out).not.toContain(s);
    expect(out).not.toMatch(/ab|gh/);
  });
});

describe('Masker', () => {
  it('with no secrets passes chunks through untouched (the same Buffer)', () => {
    const m = new Masker([]);
    const chunk = Buffer.from('hello');
    expect(m.active).toBe(false);
    expect(m.push(chunk)).toBe(chunk);
    expect(m.flush()).toEqual(Buffer.alloc(0));
  });

  it('is active with secrets', () => {
    expect(new Masker(['abcd']).active).toBe(true);
  });

  it('holds back a possible secret start until the next chunk or the flush', () => {
    const m = new Masker(['secret']);
    expect(m.push(Buffer.from('hello sec')).toString()).toBe('hello ');
    expect(m.flush().toString()).toBe('sec');
    expect(m.flush().toString()).toBe('');
  });

  it('holds back nothing when the chunk cannot end inside a secret, and returns the chunk itself (no copy)', () => {
    const m = new Masker(['secret']);
    const chunk = Buffer.from('hello world, nothing to hide, even if it ends in secre!');
    expect(m.push(chunk)).toBe(chunk);
    const next = Buffer.from('more text');
    expect(m.push(next)).toBe(next);
    expect(m.flush().length).toBe(0);
  });

  it('masks a secret split in two by a chunk boundary', () => {
    const m = new Masker(['secret']);
    const out = [m.push(Buffer.from('x=sec')), m.push(Buffer.from('ret;')), m.flush()];
    expect(Buffer.concat(out).toString()).toBe('x=***;');
  });

  it('flush with nothing held back is empty, and the masker can go on after it', () => {
    const m = new Masker(['abcd']);
    expect(m.flush().length).toBe(0);
    expect(Buffer.concat([m.push(Buffer.from('1abcd2')), m.flush()]).toString()).toBe('1***2');
    expect(Buffer.concat([m.push(Buffer.from('ab')), m.push(Buffer.from('cd')), m.flush()]).toString()).toBe('***');
  });

  it('an empty chunk is fine', () => {
    const m = new Masker(['abcd']);
    expect(Buffer.concat([m.push(Buffer.alloc(0)), m.push(Buffer.from('abcd')), m.push(Buffer.alloc(0)), m.flush()]).toString()).toBe('***');
  });

  const cases = [
    { name: 'one secret', secrets: ['hunter22'], text: 'login with hunter22 now' },
    { name: 'a secret at the very end', secrets: ['hunter22'], text: 'the password is hunter22' },
    { name: 'a secret at the very start', secrets: ['hunter22'], text: 'hunter22 is the password' },
    { name: 'the whole text is a secret', secrets: ['hunter22'], text: 'hunter22' },
    { name: 'adjacent secrets', secrets: ['abcd', 'wxyz'], text: '>abcdwxyzabcd<' },
    { name: 'a secret that is a prefix of another', secrets: ['tok3n', 'tok3n-long-value'], text: 'a tok3n-long-value b tok3n c tok3n-long' },
    { name: 'overlapping secrets', secrets: ['abcd', 'cdefgh'], text: '1abcdefgh2cdefgh3abcd' },
    { name: 'a secret overlapping itself', secrets: ['abab'], text: 'xababababy' },
    { name: 'secrets of different lengths', secrets: ['K3Y!', 'a-much-longer-secret-value', 'mid-size'], text: 'K3Y!:a-much-longer-secret-value/mid-size K3Y' },
    { name: 'a near miss at the end', secrets: ['hunter22'], text: 'x hunter2' },
    { name: 'multi-byte characters', secrets: ['ünïcødé'], text: 'pw=ünïcødé, again ünïcødé' },
  ];

  it.each(cases)('$name: the same output for every single cut point', ({ secrets, text }) => {
    const want = maskText(text, secrets);
    expect(want).toBe(oracle(text, secrets));
    const len = Buffer.byteLength(text);
    const wrong: string[] = [];
    for (let i = 0; i <= len; i++) if (stream(secrets, text, [i]) !== want) wrong.push(`cut at ${i}: ${stream(secrets, text, [i])}`);
    expect(wrong).toEqual([]);
  });

  it.each(cases)('$name: the same output for every pair of cut points', ({ secrets, text }) => {
    const want = maskText(text, secrets);
    const len = Buffer.byteLength(text);
    const wrong: string[] = [];
    for (let i = 0; i <= len; i++) {
      for (let j = i; j <= len; j++) if (stream(secrets, text, [i, j]) !== want) wrong.push(`cuts at ${i}, ${j}: ${stream(secrets, text, [i, j])}`);
    }
    expect(wrong).toEqual([]);
  });

  it.each(cases)('$name: one byte at a time', ({ secrets, text }) => {
    const len = Buffer.byteLength(text);
    expect(stream(secrets, text, Array.from({ length: len }, (_, i) => i))).toBe(maskText(text, secrets));
  });

  it('what it returns before the flush never holds a whole secret, even with overlaps', () => {
    const secrets = ['abcd', 'cdefgh'];
    const m = new Masker(secrets);
    const early = Buffer.concat([m.push(Buffer.from('xxabcd')), m.push(Buffer.from('efghyy'))]).toString();
    const all = early + m.flush().toString();
    expect(all).toBe('xx***yy');
    for (const s of secrets) expect(all).not.toContain(s);
  });

  it('a large output with many secrets is masked in one pass (no rescans per occurrence)', () => {
    const secrets = ['alpha-secret', 'beta-secret-value', 'gamma-s3cret'];
    const line = 'log line alpha-secret then beta-secret-value and gamma-s3cret done\n';
    const text = line.repeat(5_000);
    const m = new Masker(secrets);
    const half = Buffer.byteLength(text) >> 1;
    const out = Buffer.concat([m.push(Buffer.from(text).subarray(0, half)), m.push(Buffer.from(text).subarray(half)), m.flush()]).toString();
    expect(out).toBe('log line *** then *** and *** done\n'.repeat(5_000));
    expect(maskText(text, secrets)).toBe(out);
  });

  describe('property: random text and chunks (seeded)', () => {
    it.each([11, 12, 13])('seed %i: long output where the searched byte is everywhere (the search falls back) and nowhere', (seed) => {
      const rand = prng(seed);
      const int = (n: number) => Math.floor(rand() * n);
      for (const alphabet of ['ab', 'abcdefghij \n', 'xyz']) {
        const secrets = ['abab', 'baab' + 'a'.repeat(int(4)), 'ZZ1ab'];
        const parts: string[] = [];
        for (let k = 0; k < 4000; k++) parts.push(rand() < 0.02 ? secrets[int(secrets.length)]! : alphabet[int(alphabet.length)]!);
        const text = parts.join('');
        const buf = Buffer.from(text);
        const cuts = [...new Set(Array.from({ length: 8 }, () => int(buf.length + 1)))].sort((x, y) => x - y);
        const want = oracle(text, secrets);
        expect(maskText(text, secrets)).toBe(want);
        expect(stream(secrets, buf, cuts)).toBe(want);
      }
    });

    it.each([1, 2, 3, 4, 5, 6, 7, 8])('seed %i: streaming output equals maskText of the whole, and no secret survives', (seed) => {
      const rand = prng(seed);
      const int = (n: number) => Math.floor(rand() * n);
      // A tiny alphabet, so secrets overlap, repeat and nearly match often.
      const alphabet = seed % 2 === 0 ? 'ab' : 'abcé\n';
      const word = (min: number, max: number) => Array.from({ length: min + int(max - min + 1) }, () => alphabet[int(alphabet.length)]).join('');
      for (let round = 0; round < 150; round++) {
        const secrets = [...new Set(Array.from({ length: 1 + int(3) }, () => word(MIN_SECRET_LENGTH, 9)))];
        let text = '';
        for (let k = int(8); k >= 0; k--) text += word(0, 6) + (rand() < 0.7 ? secrets[int(secrets.length)] : '');
        const buf = Buffer.from(text);
        const cuts = [...new Set(Array.from({ length: int(6) }, () => int(buf.length + 1)))].sort((x, y) => x - y);
        const want = maskText(text, secrets);
        const got = stream(secrets, buf, cuts);
        if (want !== oracle(text, secrets) || got !== want || secrets.some((x) => want.includes(x))) {
          expect({ text, secrets, cuts, got, want }).toEqual({ text, secrets, cuts, got: oracle(text, secrets), want: oracle(text, secrets) });
        }
      }
    });
  });
});

describe('secretValues', () => {
  it.each([
    ['API_KEY', true], ['APIKEY', true], ['api_key', true], ['GITHUB_TOKEN', true], ['NPM_TOKEN', true], ['DB_PASSWORD', true],
    ['PASSWD', true], ['MY_SECRET_THING', true], ['PRIVATE_KEY', true], ['AWS_CREDENTIALS', true], ['client_secret', true],
    ['PASSWORD_FILE', true], ['PATH', false], ['HOME', false], ['NODE_ENV', false], ['PASSWRD', false], ['KEY', false], ['API', false],
  ])('%s looks secret: %s', (name, want) => {
    expect(SECRET_NAME.test(name)).toBe(want);
  });

  it('takes the values of secret-looking names from several environments, longest first, once each', () => {
    const aad = { PATH: '/usr/bin', GITHUB_TOKEN: 'ghp_abcdef', UNSET_TOKEN: undefined };
    const defaults = { DB_PASSWORD: 'pw-123456789', NODE_ENV: 'production' };
    const task = { API_KEY: 'ghp_abcdef', PRIVATE: 'wxyz' };
    expect(secretValues(aad, defaults, task)).toEqual(['pw-123456789', 'ghp_abcdef', 'wxyz']);
  });

  it(`ignores values shorter than ${MIN_SECRET_LENGTH} characters and undefined environments`, () => {
    expect(secretValues({ TOKEN: 'abc', SECRET: '', PASSWORD: 'abcd' }, undefined)).toEqual(['abcd']);
    expect(secretValues()).toEqual([]);
    expect(secretValues(undefined, {})).toEqual([]);
  });

  it('the values it returns are masked in text', () => {
    const secrets = secretValues({ NPM_TOKEN: 'npm_s3cr3t', HOME: '/home/me' });
    expect(maskText('HOME=/home/me NPM_TOKEN=npm_s3cr3t', secrets)).toBe('HOME=/home/me NPM_TOKEN=***');
  });
});
