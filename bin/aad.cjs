#!/usr/bin/env node
'use strict';
// Starts aad from a CommonJS bundle of its CLI, compiled with the V8 code cache that the build made for it,
// so that Node neither starts its ES module loader nor compiles aad's functions again on every start.
// Two bundles: dist/cli/aad.cjs is the whole CLI; dist/cli/aad-quick.cjs leaves out what only run, resume,
// cancel and orchestrate need (the runner, processes, git, artifacts: 350 KB against 150 KB), for every other command.
// A cache that does not fit this Node (another version, other V8 flags) is rejected by V8, and aad then
// compiles as usual: it only costs time.
const { readFileSync } = require('node:fs');
const { createRequire, wrap } = require('node:module');
const { dirname, join } = require('node:path');
const { Script, constants } = require('node:vm');

const DIST = join(__dirname, '..', 'dist', 'cli');
const BUNDLES = {
  full: { file: join(DIST, 'aad.cjs'), cache: join(DIST, 'aad.cjs.cache') },
  quick: { file: join(DIST, 'aad-quick.cjs'), cache: join(DIST, 'aad-quick.cjs.cache') },
};
/** The commands that only the whole bundle has. */
const FULL_COMMANDS = ['run', 'resume', 'cancel', 'orchestrate', 'worker'];

/**
 * Compiles and evaluates a bundle, with its cache unless `withCache` is false; returns its exports and the
 * script (the build makes the cache from it).
 */
function load(bundle, withCache = true) {
  let source;
  try {
    source = readFileSync(bundle.file, 'utf8');
  } catch (err) {
    process.stderr.write(`aad: cannot read ${bundle.file} (${err.code ?? err.message}): aad is not built; run \`npm run build\` (npm ci does it).\n`);
    process.exit(1);
  }
  let cachedData;
  try {
    if (withCache) cachedData = readFileSync(bundle.cache);
  } catch {
    // no cache: compile from source
  }
  // importModuleDynamically: an import() left in the bundle (of a Node built-in) works as in any module.
  const script = new Script(wrap(source), { filename: bundle.file, cachedData, importModuleDynamically: constants.USE_MAIN_CONTEXT_DEFAULT_LOADER });
  const module = { exports: {} };
  script.runInThisContext()(module.exports, createRequire(bundle.file), module, bundle.file, dirname(bundle.file));
  return { exports: module.exports, script };
}

if (require.main === module) {
  const args = process.argv.slice(2);
  // Any argument that names one of them takes the whole bundle (a flag's value too: it only costs time).
  load(args.some((a) => FULL_COMMANDS.includes(a)) ? BUNDLES.full : BUNDLES.quick).exports.main(args);
} else {
  module.exports = { load, BUNDLES, FULL_COMMANDS };
}
