/**
 * A new run id, `20261121-083015-k3f9`: UTC start time, then its milliseconds in 2 base-36 characters and 2
 * random ones, so that names sort by start time even within a second (`aad run; aad run; aad status` shows
 * the second run).
 * The characters need to be unlikely to repeat, not secret: Math.random, as loading node:crypto costs every run
 * ~3 ms (OpenSSL starts and reads its configuration); creating the run folder refuses a name already taken.
 */
export function newRunId(now: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  const stamp = `${now.getUTCFullYear()}${p(now.getUTCMonth() + 1)}${p(now.getUTCDate())}-${p(now.getUTCHours())}${p(now.getUTCMinutes())}${p(now.getUTCSeconds())}`;
  let suffix = now.getUTCMilliseconds().toString(36).padStart(2, '0');
  for (let i = 0; i < 2; i++) suffix += Math.floor(Math.random() * 36).toString(36);
  return `${stamp}-${suffix}`;
}

/** Whether a string has the shape of a run id (guards paths built from user input). */
export function isRunId(s: string): boolean {
  return /^\d{8}-\d{6}-[a-z0-9]{4,}$/.test(s);
}
