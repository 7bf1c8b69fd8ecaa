/** One table, as text (for the terminal) and as plain rows (for the JSON file). */
export const COLUMNS = ['Benchmark', 'Setup', 'Size', 'Time', 'Rate', 'Result', 'Goal', 'Met'] as const;
export type Column = (typeof COLUMNS)[number];
export type Row = Record<Column, string>;

/** Renders rows as an aligned text table; a cell may hold several lines (`\n`). */
export function renderTable(rows: readonly Row[]): string {
  const cells = rows.map((r) => COLUMNS.map((c) => r[c].split('\n')));
  const widths = COLUMNS.map((c, i) =>
    Math.max(c.length, ...cells.flatMap((r) => r[i]!.map((l) => l.length))),
  );
  const line = (parts: readonly string[]) =>
    parts
      .map((p, i) => p.padEnd(widths[i]!))
      .join(' | ')
      .trimEnd();
  const rule = widths.map((w) => '-'.repeat(w)).join('-+-');
  const out = [line(COLUMNS), rule];
  for (const r of cells) {
    const height = Math.max(...r.map((c) => c.length));
    for (let l = 0; l < height; l++) out.push(line(r.map((c) => c[l] ?? '')));
    out.push(rule);
  }
  return out.join('\n');
}

const grouped = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const oneDecimal = new Intl.NumberFormat('en-US', { minimumFractionDigits: 1, maximumFractionDigits: 1 });

/** 12,345 */
export const int = (n: number): string => grouped.format(n);
/** 12.3 */
export const dec = (n: number): string => oneDecimal.format(n);
/** 0.95 */
export const ratio = (n: number): string => n.toFixed(2);
/** 14% */
export const pct = (n: number): string => `${Math.round(n * 100)}%`;
/** 1.2 s, 3 min 05 s */
export function seconds(s: number): string {
  if (s < 120) return `${s < 10 ? s.toFixed(2) : s.toFixed(1)} s`;
  const m = Math.floor(s / 60);
  return `${m} min ${String(Math.round(s - m * 60)).padStart(2, '0')} s`;
}
