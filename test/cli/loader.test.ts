// bin/aad.cjs: loads the CommonJS bundle with the V8 code cache the build made, and copes without it.
import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { cleanEnv, tmpDir, writePlan } from '../helpers/cli.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const PLAN = 'tasks:\n  - id: a\n    cmd: echo a\n  - id: b\n    cmd: echo b\n    depends_on: [a]\n';

/** A copy of the package's entry, bundle and cache (and package.json, schema/) in a folder of its own. */
function copyOfPackage(cache: 'same' | 'garbage' | 'none', bundle = true): string {
  const dir = tmpDir('aad-loader-');
  mkdirSync(join(dir, 'bin'));
  mkdirSync(join(dir, 'dist', 'cli'), { recursive: true });
  mkdirSync(join(dir, 'schema'));
  copyFileSync(join(ROOT, 'bin', 'aad.cjs'), join(dir, 'bin', 'aad.cjs'));
  copyFileSync(join(ROOT, 'package.json'), join(dir, 'package.json'));
  copyFileSync(join(ROOT, 'schema', 'aad.schema.json'), join(dir, 'schema', 'aad.schema.json'));
  for (const name of ['aad.cjs', 'aad-quick.cjs']) {
    if (bundle) copyFileSync(join(ROOT, 'dist', 'cli', name), join(dir, 'dist', 'cli', name));
    if (cache === 'same') copyFileSync(join(ROOT, 'dist', 'cli', `${name}.cache`), join(dir, 'dist', 'cli', `${name}.cache`));
    if (cache === 'garbage') writeFileSync(join(dir, 'dist', 'cli', `${name}.cache`), Buffer.alloc(4096, 7));
  }
  return join(dir, 'bin', 'aad.cjs');
}

describe('bin/aad.cjs', () => {
  it.each(['quick', 'full'] as const)('compiles the %s bundle with the code cache of the build, which this Node accepts', (which) => {
    const { load, BUNDLES } = createRequire(import.meta.url)('../../bin/aad.cjs') as {
      load(bundle: { file: string; cache: string }): { exports: { main: unknown }; script: { cachedDataRejected?: boolean } };
      BUNDLES: Record<'quick' | 'full', { file: string; cache: string }>;
    };
    const { exports, script } = load(BUNDLES[which]);
    expect(typeof exports.main).toBe('function');
    expect(script.cachedDataRejected).toBe(false);
  });

  it.concurrent.each(['same', 'garbage', 'none'] as const)('validates, runs and prints the schema with %s cache', async (cache) => {
    const main = copyOfPackage(cache);
    const cwd = tmpDir();
    writePlan(cwd, PLAN);
    const validate = await aad(main, ['validate'], cwd);
    expect(validate).toMatchObject({ code: 0, stderr: '' });
    expect(validate.stdout).toBe('aad.yaml: valid: 2 tasks, 1 dependency, 2 waves\n');
    const run = await aad(main, ['run', '--quiet', '--home', join(cwd, 'home')], cwd);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const log = await aad(main, ['logs', '--task', 'b', '--home', join(cwd, 'home')], cwd);
    expect(log.stdout).toBe('b\n');
    const schema = await aad(main, ['schema'], cwd);
    expect(schema.code).toBe(0);
    expect(JSON.parse(schema.stdout).$schema).toBe('http://json-schema.org/draft-07/schema#');
  });

  it('says that aad is not built when the bundle is missing (exit 1, no stack)', async () => {
    const main = copyOfPackage('none', false);
    const r = await aad(main, ['validate'], tmpDir());
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^aad: cannot read .*dist\/cli\/aad-quick\.cjs \(ENOENT\): aad is not built; run `npm run build` \(npm ci does it\)\.\n$/);
    const run = await aad(main, ['run'], tmpDir());
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^aad: cannot read .*dist\/cli\/aad\.cjs \(ENOENT\): aad is not built/);
  });
});

function aad(main: string, args: string[], cwd: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [main, ...args], { cwd, env: cleanEnv() }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : null) : 0, stdout, stderr });
    });
  });
}
