#!/usr/bin/env node
'use strict';
// Starts aad: its whole CLI is one CommonJS bundle (dist/cli/aad.cjs), compiled with the V8 code cache
// that the build made for it (dist/cli/aad.cjs.cache), so that Node neither starts its ES module loader
// nor compiles aad's functions again on every start. A cache that does not fit this Node (another
// version, other V8 flags) is rejected by V8, and aad then compiles as usual: it only costs time.
const { readFileSync } = require('node:fs');
const { createRequire, wrap } = require('node:module');
const { dirname, join } = require('node:path');
const { Script, constants } = require('node:vm');

const BUNDLE = join(__dirname, '..', 'dist', 'cli', 'aad.cjs');
/** Two caches of the bundle: a small one for the quick commands, a larger one warmed by a run too. */
const CACHE = { quick: `${BUNDLE}.cache`, run: `${BUNDLE}.run.cache` };

/** Compiles and evaluates the bundle with a cache (null: none); returns its exports and the script (the build makes the caches from it). */
function load(cacheFile) {
  let source;
  try {
    source = readFileSync(BUNDLE, 'utf8');
  } catch (err) {
    process.stderr.write(`aad: cannot read ${BUNDLE} (${err.code ?? err.message}): aad is not built; run \`npm run build\` (npm ci does it).\n`);
    process.exit(1);
  }
  let cachedData;
  try {
    if (cacheFile) cachedData = readFileSync(cacheFile);
  } catch {
    // no cache: compile from source
  }
    // importModuleDynamically: an import() left in the bundle (of a Node built-in) works as in any module.
  const script = new Script(wrap(source), { filename: BUNDLE, cachedData, importModuleDynamically: constants.USE_MAIN_CONTEXT_DEFAULT_LOADER });
  const module = { exports: {} };
  script.runInThisContext()(module.exports, createRequire(BUNDLE), module, BUNDLE, dirname(BUNDLE));
  return { exports: module.exports, script };
}

if (require.main === module) {
  const args = process.argv.slice(2);
  load(args.includes('run') || args.includes('resume') ? CACHE.run : CACHE.quick).exports.main(args);
} else {
  module.exports = { load, CACHE };
}
