import type { SettingsFor, StoreSettings } from '../config/types.js';
import { UsageError } from '../util/errors.js';
import { withLimits } from './limits.js';
import { type SecretStore, STORE_KINDS, type StoreKind } from './types.js';

/**
 * Store kind → its module, loaded on first use. Only the chosen store's SDK is ever imported, so
 * `audit` against the database table never loads the Azure, Google or AWS SDKs. Nothing in this
 * file may import a store module or an SDK statically.
 */
type Factory<K extends StoreKind> = (settings: SettingsFor<K>) => Promise<SecretStore>;

export const STORE_FACTORIES: { [K in StoreKind]: () => Promise<Factory<K>> } = {
  database: async () => (await import('./database.js')).createDatabaseStore,
  vault: async () => (await import('./vault.js')).createVaultStore,
  aws: async () => (await import('./aws-secrets-manager.js')).createAwsSecretsManagerStore,
  gcp: async () => (await import('./google-secret-manager.js')).createGoogleSecretManagerStore,
  azure: async () => (await import('./azure-key-vault.js')).createAzureKeyVaultStore,
};

/**
 * Builds the store the settings describe. Unless `limits: false`, it is wrapped in `withLimits`
 * with the kind's defaults from `STORE_QUOTAS`, overridden by `settings.limits`.
 */
export async function createStore(
  settings: StoreSettings,
  options: { limits?: boolean } = {},
): Promise<SecretStore> {
  const load = STORE_FACTORIES[settings.kind] as () => Promise<Factory<typeof settings.kind>>;
  // TypeScript cannot tie the table's key to the settings' kind; the table's type does.
  const store = await (await load())(settings as never);
  if (options.limits === false) return store;
  return withLimits(store, { ...settings.limits });
}

/** Airbyte's `SECRET_PERSISTENCE` value for each kind (chart v2 / the `SecretPersistenceType` enum). */
export const AIRBYTE_PERSISTENCE: Record<StoreKind, string> = {
  database: 'TESTING_CONFIG_DB_TABLE',
  vault: 'VAULT',
  aws: 'AWS_SECRET_MANAGER',
  gcp: 'GOOGLE_SECRET_MANAGER',
  azure: 'AZURE_KEY_VAULT',
};

/**
 * Every accepted spelling, compared lower-case with `_`, `-` and spaces removed: our short names,
 * Airbyte's enum (`AWS_SECRET_MANAGER`), its lower-case property form (`aws_secret_manager`),
 * chart v1 camelCase (`awsSecretManager`) and the `secret_storage.storage_type` names
 * (`AWS_SECRETS_MANAGER`, `LOCAL_TESTING`).
 */
const ALIASES: Record<string, StoreKind> = {
  database: 'database',
  db: 'database',
  testingconfigdbtable: 'database',
  localtesting: 'database',
  vault: 'vault',
  hashicorpvault: 'vault',
  aws: 'aws',
  awssecretmanager: 'aws',
  awssecretsmanager: 'aws',
  gcp: 'gcp',
  googlesecretmanager: 'gcp',
  googlesecretsmanager: 'gcp',
  azure: 'azure',
  azurekeyvault: 'azure',
};

const NO_OP_NAMES = new Set(['noop', 'none']);

/** Parses a store name in any accepted spelling; anything else is a `UsageError` listing the valid names. */
export function parseStoreKind(text: string): StoreKind {
  const key = text.toLowerCase().replace(/[\s_-]/g, '');
  const kind = ALIASES[key];
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
