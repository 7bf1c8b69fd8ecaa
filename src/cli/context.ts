import type pg from 'pg';
import { type DatabaseConnection, openDatabase } from '../airbyte/connection.js';
import { databaseConnection, databaseFromEnv } from '../config/database.js';
import { currentEnvironment } from '../config/environment.js';
import { chooseStoreKind, resolveStoreSettings } from '../config/store-settings.js';
import { createStore } from '../stores/open.js';
import type { StoreSettings } from '../stores/registry.js';
import type { SecretStore } from '../stores/types.js';

/**
 * What a command opens (Airbyte's database, secret stores) and closes again in reverse order,
 * whatever happens (graphile-worker's withReleasers).
 */
export class CommandResources {
  readonly #closers: Array<() => Promise<unknown>> = [];

  defer(close: () => Promise<unknown>): void {
    this.#closers.push(close);
  }

  async close(): Promise<void> {
    for (let close = this.#closers.pop(); close; close = this.#closers.pop()) {
      await close().catch(() => undefined);
    }
  }
}

export interface OpenedDatabase {
  pool: pg.Pool;
  /** The same connection, as the `database` store needs it. */
  connection: DatabaseConnection;
}

/**
 * Connections of a writing run's pool (journal, row rewrites): `--concurrency`, else 16, plus 4 for
 * the cursor and the run's own bookkeeping. Workers beyond it wait for a connection, as they wait
 * for a store's adaptive limit.
 */
export function runPoolSize(concurrency: number | undefined): number {
  return (concurrency ?? 16) + 4;
}

/** Opens Airbyte's config database from `--database-url` or Airbyte's DATABASE_* env. */
export async function openAirbyteDatabase(
  resources: CommandResources,
  flags: { 'database-url'?: string | undefined },
  poolSize = 10,
): Promise<OpenedDatabase> {
  const connection = databaseConnection(flags['database-url'], databaseFromEnv(currentEnvironment()));
  const pool = await openDatabase(connection, { max: poolSize });
  resources.defer(() => pool.end());
  return { pool, connection };
}

/** Opens the database `sample seed` fills: four connections, as seeding runs its statements one after another. */
export async function openDatabaseToSeed(
  resources: CommandResources,
  flags: { 'database-url'?: string | undefined },
): Promise<pg.Pool> {
  return (await openAirbyteDatabase(resources, flags, 4)).pool;
}

/** Opens one side's store (`from` or `to`) from flags, values files and Airbyte's env. */
export async function openStore(
  resources: CommandResources,
  side: 'from' | 'to',
  flags: Record<string, unknown>,
  db: OpenedDatabase,
  store?: string,
): Promise<SecretStore & { settings: StoreSettings }> {
  const settings = await resolveStoreSettings({
    side,
    ...(store ? { store } : {}),
    env: currentEnvironment(),
    flags,
    databaseConnection: db.connection,
  });
  const opened = await createStore(settings);
  resources.defer(() => opened.close());
  return Object.assign(opened, { settings });
}

/** Which store Airbyte's env explicitly says it uses (SECRET_PERSISTENCE), if it says (for cleanup's guard). */
export async function currentAirbyteStore(flags: Record<string, unknown>): Promise<string | undefined> {
  const choice = await chooseStoreKind({
    side: 'from',
    env: currentEnvironment(),
    flags: { ...flags, from: undefined },
  });
  return choice.origin === 'default' ? undefined : choice.kind;
}

/**
 * Everything that says which store Airbyte uses, for the commands that delete: `--airbyte-uses`
 * (typed by the operator), the `type` in Airbyte's values file (`--airbyte-values`), and Airbyte's
 * env (SECRET_PERSISTENCE, when set). An unset env is no evidence: on a workstation it is the normal case.
 */
export async function airbyteStoreEvidence(flags: {
  'airbyte-uses'?: string | undefined;
  'airbyte-values'?: string | undefined;
}): Promise<Array<{ kind: string; origin: string }>> {
  const evidence: Array<{ kind: string; origin: string }> = [];
  const typed = flags['airbyte-uses'];
  if (typed) {
    const choice = await chooseStoreKind({ side: 'from', store: typed, env: {}, flags: {} });
    evidence.push({ kind: choice.kind, origin: '--airbyte-uses' });
  }
  const values = flags['airbyte-values'];
  if (values) {
    const choice = await chooseStoreKind({ side: 'from', valuesFile: values, env: {}, flags: {} });
    if (choice.origin !== 'default') evidence.push({ kind: choice.kind, origin: choice.origin });
  }
  const env = await currentAirbyteStore({});
  if (env) evidence.push({ kind: env, origin: 'SECRET_PERSISTENCE' });
  return evidence;
}

export type StoreInUseFlags = Record<string, unknown> & {
  store?: string | undefined;
  'store-values'?: string | undefined;
  'store-secret'?: string | undefined;
};

/**
 * Opens the one store a command works on (`--store`, `--store-values`, `--store-secret`, else
 * what Airbyte's env says it uses), resolved exactly like a migration's source.
 */
export function openStoreInUse(
  resources: CommandResources,
  flags: StoreInUseFlags,
  db: OpenedDatabase,
): Promise<SecretStore & { settings: StoreSettings }> {
  const from = {
    from: flags.store,
    'from-values': flags['store-values'],
    'from-secret': flags['store-secret'],
  };
  return openStore(resources, 'from', { ...flags, ...from }, db);
}

/**
 * One side's settings without opening the store (for commands that only print or write files):
 * Airbyte's database connection is passed when one is configured, for the `database` store.
 */
export async function storeSettingsOnly(
  side: 'from' | 'to',
  flags: Record<string, unknown> & { 'database-url'?: string | undefined },
): Promise<StoreSettings> {
  let connection: DatabaseConnection | undefined;
  try {
    connection = databaseConnection(flags['database-url'], databaseFromEnv(currentEnvironment()));
  } catch {
    connection = undefined;
  }
  return resolveStoreSettings({
    side,
    env: currentEnvironment(),
    flags,
    ...(connection ? { databaseConnection: connection } : {}),
  });
}

/** Which store kind one side names (flags, values file, Airbyte's env), without reading its settings. */
export async function storeKindOnly(
  side: 'from' | 'to',
  flags: Record<string, unknown>,
): Promise<{ kind: StoreSettings['kind'] }> {
  return { kind: (await chooseStoreKind({ side, env: currentEnvironment(), flags })).kind };
}
