/**
 * Where the text renderers' output goes, decided once per command (the base command calls
 * `setTerminal(detectTerminal(…))` before it runs): how wide a table may be and whether to colour.
 * The default, for the library and for anything piped, is the stable plain format: no width limit,
 * no colour, flat lists.
 */
export interface Terminal {
  /** Columns a line may take; `null`: no limit (piped output, `-o wide`). */
  width: number | null;
  /** ANSI colours (a TTY, unless `NO_COLOR` or `--no-color`; `FORCE_COLOR` forces them). */
  color: boolean;
  /** Standard output is a terminal: renderers may group for a person instead of a flat list. */
  tty: boolean;
}

export const PLAIN: Terminal = { width: null, color: false, tty: false };

let current: Terminal = PLAIN;

export function terminal(): Terminal {
  return current;
}

/** Sets what the renderers write for; returns the previous setting (tests put it back). */
export function setTerminal(next: Terminal): Terminal {
  const previous = current;
  current = next;
  return previous;
}

/** The narrowest width a table is fitted to: below it, lines wrap rather than lose every column. */
const MIN_WIDTH = 40;

/**
 * What standard output is: `-o wide` lifts the width limit, `--color`/`--no-color` win over the
 * environment, then `NO_COLOR` (any non-empty value), then `FORCE_COLOR` (anything but `0`).
 */
export function detectTerminal(
  stream: { isTTY?: boolean; columns?: number },
  env: NodeJS.ProcessEnv,
  flags: { wide?: boolean; color?: boolean | undefined } = {},
): Terminal {
  const tty = stream.isTTY === true;
  const columns = tty && typeof stream.columns === 'number' && stream.columns > 0 ? stream.columns : null;
  const width = flags.wide || columns === null ? null : Math.max(MIN_WIDTH, columns);
  let color = tty;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0' && env.FORCE_COLOR !== 'false') color = true;
  // NO_COLOR wins over FORCE_COLOR (which test runners and CI wrappers set on their own).
  if (env.NO_COLOR) color = false;
  if (flags.color !== undefined) color = flags.color;
  return { width, color, tty };
}

/** `text` cut in its middle to `width` characters with `…` (start and end of a path or id stay). */
export function truncateMiddle(text: string, width: number): string {
  if (text.length <= width) return text;
  if (width <= 1) return '…'.slice(0, width);
  const head = Math.ceil((width - 1) / 2);
  const tail = width - 1 - head;
  return `${text.slice(0, head)}…${tail > 0 ? text.slice(text.length - tail) : ''}`;
}

/** `text` cut at its end to `width` characters, ending in `…`. */
export function truncateEnd(text: string, width: number): string {
  if (text.length <= width) return text;
  return width <= 0 ? '' : `${text.slice(0, width - 1)}…`;
}

/**
 * Column widths that fit `limit` with `gap` between columns: the widest columns give way first,
 * each never below its floor (its header, or 6 characters).
 */
export function fitWidths(
  widths: readonly number[],
  floors: readonly number[],
  limit: number | null,
  gap = 2,
): number[] {
  const out = [...widths];
  if (limit === null) return out;
  let excess = out.reduce((a, b) => a + b, 0) + gap * Math.max(0, out.length - 1) - limit;
  while (excess > 0) {
    let widest = -1;
    for (let i = 0; i < out.length; i++) {
      if ((out[i] ?? 0) > (floors[i] ?? 0) && (widest === -1 || (out[i] ?? 0) > (out[widest] ?? 0)))
        widest = i;
    }
    if (widest === -1) break;
    out[widest] = (out[widest] ?? 0) - 1;
    excess -= 1;
  }
  return out;
}

const SGR = { red: '31', yellow: '33', green: '32', dim: '2', bold: '1', magenta: '35' } as const;
export type Colour = keyof typeof SGR;

/** `text` in `colour` when the terminal takes colours, else unchanged. */
export function paint(text: string, colour: Colour | null): string {
  if (!current.color || colour === null) return text;
  return `\u001b[${SGR[colour]}m${text}\u001b[0m`;
}

/** The colour of a severity word (critical and high stand out, low and info recede). */
export function severityColour(severity: string): Colour | null {
  switch (severity) {
    case 'critical':
      return 'red';
    case 'high':
      return 'magenta';
    case 'medium':
      return 'yellow';
    case 'low':
    case 'info':
      return 'dim';
    default:
      return null;
  }
}
