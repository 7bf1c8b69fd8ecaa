import { isJsonNumber } from './exact-json.js';

/**
 * The small JSONPath dialect Airbyte uses for secret paths: `$`, `.name`, `[0]`, `[*]` (and
 * `['name']` on input). Property names are rendered unescaped like Airbyte (`$.a.b`), except names
 * Airbyte's renderer cannot carry: a name that is empty or contains `.`, `[`, `]`, `'`, `"`, `*`,
 * `\`, `(`, `)` or whitespace is rendered `$['odd.key']` (with `\'` and `\\` escaped) so that
 * every path we print parses back to the same location. Airbyte itself would print `$.odd.key`
 * there, which its JSONPath library reads differently (see `airbyteHydrationPath`).
 */

export type Segment = { type: 'key'; key: string } | { type: 'index'; index: number } | { type: 'wildcard' };

export const ROOT = '$';

const NEEDS_BRACKETS = /[.[\]'"*\\()\s]/;

export function key(name: string): Segment {
  return { type: 'key', key: name };
}

export function index(i: number): Segment {
  return { type: 'index', index: i };
}

export const WILDCARD: Segment = { type: 'wildcard' };

export function formatPath(segments: readonly Segment[]): string {
  let out = ROOT;
  for (const s of segments) {
    if (s.type === 'wildcard') out += '[*]';
    else if (s.type === 'index') out += `[${s.index}]`;
    else if (s.key === '' || NEEDS_BRACKETS.test(s.key)) out += `['${s.key.replace(/[\\']/g, '\\$&')}']`;
    else out += `.${s.key}`;
  }
  return out;
}

/**
 * The path as Airbyte stores it in `secret_reference.hydration_path`: Jayway renders a definite
 * path as `$['a'][0]['b.c']` (names unescaped), and `JsonPaths.kt` `normalizeJsonPath` turns every
 * `['name']` without a quote character into `.name` (airbyte-commons/.../json/JsonPaths.kt). So
 * `$['odd.key']` is stored as `$.odd.key`; `SecretReferenceService.cleanupDanglingSecretReferences`
 * compares these strings as they are, so any other spelling would be dropped as dangling.
 */
export function airbyteHydrationPath(path: string | readonly Segment[]): string {
  const segments = typeof path === 'string' ? parsePath(path) : path;
  let jayway = ROOT;
  for (const s of segments) {
    if (s.type === 'wildcard') throw malformed(formatPath(segments), 'a hydration path is definite');
    jayway += s.type === 'index' ? `[${s.index}]` : `['${s.key}']`;
  }
  return jayway.replace(/\[['"]([^'"]+)['"]]/g, '.$1');
}

/** Parses `$.a[0]['b.c'][*]`. Throws on anything else; the message names the path (never a value). */
export function parsePath(path: string): Segment[] {
  if (!path.startsWith(ROOT)) throw malformed(path, 'must start with $');
  const out: Segment[] = [];
  let i = 1;
  while (i < path.length) {
    const c = path[i];
    if (c === '.') {
      let j = i + 1;
      while (j < path.length && path[j] !== '.' && path[j] !== '[') j++;
      const name = path.slice(i + 1, j);
      if (name === '') throw malformed(path, `empty name at ${i}`);
      out.push(name === '*' ? WILDCARD : key(name));
      i = j;
    } else if (c === '[') {
      const [segment, next] = parseBracket(path, i);
      out.push(segment);
      i = next;
    } else {
      throw malformed(path, `unexpected character at ${i}`);
    }
  }
  return out;
}

function parseBracket(path: string, start: number): [Segment, number] {
  const rest = path.slice(start);
  const [simple, token] = /^\[(\*|\d+)\]/.exec(rest) ?? [];
  if (simple !== undefined && token !== undefined) {
    return [token === '*' ? WILDCARD : index(Number(token)), start + simple.length];
  }
  const quote = path[start + 1];
  if (quote !== "'" && quote !== '"') throw malformed(path, `bad bracket at ${start}`);
  let name = '';
  let i = start + 2;
  while (i < path.length && path[i] !== quote) {
    if (path[i] === '\\' && i + 1 < path.length) i++;
    name += path[i];
    i++;
  }
  if (path[i] !== quote || path[i + 1] !== ']') throw malformed(path, `unterminated name at ${start}`);
  return [key(name), i + 2];
}

function malformed(path: string, why: string): Error {
  return new Error(`Malformed JSONPath ${JSON.stringify(path)}: ${why}`);
}

/** A JSON object (not an array, not null, and not an exact number leaf, which is an object too). */
export function isJsonObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !isJsonNumber(v);
}

/** The child at one definite segment, or `undefined` when it is absent (a present JSON null is `null`). */
export function child(node: unknown, s: Segment): unknown {
  if (s.type === 'key') return isJsonObject(node) && Object.hasOwn(node, s.key) ? node[s.key] : undefined;
  if (s.type === 'index') return Array.isArray(node) && s.index < node.length ? node[s.index] : undefined;
  throw new Error('A wildcard has no single value: expand the path first');
}

/** The value at a definite path: `undefined` when absent, `null` for a present JSON null. */
export function getAt(json: unknown, path: string | readonly Segment[]): unknown {
  const segments = typeof path === 'string' ? parsePath(path) : path;
  let node = json;
  for (const s of segments) {
    node = child(node, s);
    if (node === undefined) return undefined;
  }
  return node;
}

/**
 * A deep copy of `json` with `value` (also copied) at `path`. The parent must exist; a missing
 * last key is added to its object, a missing array index throws. `$` returns the value itself.
 * The input is never modified.
 */
export function setAt(json: unknown, path: string | readonly Segment[], value: unknown): unknown {
  const segments = typeof path === 'string' ? parsePath(path) : path;
  const last = segments.at(-1);
  if (last === undefined) return cloneJson(value);
  const root = cloneJson(json);
  let parent = root;
  for (const s of segments.slice(0, -1)) {
    parent = child(parent, s);
    if (parent === undefined || parent === null || typeof parent !== 'object') {
      throw new Error(`Cannot set ${formatPath(segments)}: its parent does not exist`);
    }
  }
  if (last.type === 'key' && isJsonObject(parent)) defineKey(parent, last.key, cloneJson(value));
  else if (last.type === 'index' && Array.isArray(parent) && last.index < parent.length) {
    parent[last.index] = cloneJson(value);
  } else throw new Error(`Cannot set ${formatPath(segments)}: no such location`);
  return root;
}

/** A deep copy of plain JSON. Keeps an own `__proto__` key as data, as JSON.parse does. */
export function cloneJson<T>(json: T): T {
  if (Array.isArray(json)) return json.map((v) => cloneJson(v)) as T;
  if (!isJsonObject(json)) return json;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(json)) defineKey(out, k, cloneJson(json[k]));
  return out as T;
}

function defineKey(obj: Record<string, unknown>, name: string, value: unknown): void {
  if (name === '__proto__') {
    Object.defineProperty(obj, name, { value, enumerable: true, writable: true, configurable: true });
  } else obj[name] = value;
}
