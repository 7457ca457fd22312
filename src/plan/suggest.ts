/** Edit distance between two strings, case-insensitive: insertions, deletions, substitutions and swaps of two neighbours (`biuld` → `build` is 1). */
export function editDistance(a: string, b: string): number {
  a = a.toLowerCase();
  b = b.toLowerCase();
  let prev2: number[] = [];
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) cur[j] = Math.min(cur[j]!, prev2[j - 2]! + 1);
    }
    prev2 = prev;
    prev = cur;
  }
  return prev[b.length]!;
}

/** The closest candidate to `word` when it is close enough to be a likely typo (or `word` cut short, as `timeout` for `timeout_sec`), else undefined. */
export function suggest(word: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestDist = Infinity;
  const limit = Math.max(1, Math.min(3, Math.floor(word.length / 3)));
  const lower = word.toLowerCase();
  for (const c of candidates) {
    let d = editDistance(word, c);
    // A word cut short counts as a weaker match than any typo within the limit.
    if (d > limit && lower.length >= 4 && c.toLowerCase().startsWith(lower)) d = limit;
    if (d < bestDist) {
      best = c;
      bestDist = d;
    }
  }
  return bestDist <= limit ? best : undefined;
}

/** ` (did you mean "x"?)` or the empty string. */
export function didYouMean(word: string, candidates: Iterable<string>): string {
  const s = suggest(word, candidates);
  return s === undefined ? '' : ` (did you mean "${s}"?)`;
}
