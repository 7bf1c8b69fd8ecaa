import type pg from 'pg';
import { stringifyExactJson } from './exact-json.js';
import { airbyteHydrationPath, parsePath } from './json-path.js';
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
    // Mapper secrets and builder testing values are split with createFromConfigLegacy: plain
    // `{"_secret": C}` nodes, never secret_reference rows.
    connection_catalog: { table: 'connection', column: 'catalog' },
    builder_testing_values: { table: 'connector_builder_project', column: 'testing_values' },
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

/**
 * Replaces a holder row's JSON (and nothing else: `updated_at` is left alone so a rollback is
 * exact). `json` must come from `parseExactJson` so that every number is written as it was read;
 * and PostgreSQL itself proves that only the `changedPaths` differ: the UPDATE matches only when
 * the new and the old JSON are equal once those paths are removed from both. Anything else is a
 * bug, and the caller's transaction is rolled back.
 */
export async function updateHolderJson(
  db: Queryable,
  holder: HolderKind,
  rowId: string,
  json: unknown,
  changedPaths: readonly string[],
): Promise<void> {
  const { table, column } = HOLDER_COLUMNS[holder];
  // Each rewritten path is nulled (not removed: `#-` on array elements shifts the later ones), so
  // both sides compare equal exactly when everything else is the same.
  const without = (expr: string) =>
    changedPaths.reduce((sql, _p, i) => `jsonb_set(${sql}, $${i + 3}::text[], 'null'::jsonb, false)`, expr);
  const r = await db.query(
    `UPDATE ${table} SET ${column} = $2::jsonb
      WHERE id = $1::uuid AND ${without('$2::jsonb')} IS NOT DISTINCT FROM ${without(column)}`,
    [rowId, stringifyExactJson(json), ...changedPaths.map(jsonbPathOf)],
  );
  if (r.rowCount !== 1) {
    throw new Error(
      `Refusing to rewrite ${table} ${rowId}: the new JSON differs from the row outside the secret paths it rewrites`,
    );
  }
}

/** A definite path (`$.a[0]['b.c']`) as the text[] that jsonb_set takes (`{a,0,b.c}`). */
function jsonbPathOf(path: string): string[] {
  return parsePath(path).map((s) => {
    if (s.type === 'wildcard') throw new Error(`Cannot rewrite at ${path}: expand the path first`);
    return s.type === 'key' ? s.key : String(s.index);
  });
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
  const scope = HOLDER_COLUMNS[args.holder].referenceScope;
  if (scope === undefined) throw new Error(`${args.holder} rows hold no secret references (a bug)`);
  const created: Array<{ table: 'secret_config' | 'secret_reference'; id: string }> = [];
  const config = await findOrCreateSecretConfig(db, args.storageId, args.coordinate);
  const configId = config.id;
  if (config.created) created.push({ table: 'secret_config', id: configId });
  // Airbyte's `createAndReplace`: the reference at (scope, path) is replaced, whichever spelling
  // of the path an earlier writer used.
  await db.query(
    `DELETE FROM secret_reference WHERE scope_type::text = $1 AND scope_id = $2::uuid AND coalesce(hydration_path, '') = ANY($3::text[])`,
    [scope, args.rowId, pathSpellings(args.path)],
  );
  const inserted = await db.query<{ id: string }>(
    `INSERT INTO secret_reference (id, secret_config_id, scope_type, scope_id, hydration_path)
     VALUES (gen_random_uuid(), $1::uuid, $2::secret_reference_scope_type, $3::uuid, $4) RETURNING id::text`,
    [configId, scope, args.rowId, airbyteHydrationPath(args.path)],
  );
  const referenceId = inserted.rows[0]?.id;
  if (referenceId === undefined) throw new Error('INSERT INTO secret_reference returned no id');
  created.push({ table: 'secret_reference', id: referenceId });
  return { referenceId, created };
}

/** The Airbyte-managed `secret_config` of (storage, coordinate), inserted when there is none. */
export async function findOrCreateSecretConfig(
  db: Queryable,
  storageId: string,
  coordinate: string,
): Promise<{ id: string; created: boolean }> {
  const found = (
    await db.query<{ id: string }>(
      `SELECT id::text FROM secret_config WHERE secret_storage_id = $1::uuid AND external_coordinate = $2`,
      [storageId, coordinate],
    )
  ).rows[0]?.id;
  if (found) return { id: found, created: false };
  const columns = await columnsOf(db, 'secret_config');
  const names = ['id', 'secret_storage_id', 'descriptor', 'external_coordinate'];
  const values = ['gen_random_uuid()', '$1::uuid', '$2', '$2'];
  if (columns.has('airbyte_managed')) {
    names.push('airbyte_managed');
    values.push('true');
  }
  // Platform 1.1–1.5 declare the user columns NOT NULL (until V1_6_0_002__AllowNullSecretConfigUser);
  // Airbyte then fills both with the acting user, which on an install without auth is its
  // default user (UserPersistence.DEFAULT_USER_ID). Later versions leave them NULL for system writes.
  for (const user of ['created_by', 'updated_by']) {
    if (columns.get(user) === false) {
      names.push(user);
      values.push(`'${AIRBYTE_DEFAULT_USER_ID}'::uuid`);
    }
  }
  const inserted = await db.query<{ id: string }>(
    `INSERT INTO secret_config (${names.join(', ')}) VALUES (${values.join(', ')}) RETURNING id::text`,
    [storageId, coordinate],
  );
  const id = inserted.rows[0]?.id;
  if (id === undefined) throw new Error('INSERT INTO secret_config returned no id');
  return { id, created: true };
}

/** Airbyte's default (instance admin) user, the acting user of every request on an install without auth. */
export const AIRBYTE_DEFAULT_USER_ID = '00000000-0000-0000-0000-000000000000';

/** The spellings a hydration path may have been stored under: Airbyte's, Jayway's raw one, and ours. */
function pathSpellings(path: string): string[] {
  const segments = parsePath(path);
  const jayway = `$${segments.map((s) => (s.type === 'index' ? `[${s.index}]` : s.type === 'key' ? `['${s.key}']` : '[*]')).join('')}`;
  return [...new Set([airbyteHydrationPath(segments), jayway, path])];
}

/**
 * The secret_reference behind a node: by its id when the node carries one, else the one at
 * (scope, row, path). Undefined when the holder has no reference there (or the table is absent).
 */
export async function findSecretReference(
  db: Queryable,
  args: { holder: HolderKind; rowId: string; path: string; referenceId?: string },
): Promise<{ id: string; configId: string; storageId: string; coordinate: string } | undefined> {
  const scope = HOLDER_COLUMNS[args.holder].referenceScope;
  if (!scope || !(await tableExists(db, 'secret_reference'))) return undefined;
  const where = args.referenceId
    ? { sql: 'r.id::text = $1', params: [args.referenceId] }
    : {
        sql: "r.scope_type::text = $1 AND r.scope_id = $2::uuid AND coalesce(r.hydration_path, '') = ANY($3::text[])",
        params: [scope, args.rowId, pathSpellings(args.path)],
      };
  const r = await db.query<{ id: string; config_id: string; storage_id: string; coordinate: string }>(
    `SELECT r.id::text, r.secret_config_id::text AS config_id, c.secret_storage_id::text AS storage_id,
            c.external_coordinate AS coordinate
       FROM secret_reference r JOIN secret_config c ON c.id = r.secret_config_id
      WHERE ${where.sql} FOR UPDATE OF r`,
    where.params,
  );
  const row = r.rows[0];
  return row
    ? { id: row.id, configId: row.config_id, storageId: row.storage_id, coordinate: row.coordinate }
    : undefined;
}

/**
 * Points an existing secret_reference at the secret_config of `coordinate` (re-keying): the
 * reference keeps its id, so a `{"_secret_reference_id": R}` node stays valid as it is. Returns
 * what changed, for rollback.
 */
export async function repointSecretReference(
  db: Queryable,
  reference: { id: string; configId: string; storageId: string },
  coordinate: string,
): Promise<Array<{ table: string; id: string; previous?: string }>> {
  const config = await findOrCreateSecretConfig(db, reference.storageId, coordinate);
  await db.query(`UPDATE secret_reference SET secret_config_id = $2::uuid WHERE id = $1::uuid`, [
    reference.id,
    config.id,
  ]);
  return [
    ...(config.created ? [{ table: 'secret_config', id: config.id }] : []),
    { table: REPOINTED_REFERENCE, id: reference.id, previous: reference.configId },
  ];
}

/** The `table` of a change that re-pointed a secret_reference (not a row to delete). */
export const REPOINTED_REFERENCE = 'secret_reference.secret_config_id';

/** Points re-pointed references back at their old secret_config (rollback, before deleting created rows). */
export async function restoreRepointedReferences(
  db: Queryable,
  changes: Array<{ table: string; id: string; previous?: string }>,
): Promise<void> {
  for (const c of changes) {
    if (c.table !== REPOINTED_REFERENCE || !c.previous) continue;
    await db.query(`UPDATE secret_reference SET secret_config_id = $2::uuid WHERE id = $1::uuid`, [
      c.id,
      c.previous,
    ]);
  }
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

/** The table's columns, each mapped to whether it accepts NULL. */
async function columnsOf(db: Queryable, table: string): Promise<Map<string, boolean>> {
  const r = await db.query<{ column_name: string; is_nullable: string }>(
    `SELECT column_name, is_nullable FROM information_schema.columns
      WHERE table_name = $1 AND table_schema = ANY(current_schemas(false))`,
    [table],
  );
  return new Map(r.rows.map((c) => [c.column_name, c.is_nullable === 'YES']));
}
