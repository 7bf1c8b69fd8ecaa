/** The code point of one character as `for (const ch of text)` yields it (never empty). */
export function codePoint(ch: string): number {
  const c = ch.codePointAt(0);
  if (c === undefined) throw new Error('codePoint of an empty string (a bug)');
  return c;
}
