import type { StoreDefinition } from '../definition.js';
import type { StoreQuota } from '../quotas.js';
import type { StoreCapabilities } from '../types.js';
import { buildDatabase, type DatabaseStoreSettings, databaseCutover, describeDatabase } from './settings.js';

export type { DatabaseStoreSettings } from './settings.js';

/** PostgreSQL takes about 1 GB per text value; nothing near that is a credential, so we stop at 10 MiB. */
const MAX_VALUE_BYTES = 10 * 1024 * 1024;

export const DATABASE_CAPABILITIES: StoreCapabilities = {
  versions: false,
  softDelete: false,
  maxValueBytes: MAX_VALUE_BYTES,
  caseInsensitiveNames: false,
  baseNameFallback: false,
  airbyteDatabaseTable: true,
};

export const DATABASE_QUOTA: StoreQuota = {
  concurrency: 8,
  maxConcurrency: 16,
  writeCost: 1,
  listPageSize: 1000,
  retry: {
    throttled: { baseMs: 100, maxMs: 5_000 },
    transient: { baseMs: 100, maxMs: 5_000 },
    maxAttempts: 5,
  },
  source: 'no quota: bounded by the connection pool',
};

/** Airbyte's `TESTING_CONFIG_DB_TABLE` persistence: the `secrets` table in the config database. */
export const databaseStore: StoreDefinition<DatabaseStoreSettings> = {
  kind: 'database',
  names: {
    persistence: 'TESTING_CONFIG_DB_TABLE',
    chartV1Type: 'testingConfigDbTable',
    // `secret_storage.storage_type` calls it LOCAL_TESTING.
    aliases: ['db', 'localtesting'],
  },
  airbyteEnv: [],
  capabilities: DATABASE_CAPABILITIES,
  quota: DATABASE_QUOTA,
  settings: (_reader, context) => buildDatabase(context),
  describe: describeDatabase,
  cutover: databaseCutover,
  flags: [],
  open: async (settings) => (await import('./store.js')).createDatabaseStore(settings),
};
