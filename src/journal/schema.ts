import { join } from 'node:path';
import type pg from 'pg';
import Postgrator from 'postgrator';
import { UsageError } from '../util/errors.js';
import { packageRoot } from '../util/package-root.js';
import { withAdvisoryLock, withTransaction } from './transaction.js';

export const DEFAULT_JOURNAL_SCHEMA = 'airbyte_secrets';

/** Double-quotes an SQL identifier. */
export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** Arbitrary but fixed key: only one process migrates the tool's schema at a time. */
const SCHEMA_LOCK_KEY = 0x41425345; // "ABSE"

/**
 * Creates or upgrades the tool's own schema (journal, audit history) with the numbered SQL files
 * in `migrations/`, through postgrator. Each file runs in its own transaction; an advisory lock
 * serialises concurrent runners. A database migrated by a newer release stops us with a one-line
 * message instead of running against tables we do not understand.
 */
export async function ensureJournalSchema(pool: pg.Pool, schema = DEFAULT_JOURNAL_SCHEMA): Promise<void> {
  try {
    await withAdvisoryLock(pool, SCHEMA_LOCK_KEY, async (client) => {
      try {
        await migrateSchema(client, schema);
      } finally {
        await client.query('RESET search_path').catch(() => undefined);
      }
    });
  } catch (err) {
    if (err instanceof UsageError) throw err;
    const code = (err as { code?: string }).code;
    if (code === '42501') {
      throw new UsageError(
        `cannot create or change schema ${schema}: permission denied (grant CREATE on the database, or use --no-history for a read-only audit)`,
      );
    }
    throw err;
  }
}

async function migrateSchema(client: pg.ClientBase, schema: string): Promise<void> {
  await client.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(schema)}`);
  await client.query(`SET search_path TO ${quoteIdent(schema)}`);
  const database = (await client.query<{ db: string }>('SELECT current_database() AS db')).rows[0]?.db;
  if (database === undefined) throw new Error('current_database() returned no row (a bug)');
  const postgrator = new Postgrator({
    migrationPattern: join(packageRoot(), 'migrations', '*.sql'),
    driver: 'pg',
    database,
    schemaTable: `${schema}.schemaversion`,
    currentSchema: schema,
    execQuery: (query: string) => client.query(query),
    execSqlScript: async (script: string) => {
      await withTransaction(client, (c) => c.query(script));
    },
  });
  const [known, applied] = await Promise.all([postgrator.getMaxVersion(), postgrator.getDatabaseVersion()]);
  if (applied > known) {
    throw new UsageError(
      `schema ${schema} is at version ${applied}, newer than this airbyte-secrets knows (${known}): upgrade airbyte-secrets`,
    );
  }
  await postgrator.migrate();
}
