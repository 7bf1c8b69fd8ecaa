/** Edit distance (Levenshtein), for "did you mean": one row of the table at a time, left to right. */
export function editDistance(a: string, b: string): number {
  let above = Array.from({ length: b.length + 1 }, (_, j) => j);
  let result = b.length;
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    let left = i;
    let diagonal = i - 1;
    for (const [j, up] of above.slice(1).entries()) {
      left = Math.min(up + 1, left + 1, diagonal + (a[i - 1] === b[j] ? 0 : 1));
      row.push(left);
      diagonal = up;
    }
    above = row;
    result = left;
  }
  return result;
}

/** The candidate nearest to `typed`, when it is near enough to be what was meant (ties: alphabetical). */
export function nearest(typed: string, candidates: Iterable<string>): string | undefined {
  const best = [...candidates]
    .map((c) => ({ c, d: editDistance(typed, c) }))
    .sort((x, y) => x.d - y.d || x.c.localeCompare(y.c))[0];
  return best && best.d <= Math.max(2, Math.floor(typed.length / 3)) ? best.c : undefined;
}
