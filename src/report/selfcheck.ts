import { formatMs } from '../graph/render.js';
import type { painter } from './style.js';

type Paint = ReturnType<typeof painter>;

/** One check of `aad selfcheck`, as printed and in its JSON. */
export interface CheckResult {
  name: string;
  ok: boolean;
  /** How long the check took, in milliseconds. */
  ms: number;
  /** What was seen when it passed; what went wrong when it did not. */
  detail: string;
}

/** `aad selfcheck --json` (and the file `--json-out` writes). */
export interface SelfcheckJson {
  /** True when every check passed (the exit code is then 0). */
  ok: boolean;
  checks: CheckResult[];
  /** The folder of the checks' plans and files, kept when a check failed; null once removed. */
  workdir: string | null;
}

/** `✓ chain: 3 tasks succeeded … (0.4s)` or `✗ cancel: aad run: expected exit 4, got 0 (2.1s)`. */
export function checkLine(c: CheckResult, paint: Paint): string {
  return `${c.ok ? paint('green', '✓') : paint('red', '✗')} ${c.name}: ${c.detail} ${paint('dim', `(${formatMs(c.ms)})`)}`;
}

/** The last lines: how many checks passed, and where a failed selfcheck left its files and runs. */
export function selfcheckSummary(checks: readonly CheckResult[], totalMs: number, kept: { workdir: string; home: string } | undefined, paint: Paint): string {
  const failed = checks.filter((c) => !c.ok).length;
  if (failed === 0) return paint('green', `selfcheck: all ${checks.length} checks passed in ${formatMs(totalMs)}`);
  const lines = [paint('red', `selfcheck: ${failed} of ${checks.length} check${checks.length === 1 ? '' : 's'} failed in ${formatMs(totalMs)}`)];
  if (kept) {
    const inside = kept.home.startsWith(kept.workdir + '/');
    lines.push(`  kept ${kept.workdir} for inspection (each check's plan and files${inside ? `, and the runs in ${kept.home}` : `; the runs' home is ${kept.home}`})`);
  }
  return lines.join('\n');
}
