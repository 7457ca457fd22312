import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { readDataEvents, readPipeInPlace } from '../../src/run/pipe-reader.js';

/** Spawns a shell script with its stdout piped; resolves with what reading in place got, and whether Node's 'close' came. */
function readChild(script: string, opts: { pauseFirstMs?: number } = {}) {
  const child = spawn('/bin/sh', ['-c', script], { stdio: ['ignore', 'pipe', 'ignore'] });
  const hash = createHash('sha256');
  let bytes = 0;
  let chunks = 0;
  let chunksWhilePaused = 0;
  let paused = false;
  const reader = readPipeInPlace(child.stdout!, (chunk) => {
    if (paused) chunksWhilePaused++;
    chunks++;
    bytes += chunk.length;
    hash.update(chunk);
    if (opts.pauseFirstMs !== undefined && chunks === 1) {
      paused = true;
      reader!.pause();
      setTimeout(() => {
        paused = false;
        reader!.resume();
      }, opts.pauseFirstMs);
      return false;
    }
    return true;
  });
  const closed = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
  return { reader, closed, result: () => ({ bytes, chunks, chunksWhilePaused, sha: hash.digest('hex') }) };
}

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** The bytes `seq`-like scripts below print, made here to compare. */
function numbers(from: number, to: number, tag: string): Buffer {
  const lines: string[] = [];
  for (let i = from; i <= to; i++) lines.push(`${tag} ${i}`);
  return Buffer.from(lines.join('\n') + '\n');
}

describe.concurrent('readPipeInPlace', () => {
  it('reads a child pipe to its end, every byte in order, and the child still emits close', async () => {
    const c = readChild(`i=1; while [ $i -le 20000 ]; do echo "line $i"; i=$((i+1)); done`);
    expect(c.reader).toBeDefined();
    expect(await c.closed).toBe(0);
    const r = c.result();
    expect(r.bytes).toBe(numbers(1, 20000, 'line').length);
    expect(r.sha).toBe(sha(numbers(1, 20000, 'line')));
  });

  it('keeps the output of concurrent children apart although they are read into one buffer', async () => {
    // Large outputs (several reads each) written at the same time, so that reads of the two pipes interleave.
    const a = readChild(`seq -f 'a %g' 1 300000`);
    const b = readChild(`seq -f 'b %g' 1 300000`);
    await Promise.all([a.closed, b.closed]);
    const ra = a.result();
    const rb = b.result();
    expect(ra.chunks).toBeGreaterThan(5);
    expect(rb.chunks).toBeGreaterThan(5);
    expect(ra.sha).toBe(sha(numbers(1, 300000, 'a')));
    expect(rb.sha).toBe(sha(numbers(1, 300000, 'b')));
  });

  it('stops reading while paused (the writer waits on its full pipe) and reads the rest after resume', async () => {
    const c = readChild(`seq 1 200000`, { pauseFirstMs: 150 });
    const t0 = Date.now();
    await c.closed;
    const r = c.result();
    expect(r.chunksWhilePaused).toBe(0);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(140);
    expect(r.sha).toBe(sha(Buffer.from(Array.from({ length: 200000 }, (_, i) => `${i + 1}\n`).join(''))));
  });

  it('destroy closes the pipe at once, even while a process still holds it open', async () => {
    const child = spawn('/bin/sh', ['-c', 'echo start; exec sleep 5'], { stdio: ['ignore', 'pipe', 'ignore'], detached: true });
    let got = '';
    const reader = readPipeInPlace(child.stdout!, (chunk) => ((got += chunk.toString()), true))!;
    await new Promise((r) => setTimeout(r, 100));
    reader.destroy();
    process.kill(-child.pid!, 'SIGKILL');
    await new Promise((r) => child.once('close', r));
    expect(got).toBe('start\n');
  });

  it('returns undefined for a stream without a pipe handle (the caller then reads data events)', async () => {
    const s = new PassThrough();
    expect(readPipeInPlace(s, () => true)).toBeUndefined();
    const seen: string[] = [];
    const reader = readDataEvents(s, (chunk) => (seen.push(chunk.toString()), true));
    s.write('x');
    s.end('y');
    await new Promise((r) => s.once('end', r));
    expect(seen.join('')).toBe('xy');
    reader.destroy();
  });
});
