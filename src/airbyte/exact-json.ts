/**
 * Configuration JSON read and written without changing a number.
 *
 * Airbyte reads and writes configurations with Jackson on exact numerics (airbyte-platform:
 * airbyte-commons/src/main/kotlin/io/airbyte/commons/json/Jsons.kt) and PostgreSQL's `jsonb` keeps
 * numerics exactly, so `12345678901234567890`, `1e400` or `0.1000000000000000055511151231257827`
 * survive every Airbyte round trip. `JSON.parse` turns them into doubles. Here every number is kept
 * as its source text instead, in a raw-JSON leaf (`JSON.rawJSON`, which `JSON.stringify` writes
 * back verbatim): a tree parsed here and stringified again holds every number as PostgreSQL
 * printed it. Strings, booleans, null, key names (also `__proto__`) and nesting behave as in
 * `JSON.parse`.
 */

/** A number of a configuration, as its exact source text. Frozen; `JSON.stringify` prints `rawJSON`. */
export interface JsonNumber {
  readonly rawJSON: string;
}

// Node 22's JSON has these (ECMAScript "JSON.parse source text access"); the ES2023 lib does not declare them.
interface SourceTextJson {
  parse(
    text: string,
    reviver: (key: string, value: unknown, context: { source?: string }) => unknown,
  ): unknown;
  rawJSON(text: string): JsonNumber;
  isRawJSON(value: unknown): value is JsonNumber;
}
const NativeJson = JSON as unknown as SourceTextJson;

/** Whether this runtime can keep numbers exact (Node.js 22 and newer). */
export function exactJsonSupported(): boolean {
  return typeof NativeJson.rawJSON === 'function' && typeof NativeJson.isRawJSON === 'function';
}

/** Parses JSON text keeping every number as its exact text. Throws like `JSON.parse` on bad input. */
export function parseExactJson(text: string): unknown {
  return NativeJson.parse(text, (_key, value, context) =>
    typeof value === 'number' && context.source !== undefined ? NativeJson.rawJSON(context.source) : value,
  );
}

/** JSON text of a tree from `parseExactJson` (or plain JSON): numbers print exactly as they were read. */
export function stringifyExactJson(value: unknown): string {
  return JSON.stringify(value);
}

export function isJsonNumber(value: unknown): value is JsonNumber {
  return NativeJson.isRawJSON(value);
}

/** A number leaf from its JSON text (which must be a JSON number, e.g. `1.0` or `-12e3`). */
export function jsonNumber(text: string): JsonNumber {
  return NativeJson.rawJSON(text);
}

/**
 * The deepest nesting of objects and arrays Airbyte can read: Jackson's default
 * `StreamReadConstraints` (maxNestingDepth 1000) refuses deeper JSON in Airbyte's own
 * `Jsons.deserialize` (airbyte-commons/src/main/kotlin/io/airbyte/commons/json/Jsons.kt). Deeper
 * rows are reported and left alone, never walked: recursive walks of them would overflow the stack.
 */
export const MAX_JSON_DEPTH = 1000;

/**
 * How deeply JSON text nests objects and arrays, counted without parsing (brackets inside strings
 * do not count); counting stops once past `limit`.
 */
export function jsonNestingDepth(text: string, limit = MAX_JSON_DEPTH): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      depth++;
      if (depth > deepest) {
        deepest = depth;
        if (deepest > limit) return deepest;
      }
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return deepest;
}

/** Whether a value built from JSON nests deeper than `limit`, found without recursion. */
export function nestedDeeperThan(value: unknown, limit = MAX_JSON_DEPTH): boolean {
  const stack: Array<[unknown, number]> = [[value, 0]];
  for (let next = stack.pop(); next; next = stack.pop()) {
    const [node, depth] = next;
    if (typeof node !== 'object' || node === null || isJsonNumber(node)) continue;
    if (depth + 1 > limit) return true;
    for (const child of Object.values(node)) stack.push([child, depth + 1]);
  }
  return false;
}
