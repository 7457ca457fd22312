// A task that prints faster than the console is read must not make aad buffer its output in memory.
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { distMain, tmpDir, writePlan } from '../helpers/cli.js';

const BYTES = 80 * 1024 * 1024;

function rssKiB(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

it('a slow reader of the console holds the task back instead of growing aad memory', async () => {
  const dir = tmpDir();
  writePlan(dir, `tasks:\n  - id: flood\n    cmd: "yes 'a line of output that goes on for a while, to fill the console' | head -c ${BYTES}"\n`);
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' };
  delete env.NODE_EXTRA_CA_CERTS;
  const child = spawn(process.execPath, [distMain, 'run', '--home', join(dir, 'home')], { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout.pause(); // nobody reads the console for a while
  let peak = 0;
  const sampler = setInterval(() => (peak = Math.max(peak, rssKiB(child.pid!))), 20);
  await new Promise((r) => setTimeout(r, 1500));
  let printed = 0;
  child.stdout.on('data', (c: Buffer) => (printed += c.length));
  child.stdout.resume();
  const code = await new Promise<number | null>((r) => child.on('close', r));
  clearInterval(sampler);
  expect(code).toBe(0);
  const runs = join(dir, 'home', 'runs');
  const id = JSON.parse(readFileSync(join(dir, 'home', 'runs', readdirOne(runs), 'runner.json'), 'utf8')) as { pid: number };
  expect(id.pid).toBe(child.pid);
  expect(statSync(join(runs, readdirOne(runs), 'logs', 'flood', '1.log')).size).toBe(BYTES);
  expect(printed).toBeGreaterThan(BYTES); // every line reached the console, prefixed
  // Unbounded buffering would hold most of the 80 MB (and more as strings); flat is well under that.
  expect(peak).toBeGreaterThan(0);
  expect(peak).toBeLessThan(150 * 1024);
});

function readdirOne(dir: string): string {
  const list = readdirSync(dir);
  expect(list).toHaveLength(1);
  return list[0]!;
}
