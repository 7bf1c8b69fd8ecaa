import type pg from 'pg';
import { quoteIdent } from '../journal/schema.js';

/**
 * All SQL of the audit history (tables from migrations/0002.do.audit-history.sql). Every function
 * takes the tool's schema and qualifies table names with it, so nothing depends on search_path.
 */

type Queryable = Pick<pg.ClientBase, 'query'>;

/** A row of `audit_run`. `id` is a bigint, which pg returns as a string. */
export interface AuditRunRow {
  id: string;
  started_at: Date;
  finished_at: Date;
  store: string;
  holders_scanned: number;
  secrets_found: number;
  counts: Record<string, unknown>;
  options: Record<string, unknown>;
}

/** A row of `audit_finding`: where a finding is, never what the secret is. */
export interface AuditFindingRow {
  finding_id: string;
  category: string;
  severity: string;
  holder: string;
  workspace_id: string | null;
  actor_id: string | null;
  path: string | null;
  coordinate: string | null;
}

const t = (schema: string, table: string) => `${quoteIdent(schema)}.${table}`;

export async function auditTablesExist(db: Queryable, schema: string): Promise<boolean> {
  const r = await db.query<{ ok: boolean }>(
    'SELECT to_regclass($1) IS NOT NULL AND to_regclass($2) IS NOT NULL AS ok',
    [t(schema, 'audit_run'), t(schema, 'audit_finding')],
  );
  return r.rows[0]?.ok === true;
}

export async function insertAuditRun(
  db: Queryable,
  schema: string,
  run: Omit<AuditRunRow, 'id' | 'started_at' | 'finished_at'> & { started_at: string; finished_at: string },
): Promise<AuditRunRow> {
  const r = await db.query<AuditRunRow>(
    `INSERT INTO ${t(schema, 'audit_run')}
       (started_at, finished_at, store, holders_scanned, secrets_found, counts, options)
     VALUES ($1, $2, $3, $4, $5, $6, $7)
     RETURNING *`,
    [
      run.started_at,
      run.finished_at,
      run.store,
      run.holders_scanned,
      run.secrets_found,
      JSON.stringify(run.counts),
      JSON.stringify(run.options),
    ],
  );
  const inserted = r.rows[0];
  if (inserted === undefined) throw new Error('INSERT … RETURNING gave no audit_run row (a bug)');
  return inserted;
}

/** Inserts all findings of a run in one statement (arrays expanded with unnest). */
export async function insertAuditFindings(
  db: Queryable,
  schema: string,
  runId: string,
  rows: readonly AuditFindingRow[],
): Promise<void> {
  if (rows.length === 0) return;
  const col = <K extends keyof AuditFindingRow>(k: K) => rows.map((r) => r[k]);
  await db.query(
    `INSERT INTO ${t(schema, 'audit_finding')}
       (run_id, finding_id, category, severity, holder, workspace_id, actor_id, path, coordinate)
     SELECT $1::bigint, * FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[])
     ON CONFLICT (run_id, finding_id) DO NOTHING`,
    [
      runId,
      col('finding_id'),
      col('category'),
      col('severity'),
      col('holder'),
      col('workspace_id'),
      col('actor_id'),
      col('path'),
      col('coordinate'),
    ],
  );
}

/** The latest run that started before `before` (so the run being compared is never its own baseline). */
export async function selectRunBefore(
  db: Queryable,
  schema: string,
  before: string,
  store: string,
): Promise<AuditRunRow | null> {
  const r = await db.query<AuditRunRow>(
    `SELECT * FROM ${t(schema, 'audit_run')}
      WHERE started_at < $1::timestamptz AND store = $2
      ORDER BY started_at DESC, id DESC
      LIMIT 1`,
    [before, store],
  );
  return r.rows[0] ?? null;
}

export async function selectRunFindings(
  db: Queryable,
  schema: string,
  runId: string,
): Promise<AuditFindingRow[]> {
  const r = await db.query<AuditFindingRow>(
    `SELECT finding_id, category, severity, holder, workspace_id, actor_id, path, coordinate
       FROM ${t(schema, 'audit_finding')}
      WHERE run_id = $1
      ORDER BY finding_id`,
    [runId],
  );
  return r.rows;
}

/** The newest runs first. */
export async function selectRuns(db: Queryable, schema: string, limit: number): Promise<AuditRunRow[]> {
  const r = await db.query<AuditRunRow>(
    `SELECT * FROM ${t(schema, 'audit_run')} ORDER BY started_at DESC, id DESC LIMIT $1`,
    [limit],
  );
  return r.rows;
}
