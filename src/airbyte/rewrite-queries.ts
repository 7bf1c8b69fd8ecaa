import type pg from 'pg';
import type { HolderKind } from './types.js';

/**
 * The only SQL that changes Airbyte's tables. Every function runs inside the caller's transaction;
 * the caller locks the row first and checks it still holds what was planned.
 */

/** Where each kind of holder keeps its JSON. */
export const HOLDER_COLUMNS: Record<HolderKind, { table: string; column: string; referenceScope?: string }> =
  {
    actor: { table: 'actor', column: 'configuration', referenceScope: 'actor' },
    actor_oauth_parameter: {
      table: 'actor_oauth_parameter',
      column: 'configuration',
      referenceScope: 'actor_oauth_parameter',
    },
    workspace_webhook: { table: 'workspace', column: 'webhook_operation_configs' },
  };

type Queryable = Pick<pg.ClientBase, 'query'>;

/**
 * Locks a holder row and tells whether its JSON still equals `expectedText` (jsonb equality, so
 * formatting does not matter). Returns undefined when the row is gone.
 */
export async function lockHolderRow(
  db: Queryable,
  holder: HolderKind,
  rowId: string,
  expectedText: string | null,
): Promise<{ unchanged: boolean; text: string | null } | undefined> {
  const { table, column } = HOLDER_COLUMNS[holder];
  const r = await db.query<{ unchanged: boolean | null; text: string | null }>(
    `SELECT (${column} IS NOT DISTINCT FROM $2::jsonb) AS unchanged, ${column}::text AS text
       FROM ${table} WHERE id = $1::uuid FOR UPDATE`,
    [rowId, expectedText],
  );
  const row = r.rows[0];
  return row ? { unchanged: row.unchanged === true, text: row.text } : undefined;
}

/** Replaces a holder row's JSON (and nothing else: `updated_at` is left alone so a rollback is exact). */
export async function updateHolderJson(
  db: Queryable,
  holder: HolderKind,
  rowId: string,
  json: unknown,
): Promise<void> {
  const { table, column } = HOLDER_COLUMNS[holder];
  await db.query(`UPDATE ${table} SET ${column} = $2::jsonb WHERE id = $1::uuid`, [
    rowId,
    JSON.stringify(json),
  ]);
}

/** The storage a holder's existing secret references point at, if it uses reference ids at all. */
export async function referenceStorageOf(
  db: Queryable,
  holder: HolderKind,
  rowId: string,
): Promise<string | undefined> {
  const scope = HOLDER_COLUMNS[holder].referenceScope;
  if (!scope || !(await tableExists(db, 'secret_reference'))) return undefined;
  const r = await db.query<{ storage: string }>(
    `SELECT c.secret_storage_id::text AS storage
       FROM secret_reference r JOIN secret_config c ON c.id = r.secret_config_id
      WHERE r.scope_type::text = $1 AND r.scope_id = $2::uuid
      ORDER BY r.created_at NULLS LAST LIMIT 1`,
    [scope, rowId],
  );
  return r.rows[0]?.storage;
}

/**
 * Records a new Airbyte-managed secret the way Airbyte's `createSecretConfigAndReference` does:
 * reuse or insert the `secret_config` for (storage, coordinate), then replace the reference at
 * (scope, path). Returns the reference id and what was inserted (for rollback).
 */
export async function createSecretReference(
  db: Queryable,
  args: { holder: HolderKind; rowId: string; path: string; storageId: string; coordinate: string },
): Promise<{
  referenceId: string;
  created: Array<{ table: 'secret_config' | 'secret_reference'; id: string }>;
}> {
  const scope = HOLDER_COLUMNS[args.holder].referenceScope!;
  const created: Array<{ table: 'secret_config' | 'secret_reference'; id: string }> = [];
  let configId = (
    await db.query<{ id: string }>(
      `SELECT id::text FROM secret_config WHERE secret_storage_id = $1::uuid AND external_coordinate = $2`,
      [args.storageId, args.coordinate],
    )
  ).rows[0]?.id;
  if (!configId) {
    const hasManaged = await columnExists(db, 'secret_config', 'airbyte_managed');
    configId = (
      await db.query<{ id: string }>(
        `INSERT INTO secret_config (id, secret_storage_id, descriptor, external_coordinate${hasManaged ? ', airbyte_managed' : ''})
         VALUES (gen_random_uuid(), $1::uuid, $2, $2${hasManaged ? ', true' : ''}) RETURNING id::text`,
        [args.storageId, args.coordinate],
      )
    ).rows[0]!.id;
    created.push({ table: 'secret_config', id: configId });
  }
  await db.query(
    `DELETE FROM secret_reference WHERE scope_type::text = $1 AND scope_id = $2::uuid AND coalesce(hydration_path, '') = $3`,
    [scope, args.rowId, args.path],
  );
  const referenceId = (
    await db.query<{ id: string }>(
      `INSERT INTO secret_reference (id, secret_config_id, scope_type, scope_id, hydration_path)
       VALUES (gen_random_uuid(), $1::uuid, $2::secret_reference_scope_type, $3::uuid, $4) RETURNING id::text`,
      [configId, scope, args.rowId, args.path],
    )
  ).rows[0]!.id;
  created.push({ table: 'secret_reference', id: referenceId });
  return { referenceId, created };
}

/** Removes rows a rewrite inserted (rollback), references before configs. */
export async function deleteCreatedReferences(
  db: Queryable,
  created: Array<{ table: string; id: string }>,
): Promise<void> {
  for (const table of ['secret_reference', 'secret_config']) {
    const ids = created.filter((c) => c.table === table).map((c) => c.id);
    if (ids.length) await db.query(`DELETE FROM ${table} WHERE id = ANY($1::uuid[])`, [ids]);
  }
}

async function tableExists(db: Queryable, table: string): Promise<boolean> {
  const r = await db.query<{ ok: boolean }>(`SELECT to_regclass($1) IS NOT NULL AS ok`, [table]);
  return r.rows[0]?.ok === true;
}

async function columnExists(db: Queryable, table: string, column: string): Promise<boolean> {
  const r = await db.query<{ ok: boolean }>(
    `SELECT EXISTS (SELECT 1 FROM information_schema.columns
                     WHERE table_name = $1 AND column_name = $2 AND table_schema = ANY(current_schemas(false))) AS ok`,
    [table, column],
  );
  return r.rows[0]?.ok === true;
}
