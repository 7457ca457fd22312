// Generates, from schema/aad.schema.json (the single source of truth):
//   src/plan/types.gen.ts      TypeScript types (json-schema-to-typescript)
//   src/plan/validator.gen.js  the ajv validator, compiled ahead of time (ajv standalone), so that
//                              `aad validate` neither imports ajv's compiler nor compiles at start-up.
// `node scripts/gen-types.mjs --check` exits 1 when either file is stale.
import { readFileSync, writeFileSync } from 'node:fs';
import { compile } from 'json-schema-to-typescript';
import Ajv from 'ajv';
import standaloneCode from 'ajv/dist/standalone/index.js';

const root = new URL('..', import.meta.url);
const schema = JSON.parse(readFileSync(new URL('schema/aad.schema.json', root), 'utf8'));
const banner = '/* Generated from schema/aad.schema.json by `npm run gen:types`. Do not edit. */\n';

const types = banner + (await compile(schema, 'PlanInput', {
  bannerComment: '',
  additionalProperties: false,
  style: { singleQuote: true },
}));

const ajv = new Ajv({ allErrors: true, verbose: true, strict: true, allowUnionTypes: true, unicode: false, code: { source: true, esm: true, lines: true } });
const validatorJs = banner + '// @ts-nocheck\n' + standaloneCode(ajv, ajv.compile(schema));

const outputs = [
  ['src/plan/types.gen.ts', types],
  ['src/plan/validator.gen.js', validatorJs],
];
let stale = false;
for (const [path, text] of outputs) {
  const url = new URL(path, root);
  let old = null;
  try { old = readFileSync(url, 'utf8'); } catch {}
  if (old === text) continue;
  if (process.argv.includes('--check')) {
    console.error(`${path} is stale: run \`npm run gen:types\``);
    stale = true;
  } else {
    writeFileSync(url, text);
    console.log(`wrote ${path}`);
  }
}
process.exit(stale ? 1 : 0);
