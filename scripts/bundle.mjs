// Bundles the CLI into CommonJS files and makes V8's code cache for each; bin/aad.cjs loads them.
// - dist/cli/aad.cjs: the whole CLI, for run, resume and cancel;
// - dist/cli/aad-quick.cjs: the same without the modules that only those three commands import (the
//   runner, processes, git, artifacts), for every other command: a smaller file and cache load faster.
// Measured with `npm run bench -- --only startup`: Node's ES module loader alone costs ~5 ms a start and
// compiling aad's functions most of the rest; `aad validate` of a small plan went from ~2.1× `node -e 0`
// (ESM chunks) to ~1.5× (one bundle and its cache), and lower with the quick bundle.
// Library modules stay as tsc emitted them (bench/ imports some).
import { build } from 'esbuild';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const require = createRequire(import.meta.url);
const { load, BUNDLES, FULL_COMMANDS } = require('../bin/aad.cjs');
const root = new URL('..', import.meta.url).pathname;
const outdir = join(root, 'dist', 'cli');
// Outputs of earlier layouts (ESM chunks) and of this one.
for (const f of readdirSync(outdir)) if (f.startsWith('chunk-') || f.startsWith('aad.cjs') || f.startsWith('aad-quick.cjs')) rmSync(join(outdir, f));

/** In the quick bundle, the commands it leaves out: loading one is a bug of bin/aad.cjs's choice. */
const leaveOut = {
  name: 'leave-out-full-commands',
  setup(b) {
    const only = new RegExp(`^\\./(${FULL_COMMANDS.join('|')})\\.js$`);
    b.onResolve({ filter: only }, (a) => (a.importer.endsWith(join('commands', 'index.ts')) ? { path: a.path, namespace: 'left-out' } : undefined));
    b.onLoad({ filter: /.*/, namespace: 'left-out' }, (a) => ({
      contents: `throw new Error(${JSON.stringify(`internal: ${a.path} is not in the quick bundle (bin/aad.cjs chose it)`)});`,
      loader: 'js',
    }));
  },
};

for (const [bundle, plugins] of [
  [BUNDLES.full, []],
  [BUNDLES.quick, [leaveOut]],
]) {
  await build({
    entryPoints: [join(root, 'src', 'cli', 'main.ts')],
    outfile: bundle.file,
    bundle: true,
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    packages: 'bundle',
    // Loaded only by `aad worker` and `--redis` (require() at run time from node_modules), never by other commands.
    external: ['bullmq', 'ioredis'],
    mainFields: ['module', 'main'],
    // The bundle is CommonJS: import.meta.url (the package root, the lazy require of yaml) becomes its own URL.
    define: { 'import.meta.url': '__aadBundleUrl' },
    banner: { js: "const __aadBundleUrl = require('node:url').pathToFileURL(__filename).href;" },
    minify: !process.argv.includes('--no-minify'),
    plugins,
    logLevel: 'warning',
  });
  // bin/aad.cjs compiles a bundle as a vm.Script: an import() of a module of the bundle must have been inlined.
  if (/\bimport\((?!"node:)/.test(readFileSync(bundle.file, 'utf8'))) throw new Error(`${bundle.file} has an import() that esbuild did not inline`);
}

// A code cache holds the functions compiled when it is made: warm each bundle with what it is for (output
// muted), then save its cache. The quick commands: help, validate, graph, list, a plan error, status, logs, runs,
// completion and what its scripts ask on each Tab;
// the whole bundle: a small run, and what a run also goes through.
const work = mkdtempSync(join(tmpdir(), 'aad-cache-'));
const home = join(work, 'home');
writeFileSync(join(work, 'run.yaml'), 'tasks:\n  - id: a\n    cmd: echo a\n    env: { CACHE_TOKEN: not-a-secret }\n  - id: b\n    cmd: [echo, b]\n    depends_on: [a]\n');
writeFileSync(join(work, 'bad.yaml'), 'tasks:\n  - id: a\n    cmd: true\n    depends_on: [b]\n    retries: -1\n');
const examples = join(root, 'examples');
const warmups = [
  [
    BUNDLES.full,
    [
      ['run', '--help'],
      ['run', '--quiet', '--home', home, join(work, 'run.yaml')],
      ['run', '--dry-run', join(examples, 'parallel.yaml')],
    ],
  ],
  [
    BUNDLES.quick,
    [
      ['--help'],
      ['validate', join(examples, 'parallel.yaml')],
      ['graph', join(examples, 'parallel.yaml')],
      ['list', join(examples, 'parallel.yaml')],
      ['completion', 'bash'],
      ['__complete', 'bash', 'logs', '--home', home, '--task', ''],
      ['validate', join(work, 'bad.yaml')],
      ['status', '--home', home],
      ['logs', '--task', 'a', '--home', home],
      ['runs', '--home', home],
    ],
  ],
];
const { stdout, stderr } = process;
const write = [stdout.write, stderr.write];
stdout.write = stderr.write = () => true;
try {
  for (const [bundle, runs] of warmups) {
    const { exports: aad, script } = load(bundle, false);
    for (const args of runs) await aad.main(args);
    writeFileSync(bundle.cache, script.createCachedData());
  }
} finally {
  [stdout.write, stderr.write] = write;
  process.exitCode = 0;
  rmSync(work, { recursive: true, force: true });
}
