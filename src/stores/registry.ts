import { UsageError } from '../util/errors.js';
import { awsStore } from './aws/index.js';
import { azureStore } from './azure/index.js';
import { databaseStore } from './database/index.js';
import type { StoreDefinition } from './definition.js';
import { gcpStore } from './gcp/index.js';
import { vaultStore } from './vault/index.js';

/**
 * Every store the tool knows, by our short name. A definition loads its store module and SDK
 * only when a store is opened, so `audit` against the database table never loads the Azure,
 * Google or AWS SDKs. A new store is one folder and one line here (see CONTRIBUTING.md).
 */
export const STORE_DEFINITIONS = {
  database: databaseStore,
  vault: vaultStore,
  aws: awsStore,
  gcp: gcpStore,
  azure: azureStore,
};

export type StoreKind = keyof typeof STORE_DEFINITIONS;

/** Our short names, in the registry's order. */
export const STORE_KINDS = Object.keys(STORE_DEFINITIONS) as StoreKind[];

type SettingsOf<D> = D extends StoreDefinition<infer S> ? S : never;

/**
 * Validated settings for one secret store, produced by the CLI's settings layer from Airbyte's env, a Helm
 * values file with its Kubernetes Secret manifest, and flags. Credentials are `SecretValue`s so a
 * printed settings object never shows them. Every store kind also accepts `limits`.
 */
export type StoreSettings = SettingsOf<(typeof STORE_DEFINITIONS)[StoreKind]>;

export type SettingsFor<K extends StoreKind> = Extract<StoreSettings, { kind: K }>;

export function storeDefinition<K extends StoreKind>(kind: K): (typeof STORE_DEFINITIONS)[K] {
  return STORE_DEFINITIONS[kind];
}

/**
 * Items a command works on at once: `--concurrency` when given, else the highest ceiling
 * (`quota.maxConcurrency`) of the stores those items call. Each store's adaptive limit
 * (`withLimits`) decides how many of its requests are really in flight, so workers waiting for
 * it cost nothing; a fixed small number would cap the limit below what the store admits.
 */
export function workersFor(concurrency: number | undefined, ...stores: Array<{ kind: StoreKind }>): number {
  if (concurrency !== undefined) return Math.max(1, Math.floor(concurrency));
  return Math.max(1, ...stores.map((store) => STORE_DEFINITIONS[store.kind].quota.maxConcurrency));
}

/**
 * The definition for settings of any kind. Each definition takes only its own kind's settings,
 * which TypeScript cannot tie to the union; the table's type does, and callers pass the settings
 * of the kind they looked up.
 */
export function definitionFor(kind: StoreKind): StoreDefinition<StoreSettings> {
  return STORE_DEFINITIONS[kind] as unknown as StoreDefinition<StoreSettings>;
}

/** Airbyte's `SECRET_PERSISTENCE` value for each kind (chart v2 / the `SecretPersistenceType` enum). */
export const AIRBYTE_PERSISTENCE = Object.fromEntries(
  STORE_KINDS.map((kind) => [kind, STORE_DEFINITIONS[kind].names.persistence]),
) as Record<StoreKind, string>;

const spelling = (text: string): string => text.toLowerCase().replace(/[\s_-]/g, '');

/**
 * Every accepted spelling, compared lower-case with `_`, `-` and spaces removed: our short names,
 * Airbyte's enum (`AWS_SECRET_MANAGER`), its lower-case property form (`aws_secret_manager`),
 * chart v1 camelCase (`awsSecretManager`) and each store's further aliases (the
 * `secret_storage.storage_type` names `AWS_SECRETS_MANAGER`, `LOCAL_TESTING`).
 */
const ALIASES = new Map<string, StoreKind>(
  STORE_KINDS.flatMap((kind) => {
    const { persistence, chartV1Type, aliases } = STORE_DEFINITIONS[kind].names;
    return [kind, persistence, chartV1Type, ...aliases].map((name) => [spelling(name), kind] as const);
  }),
);

const NO_OP_NAMES = new Set(['noop', 'none']);

/** Parses a store name in any accepted spelling; anything else is a `UsageError` listing the valid names. */
export function parseStoreKind(text: string): StoreKind {
  const key = spelling(text);
  const kind = ALIASES.get(key);
  if (kind) return kind;
  if (NO_OP_NAMES.has(key)) {
    throw new UsageError(
      `${text} is Airbyte's no-op store: it keeps no secret values (reads return the coordinate itself), ` +
        'so there is nothing to read or write; name a real store',
    );
  }
  const shown = text.length > 40 ? `${text.slice(0, 37)}...` : text;
  throw new UsageError(
    `unknown store "${shown}": use one of ${STORE_KINDS.join(', ')} ` +
      `(or Airbyte's names ${Object.values(AIRBYTE_PERSISTENCE).join(', ')})`,
  );
}

/** The store kind whose key change is named by a `rekey` flag (`aws-kms-key-id` → aws), if any. */
export function kindWithKeyFlag(flag: string): StoreKind | undefined {
  return STORE_KINDS.find((kind) => STORE_DEFINITIONS[kind].capabilities.keyChange?.keyFlag === flag);
}
