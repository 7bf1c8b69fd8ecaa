import { type Colour, fitWidths, paint, terminal, truncateEnd, truncateMiddle } from './terminal.js';

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

/**
 * Left-aligned columns separated by two spaces; the first row is the header. On a terminal the
 * table fits its width (`src/report/terminal.ts`): the widest columns give way, their cells cut in
 * the middle with `…`; piped or with `-o wide`, nothing is cut. `paint` colours a cell (after it
 * is padded, so colours never shift the columns) when the terminal takes colours.
 */
export function alignColumns(
  rawRows: readonly (readonly string[])[],
  options: { paint?: (column: number, cell: string) => Colour | null; indent?: number } = {},
): string[] {
  // Every cell, whatever it holds (coordinates, paths, names from the database), is escaped here.
  const rows = rawRows.map((r) => r.map(cleanText));
  const natural = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
  const floors = (rows[0] ?? []).map((h) => Math.max(6, h.length));
  const limit = terminal().width;
  const indent = options.indent ?? 0;
  const widths = fitWidths(natural, floors, limit === null ? null : limit - indent);
  return rows.map((r, row) =>
    r
      .map((raw, i) => {
        const width = widths[i] ?? 0;
        // The last column (a message) reads left to right: cut at its end; others keep both ends.
        const last = i === r.length - 1;
        const cut = last ? truncateEnd(raw, width) : truncateMiddle(raw, width);
        const cell = last ? cut : cut.padEnd(width);
        const colour = row > 0 && options.paint ? options.paint(i, raw) : null;
        return colour ? paint(cell, colour) : cell;
      })
      .join('  ')
      .replace(/^/, ' '.repeat(indent))
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
