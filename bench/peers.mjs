// The peer tools (wireit, Turborepo) live in bench/peers/, a package of their own, installed on first use.
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BENCH_DIR, childEnv } from './lib.mjs';

export const PEERS = join(BENCH_DIR, 'peers');
const BIN = join(PEERS, 'node_modules', '.bin');

let installed;
/**
 * Installs bench/peers/ with `npm install --prefix bench/peers` when its node_modules is missing.
 * That one npm keeps NODE_EXTRA_CA_CERTS: here the registry is reached through a proxy whose CA it names.
 * Returns null when ready, else why not.
 */
export function ensurePeers(log) {
  if (installed !== undefined) return installed;
  const ready = () => existsSync(join(PEERS, 'node_modules', 'wireit', 'package.json')) && existsSync(join(PEERS, 'node_modules', 'turbo', 'package.json'));
  if (!ready()) {
    log('  installing peers: npm install --prefix bench/peers …');
    const r = spawnSync('npm', ['install', '--prefix', PEERS, '--no-audit', '--no-fund', '--loglevel=error'], {
      env: { ...process.env },
      encoding: 'utf8',
      timeout: 300_000,
    });
    if (r.status !== 0 || !ready()) {
      installed = `npm install --prefix bench/peers failed (${r.error ? r.error.message : `exit ${r.status}`}): ${(r.stderr ?? '').trim().split('\n').slice(-3).join(' | ')}`;
      return installed;
    }
  }
  installed = null;
  return installed;
}

/** The environment for the peers: bench/peers/node_modules/.bin first on PATH. */
export function peerEnv(extra = {}) {
  const env = childEnv(extra);
  env.PATH = `${BIN}:${env.PATH ?? ''}`;
  return env;
}

/** Turborepo's native binary (skipping the Node shim that bin/turbo is), else the shim. */
export function turboBin() {
  const native = join(PEERS, 'node_modules', '@turbo', `${process.platform}-${process.arch === 'x64' ? '64' : process.arch}`, 'bin', 'turbo');
  return existsSync(native) ? native : join(BIN, 'turbo');
}

/** Environment for Turborepo: no telemetry, no update check, no colours. */
export function turboEnv(extra = {}) {
  return peerEnv({ TURBO_TELEMETRY_DISABLED: '1', DO_NOT_TRACK: '1', TURBO_NO_UPDATE_NOTIFIER: '1', TURBO_UI: 'false', ...extra });
}

/** A folder holding a fake `npm` that does nothing: Turborepo then pays no package-manager start-up per task. */
export function noopNpmDir(base) {
  const dir = join(base, 'noop-npm-bin');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'npm'), '#!/bin/sh\nexit 0\n');
  chmodSync(join(dir, 'npm'), 0o755);
  return dir;
}

/** The npm version, for Turborepo's packageManager field. */
export function npmVersion() {
  const r = spawnSync('npm', ['--version'], { env: childEnv(), encoding: 'utf8' });
  return (r.stdout ?? '').trim().split('\n').pop() || '10.0.0';
}
