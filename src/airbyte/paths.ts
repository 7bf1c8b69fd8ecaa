import { asText, classifySecretNode, findSecretReferences } from './classify.js';
import { isJsonNumber, MAX_JSON_DEPTH, nestedDeeperThan } from './exact-json.js';
import {
  formatPath,
  getAt,
  index,
  isJsonObject,
  key,
  parsePath,
  type Segment,
  WILDCARD,
} from './json-path.js';
import type { ClassifiedNode, SecretNodeKind } from './types.js';

/**
 * Secret path templates and their expansion, as Airbyte computes them (SecretsHelpers `getSortedSecretPaths`,
 * airbyte-commons/src/main/kotlin/io/airbyte/commons/json/JsonSchemas.kt and JsonPaths.kt):
 * `SecretsHelpers.getSortedSecretPaths` over `JsonSchemas.traverseJsonSchema`, and
 * `JsonPaths.getExpandedPaths` over Jayway JsonPath.
 */

const AIRBYTE_SECRET_FIELD = 'airbyte_secret';
/** Checked in this order; only the first one present is walked. */
const COMPOSITE_KEYWORDS = ['oneOf', 'allOf', 'anyOf'] as const;

/**
 * Airbyte's `getSortedSecretPaths`: a depth-first walk of the JSON Schema collecting every node
 * that has an `airbyte_secret` KEY (even `false`), rendered as `$.a[*].b`, distinct, sorted in
 * Java String order (UTF-16 code units, which is also JavaScript's default sort).
 */
export function secretPathTemplates(connectionSpecification: unknown): string[] {
  const found = new Set<string>();
  walkSchema(connectionSpecification, [], (node, path) => {
    if (Object.hasOwn(node, AIRBYTE_SECRET_FIELD)) found.add(formatPath(path));
  });
  return [...found].sort();
}

/**
 * Why the secret paths of a spec cannot be trusted, or undefined. Airbyte's walk
 * (`JsonSchemas.traverseJsonSchemaInternal`) does not resolve `$ref` and reads `properties` only as
 * an object, so a field behind a `$ref`, or under `properties` given as an array, is never split:
 * Airbyte keeps it in plaintext, and so would a migration that followed the same walk silently.
 * Such a spec is a problem to report, not a spec without secrets. Found without recursion.
 */
export function specProblem(connectionSpecification: unknown): string | undefined {
  if (nestedDeeperThan(connectionSpecification)) return `the spec nests deeper than ${MAX_JSON_DEPTH} levels`;
  const stack: Array<[unknown, Segment[]]> = [[connectionSpecification, []]];
  for (let next = stack.pop(); next; next = stack.pop()) {
    const [node, path] = next;
    if (!isJsonObject(node))
      return `the spec node at ${formatPath(path)} is ${describe(node)}, not an object`;
    if (Object.hasOwn(node, '$ref')) {
      return `the spec uses $ref at ${formatPath(path)}, which Airbyte does not resolve: secrets behind it are never split`;
    }
    const children: Array<[unknown, Segment[]]> = [];
    for (const type of schemaTypes(node)) {
      if (type === 'array') {
        if (Object.hasOwn(node, 'items')) children.push([node.items, [...path, WILDCARD]]);
      } else if (type === 'object') {
        if (Object.hasOwn(node, 'properties')) {
          const props = node.properties;
          if (!isJsonObject(props)) {
            return `"properties" at ${formatPath(path)} is ${describe(props)}, not an object: Airbyte finds no secret under it`;
          }
          for (const name of Object.keys(props)) children.push([props[name], [...path, key(name)]]);
        } else {
          const keyword = COMPOSITE_KEYWORDS.find((k) => Object.hasOwn(node, k));
          if (keyword) for (const branch of jacksonElements(node[keyword])) children.push([branch, path]);
        }
      }
    }
    stack.push(...children.reverse());
  }
  return undefined;
}

type Visitor = (node: Record<string, unknown>, path: Segment[]) => void;

function walkSchema(node: unknown, path: Segment[], visit: Visitor): void {
  if (!isJsonObject(node)) {
    throw new Error(`JSON schema nodes must be objects: ${formatPath(path)} is ${describe(node)}`);
  }
  visit(node, path);
  for (const type of schemaTypes(node)) {
    if (type === 'array') {
      // A missing `items` stops the walk; tuple `items` (an array) is not an object and throws.
      if (Object.hasOwn(node, 'items')) walkSchema(node.items, [...path, WILDCARD], visit);
    } else if (type === 'object') {
      if (Object.hasOwn(node, 'properties')) {
        const props = node.properties;
        if (isJsonObject(props))
          for (const name of Object.keys(props)) walkSchema(props[name], [...path, key(name)], visit);
      } else {
        const keyword = COMPOSITE_KEYWORDS.find((k) => Object.hasOwn(node, k));
        if (keyword) for (const branch of jacksonElements(node[keyword])) walkSchema(branch, path, visit);
      }
    }
  }
}

/** Airbyte's `getTypeOrObject`: `type` (each entry as text), else `string` when `enum` is there, else `object`. */
function schemaTypes(node: Record<string, unknown>): string[] {
  if (Object.hasOwn(node, 'type')) {
    const t = node.type;
    return Array.isArray(t) ? t.map(asText) : [asText(t)];
  }
  return Object.hasOwn(node, 'enum') ? ['string'] : ['object'];
}

/** Iterating a Jackson node: an array gives its items, an object its values, anything else nothing. */
function jacksonElements(v: unknown): unknown[] {
  if (Array.isArray(v)) return v;
  if (isJsonObject(v)) return Object.values(v);
  return [];
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (isJsonNumber(v)) return 'number';
  return typeof v;
}

/**
 * The concrete paths a template matches in `config`, as Jayway's AS_PATH_LIST gives them
 * (normalised to dot notation), de-duplicated and sorted as strings (`[10]` before `[2]`).
 * A missing path yields nothing. A present JSON `null` at the end of the path IS returned, as
 * Jayway returns it; Airbyte then refuses to split it, and `classifySecretNode` calls it `missing`.
 * `[*]` iterates array items and, as in Jayway, the values of an object.
 */
export function expandPath(config: unknown, template: string | readonly Segment[]): string[] {
  const segments = typeof template === 'string' ? parsePath(template) : template;
  const out = new Set<string>();
  const walk = (node: unknown, at: number, path: Segment[]): void => {
    const s = segments[at];
    if (s === undefined) {
      out.add(formatPath(path));
      return;
    }
    if (s.type === 'key') {
      if (isJsonObject(node) && Object.hasOwn(node, s.key)) walk(node[s.key], at + 1, [...path, s]);
    } else if (s.type === 'index') {
      if (Array.isArray(node) && s.index < node.length) walk(node[s.index], at + 1, [...path, s]);
    } else if (Array.isArray(node)) {
      for (let i = 0; i < node.length; i++) walk(node[i], at + 1, [...path, index(i)]);
    } else if (isJsonObject(node)) {
      for (const k of Object.keys(node)) walk(node[k], at + 1, [...path, key(k)]);
    }
  };
  walk(config, 0, []);
  return [...out].sort();
}

/**
 * Every concrete secret path in `config`, in the order Airbyte processes them (and draws new
 * UUIDs in): template order, then each template's sorted expansion; a path reached twice keeps
 * its first place.
 */
export function expandTemplates(config: unknown, templates: readonly string[]): string[] {
  const out = new Set<string>();
  for (const t of templates) for (const p of expandPath(config, t)) out.add(p);
  return [...out];
}

export interface SecretPathEntry {
  path: string;
  kind: SecretNodeKind;
  /** The template that reached this path; `null` for a reference found by scanning only. */
  template: string | null;
  /** The coordinate a reference node names (never a value). */
  coordinate?: string;
}

export interface SecretPathsReport {
  templates: string[];
  /** Concrete paths in processing order, then references the spec does not mark. Empty without a config. */
  paths: SecretPathEntry[];
}

/**
 * What `paths` prints: the spec's templates and, for a config, the KIND of value at each concrete
 * path (never the value), plus any `_secret`/`_secret_reference_id` objects at paths the spec does
 * not mark, which Airbyte's hydration would still resolve.
 */
export function describeSecretPaths(connectionSpecification: unknown, config?: unknown): SecretPathsReport {
  for (const [what, json] of [
    ['spec', connectionSpecification],
    ['config', config],
  ] as const) {
    if (nestedDeeperThan(json)) throw new Error(`the ${what} nests deeper than ${MAX_JSON_DEPTH} levels`);
  }
  const templates = secretPathTemplates(connectionSpecification);
  if (config === undefined) return { templates, paths: [] };
  const byPath = new Map<string, SecretPathEntry>();
  for (const template of templates) {
    for (const path of expandPath(config, template)) {
      if (!byPath.has(path)) byPath.set(path, entry(path, classifySecretNode(getAt(config, path)), template));
    }
  }
  for (const ref of findSecretReferences(config)) {
    if (!byPath.has(ref.path)) byPath.set(ref.path, entry(ref.path, ref.node, null));
  }
  return { templates, paths: [...byPath.values()] };
}

function entry(path: string, node: ClassifiedNode, template: string | null): SecretPathEntry {
  const out: SecretPathEntry = { path, kind: node.kind, template };
  if (node.coordinate !== undefined) out.coordinate = node.coordinate;
  return out;
}
