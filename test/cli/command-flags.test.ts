// The top level knows every command's flags without loading the commands: these lists must not drift.
import type { ArgsDef } from 'citty';
import { describe, expect, it } from 'vitest';
import { commands } from '../../src/cli/commands/index.js';
import { fillOptionalValues, findCommandWord, SWITCH_FLAGS, VALUE_FLAGS } from '../../src/cli/command-flags.js';

describe('command flags', () => {
  it('lists exactly the flags the commands define, by whether they take a value', async () => {
    const value = new Set<string>();
    const switches = new Set<string>();
    for (const load of Object.values(commands)) {
      const args = ((await load()).args ?? {}) as ArgsDef;
      for (const [name, def] of Object.entries(args)) {
        if (def.type === 'positional') continue;
        const alias = (def as { alias?: string | string[] }).alias;
        for (const n of [name, ...(alias === undefined ? [] : [alias].flat())]) (def.type === 'boolean' ? switches : value).add(n);
      }
    }
    expect([...VALUE_FLAGS].sort()).toEqual([...value].sort());
    expect([...SWITCH_FLAGS].sort()).toEqual([...switches].sort());
  });

  it.each([
    [['run'], 0],
    [['--home', 'h', 'run'], 2],
    [['--home=h', 'run'], 1],
    [['--json', 'status'], 1],
    [['-f', 'logs'], 1],
    [['--max-parallel', '2', '--workdir', 'w', 'run', 'x'], 4],
    [['--home', 'h'], -1],
    [['--', 'run'], -1],
  ])('finds the command word in %j at %i', (args, at) => {
    expect(findCommandWord(args)).toBe(at);
  });

  it.each([
    [['--force'], ['--force=all']],
    [['--force', '--quiet'], ['--force=all', '--quiet']],
    [['--force', 'build,test'], ['--force=build,test']],
    [['--force', 'aad.yaml'], ['--force=all', 'aad.yaml']],
    [['plans/ci.YML', '--force'], ['plans/ci.YML', '--force=all']],
    [['--force=x', 'y'], ['--force=x', 'y']],
    [['--', '--force'], ['--', '--force']],
  ])('gives --force its value in %j', (args, out) => {
    expect(fillOptionalValues(args)).toEqual(out);
  });
});
