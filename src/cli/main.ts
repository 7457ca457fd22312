import { defineCommand, renderUsage, runCommand, type ArgsDef, type CommandDef } from 'citty';
import { readFileSync } from 'node:fs';
import { UsageError } from '../errors.js';
import { reportError } from './exit.js';
import { packageRoot } from './package-files.js';
import { colorEnabled } from '../report/style.js';
import { COMMAND_META, commands } from './commands/index.js';
import { suggest } from '../plan/suggest.js';

const version = (JSON.parse(readFileSync(new URL('package.json', packageRoot), 'utf8')) as { version: string }).version;

const main = defineCommand({
  meta: {
    name: 'aad',
    version,
    description: 'Run a plan of tasks as a DAG, in parallel, with timeouts, retries, rollbacks and a run history.\nExit codes: 0 ok, 1 aad failed, 2 invalid plan or usage, 3 a task failed or was skipped, 4 cancelled.',
  },
  subCommands: commands,
});

/** The top-level help: commands listed from their metadata, without loading them (keeps `aad --help` fast). */
const mainHelp = defineCommand({
  meta: main.meta,
  subCommands: Object.fromEntries(Object.entries(COMMAND_META).map(([name, meta]) => [name, { meta }])),
});

async function resolve(rawArgs: string[]): Promise<{ cmd: CommandDef<ArgsDef>; name?: string; rest: string[] }> {
  const idx = rawArgs.findIndex((a) => !a.startsWith('-'));
  if (idx === -1) return { cmd: main as CommandDef<ArgsDef>, rest: rawArgs };
  const name = rawArgs[idx]!;
  const load = commands[name];
  if (!load) {
    const hint = suggest(name, Object.keys(commands));
    throw new UsageError(`unknown command "${name}"${hint ? ` (did you mean "${hint}"?)` : ''}; commands: ${Object.keys(commands).join(', ')}`);
  }
  const mod = await load();
  return { cmd: mod as CommandDef<ArgsDef>, name, rest: [...rawArgs.slice(0, idx), ...rawArgs.slice(idx + 1)] };
}

/** Refuses flags a command does not define (citty would silently accept them). */
function checkFlags(cmd: CommandDef<ArgsDef>, name: string | undefined, rest: string[]): void {
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
    if (!known.has(flag)) {
      const hint = suggest(flag, [...known].filter((k) => !k.startsWith('no-')));
      throw new UsageError(`unknown flag "${a.split('=')[0]}" for \`aad${name ? ' ' + name : ''}\`${hint ? ` (did you mean "--${hint}"?)` : ''}; see \`aad${name ? ' ' + name : ''} --help\``);
    }
    if (stringFlags.has(flag) && !a.includes('=')) {
      if (i + 1 >= rest.length || rest[i + 1]!.startsWith('--')) throw new UsageError(`flag "${a}" needs a value`);
      i++;
    }
  }
}

/** citty's usage text, without colour codes where colours are off. */
async function usage(cmd: CommandDef<ArgsDef>, parent: CommandDef<ArgsDef> | undefined, stream: NodeJS.WriteStream): Promise<string> {
  const text = await renderUsage(cmd, parent);
  // eslint-disable-next-line no-control-regex
  return (colorEnabled(stream) ? text : text.replace(/\x1b\[[0-9;]*m/g, '')).replace(/ +$/gm, '') + '\n';
}

async function cli(rawArgs: string[]): Promise<void> {
  if (rawArgs.length === 1 && (rawArgs[0] === '--version' || rawArgs[0] === '-v')) {
    process.stdout.write(version + '\n');
    return;
  }
  const wantsHelp = rawArgs.includes('--help') || rawArgs.includes('-h');
  if (rawArgs.length === 0) {
    process.stderr.write(await usage(mainHelp as CommandDef<ArgsDef>, undefined, process.stderr));
    process.exitCode = 2;
    return;
  }
  const { cmd, name, rest } = await resolve(rawArgs);
  if (wantsHelp) {
    process.stdout.write(await usage(name ? cmd : (mainHelp as CommandDef<ArgsDef>), name ? (mainHelp as CommandDef<ArgsDef>) : undefined, process.stdout));
    return;
  }
  if (!name) {
    checkFlags(cmd, undefined, rest);
    throw new UsageError(`no command given; see \`aad --help\``);
  }
  checkFlags(cmd, name, rest);
  await runCommand(cmd, { rawArgs: rest });
}

// `aad graph | head` closes the pipe early: stop printing quietly (a run goes on) instead of
// dying of an unhandled EPIPE with a stack trace.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE') process.exitCode = 1;
  });
}

cli(process.argv.slice(2)).catch(reportError);
