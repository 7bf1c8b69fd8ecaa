import pg from 'pg';
import { type SeedManifest, type SeedOptions, seedAirbyteDatabase } from '../../src/sample/seed.js';
import { createTestDatabase, type TestDatabase } from './postgres.js';

export interface SeededDatabase extends TestDatabase {
  pool: pg.Pool;
  manifest: SeedManifest;
  close(): Promise<void>;
}

/** A fresh database on the real server, seeded as a realistic Airbyte config database. */
export async function seededDatabase(label: string, options: SeedOptions = {}): Promise<SeededDatabase> {
  const db = await createTestDatabase(label);
  const pool = new pg.Pool({ connectionString: db.url, max: 12 });
  const manifest = await seedAirbyteDatabase(pool, options);
  return {
    ...db,
    pool,
    manifest,
    async close() {
      await pool.end();
      await db.drop();
    },
  };
}

/**
 * Everything a migration may change or must leave alone, as text: the Airbyte tables row by row
 * (jsonb rendered by the server, so byte-for-byte equality means equal content and formatting).
 */
export async function dumpAirbyteTables(pool: pg.Pool): Promise<Record<string, string[]>> {
  const tables: Record<string, string> = {
    actor: 'SELECT id, workspace_id, name, tombstone, configuration::text, updated_at FROM actor ORDER BY id',
    actor_oauth_parameter:
      'SELECT id, configuration::text, updated_at FROM actor_oauth_parameter ORDER BY id',
    workspace: 'SELECT id, webhook_operation_configs::text FROM workspace ORDER BY id',
    secrets: 'SELECT coordinate, payload FROM secrets ORDER BY coordinate',
    secret_config:
      'SELECT id, secret_storage_id, descriptor, external_coordinate FROM secret_config ORDER BY id',
    secret_reference:
      'SELECT id, secret_config_id, scope_type, scope_id, hydration_path FROM secret_reference ORDER BY id',
  };
  const out: Record<string, string[]> = {};
  for (const [name, sql] of Object.entries(tables)) {
    const exists = await pool.query<{ ok: boolean }>('SELECT to_regclass($1) IS NOT NULL AS ok', [name]);
    if (!exists.rows[0]?.ok) continue;
    out[name] = (await pool.query({ text: sql, rowMode: 'array' })).rows.map((r) => JSON.stringify(r));
  }
  return out;
}

/** Every value a text contains from the list (for canary checks). */
export function leakedCanaries(text: string, canaries: readonly string[]): string[] {
  return canaries.filter((c) => text.includes(c));
}
