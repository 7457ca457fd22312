/** The one place that writes to stdout/stderr for commands (the run console has its own reporter). */
export function printOut(text: string): void {
  process.stdout.write(text.endsWith('\n') ? text : text + '\n');
}

/** Writes a message to stderr. */
export function printErr(text: string): void {
  process.stderr.write(text.endsWith('\n') ? text : text + '\n');
}
