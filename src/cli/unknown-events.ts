import { printErr } from '../report/print.js';

let warned = false;

/**
 * Warns, once per command, that journals hold event kinds this aad does not know (a newer aad wrote them):
 * they were skipped and the rest of each run was read as usual. Commands that read a run again and again
 * (`cancel`, `logs --follow`) call it on every read; only the first call with something to say prints.
 */
export function warnUnknownEvents(runs: readonly { runId: string; unknownEvents: ReadonlyMap<string, number> }[]): void {
  if (warned) return;
  const affected = runs.filter((r) => r.unknownEvents.size > 0);
  if (affected.length === 0) return;
  warned = true;
  const kinds = new Set<string>();
  let lines = 0;
  for (const r of affected) {
    for (const [kind, n] of r.unknownEvents) {
      kinds.add(kind);
      lines += n;
    }
  }
  const who = affected.length === 1 ? `run ${affected[0]!.runId}` : `runs ${affected.map((r) => r.runId).join(', ')}`;
  printErr(
    `aad: warning: ${who}: skipped ${lines} journal event${lines === 1 ? '' : 's'} of kind${kinds.size === 1 ? '' : 's'} this aad does not know (${[...kinds].sort().join(', ')}); a newer aad wrote ${lines === 1 ? 'it' : 'them'}`,
  );
}
