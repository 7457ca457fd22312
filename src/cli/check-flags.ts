import type { ArgsDef, CommandDef } from 'citty';
import { UsageError } from '../errors.js';
import { suggest } from '../plan/suggest.js';

/** Refuses flags a command does not define (citty would silently accept them). */
export function checkFlags(cmd: CommandDef<ArgsDef>, name: string | undefined, rest: string[]): void {
  const defs = (cmd.args ?? {}) as ArgsDef;
  const known = new Set<string>();
  for (const [key, def] of Object.entries(defs)) {
    if (def.type === 'positional') continue;
    const alias = (def as { alias?: string | string[] }).alias;
    const names = [key, ...(alias === undefined ? [] : Array.isArray(alias) ? alias : [alias])];
    for (const n of names) {
      known.add(n);
      if (def.type === 'boolean') known.add(`no-${n}`);
    }
  }
  const stringFlags = new Set(Object.entries(defs).filter(([, d]) => d.type === 'string').map(([k]) => k));
  const positionals = Object.values(defs).filter((d) => d.type === 'positional').length;
  let seenPositionals = 0;
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i]!;
    if (a === '--') break;
    if (!a.startsWith('-') || a === '-') {
      if (++seenPositionals > positionals) throw new UsageError(`unexpected argument "${a}" for \`aad${name ? ' ' + name : ''}\``);
      continue;
    }
    const flag = a.replace(/^--?/, '').split('=')[0]!;
    if (!known.has(flag)) throw unknownFlag(a, name, [...known].filter((k) => !k.startsWith('no-')));
    if (stringFlags.has(flag) && !a.includes('=')) {
      if (i + 1 >= rest.length || rest[i + 1]!.startsWith('--')) throw new UsageError(`flag "${a}" needs a value`);
      i++;
    }
  }
}

/** The error for a command name that does not exist, with a suggestion. */
export function unknownCommand(name: string, names: string[]): UsageError {
  const hint = suggest(name, names);
  return new UsageError(`unknown command "${name}"${hint ? ` (did you mean "${hint}"?)` : ''}; commands: ${names.join(', ')}`);
}

/** The error for flags without a command. */
export function noCommand(): UsageError {
  return new UsageError('no command given; see `aad --help`');
}

/** The error for a flag `arg` that `aad NAME` does not take, with the closest of `known` suggested. */
export function unknownFlag(arg: string, name: string | undefined, known: string[]): UsageError {
  const hint = suggest(arg.replace(/^--?/, '').split('=')[0]!, known);
  const cmd = `aad${name ? ' ' + name : ''}`;
  return new UsageError(`unknown flag "${arg.split('=')[0]}" for \`${cmd}\`${hint ? ` (did you mean "--${hint}"?)` : ''}; see \`${cmd} --help\``);
}
