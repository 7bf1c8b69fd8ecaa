import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type pg from 'pg';
import { packageRoot } from '../util/package-root.js';

/** `current`: today's Airbyte. `legacy`: an Airbyte from before organizations, pins and secret references. */
export type AirbyteSchemaVariant = 'current' | 'legacy';

/** A pool or a connected client. */
export type Db = pg.Pool | pg.ClientBase;

const SCHEMA_FILE = 'airbyte-schema.sql';
const VARIANT_MARKER = /^-- @variant (\w+)\s*$/m;

/**
 * Creates the Airbyte tables airbyte-secrets reads (see airbyte-schema.sql) in the current schema,
 * in one transaction. The database should be empty: the tables are created, not upgraded.
 */
export async function createAirbyteSchema(
  db: Db,
  options: { variant?: AirbyteSchemaVariant } = {},
): Promise<void> {
  const script = airbyteSchemaSql(options.variant ?? 'current');
  await withTransaction(db, (client) => client.query(script));
}

/** The DDL script for one variant (to run inside a transaction of the caller's). */
export function airbyteSchemaSql(variant: AirbyteSchemaVariant): string {
  return schemaSections()
    .filter((s) => s.variant === 'all' || s.variant === variant)
    .map((s) => s.sql)
    .join('\n');
}

/** The SQL file's sections, in file order. */
export function schemaSections(): Array<{ variant: string; sql: string }> {
  const text = readFileSync(schemaFile(), 'utf8');
  const parts = text.split(VARIANT_MARKER);
  const out: Array<{ variant: string; sql: string }> = [];
  // split() with a capture group gives [preamble, name, body, name, body, ...].
  for (let i = 1; i + 1 < parts.length; i += 2) out.push({ variant: parts[i]!, sql: parts[i + 1]! });
  return out;
}

/** Beside this module when run from src/, else the copy in the package's src/sample/ (built runs). */
function schemaFile(): string {
  const beside = join(dirname(fileURLToPath(import.meta.url)), SCHEMA_FILE);
  if (existsSync(beside)) return beside;
  return join(packageRoot(), 'src', 'sample', SCHEMA_FILE);
}

/** Runs `fn` in a transaction on one connection (checked out of the pool when given a pool). */
export async function withTransaction<T>(db: Db, fn: (client: pg.ClientBase) => Promise<T>): Promise<T> {
  const client = isPool(db) ? await db.connect() : db;
  try {
    await client.query('BEGIN');
    try {
      const result = await fn(client);
      await client.query('COMMIT');
      return result;
    } catch (err) {
      await client.query('ROLLBACK');
      throw err;
    }
  } finally {
    if (isPool(db)) (client as pg.PoolClient).release();
  }
}

/** Duck-typed: a Pool from another copy of `pg` is still a pool (BEGIN must not go to a random connection). */
function isPool(db: Db): db is pg.Pool {
  return 'totalCount' in db && 'idleCount' in db;
}
