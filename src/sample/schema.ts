import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Db, withTransaction } from '../journal/transaction.js';
import { packageRoot } from '../util/package-root.js';

/** `current`: today's Airbyte. `legacy`: an Airbyte from before organizations, pins and secret references. */
export type AirbyteSchemaVariant = 'current' | 'legacy';

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
  for (let i = 1; i + 1 < parts.length; i += 2) {
    const variant = parts[i];
    const sql = parts[i + 1];
    if (variant !== undefined && sql !== undefined) out.push({ variant, sql });
  }
  return out;
}

/** Beside this module when run from src/, else the copy in the package's src/sample/ (built runs). */
function schemaFile(): string {
  const beside = join(dirname(fileURLToPath(import.meta.url)), SCHEMA_FILE);
  if (existsSync(beside)) return beside;
  return join(packageRoot(), 'src', 'sample', SCHEMA_FILE);
}
