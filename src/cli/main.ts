import { defineCommand, renderUsage, runCommand, type ArgsDef, type CommandDef } from 'citty';
import { readFileSync } from 'node:fs';
import { packageRoot } from './package-files.js';
import { COMMAND_META, commands } from './commands/index.js';
import { fillOptionalValues, findCommandWord, isCommandFlag, SWITCH_FLAGS, VALUE_FLAGS } from './command-flags.js';
// Only what `aad --help` needs is imported here; the rest loads when used (start-up time).

/** The package version, read only when shown (--version, help). */
function version(): string {
  return (JSON.parse(readFileSync(new URL('package.json', packageRoot), 'utf8')) as { version: string }).version;
}

const root = defineCommand({
  meta: () => ({
    name: 'aad',
    version: version(),
    description: 'Run a plan of tasks as a DAG, in parallel, with timeouts, retries, rollbacks and a run history.\nExit codes: 0 ok, 1 aad failed, 2 invalid plan or usage, 3 a task failed, was blocked or was skipped, 4 cancelled.',
  }),
  subCommands: commands,
});

/** The top-level help: commands listed from their metadata, without loading them (keeps `aad --help` fast). */
const mainHelp = defineCommand({
  meta: root.meta,
  subCommands: Object.fromEntries(Object.entries(COMMAND_META).map(([name, meta]) => [name, { meta }])),
});

async function resolve(rawArgs: string[]): Promise<{ cmd: CommandDef<ArgsDef>; name?: string; rest: string[] }> {
  const idx = findCommandWord(rawArgs);
  if (idx === -1) return { cmd: root as CommandDef<ArgsDef>, rest: rawArgs };
  const name = rawArgs[idx]!;
  const load = commands[name];
  if (!load) {
    const { unknownCommand, unknownFlag } = await import('./check-flags.js');
    // `aad --hme DIR run`: the word taken for a command may be the value of a mistyped flag.
    const bad = rawArgs.slice(0, idx).find((a) => a.startsWith('-') && !isCommandFlag(a));
    if (bad) throw unknownFlag(bad, undefined, [...VALUE_FLAGS, ...SWITCH_FLAGS].filter((f) => f.length > 1));
    throw unknownCommand(name, Object.keys(commands));
  }
  const mod = await load();
  return { cmd: mod as CommandDef<ArgsDef>, name, rest: [...rawArgs.slice(0, idx), ...rawArgs.slice(idx + 1)] };
}

/** citty's usage text, without colour codes where colours are off. */
async function usage(cmd: CommandDef<ArgsDef>, parent: CommandDef<ArgsDef> | undefined, stream: NodeJS.WriteStream): Promise<string> {
  const text = await renderUsage(cmd, parent);
  const { colorEnabled } = await import('../report/style.js');
  // eslint-disable-next-line no-control-regex
  return (colorEnabled(stream) ? text : text.replace(/\x1b\[[0-9;]*m/g, '')).replace(/ +$/gm, '') + '\n';
}

async function cli(rawArgs: string[]): Promise<void> {
  // What the completion scripts ask on each Tab: hidden, not a command (cli/complete.ts).
  if (rawArgs[0] === '__complete') return (await import('./complete.js')).printCompletion(rawArgs.slice(1));
  if (rawArgs.length === 1 && (rawArgs[0] === '--version' || rawArgs[0] === '-v')) {
    process.stdout.write(version() + '\n');
    return;
  }
  const wantsHelp = rawArgs.includes('--help') || rawArgs.includes('-h');
  if (rawArgs.length === 0) {
    process.stderr.write(await usage(mainHelp as CommandDef<ArgsDef>, undefined, process.stderr));
    process.exitCode = 2;
    return;
  }
  const resolved = await resolve(rawArgs);
  const { cmd, name } = resolved;
  const rest = fillOptionalValues(resolved.rest);
  if (wantsHelp) {
    process.stdout.write(await usage(name ? cmd : (mainHelp as CommandDef<ArgsDef>), name ? (mainHelp as CommandDef<ArgsDef>) : undefined, process.stdout));
    return;
  }
  const { checkFlags, noCommand } = await import('./check-flags.js');
  // Flags that some command takes, given without any command: the command is what is missing.
  if (!name && rest.filter((a) => a.startsWith('-')).every(isCommandFlag)) throw noCommand();
  checkFlags(cmd, name, rest);
  if (!name) throw noCommand();
  await runCommand(cmd, { rawArgs: rest });
}

let guarded = false;

/**
 * Runs aad with these arguments (process.argv.slice(2)); the exit code is left in process.exitCode.
 * bin/aad.cjs calls it from the bundle; the build calls it too, to warm V8's code cache.
 */
export async function main(rawArgs: string[]): Promise<void> {
  if (!guarded) {
    guarded = true;
    // `aad graph | head` closes the pipe early: stop printing quietly (a run goes on) instead of
    // dying of an unhandled EPIPE with a stack trace.
    for (const stream of [process.stdout, process.stderr]) {
      stream.on('error', (err: NodeJS.ErrnoException) => {
        if (err.code !== 'EPIPE') process.exitCode = 1;
      });
    }
  }
  try {
    await cli(rawArgs);
  } catch (err) {
    (await import('./exit.js')).reportError(err);
  }
}
