// 7. Artifact collection: bench/artifacts.mjs (a colleague's), when it exists, run as a child with --json.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BENCH_DIR, NODE, childEnv, table } from './lib.mjs';

const SCRIPT = join(BENCH_DIR, 'artifacts.mjs');

function runChild(args, tables) {
  return new Promise((resolve) => {
    const child = spawn(NODE, [SCRIPT, ...args], { env: childEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (c) => (out += c));
    child.stderr.on('data', (c) => {
      err += c;
      tables.write(c);
    });
    child.on('error', (e) => (err += String(e)));
    child.on('close', (code, signal) => resolve({ code, signal, out, err }));
  });
}

/** A table from the child's JSON: each top-level array of objects becomes rows of their plain fields. */
function render(data) {
  const out = [];
  const plain = (v) => v === null || ['string', 'number', 'boolean'].includes(typeof v);
  const head = Object.entries(data).filter(([, v]) => plain(v)).map(([k, v]) => `${k}=${v}`);
  for (const [key, list] of Object.entries(data)) {
    if (!Array.isArray(list) || !list.length || typeof list[0] !== 'object') continue;
    const cols = [...new Set(list.flatMap((o) => Object.keys(o)))];
    const cell = (v) => (Array.isArray(v) ? v.join(' / ') : v === true ? 'yes' : v === false ? 'no' : v);
    out.push(table(`7. Artifact collection (bench/artifacts.mjs) — ${key}`, cols, list.map((o) => cols.map((c) => cell(o[c]))), [head.join(', ')]));
  }
  return out.join('') || table('7. Artifact collection (bench/artifacts.mjs)', ['figure', 'value'], head.map((h) => h.split('=')));
}

export async function run({ quick, log, json, only }) {
  if (!existsSync(SCRIPT)) {
    log('  bench/artifacts.mjs is not there (yet): skipped');
    return null;
  }
  const knowsQuick = readFileSync(SCRIPT, 'utf8').includes('--quick');
  if (quick && !knowsQuick && !only) {
    log('  bench/artifacts.mjs has no --quick (a full run takes minutes): skipped under --quick; run it with --only artifacts');
    return { data: { skipped: 'no --quick in bench/artifacts.mjs' }, table: '\n## 7. Artifact collection: skipped under --quick (bench/artifacts.mjs has no --quick; use --only artifacts)\n' };
  }
  const tables = json ? process.stderr : process.stdout;
  const args = ['--json', ...(quick && knowsQuick ? ['--quick'] : [])];
  log(`  node bench/artifacts.mjs ${args.join(' ')}`);
  const r = await runChild(args, tables);
  if (r.code !== 0) throw new Error(`bench/artifacts.mjs exited ${r.code ?? r.signal}: ${r.err.trim().split('\n').slice(-5).join(' | ')}`);
  let data;
  try {
    data = JSON.parse(r.out);
  } catch {
    throw new Error(`bench/artifacts.mjs --json did not print one JSON object on stdout: ${r.out.slice(0, 200)}`);
  }
  return { data, table: render(data) };
}
