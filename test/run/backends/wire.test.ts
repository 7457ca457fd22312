// The workers' wire: URLs parsed and masked, jobs signed and verified, the key and lease read from the environment.
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../src/errors.js';
import { jobId, leaseMs, maskUrl, parseRedisUrl, queueName, sign, verify, workerKey, type JobPayload } from '../../../src/run/backends/wire.js';

const payload: JobPayload = {
  v: 1, run: '20261206-010203-ab12', session: 's1', job: '20261206-010203-ab12:build:1', task: 'build', attempt: 1,
  cmd: { kind: 'shell', script: 'make' }, cwd: '.', env: { TOKEN: 'abc' }, killGraceMs: 5000, secrets: ['abc'], outputs: [], leaseMs: 10_000, from: 'runner',
};

describe('maskUrl / parseRedisUrl', () => {
  it.each([
    ['redis://localhost', 'redis://localhost', { host: 'localhost', port: 6379 }],
    ['redis://:pw@10.0.0.5:6380/2', 'redis://:***@10.0.0.5:6380/2', { host: '10.0.0.5', port: 6380, password: 'pw', db: 2 }],
    ['redis://alice:s%40cret@h', 'redis://alice:***@h', { host: 'h', port: 6379, username: 'alice', password: 's@cret' }],
    ['rediss://bob:x@h:7000', 'rediss://bob:***@h:7000', { host: 'h', port: 7000, username: 'bob', password: 'x', tls: {} }],
    ['redis://[::1]:6379', 'redis://[::1]:6379', { host: '::1', port: 6379 }],
    ['unix:///run/redis.sock', 'unix:///run/redis.sock', { path: '/run/redis.sock' }],
    ['unix:///run/redis.sock?db=3', 'unix:///run/redis.sock?db=3', { path: '/run/redis.sock', db: 3 }],
  ])('%s', (url, shown, options) => {
    expect(maskUrl(url)).toBe(shown);
    expect(parseRedisUrl(url)).toEqual({ shown, options });
  });

  it.each([
    ['http://h', 'unknown scheme http:'],
    ['not a url', 'not a URL'],
    ['redis://h/x', 'the database must be a number'],
    ['unix://', 'name the socket'],
  ])('refuses %s, saying why (and never the password)', (url, why) => {
    expect(() => parseRedisUrl(url)).toThrow(UsageError);
    expect(() => parseRedisUrl(url)).toThrow(why);
  });

  it('a bad URL with a password is shown masked', () => {
    expect(() => parseRedisUrl('redis://:hunter2@h/zz')).toThrow('redis://:***@h/zz');
  });

  it.each([
    ['redis://:p@ss@host:6379', 'redis://:***@host:6379'],
    ['redis://u:a/b+c@host', 'redis://u:***@host'],
    ['rediss://u:q?x#y@host', 'rediss://u:***@host'],
    ['unix:///run/a@b.sock', 'unix:///run/a@b.sock'],
    ['no scheme:secret@host', 'no scheme:***@host'],
  ])('masks the whole password of %s, whatever it holds', (url, shown) => {
    expect(maskUrl(url)).toBe(shown);
    let message = '';
    try {
      parseRedisUrl(url);
    } catch (err) {
      message = (err as Error).message;
    }
    for (const secret of ['ss@', 'a/b+c', 'q?x#y', 'secret']) expect(message).not.toContain(secret);
  });
});

describe('sign / verify', () => {
  const key = 'k'.repeat(32);
  it('verifies what the same key signed, and gives the payload back', () => {
    expect(verify(sign(payload, key), key)).toEqual(payload);
  });
  it.each([
    ['another key', () => sign(payload, 'x'.repeat(32))],
    ['a changed payload', () => ({ ...sign(payload, key), p: JSON.stringify({ ...payload, cmd: { kind: 'shell', script: 'rm -rf /' } }) })],
    ['no signature', () => ({ p: JSON.stringify(payload) })],
    ['a short signature', () => ({ ...sign(payload, key), s: 'abcd' })],
    ['not an object', () => 'hello'],
    ['null', () => null],
  ])('refuses %s', (_name, make) => {
    expect(verify(make(), key)).toBeUndefined();
  });
});

describe('the environment and flags', () => {
  it('AAD_WORKER_KEY is required, and long enough', () => {
    expect(() => workerKey({}, 'worker')).toThrow('AAD_WORKER_KEY is not set');
    expect(() => workerKey({ AAD_WORKER_KEY: 'short' }, 'runner')).toThrow('too short');
    expect(workerKey({ AAD_WORKER_KEY: '0123456789abcdef' }, 'runner')).toBe('0123456789abcdef');
  });
  it('AAD_WORKER_LEASE_SEC: 10 s by default, 1 to 3600 s', () => {
    expect(leaseMs({})).toBe(10_000);
    expect(leaseMs({ AAD_WORKER_LEASE_SEC: '2.5' })).toBe(2500);
    expect(() => leaseMs({ AAD_WORKER_LEASE_SEC: '0' })).toThrow('from 1 to 3600');
    expect(() => leaseMs({ AAD_WORKER_LEASE_SEC: 'ten' })).toThrow(UsageError);
  });
  it('--queue: aad by default; no colon (BullMQ refuses it)', () => {
    expect(queueName(undefined)).toBe('aad');
    expect(queueName('gpu-1')).toBe('gpu-1');
    expect(() => queueName('a:b')).toThrow('--queue');
  });
  it('a job id is <run_id>:<task>:<attempt>', () => {
    expect(jobId('20261206-010203-ab12', 'build.x', 3)).toBe('20261206-010203-ab12:build.x:3');
  });
});
