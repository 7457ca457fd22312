/**
 * A new run id, `20261121-083015-k3f9`: UTC start time then 4 random base-36 characters, so names sort by start time.
 * The characters need to be unlikely to repeat, not secret: Math.random, as loading node:crypto costs every run
 * ~3 ms (OpenSSL starts and reads its configuration); creating the run folder refuses a name already taken.
 */
export function newRunId(now: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  const stamp = `${now.getUTCFullYear()}${p(now.getUTCMonth() + 1)}${p(now.getUTCDate())}-${p(now.getUTCHours())}${p(now.getUTCMinutes())}${p(now.getUTCSeconds())}`;
  let suffix = '';
  for (let i = 0; i < 4; i++) suffix += Math.floor(Math.random() * 36).toString(36);
  return `${stamp}-${suffix}`;
}

/** Whether a string has the shape of a run id (guards paths built from user input). */
export function isRunId(s: string): boolean {
  return /^\d{8}-\d{6}-[a-z0-9]{4,}$/.test(s);
}
