/**
 * Flags of aad's commands that take a value (`--home DIR`), known before any command is loaded: the top level
 * skips their values when it looks for the command word, so `aad --home DIR run` runs and `aad --home DIR` says
 * that no command was given. test/cli/command-flags.test.ts holds these lists equal to the commands' own flags.
 */
export const VALUE_FLAGS: ReadonlySet<string> = new Set(['home', 'workdir', 'only', 'specs', 'max-parallel', 'task', 'attempt', 'tail', 'by', 'reason', 'approve', 'force', 'json-out', 'older-than', 'keep', 'redis', 'queue', 'concurrency']);

/** Flags of aad's commands that take no value (with their one-letter aliases). */
export const SWITCH_FLAGS: ReadonlySet<string> = new Set(['dry-run', 'fail-fast', 'failed-only', 'follow', 'f', 'json', 'quiet', 'all', 'branches', 'rollback', 'resume']);

/** Where the command word is in the arguments (values of value flags skipped), or -1 when there is none. */
export function findCommandWord(rawArgs: readonly string[]): number {
  for (let i = 0; i < rawArgs.length; i++) {
    const a = rawArgs[i]!;
    if (a === '--') return -1;
    if (!a.startsWith('-')) return i;
    if (!a.includes('=') && VALUE_FLAGS.has(a.replace(/^--?/, ''))) i++;
  }
  return -1;
}

/** Whether `arg` (`--home`, `--json=…`, `-f`) is a flag of some command. */
export function isCommandFlag(arg: string): boolean {
  const name = arg.replace(/^--?/, '').split('=')[0]!.replace(/^no-/, '');
  return VALUE_FLAGS.has(name) || SWITCH_FLAGS.has(name);
}

/**
 * Value flags whose value may be left out, with the value that then stands for it: `aad run --force` is
 * `--force all`. A word after the flag is its value unless it is a flag or names the plan file (ends in
 * `.yaml`/`.yml`): `aad run --force build` forces `build`, `aad run --force aad.yaml` forces every task.
 */
export const OPTIONAL_VALUES: ReadonlyMap<string, string> = new Map([['force', 'all']]);

/** The arguments with each optional-value flag given its value (`--force` → `--force=all`), for citty to parse. */
export function fillOptionalValues(args: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--') {
      out.push(...args.slice(i));
      break;
    }
    const implied = a.startsWith('--') && !a.includes('=') ? OPTIONAL_VALUES.get(a.slice(2)) : undefined;
    if (implied === undefined) {
      out.push(a);
      continue;
    }
    const next = args[i + 1];
    if (next === undefined || next.startsWith('-') || /\.ya?ml$/i.test(next)) out.push(`${a}=${implied}`);
    else {
      out.push(`${a}=${next}`);
      i++;
    }
  }
  return out;
}
