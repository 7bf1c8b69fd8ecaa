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

/** Single-quotes an SQL string literal (standard_conforming_strings, on since PostgreSQL 9.1). */
function quoteLiteral(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}

/**
 * The names `--journal-schema` takes: ASCII letters, digits, `_`, `$`, `-` and `.`, starting with a
 * letter or `_`, at most 63 bytes (PostgreSQL's NAMEDATALEN - 1, beyond which it would silently
 * truncate). Every use quotes it, so `a.b` or `Team-A` are one schema, never two parts.
 */
const SCHEMA_NAME = /^[A-Za-z_][A-Za-z0-9_$.-]{0,62}$/;

/** Refuses a schema name that is not an identifier of that shape, in one line. */
export function checkJournalSchema(name: string): string {
  if (!SCHEMA_NAME.test(name)) {
    throw new UsageError(
      `--journal-schema ${JSON.stringify(name)} is not a schema name: use letters, digits, _ $ - or ., starting with a letter or _, at most 63`,
    );
  }
  return name;
}

/** Without these the database is not an Airbyte config database (as in src/airbyte/schema-detect.ts). */
const AIRBYTE_CORE_TABLES = ['actor', 'actor_definition', 'workspace'];

export interface EnsureJournalSchemaOptions {
  /**
   * Refuse, before creating anything, a database without Airbyte's tables in the search path: a
   * wrong --database-url must not leave the tool's schema behind. @default true
   */
  requireAirbyte?: boolean;
}

/** Arbitrary but fixed key: only one process migrates the tool's schema at a time. */
const SCHEMA_LOCK_KEY = 0x41425345; // "ABSE"

/**
 * Creates or upgrades the tool's own schema (journal, audit history) with the numbered SQL files
 * in `migrations/`, through postgrator. Each file runs in its own transaction; an advisory lock
 * serialises concurrent runners. A database migrated by a newer release stops us with a one-line
 * message instead of running against tables we do not understand.
 */
export async function ensureJournalSchema(
  pool: pg.Pool,
  schema = DEFAULT_JOURNAL_SCHEMA,
  options: EnsureJournalSchemaOptions = {},
): Promise<void> {
  checkJournalSchema(schema);
  if (options.requireAirbyte ?? true) await assertAirbyteDatabase(pool);
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

async function assertAirbyteDatabase(pool: pg.Pool): Promise<void> {
  const { rows } = await pool.query<{ table_name: string }>(
    `SELECT table_name::text AS table_name FROM information_schema.tables
     WHERE table_schema = ANY (current_schemas(false)) AND table_name = ANY ($1::text[])`,
    [AIRBYTE_CORE_TABLES],
  );
  const found = new Set(rows.map((r) => r.table_name));
  const missing = AIRBYTE_CORE_TABLES.filter((t) => !found.has(t));
  if (missing.length === 0) return;
  const database = (await pool.query<{ db: string }>('SELECT current_database() AS db')).rows[0]?.db ?? '?';
  throw new UsageError(
    `database "${database}" has no Airbyte table ${missing.join(', ')}: point --database-url (or DATABASE_URL) at Airbyte's config database`,
  );
}

/**
 * postgrator puts `currentSchema` into its SQL as it is (`SET search_path = <it>`, `table_schema =
 * '<it>'`) and splits `schemaTable` on `.`: it gets a placeholder, which every query it runs has
 * replaced by the schema quoted as an identifier or as a literal, whatever the name holds.
 */
const SCHEMA_PLACEHOLDER = 'airbyte_secrets_journal_schema_placeholder';

function withSchema(query: string, schema: string): string {
  return query
    .replaceAll(`'${SCHEMA_PLACEHOLDER}'`, quoteLiteral(schema))
    .replaceAll(SCHEMA_PLACEHOLDER, quoteIdent(schema));
}

async function migrateSchema(client: pg.ClientBase, schema: string): Promise<void> {
  await client.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(schema)}`);
  await client.query(`SET search_path TO ${quoteIdent(schema)}`);
  const database = (await client.query<{ db: string }>('SELECT current_database() AS db')).rows[0]?.db;
  if (database === undefined) throw new Error('current_database() returned no row (a bug)');
  const postgrator = new Postgrator({
    migrationPattern: join(packageRoot(), 'migrations', '*.sql'),
    driver: 'pg',
    ...(database ? { database: database.replace(/'/g, "''") } : {}),
    // Unqualified: found through the search path, which is the schema alone.
    schemaTable: 'schemaversion',
    currentSchema: SCHEMA_PLACEHOLDER,
    execQuery: (query: string) => client.query(withSchema(query, schema)),
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
