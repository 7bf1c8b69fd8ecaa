/**
 * Escapes control characters (as `\u001b`, `\u000a`) so that text from the database cannot move the
 * terminal's cursor, colour the screen or start a line of its own ("Everything verified."), and
 * can still be told apart from its neighbours. Every renderer applies it to database text.
 */
export function cleanText(text: string): string {
  return text.replace(
    // biome-ignore lint/suspicious/noControlCharactersInRegex: escaping them is the point
    /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/** Left-aligned columns separated by two spaces; the first row is the header. */
export function alignColumns(rawRows: readonly (readonly string[])[]): string[] {
  // Every cell, whatever it holds (coordinates, paths, names from the database), is escaped here.
  const rows = rawRows.map((r) => r.map(cleanText));
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
  return rows.map((r) =>
    r
      .map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd(),
  );
}

/** `95 s`, `12 min`, `3.2 h`. */
export function humanDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return 'unbounded';
  if (seconds < 120) return `${Math.ceil(seconds)} s`;
  if (seconds < 7200) return `${Math.ceil(seconds / 60)} min`;
  return `${(seconds / 3600).toFixed(1)} h`;
}
