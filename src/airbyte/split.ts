import { SecretValue } from '../util/secret-value.js';
import {
  asText,
  COORDINATE_FIELD,
  findSecretReferences,
  isBlank,
  SECRET_REF_ID_FIELD,
  SECRET_REF_PREFIX,
  SECRET_STORAGE_ID_FIELD,
} from './classify.js';
import {
  type Coordinate,
  DEFAULT_SECRET_BASE_PREFIX,
  formatCoordinate,
  parseCoordinate,
  withVersion,
} from './coordinates.js';
import { cloneJson, getAt, isJsonObject, ROOT, setAt } from './json-path.js';
import { expandTemplates } from './paths.js';

/**
 * Airbyte's split, update and combine (`SecretsHelpers`, airbyte-platform airbyte-config/config-secrets/src/main/kotlin/secrets/SecretsHelpers.kt), as pure functions:
 * the caller supplies new UUIDs and reads from a store, and writes what comes back. Inputs are
 * never modified. Secret values travel only inside `SecretValue`.
 */

export interface SplitOptions {
  /** The secret base id: the workspace id for actors, the organization id for org OAuth params. */
  baseId: string;
  /** @default 'workspace_' */
  prefix?: string;
  /** Called once per raw value that needs a new coordinate, in processing order. */
  newUuid: () => string;
  /** Adds `_secret_storage_id` to every node written, as Airbyte does when a storage is known. */
  storageId?: string;
}

export interface UpdateOptions extends SplitOptions {
  /** Reads an old coordinate from the CURRENT store; `undefined` or "" means it is not there. */
  readOld: (coordinate: string) => string | undefined;
}

export interface SplitSecret {
  path: string;
  coordinate: string;
  value: SecretValue;
}

export interface SplitResult {
  partial: unknown;
  /** The (coordinate, value) pairs Airbyte would write, in processing order. */
  secrets: SplitSecret[];
  /**
   * Old Airbyte-managed coordinates whose path received a new raw value and whose old node had no
   * storage id: the ones Airbyte's writer deletes after an update (SecretsHelpers `updateConfig`). Empty for a split.
   */
  superseded: Array<{ path: string; coordinate: string }>;
}

/** A value at a secret path that Airbyte cannot process (`processSecretNode`). */
export class SecretNodeError extends Error {
  constructor(readonly path: string) {
    super(`Cannot process node that is an array, missing, or null (at ${path})`);
    this.name = 'SecretNodeError';
  }
}

/** Hydration found no value (Airbyte's `SecretCoordinateException`). Carries the coordinate, never a value. */
export class SecretNotFoundError extends Error {
  constructor(readonly coordinate: string) {
    super(`That secret was not found in the store! Coordinate: ${coordinate}`);
    this.name = 'SecretNotFoundError';
  }
}

type Processed =
  | { type: 'raw'; value: string }
  | { type: 'managed'; coordinate: Coordinate }
  | { type: 'external'; coordinate: string }
  | { type: 'reference-id' };

/** `processSecretNode` in `determineSecretNodeType` order; arrays and null throw. */
function processSecretNode(node: unknown, path: string): Processed {
  if (node === null || node === undefined || Array.isArray(node)) throw new SecretNodeError(path);
  if (isJsonObject(node) && Object.hasOwn(node, SECRET_REF_ID_FIELD)) return { type: 'reference-id' };
  if (isJsonObject(node) && Object.hasOwn(node, COORDINATE_FIELD)) {
    const c = parseCoordinate(asText(node[COORDINATE_FIELD]));
    return c.managed ? { type: 'managed', coordinate: c } : { type: 'external', coordinate: c.full };
  }
  const text = asText(node);
  if (text.startsWith(SECRET_REF_PREFIX))
    return { type: 'external', coordinate: text.slice(SECRET_REF_PREFIX.length) };
  return { type: 'raw', value: text };
}

/** `processConfigSecrets`: path → processed node, in processing order. */
function processConfigSecrets(config: unknown, templates: readonly string[]): Map<string, Processed> {
  const out = new Map<string, Processed>();
  for (const path of expandTemplates(config, templates))
    out.set(path, processSecretNode(getAt(config, path), path));
  return out;
}

/** Splits a new config: every raw value gets a new `_v1` coordinate (`SecretsHelpers.splitConfig`). */
export function splitConfig(
  fullConfig: unknown,
  templates: readonly string[],
  options: SplitOptions,
): SplitResult {
  return internalSplit(undefined, fullConfig, templates, { ...options, readOld: () => undefined });
}

/**
 * Splits a changed config against the stored one (`splitAndUpdateConfig`): a raw value at a path
 * whose old node held an Airbyte-managed coordinate that still reads non-empty keeps that base at
 * version +1; every other raw value gets a new base at `_v1`.
 */
export function updateConfig(
  oldPartial: unknown,
  newFull: unknown,
  templates: readonly string[],
  options: UpdateOptions,
): SplitResult {
  return internalSplit(oldPartial, newFull, templates, options);
}

function internalSplit(
  oldPartial: unknown,
  newFull: unknown,
  templates: readonly string[],
  options: UpdateOptions,
): SplitResult {
  const processed = processConfigSecrets(newFull, templates);
  const oldRefs = new Map(
    oldPartial === undefined
      ? []
      : findSecretReferences(oldPartial, { match: 'coordinate' }).map((r) => [r.path, r.node] as const),
  );
  const prefix = options.prefix ?? DEFAULT_SECRET_BASE_PREFIX;
  const secrets: SplitSecret[] = [];
  const superseded: SplitResult['superseded'] = [];
  const nodes = new Map<string, Record<string, string>>();
  const withStorage = (coordinate: string): Record<string, string> =>
    options.storageId === undefined
      ? { [COORDINATE_FIELD]: coordinate }
      : { [COORDINATE_FIELD]: coordinate, [SECRET_STORAGE_ID_FIELD]: options.storageId };

  // First every coordinate (this is where UUIDs are drawn), then every replacement, as Airbyte does.
  for (const [path, p] of processed) {
    if (p.type === 'raw') {
      const old = oldRefs.get(path);
      const oldCoordinate = old?.coordinate === undefined ? undefined : parseCoordinate(old.coordinate);
      let coordinate: string;
      if (oldCoordinate?.managed && (options.readOld(oldCoordinate.full) ?? '') !== '') {
        coordinate = withVersion(oldCoordinate, oldCoordinate.version + 1).full;
        if (old?.storageId === undefined) superseded.push({ path, coordinate: oldCoordinate.full });
      } else {
        coordinate = formatCoordinate({ prefix, baseId: options.baseId, uuid: options.newUuid() });
      }
      secrets.push({ path, coordinate, value: new SecretValue(p.value) });
      nodes.set(path, withStorage(coordinate));
    } else if (p.type === 'external') {
      nodes.set(path, withStorage(p.coordinate));
    }
  }

  let partial = cloneJson(newFull);
  for (const [path, node] of nodes) {
    // Jayway's replace skips a path that an earlier replacement removed, and cannot replace the root.
    if (path !== ROOT && getAt(partial, path) !== undefined) partial = setAt(partial, path, node);
  }
  return { partial, secrets, superseded };
}

/**
 * Hydration (`SecretsHelpers.combineConfig`): every object with `_secret`, found without a spec,
 * becomes the string read at its coordinate (as Airbyte re-renders it). A blank value throws
 * `SecretNotFoundError`. Objects with only `_secret_reference_id` are left as they are, as with
 * Airbyte's default flags.
 */
export function combineConfig(partial: unknown, read: (coordinate: string) => string | undefined): unknown {
  let config = cloneJson(partial);
  for (const ref of findSecretReferences(partial, { match: 'coordinate' })) {
    const coordinate = parseCoordinate(ref.node.coordinate ?? '').full;
    const value = read(coordinate) ?? '';
    if (isBlank(value)) throw new SecretNotFoundError(coordinate);
    config = ref.path === ROOT ? value : setAt(config, ref.path, value);
  }
  return config;
}
