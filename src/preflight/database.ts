import type pg from 'pg';
import { detectAirbyteSchema } from '../airbyte/schema-detect.js';
import type { StoreCheck } from '../stores/types.js';
import { UsageError } from '../util/errors.js';
import type { PreflightPurpose } from './types.js';

/**
 * The rights the tool needs on Airbyte's tables: it reads every holder of secrets and the
 * connector specs, and a migration rewrites configurations and references in place. A table this
 * Airbyte version does not have is skipped.
 */
const TABLE_RIGHTS: Array<{ table: string; read: string[]; write: string[] }> = [
  { table: 'actor', read: ['SELECT'], write: ['UPDATE'] },
  { table: 'actor_oauth_parameter', read: ['SELECT'], write: ['UPDATE'] },
  { table: 'workspace', read: ['SELECT'], write: ['UPDATE'] },
  { table: 'actor_definition', read: ['SELECT'], write: [] },
  { table: 'actor_definition_version', read: ['SELECT'], write: [] },
  { table: 'connection', read: ['SELECT'], write: ['UPDATE'] },
  { table: 'connector_builder_project', read: ['SELECT'], write: ['UPDATE'] },
  { table: 'declarative_manifest', read: ['SELECT'], write: [] },
  { table: 'active_declarative_manifest', read: ['SELECT'], write: [] },
  { table: 'secret_storage', read: ['SELECT'], write: [] },
  { table: 'secret_config', read: ['SELECT'], write: ['INSERT'] },
  { table: 'secret_reference', read: ['SELECT'], write: ['INSERT', 'UPDATE', 'DELETE'] },
];

interface Right {
  table: string;
  privilege: string;
  ok: boolean;
}

/** The role, and its rights on Airbyte's tables and on the tool's journal schema. */
export async function checkDatabase(
  pool: pg.Pool,
  journalSchema: string,
  purpose: PreflightPurpose,
): Promise<StoreCheck[]> {
  const checks: StoreCheck[] = [];
  try {
    await detectAirbyteSchema(pool);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    const [detail = err.message, fix] = err.message.split(': point ');
    checks.push({
      name: "Airbyte's tables",
      ok: false,
      blocking: true,
      detail,
      ...(fix ? { fix: `point ${fix}` } : {}),
    });
    return checks;
  }
  const wanted = TABLE_RIGHTS.flatMap(({ table, read, write }) =>
    [...read, ...(purpose.rewrites ? write : [])].map((privilege) => ({ table, privilege })),
  );
  const { rows } = await pool.query<Right & { role: string }>(
    `SELECT w.t AS table, w.p AS privilege, has_table_privilege(to_regclass(w.t), w.p) AS ok, current_user AS role
       FROM unnest($1::text[], $2::text[]) AS w(t, p)
      WHERE to_regclass(w.t) IS NOT NULL`,
    [wanted.map((w) => w.table), wanted.map((w) => w.privilege)],
  );
  const role = rows[0]?.role;
  checks.push(
    rightsCheck(
      'read rights',
      role,
      rows.filter((r) => r.privilege === 'SELECT'),
    ),
  );
  if (purpose.rewrites) {
    checks.push(
      rightsCheck(
        'write rights',
        role,
        rows.filter((r) => r.privilege !== 'SELECT'),
      ),
    );
  }
  if (purpose.writes) checks.push(await journalCheck(pool, journalSchema, role));
  return checks;
}

function rightsCheck(name: string, role: string | undefined, rights: Right[]): StoreCheck {
  const missing = rights.filter((r) => !r.ok);
  const granted = rights.length - missing.length;
  if (missing.length === 0) {
    const what = [...new Set(rights.map((r) => r.privilege))].join('/');
    return { name, ok: true, detail: `${role} has ${what} on ${granted} of Airbyte's tables` };
  }
  const grants = [...new Set(missing.map((r) => r.privilege))].map(
    (p) =>
      `GRANT ${p} ON ${missing
        .filter((r) => r.privilege === p)
        .map((r) => r.table)
        .join(', ')} TO ${role}`,
  );
  return {
    name,
    ok: false,
    blocking: true,
    detail: `${role} lacks ${missing.map((r) => `${r.privilege} on ${r.table}`).join(', ')}`,
    fix: grants.join('; '),
  };
}

/** The journal lives in its own schema: it must be usable, or creatable when it is not there yet. */
async function journalCheck(pool: pg.Pool, schema: string, role: string | undefined): Promise<StoreCheck> {
  const { rows } = await pool.query<{ found: boolean; ok: boolean }>(
    `SELECT to_regnamespace(quote_ident($1)) IS NOT NULL AS found,
            CASE WHEN to_regnamespace(quote_ident($1)) IS NOT NULL
                 THEN has_schema_privilege(quote_ident($1), 'USAGE') AND has_schema_privilege(quote_ident($1), 'CREATE')
                 ELSE has_database_privilege(current_database(), 'CREATE') END AS ok`,
    [schema],
  );
  const found = rows[0]?.found ?? false;
  if (rows[0]?.ok) {
    return {
      name: 'journal',
      ok: true,
      detail: found ? `schema ${schema} usable` : `schema ${schema} will be created`,
    };
  }
  return {
    name: 'journal',
    ok: false,
    blocking: true,
    detail: found
      ? `${role} may not use or create in schema ${schema}`
      : `${role} may not create schema ${schema}`,
    fix: found
      ? `GRANT USAGE, CREATE ON SCHEMA ${schema} TO ${role}`
      : `GRANT CREATE ON DATABASE current_database TO ${role}, or pre-create schema ${schema} owned by ${role}`,
  };
}
