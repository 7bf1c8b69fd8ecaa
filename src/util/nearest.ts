/** Edit distance (Levenshtein), one row of the table at a time. */
export function editDistance(a: string, b: string): number {
  let above = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row.push(
        Math.min(
          (above[j] ?? 0) + 1,
          (row[j - 1] ?? 0) + 1,
          (above[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1),
        ),
      );
    }
    above = row;
  }
  return above[b.length] ?? 0;
}

/**
 * The candidate nearest to `typed` when it is close enough to be a typo (a prefix of three or more
 * characters counts as nearest; ties: alphabetical), else `undefined`. One rule for "Did you mean"
 * on commands, flags and flag values.
 */
export function nearest(typed: string, candidates: Iterable<string>): string | undefined {
  const scored = [...candidates]
    .map((c) => ({ c, d: c.startsWith(typed) && typed.length >= 3 ? 0 : editDistance(typed, c) }))
    .sort((x, y) => x.d - y.d || x.c.localeCompare(y.c));
  const best = scored[0];
  return best && best.d <= Math.max(2, Math.floor(typed.length / 3)) ? best.c : undefined;
}

/** ` Did you mean 'x'?` or nothing. */
export function didYouMean(typed: string, candidates: readonly string[]): string {
  const hit = nearest(typed, candidates);
  return hit ? ` Did you mean '${hit}'?` : '';
}
