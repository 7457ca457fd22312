// Bundles the CLI into one CommonJS file, dist/cli/aad.cjs, and makes V8's code cache for it,
// dist/cli/aad.cjs.cache; bin/aad.cjs loads both. Measured with `npm run bench -- --only startup`:
// Node's ES module loader alone costs ~5 ms a start, and compiling aad's functions most of the rest,
// so `aad validate` of a small plan went from ~2.1× `node -e 0` (ESM chunks) to ~1.3× (this).
// Library modules stay as tsc emitted them (bench/ imports some).
import { build } from 'esbuild';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const outdir = join(root, 'dist', 'cli');
// Outputs of earlier layouts (ESM chunks) and of this one.
for (const f of readdirSync(outdir)) if (f.startsWith('chunk-') || f.startsWith('aad.cjs')) rmSync(join(outdir, f));
await build({
  entryPoints: [join(root, 'src', 'cli', 'main.ts')],
  outfile: join(outdir, 'aad.cjs'),
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  packages: 'bundle',
  mainFields: ['module', 'main'],
  // The bundle is CommonJS: import.meta.url (the package root, the lazy require of yaml) becomes its own URL.
  define: { 'import.meta.url': '__aadBundleUrl' },
  banner: { js: "const __aadBundleUrl = require('node:url').pathToFileURL(__filename).href;" },
  minify: !process.argv.includes('--no-minify'),
  logLevel: 'warning',
});

// bin/aad.cjs compiles the bundle as a vm.Script: an import() of a module of the bundle must have been inlined.
if (/\bimport\((?!"node:)/.test(readFileSync(join(outdir, 'aad.cjs'), 'utf8'))) throw new Error('dist/cli/aad.cjs has an import() that esbuild did not inline');

// A code cache holds the functions compiled when it is made. Two caches of the same bundle: one warmed with
// the quick commands (help, validate, graph, a plan error, status, logs), for which a smaller cache loads
// faster, and one warmed with a small run too, for run and resume (bin/aad.cjs picks by command).
const require = createRequire(import.meta.url);
const { load, CACHE } = require('../bin/aad.cjs');
const { exports: aad, script } = load(null);
const work = mkdtempSync(join(tmpdir(), 'aad-cache-'));
writeFileSync(join(work, 'run.yaml'), 'tasks:\n  - id: a\n    cmd: echo a\n    env: { CACHE_TOKEN: not-a-secret }\n  - id: b\n    cmd: [echo, b]\n    depends_on: [a]\n');
writeFileSync(join(work, 'bad.yaml'), 'tasks:\n  - id: a\n    cmd: true\n    depends_on: [b]\n    retries: -1\n');
const examples = join(root, 'examples');
const warmups = [
  ['--help'],
  ['run', '--help'],
  ['validate', join(examples, 'parallel.yaml')],
  ['graph', join(examples, 'parallel.yaml')],
  ['validate', join(work, 'bad.yaml')],
  ['status', '--home', join(work, 'home')],
];
const runWarmups = [
  ['run', '--quiet', '--home', join(work, 'home'), join(work, 'run.yaml')],
  ['status', '--home', join(work, 'home')],
  ['logs', '--task', 'a', '--home', join(work, 'home')],
];
const { stdout, stderr } = process;
const write = [stdout.write, stderr.write];
stdout.write = stderr.write = () => true;
try {
  for (const args of warmups) await aad.main(args);
  writeFileSync(CACHE.quick, script.createCachedData());
  for (const args of runWarmups) await aad.main(args);
  writeFileSync(CACHE.run, script.createCachedData());
} finally {
  [stdout.write, stderr.write] = write;
  process.exitCode = 0;
  rmSync(work, { recursive: true, force: true });
}
