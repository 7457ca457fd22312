// A real redis-server (Debian's package; .ci/run installs it) for the worker tests, on a unix socket in a temp
// folder, no TCP port, no persistence; and `aad worker` processes. Everything started here is killed by PID
// after the test file. Outside CI, a machine without redis-server skips these tests; in CI it fails them.
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll } from 'vitest';
import { cleanEnv, distMain, tmpDir, waitFor } from './cli.js';

export const haveRedis = spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).status === 0;
/** Skip the worker tests only where redis-server is missing outside CI. */
export const skipWithoutRedis = !haveRedis && !process.env.CI;
export const haveUnshare = spawnSync('unshare', ['-n', 'true'], { stdio: 'ignore' }).status === 0;

export const KEY = 'test-key-0123456789abcdef';

const started: ChildProcess[] = [];
afterAll(() => {
  for (const c of started) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
});

export interface RedisServer {
  url: string;
  socket: string;
  pid: number;
  child: ChildProcess;
  /** Starts it again on the same socket (after a kill). */
  restart(): Promise<RedisServer>;
}

/** Starts a redis-server on a unix socket in `dir` (a fresh temp folder by default); resolves once it answers. */
export async function startRedis(dir = tmpDir('aad-redis-')): Promise<RedisServer> {
  const socket = path.join(dir, 'redis.sock');
  fs.rmSync(socket, { force: true });
  const child = spawn('redis-server', ['--port', '0', '--unixsocket', socket, '--unixsocketperm', '700', '--save', '', '--appendonly', 'no', '--dir', dir], { stdio: 'ignore' });
  started.push(child);
  await waitFor('redis-server to listen', () => (fs.existsSync(socket) ? true : undefined), 10_000, 20);
  return { url: `unix://${socket}`, socket, pid: child.pid!, child, restart: () => startRedis(dir) };
}

export interface WorkerProcess {
  child: ChildProcess;
  pid: number;
  output(): string;
  exited: Promise<number | null>;
}

/** Starts `aad worker` on `url`, its workdir `workdir`; under `unshare -n` (no network but the socket) when asked. */
export function startWorker(url: string, workdir: string, opts: { key?: string; unshare?: boolean; args?: string[]; env?: Record<string, string | undefined> } = {}): WorkerProcess {
  const argv = [distMain, 'worker', '--redis', url, '--workdir', workdir, ...(opts.args ?? [])];
  const [file, args] = opts.unshare ? ['unshare', ['-n', process.execPath, ...argv]] : [process.execPath, argv];
  const child = spawn(file, args, {
    cwd: workdir,
    env: cleanEnv({ AAD_WORKER_KEY: opts.key ?? KEY, NODE_EXTRA_CA_CERTS: undefined, ...opts.env }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  started.push(child);
  let out = '';
  child.stdout!.on('data', (b: Buffer) => (out += b.toString()));
  child.stderr!.on('data', (b: Buffer) => (out += b.toString()));
  const exited = new Promise<number | null>((r) => child.once('close', (code) => r(code)));
  return { child, pid: child.pid!, output: () => out, exited };
}

/** Waits until the worker says it is ready (its first line). */
export function workerReady(w: WorkerProcess): Promise<true> {
  return waitFor('the worker to start', () => (w.output().includes('aad worker on') ? true : undefined), 15_000, 20);
}

/** A TLS-only redis-server on 127.0.0.1 with an ACL user `aad` (password `password`), its certificate signed by a test CA (`ca`: give it as NODE_EXTRA_CA_CERTS). */
export async function startRedisTls(password: string): Promise<{ url: string; ca: string; child: ChildProcess }> {
  const dir = tmpDir('aad-redis-tls-');
  const f = (n: string) => path.join(dir, n);
  const ssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' });
  ssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '1', '-subj', '/CN=aad test CA');
  ssl('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'srv.key', '-out', 'srv.csr', '-subj', '/CN=localhost');
  fs.writeFileSync(f('ext'), 'subjectAltName=DNS:localhost,IP:127.0.0.1\n');
  ssl('x509', '-req', '-in', 'srv.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'srv.crt', '-days', '1', '-extfile', 'ext');
  const port = await new Promise<number>((resolve) => {
    const srv = net.createServer().listen(0, '127.0.0.1', () => {
      const p = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(p));
    });
  });
  const child = spawn(
    'redis-server',
    ['--port', '0', '--bind', '127.0.0.1', '--tls-port', String(port), '--tls-cert-file', f('srv.crt'), '--tls-key-file', f('srv.key'), '--tls-ca-cert-file', f('ca.crt'), '--tls-auth-clients', 'no',
      '--save', '', '--appendonly', 'no', '--dir', dir, '--user', 'default', 'off', '--user', 'aad', 'on', `>${password}`, '~*', '&*', '+@all'],
    { stdio: 'ignore' },
  );
  started.push(child);
  await waitFor('redis-server (TLS) to listen', () =>
    new Promise<true | undefined>((resolve) => {
      const s = net.connect(port, '127.0.0.1', () => {
        s.destroy();
        resolve(true);
      });
      s.on('error', () => resolve(undefined));
    }), 10_000, 50);
  return { url: `rediss://aad:${password}@localhost:${port}`, ca: f('ca.crt'), child };
}
