import type pg from 'pg';
import { OAUTH_SECRET_MASK, SECRET_REF_PREFIX, SECRETS_MASK } from '../airbyte/classify.js';
import { EPHEMERAL_BASE_ID, formatCoordinate } from '../airbyte/coordinates.js';
import { isJsonObject, parsePath } from '../airbyte/json-path.js';
import type { HolderKind } from '../airbyte/types.js';
import type { NodeShape, PlantedKind, SeedManifest } from './manifest.js';
import type { Random } from './random.js';
import {
  insertSecretConfigs,
  insertSecretReferences,
  insertSecrets,
  type SecretConfigRow,
  type SecretReferenceRow,
} from './tables.js';

/** Airbyte's default secret storage: the one configured from the environment. */
export const DEFAULT_STORAGE_ID = EPHEMERAL_BASE_ID;

const EXTERNAL_NAMES = [
  'team_data_pg_readonly',
  'shared_dbt_cloud_token',
  'platform_s3_writer',
  'crm_api_key',
];

/** Where a node is planted. */
export interface Holder {
  holder: HolderKind;
  rowId: string;
  workspaceId: string | null;
  /** Coordinate base: `workspace_` + workspace id, or `organization_` + organization id. */
  prefix: 'workspace_' | 'organization_';
  baseId: string;
}

/**
 * Makes secret nodes and the rows behind them (`secrets`, `secret_config`, `secret_reference`),
 * buffers the rows, records each planted secret in the manifest, and flushes in batches.
 */
export class Planter {
  readonly #rng: Random;
  readonly #manifest: SeedManifest;
  readonly #record: boolean;
  readonly #secretsTable: boolean;
  readonly #references: boolean;
  readonly #canaries = new Set<string>();
  #secrets: Array<{ coordinate: string; payload: string }> = [];
  #configs: SecretConfigRow[] = [];
  #refs: SecretReferenceRow[] = [];

  constructor(
    rng: Random,
    manifest: SeedManifest,
    opts: { record: boolean; secretsTable: boolean; references: boolean },
  ) {
    this.#rng = rng;
    this.#manifest = manifest;
    this.#record = opts.record;
    this.#secretsTable = opts.secretsTable;
    this.#references = opts.references;
  }

  /** Whether this database can hold the shape (references need the secret_* tables, etc.). */
  supports(shape: NodeShape): boolean {
    if (shape === 'secret-with-reference' || shape === 'reference-only')
      return this.#references && this.#secretsTable;
    if (shape === 'dangling') return this.#secretsTable;
    return true;
  }

  /** A fresh unique canary: `canary-` and 16 hex digits. */
  canary(): string {
    for (;;) {
      const c = `canary-${this.#rng.hex(8)}`;
      if (!this.#canaries.has(c)) {
        this.#canaries.add(c);
        if (this.#record) this.#manifest.canaries.push(c);
        return c;
      }
    }
  }

  coordinate(h: { prefix: string; baseId: string }, version = 1 + this.#rng.int(3)): string {
    return formatCoordinate({ prefix: h.prefix, baseId: h.baseId, uuid: this.#rng.uuid(), version });
  }

  /** The JSON node for `shape` at `path` of holder `h`, with its rows buffered and its record kept. */
  node(shape: NodeShape, h: Holder, path: string, extra: { pinned?: boolean } = {}): unknown {
    switch (shape) {
      case 'plaintext': {
        const value = this.canary();
        this.#plant(h, path, 'plaintext', null, false, undefined, extra.pinned);
        return value;
      }
      case 'secret':
        return { _secret: this.storedSecret(h, path, 'secret') };
      case 'dangling': {
        const c = this.coordinate(h);
        this.#plant(h, path, 'dangling', c, false);
        return { _secret: c };
      }
      case 'secret-with-reference':
      case 'reference-only': {
        const c = this.coordinate(h);
        const refId = this.reference(h, path, c);
        this.#storeValue(c);
        this.#plant(h, path, shape, c, true, refId);
        return shape === 'reference-only'
          ? { _secret_reference_id: refId }
          : { _secret_reference_id: refId, _secret: c };
      }
      case 'mask':
        this.#plant(h, path, 'mask', null, false);
        return SECRETS_MASK;
      case 'oauth-mask':
        this.#plant(h, path, 'oauth-mask', null, false);
        return OAUTH_SECRET_MASK;
      case 'prefixed-external': {
        const name = `${this.#rng.pick(EXTERNAL_NAMES)}_${this.#rng.hex(3)}`;
        this.#plant(h, path, 'prefixed-external', name, false);
        return `${SECRET_REF_PREFIX}${name}`;
      }
    }
  }

  /** A managed coordinate whose value is a canary in `secrets` (when this database has the table). */
  storedSecret(h: Holder, path: string, kind: PlantedKind): string {
    const c = this.coordinate(h);
    this.#storeValue(c);
    this.#plant(h, path, kind, c, this.#secretsTable);
    return c;
  }

  /** A secret_config in the default storage and a secret_reference at `path`, as Airbyte makes them. */
  reference(h: Holder, path: string, coordinate: string): string {
    const configId = this.#rng.uuid();
    const refId = this.#rng.uuid();
    this.#configs.push({ id: configId, storageId: DEFAULT_STORAGE_ID, coordinate });
    const scopeType = h.holder === 'actor_oauth_parameter' ? 'actor_oauth_parameter' : 'actor';
    this.#refs.push({
      id: refId,
      secretConfigId: configId,
      scopeType,
      scopeId: h.rowId,
      hydrationPath: path,
    });
    return refId;
  }

  /** A `secrets` row nothing references. */
  orphan(h: Pick<Holder, 'prefix' | 'baseId'>): string | null {
    if (!this.#secretsTable) return null;
    const c = this.coordinate(h);
    this.#storeValue(c);
    this.#manifest.orphanCoordinates.push(c);
    return c;
  }

  /**
   * A runtime secret persistence's config stored in the default store, as
   * SecretPersistenceConfigHandler writes it: JSON text under an `airbyte_rsm_ORGANIZATION_<org>_…`
   * coordinate. Null when this database has no `secrets` table to hold it.
   */
  runtimePersistenceConfig(organizationId: string): string | null {
    if (!this.#secretsTable) return null;
    const c = this.coordinate({ prefix: 'rsm_ORGANIZATION_', baseId: organizationId }, 1);
    const payload = JSON.stringify({
      awsAccessKey: this.canary(),
      awsSecretAccessKey: this.canary(),
      awsRegion: 'eu-west-1',
    });
    this.#secrets.push({ coordinate: c, payload });
    return c;
  }

  #storeValue(coordinate: string): void {
    if (this.#secretsTable) this.#secrets.push({ coordinate, payload: this.canary() });
  }

  #plant(
    h: Holder,
    path: string,
    kind: PlantedKind,
    coordinate: string | null,
    inSecretsTable: boolean,
    referenceId?: string,
    pinned?: boolean,
  ): void {
    this.#manifest.counts[kind] = (this.#manifest.counts[kind] ?? 0) + 1;
    if (!this.#record) return;
    this.#manifest.planted.push({
      holder: h.holder,
      rowId: h.rowId,
      workspaceId: h.workspaceId,
      path,
      kind,
      coordinate,
      ...(referenceId ? { referenceId } : {}),
      inSecretsTable,
      ...(pinned ? { pinned } : {}),
    });
  }

  /** Writes the buffered rows (after the holders they point at). */
  async flush(client: pg.ClientBase): Promise<void> {
    await insertSecretConfigs(client, this.#configs);
    await insertSecretReferences(client, this.#refs);
    await insertSecrets(client, this.#secrets);
    this.#configs = [];
    this.#refs = [];
    this.#secrets = [];
  }
}

/** Sets `value` at a concrete path, creating missing parent objects. Mutates `json`. */
export function putAt(json: Record<string, unknown>, path: string, value: unknown): void {
  const segments = parsePath(path);
  let node: unknown = json;
  segments.forEach((s, i) => {
    const last = i === segments.length - 1;
    if (s.type === 'key' && isJsonObject(node)) {
      if (last) node[s.key] = value;
      else {
        if (!isJsonObject(node[s.key]) && !Array.isArray(node[s.key])) node[s.key] = {};
        node = node[s.key];
      }
    } else if (s.type === 'index' && Array.isArray(node) && s.index < node.length) {
      if (last) node[s.index] = value;
      else node = node[s.index];
    } else {
      throw new Error(`cannot set ${path}`);
    }
  });
}
