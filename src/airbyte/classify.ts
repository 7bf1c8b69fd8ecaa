import { codePoint } from '../util/code-point.js';
import { SecretValue } from '../util/secret-value.js';
import { parseCoordinate } from './coordinates.js';
import { isJsonNumber } from './exact-json.js';
import { formatPath, index, isJsonObject, key, type Segment } from './json-path.js';
import type { ClassifiedNode } from './types.js';

/**
 * Keys and sentinel strings of Airbyte's secret nodes (SecretsHelpers.kt, and
 * airbyte-commons/src/main/kotlin/io/airbyte/commons/constants/AirbyteSecretConstants.kt for the masks).
 */
export const COORDINATE_FIELD = '_secret';
export const SECRET_STORAGE_ID_FIELD = '_secret_storage_id';
export const SECRET_REF_ID_FIELD = '_secret_reference_id';
export const SECRET_REF_PREFIX = 'secret_coordinate::';
export const SECRETS_MASK = '**********';
export const OAUTH_SECRET_MASK = '******';

/**
 * Jackson's `JsonNode.asText()`, which Airbyte applies to every secret node: strings as they are,
 * numbers and booleans printed, `null` as "null", objects and arrays as "". A number read by
 * `parseExactJson` prints as PostgreSQL printed it (`1.0` stays "1.0", as Jackson's DecimalNode
 * prints it; jsonb never prints an exponent, where BigDecimal would print `1E-7` for 0.0000001).
 */
export function asText(node: unknown): string {
  if (typeof node === 'string') return node;
  if (node === null) return 'null';
  if (isJsonNumber(node)) return node.rawJSON;
  if (typeof node === 'number' || typeof node === 'boolean') return String(node);
  return '';
}

/** Kotlin `isBlank()`: only whitespace as `Char.isWhitespace` sees it (no BOM, but U+001C..U+001F). */
export function isBlank(text: string): boolean {
  for (const ch of text) {
    const c = codePoint(ch);
    const kotlinSpace = (c >= 0x09 && c <= 0x0d) || (c >= 0x1c && c <= 0x1f) || c === 0x2028 || c === 0x2029;
    if (!kotlinSpace && !/\p{Zs}/u.test(ch)) return false;
  }
  return true;
}

/**
 * What a value at a secret path is, in Airbyte's `determineSecretNodeType` order (reference id,
 * then `_secret`, then the `secret_coordinate::` prefix, then raw), refined for reporting: the two
 * masks, blank strings and objects without reference keys (`empty`), and null or absent (`missing`).
 * An array is `empty` too: Airbyte refuses to split it and hydration passes it through.
 */
export function classifySecretNode(node: unknown): ClassifiedNode {
  if (node === null || node === undefined) return { kind: 'missing' };
  if (isJsonObject(node)) {
    const storageId =
      typeof node[SECRET_STORAGE_ID_FIELD] === 'string' ? node[SECRET_STORAGE_ID_FIELD] : undefined;
    if (Object.hasOwn(node, SECRET_REF_ID_FIELD)) {
      const out: ClassifiedNode = { kind: 'reference-id', referenceId: asText(node[SECRET_REF_ID_FIELD]) };
      if (Object.hasOwn(node, COORDINATE_FIELD)) withCoordinate(out, asText(node[COORDINATE_FIELD]));
      return withStorage(out, storageId);
    }
    if (Object.hasOwn(node, COORDINATE_FIELD)) {
      const text = asText(node[COORDINATE_FIELD]);
      const kind = parseCoordinate(text).managed ? 'managed-ref' : 'external-ref';
      return withStorage(withCoordinate({ kind }, text), storageId);
    }
    return { kind: 'empty' };
  }
  if (Array.isArray(node)) return { kind: 'empty' };
  const text = asText(node);
  if (text.startsWith(SECRET_REF_PREFIX))
    return { kind: 'prefixed-external', coordinate: text.slice(SECRET_REF_PREFIX.length) };
  if (text === SECRETS_MASK) return { kind: 'mask' };
  if (text === OAUTH_SECRET_MASK) return { kind: 'oauth-mask' };
  if (isBlank(text)) return { kind: 'empty' };
  return { kind: 'plaintext', value: new SecretValue(text) };
}

/** Airbyte parses `_secret` and reads the re-rendered coordinate (`SecretCoordinate.kt` `fromFullCoordinate`). */
function withCoordinate(node: ClassifiedNode, text: string): ClassifiedNode {
  const { full } = parseCoordinate(text);
  node.coordinate = full;
  if (full !== text) node.coordinateText = text;
  return node;
}

function withStorage(node: ClassifiedNode, storageId: string | undefined): ClassifiedNode {
  if (storageId !== undefined) node.storageId = storageId;
  return node;
}

export interface FoundReference {
  path: string;
  node: ClassifiedNode;
}

export interface ReferenceScanOptions {
  /**
   * Which objects count: `any` (default) takes those with `_secret` or `_secret_reference_id`;
   * `coordinate` only those with `_secret`, which is what Airbyte's hydration replaces.
   */
  match?: 'any' | 'coordinate';
  /**
   * Also look inside arrays nested directly in arrays. Airbyte's scan does not (an array element
   * that is itself an array is passed through), so the default is false.
   */
  nestedArrays?: boolean;
}

/**
 * The hydration scan (SecretsHelpers.kt / SecretReferenceHelpers `getReferenceMapFromConfig`): every object holding a
 * reference, at its concrete path (`$` for the root), walking object fields and array elements,
 * without a spec. A reference object is not looked into further.
 */
export function findSecretReferences(json: unknown, options: ReferenceScanOptions = {}): FoundReference[] {
  const out: FoundReference[] = [];
  const isReference = (v: Record<string, unknown>): boolean =>
    Object.hasOwn(v, COORDINATE_FIELD) ||
    (options.match !== 'coordinate' && Object.hasOwn(v, SECRET_REF_ID_FIELD));
  const visit = (node: unknown, path: Segment[]): void => {
    if (isJsonObject(node)) {
      if (isReference(node)) {
        out.push({ path: formatPath(path), node: classifySecretNode(node) });
        return;
      }
      for (const k of Object.keys(node)) {
        const v = node[k];
        if (isJsonObject(v)) visit(v, [...path, key(k)]);
        else if (Array.isArray(v)) visitArray(v, [...path, key(k)]);
      }
    }
  };
  const visitArray = (arr: unknown[], path: Segment[]): void => {
    arr.forEach((v, i) => {
      if (Array.isArray(v)) {
        if (options.nestedArrays) visitArray(v, [...path, index(i)]);
      } else visit(v, [...path, index(i)]);
    });
  };
  visit(json, []);
  return out;
}
