import { isJsonNumber, jsonNumber } from '../airbyte/exact-json.js';
import {
  cloneJson,
  formatPath,
  getAt,
  index,
  isJsonObject,
  key,
  type Segment,
  setAt,
} from '../airbyte/json-path.js';
import type { SecretValue } from '../util/secret-value.js';

/**
 * A pre-image is a holder's JSON as it was before a rewrite, safe to journal: every plaintext
 * secret in it is replaced by a marker. `restore` markers name the coordinate the value was copied
 * to (rollback reads it back from the store) and the node the rewrite wrote; `restoreNode` markers
 * (re-keying) hold the old reference node itself, which names a coordinate or reference id and
 * never a value, and the coordinate it pointed at; `keep` markers stand for plaintext the run did
 * not move (rollback takes it from the row as it is then).
 */
export const MARKER = '$airbyte_secrets_pre_image';

export type PreImageMarker =
  | { restore: string; type: 'string' | 'number' | 'boolean'; written: unknown }
  | { restoreNode: unknown; from: string; to: string; written: unknown }
  | { keep: true };

export interface Replacement {
  path: string;
  coordinate: string;
  /** The reference node written at the path (`{"_secret": C}` or with a reference id). */
  written: unknown;
  /** Re-keying: the old reference node (journaled as is) and the coordinate it named. */
  restoreNode?: { node: unknown; coordinate: string };
}

/** Builds the journal-safe pre-image of `original`. */
export function makePreImage(
  original: unknown,
  replacements: Replacement[],
  otherPlaintextPaths: string[],
): unknown {
  let image = cloneJson(original);
  for (const r of replacements) {
    if (r.restoreNode) {
      const { node, coordinate } = r.restoreNode;
      image = setAt(image, r.path, {
        [MARKER]: { restoreNode: node, from: coordinate, to: r.coordinate, written: r.written },
      });
      continue;
    }
    const value = getAt(original, r.path);
    const type =
      typeof value === 'number' || isJsonNumber(value)
        ? 'number'
        : typeof value === 'boolean'
          ? 'boolean'
          : 'string';
    image = setAt(image, r.path, { [MARKER]: { restore: r.coordinate, type, written: r.written } });
  }
  for (const path of otherPlaintextPaths) image = setAt(image, path, { [MARKER]: { keep: true } });
  return image;
}

/**
 * A row rewritten twice in one run (a resumed run finishing paths that failed the first time)
 * keeps ONE pre-image, the state before the first rewrite: the later rewrite's markers are added
 * where the first image still holds the original node (or a keep marker for plaintext).
 */
export function mergePreImages(first: unknown, later: unknown): unknown {
  let merged = cloneJson(first);
  const already = new Set(
    markersOf(first)
      .filter((m) => !('keep' in m.marker))
      .map((m) => m.path),
  );
  for (const { path, marker } of markersOf(later)) {
    if ('keep' in marker || already.has(path)) continue;
    merged = setAt(merged, path, { [MARKER]: marker });
  }
  return merged;
}

/** Paths of every marker in a pre-image. */
export function markersOf(image: unknown): Array<{ path: string; marker: PreImageMarker }> {
  const found: Array<{ path: string; marker: PreImageMarker }> = [];
  const walk = (node: unknown, at: Segment[]) => {
    if (Array.isArray(node)) {
      for (const [i, v] of node.entries()) walk(v, [...at, index(i)]);
    } else if (isJsonObject(node)) {
      if (Object.hasOwn(node, MARKER))
        found.push({ path: formatPath(at), marker: node[MARKER] as PreImageMarker });
      else for (const [k, v] of Object.entries(node)) walk(v, [...at, key(k)]);
    }
  };
  walk(image, []);
  return found;
}

/** What the row must look like now for a rollback to be safe: the pre-image with the rewrite applied. */
export function expectedAfterRewrite(image: unknown, current: unknown): unknown {
  let expected = cloneJson(image);
  for (const { path, marker } of markersOf(image)) {
    expected = setAt(expected, path, 'keep' in marker ? getAt(current, path) : marker.written);
  }
  return expected;
}

/** The original JSON: restore markers get their values back, restoreNode markers their old node, keep markers the row's current values. */
export function restoreOriginal(image: unknown, current: unknown, values: Map<string, SecretValue>): unknown {
  let original = cloneJson(image);
  for (const { path, marker } of markersOf(image)) {
    if ('keep' in marker) {
      original = setAt(original, path, getAt(current, path));
      continue;
    }
    if ('restoreNode' in marker) {
      original = setAt(original, path, marker.restoreNode);
      continue;
    }
    const value = values.get(marker.restore);
    if (!value) throw new Error(`no value for ${marker.restore}`);
    const text = value.reveal();
    original = setAt(
      original,
      path,
      marker.type === 'number' && JSON_NUMBER.test(text)
        ? jsonNumber(text)
        : marker.type === 'boolean'
          ? text === 'true'
          : text,
    );
  }
  return original;
}

/** RFC 8259 number syntax: the text of a restored number node, exactly as the store holds it. */
const JSON_NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;
