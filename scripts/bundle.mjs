// Bundles the CLI into dist/cli/main.js (over tsc's output) with one chunk per command, so that Node
// loads a handful of files instead of ~100 modules (yaml alone is ~60): `aad validate` starts in about
// half the time. Library modules stay as tsc emitted them (bench/ imports some).
import { build } from 'esbuild';
import { readdirSync, rmSync } from 'node:fs';

const outdir = new URL('../dist/cli/', import.meta.url).pathname;
for (const f of readdirSync(outdir)) if (f.startsWith('chunk-') || /^[a-z-]+-[A-Z0-9]{8}\.js$/.test(f)) rmSync(outdir + f);
await build({
  entryPoints: { main: new URL('../src/cli/main.ts', import.meta.url).pathname },
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  packages: 'bundle',
  mainFields: ['module', 'main'],
  // CommonJS dependencies (yaml) call require() for Node's own modules.
  // Made lazily: createRequire costs a URL conversion per chunk, and most chunks never call it.
  banner: { js: "#!/usr/bin/env node\nimport { createRequire as __aadCreateRequire } from 'node:module';\nlet __aadRequire;\nconst require = (id) => (__aadRequire ??= __aadCreateRequire(import.meta.url))(id);" },
  minify: process.argv.includes("--no-minify") ? false : true,
  chunkNames: 'chunk-[hash]',
  logLevel: 'warning',
});
