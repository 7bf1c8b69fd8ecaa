import type pg from 'pg';
import {
  DEFAULT_SECRET_STORAGE_ID,
  readInventory,
  readSecretConfigs,
  readSecretPersistenceConfigs,
} from '../airbyte/inventory.js';
import type { HolderKind, HolderRow } from '../airbyte/types.js';
import { StoreError } from '../stores/errors.js';
import { workersFor } from '../stores/registry.js';
import type { SecretStore } from '../stores/types.js';
import { forEachConcurrent } from '../util/concurrent.js';
import type { ProgressEvent } from './progress.js';

const RESOLVED_KINDS = new Set(['managed-ref', 'external-ref', 'reference-id']);

/** Tables that reference a coordinate outside any configuration. */
type ConfigHolder = 'secret_config' | 'secret_persistence_config';

export interface VerifyFailure {
  coordinate: string;
  /** `missing`: the store has no value; `blank`: empty or whitespace (Airbyte's hydration rejects it);
   * `differs`: the compared store holds another value; `error`: the store answered with an error. */
  problem: 'missing' | 'blank' | 'differs' | 'missing-in-compared' | 'error';
  detail?: string;
  references: number;
  /** The first row that refers to it. */
  holder?: HolderKind | ConfigHolder;
  rowId?: string;
  name?: string;
  path?: string;
}

/**
 * A node holding only `_secret_reference_id`: Airbyte resolves it only with the feature flag
 * `platform.read-secret-reference-ids-in-configs` (off by default), so with default flags the
 * connector receives the reference instead of the secret. Reported, not counted as a failure:
 * it does not depend on the store, and deployments with the flag on read it fine.
 */
export interface VerifyWarning {
  problem: 'reference-id-only';
  coordinate: string;
  holder: HolderKind;
  rowId: string;
  name: string;
  path: string;
}

export interface VerifyResult {
  store: string;
  compareStore?: string;
  coordinates: number;
  references: number;
  resolved: number;
  identical?: number;
  /** Coordinates counted resolved from this run's own read-back, without another read (not with `--reverify`). */
  readBackSkipped?: number;
  failures: VerifyFailure[];
  warnings: VerifyWarning[];
}

interface Reference {
  references: number;
  holder?: HolderKind | ConfigHolder;
  rowId?: string;
  name?: string;
  path?: string;
}

/**
 * Resolves every reference in the database against a store the way Airbyte's hydration does
 * (Airbyte's read, fallbacks included; a blank value fails), and with `compare` checks that a
 * second store holds the identical value. Each coordinate is read once however many rows share it.
 */
export async function verifyReferences(
  rows: AsyncIterable<HolderRow>,
  store: SecretStore,
  options: {
    concurrency: number;
    compare?: SecretStore;
    extraCoordinates?: Iterable<{ coordinate: string; holder?: ConfigHolder }>;
    /** Coordinates this run wrote and read back already: counted resolved without another read. */
    readBack?: ReadonlySet<string>;
    onProgress?: (e: ProgressEvent) => void;
  },
): Promise<VerifyResult> {
  const refs = new Map<string, Reference>();
  const failures: VerifyFailure[] = [];
  const warnings: VerifyWarning[] = [];
  let references = 0;
  // The phase shows while the rows are read, before the number of references is known.
  options.onProgress?.({ phase: 'verify', done: 0, total: 0 });
  for await (const row of rows) {
    for (const record of row.records) {
      const c = record.node.coordinate;
      if (!c || !RESOLVED_KINDS.has(record.node.kind)) continue;
      references += 1;
      // With default flags Airbyte hydrates `_secret` only (SecretReferenceService.kt
      // getConfigWithSecretReferences); a reference id alone reaches the connector as is.
      if (record.node.coordinateFromReference) {
        warnings.push({
          problem: 'reference-id-only',
          coordinate: c,
          holder: row.holder,
          rowId: row.rowId,
          name: row.name,
          path: record.path,
        });
      }
      const seen = refs.get(c);
      if (seen) seen.references += 1;
      else
        refs.set(c, {
          references: 1,
          holder: row.holder,
          rowId: row.rowId,
          name: row.name,
          path: record.path,
        });
    }
  }
  for (const extra of options.extraCoordinates ?? []) {
    references += 1;
    const seen = refs.get(extra.coordinate);
    if (seen) seen.references += 1;
    else refs.set(extra.coordinate, { references: 1, holder: extra.holder ?? 'secret_config' });
  }
  let resolved = 0;
  let identical = 0;
  let readBackSkipped = 0;
  let done = 0;
  options.onProgress?.({ phase: 'verify', done, total: refs.size });
  await forEachConcurrent(refs, options.concurrency, async ([coordinate, ref]) => {
    const fail = (problem: VerifyFailure['problem'], detail?: string) =>
      failures.push({ coordinate, problem, ...(detail ? { detail } : {}), ...ref });
    if (options.readBack?.has(coordinate) && !options.compare) {
      resolved += 1;
      readBackSkipped += 1;
      options.onProgress?.({ phase: 'verify', done: ++done, total: refs.size });
      return;
    }
    try {
      const value = await store.read(coordinate, { asAirbyte: true });
      if (!value) fail('missing');
      else if (value.isBlank) fail('blank');
      else {
        resolved += 1;
        if (options.compare) {
          const other = await options.compare.read(coordinate, { asAirbyte: true });
          if (!other) fail('missing-in-compared');
          else if (!value.equals(other)) fail('differs');
          else identical += 1;
        }
      }
    } catch (err) {
      if (!(err instanceof StoreError)) throw err;
      fail('error', err.message);
    }
    options.onProgress?.({ phase: 'verify', done: ++done, total: refs.size });
  });
  failures.sort((a, b) => a.coordinate.localeCompare(b.coordinate));
  return {
    store: store.description,
    ...(options.compare ? { compareStore: options.compare.description, identical } : {}),
    coordinates: refs.size,
    references,
    resolved,
    ...(options.readBack ? { readBackSkipped } : {}),
    failures,
    warnings,
  };
}

/** A coordinate referenced outside configurations, and the table that references it. */
export interface ConfigCoordinate {
  coordinate: string;
  workspaceId: string | null;
  holder: ConfigHolder;
}

/**
 * Coordinates referenced outside configurations: secret_config rows of storages Airbyte resolves
 * from its env, and secret_persistence_config rows (a runtime persistence's config, kept in the
 * default store).
 */
export async function referencedConfigCoordinates(pool: pg.Pool): Promise<ConfigCoordinate[]> {
  const out: ConfigCoordinate[] = [];
  for await (const c of readSecretConfigs(pool)) {
    const envStorage =
      c.secretStorageId === DEFAULT_SECRET_STORAGE_ID || c.configuredFromEnvironment === true;
    if (!c.tombstone && envStorage && c.references.length > 0)
      out.push({ coordinate: c.externalCoordinate, workspaceId: null, holder: 'secret_config' });
  }
  for await (const c of readSecretPersistenceConfigs(pool)) {
    const workspaceId = c.scopeType === 'workspace' ? c.scopeId : null;
    out.push({ coordinate: c.coordinate, workspaceId, holder: 'secret_persistence_config' });
  }
  return out;
}

/** Every reference in the database (rows and secret_config) resolves in `store` (and equals `compare`, if given). */
/** Every coordinate a configuration or secret_config row references now (whatever its state). */
export async function referencedCoordinates(pool: pg.Pool): Promise<Set<string>> {
  const referenced = new Set<string>();
  for await (const row of readInventory(pool))
    for (const r of row.records) if (r.node.coordinate) referenced.add(r.node.coordinate);
  for (const c of await referencedConfigCoordinates(pool)) referenced.add(c.coordinate);
  return referenced;
}

export async function verifyStore(options: {
  pool: pg.Pool;
  store: SecretStore;
  compare?: SecretStore;
  /** Rows per cursor batch when streaming the inventory. */
  batchSize?: number;
  /** Items worked on at once. @default `workersFor` the store (and `compare`): the store's adaptive limit governs */
  concurrency?: number;
  onProgress?: (e: ProgressEvent) => void;
}): Promise<VerifyResult> {
  return verifyReferences(
    readInventory(options.pool, options.batchSize ? { batchSize: options.batchSize } : {}),
    options.store,
    {
      concurrency: workersFor(
        options.concurrency,
        options.store,
        ...(options.compare ? [options.compare] : []),
      ),
      extraCoordinates: await referencedConfigCoordinates(options.pool),
      ...(options.compare ? { compare: options.compare } : {}),
      ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    },
  );
}
