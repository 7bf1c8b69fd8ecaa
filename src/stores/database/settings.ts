import { UsageError } from '../../util/errors.js';
import type { DatabaseConnection, SettingsContext, StoreCutover, StoreLimits } from '../definition.js';
import { safeUrl } from '../describe-parts.js';

/** Airbyte's `TESTING_CONFIG_DB_TABLE`: the plaintext `secrets` table in the config database. */
export interface DatabaseStoreSettings extends DatabaseConnection {
  kind: 'database';
  limits?: StoreLimits;
}

/** The table lives in the database the command already opened; nothing else is read. */
export function buildDatabase(context: SettingsContext): DatabaseStoreSettings {
  const connection = context.databaseConnection;
  if (!connection?.url) {
    throw new UsageError(
      'database: no connection to the Airbyte config database: set --database-url or DATABASE_URL',
    );
  }
  return { kind: 'database', ...connection, ...(context.limits ? { limits: context.limits } : {}) };
}

export function describeDatabase(s: DatabaseStoreSettings): string[] {
  return [`database table secrets at ${safeUrl(s.url)}`];
}

/** SECRET_PERSISTENCE alone switches Airbyte to the table; the database is its own. */
export const databaseCutover: StoreCutover<DatabaseStoreSettings> = {
  env() {},
  values() {},
  notes: () => [],
};
