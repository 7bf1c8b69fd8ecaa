import { describeDatabase, resolveDatabaseConnection } from '../airbyte/connection.js';
import { databaseConnection, databaseFromEnv } from '../config/database.js';
import { currentEnvironment } from '../config/environment.js';
import { describeSecretManifest } from '../config/secret-manifest.js';
import { type PreflightMode, type PreflightTargets, requirePreflight } from '../preflight/index.js';
import type { StoreSettings } from '../stores/registry.js';
import type { SecretStore } from '../stores/types.js';
import { type CommandResources, type OpenedDatabase, openAirbyteDatabase, openStore } from './context.js';

type Flags = Record<string, unknown> & { 'database-url'?: string | undefined; 'journal-schema': string };

/**
 * What `doctor` checks, from the same flags, values files and env as `migrate`: the database, the
 * source store, the target store when `--to` or `--to-values` names one, and the Secret manifests given.
 */
export function doctorTargets(resources: CommandResources, flags: Flags): PreflightTargets {
  let db: Promise<OpenedDatabase> | undefined;
  const openDb = () => {
    db ??= openAirbyteDatabase(resources, flags, 4);
    return db;
  };
  const sides: Array<'from' | 'to'> = flags.to || flags['to-values'] ? ['from', 'to'] : ['from'];
  return {
    database: { describe: databaseDescription(flags), open: async () => (await openDb()).pool },
    journalSchema: flags['journal-schema'],
    stores: sides.map((side) => ({
      subject: side === 'from' ? 'source' : 'target',
      open: async () => openStore(resources, side, flags, await openDb()),
    })),
    files: sides.flatMap((side) => {
      const file = flags[`${side}-secret`];
      const values = flags[`${side}-values`];
      if (typeof file !== 'string') return [];
      const subject = side === 'from' ? 'source' : 'target';
      return [
        {
          subject,
          check: () => describeSecretManifest(file, typeof values === 'string' ? values : undefined),
        },
      ];
    }),
  };
}

function databaseDescription(flags: Flags): string {
  try {
    const config = resolveDatabaseConnection(
      databaseConnection(flags['database-url'], databaseFromEnv(currentEnvironment())),
    );
    return `PostgreSQL ${describeDatabase(config)}${config.user ? ` as ${config.user}` : ''}`;
  } catch {
    return 'PostgreSQL (not configured)';
  }
}

/**
 * `migrate`'s (and `plan`'s) two stores, opened and checked with the database before anything
 * else happens: a refused token, a missing permission or mount stops the command with one line.
 */
export async function openCheckedStores(
  resources: CommandResources,
  flags: Flags,
  db: OpenedDatabase,
  mode: PreflightMode,
): Promise<{ source: OpenedStore; target: OpenedStore }> {
  const source = await openStore(resources, 'from', flags, db);
  const target = await openStore(resources, 'to', flags, db);
  const stores = [
    { subject: 'target', store: target },
    { subject: 'source', store: source },
  ];
  await requirePreflight(db.pool, flags['journal-schema'], stores, mode);
  return { source, target };
}

type OpenedStore = SecretStore & { settings: StoreSettings };
