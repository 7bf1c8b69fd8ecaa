import type pg from 'pg';
import { parseExactJson, stringifyExactJson } from '../airbyte/exact-json.js';
import { quoteIdent } from './schema.js';

/** A row of `migration_run`. */
export interface RunRow {
  id: string;
  kind: 'migrate' | 'rekey' | 'sync' | 'cleanup';
  /** `interrupted`: stopped by a signal or by losing its database or a store; resumed like `running` and `failed`. */
  state: 'running' | 'completed' | 'failed' | 'interrupted' | 'rolled-back';
  started_at: Date;
  finished_at: Date | null;
  started_by: string;
  source_kind: string;
  source_store: string;
  target_kind: string;
  target_store: string;
  /** The stores' normalised identities (`SecretStore.identity`); null in runs recorded before them. */
  source_identity?: string | null;
  target_identity?: string | null;
  options: Record<string, unknown>;
  counts: Record<string, number>;
}

/**
 * What an item does: migrate's `copy`, `extract`, `skip`, `conflict`; re-keying's `rekey` (value
 * under a new coordinate, reference rewritten), `reencrypt` (key or tags changed in place) and
 * `delete-old` (an old name deleted after the rewrite). `copy` also names rekey's legacy-name fix.
 * A sync's `copy` goes to its target, `copy-back` to its source; `delete` is a deletion by
 * `cleanup` or `rollback --delete-created` (`target_outcome` says how: deleted or scheduled).
 */
export type ItemAction =
  | 'copy'
  | 'copy-back'
  | 'extract'
  | 'skip'
  | 'conflict'
  | 'rekey'
  | 'reencrypt'
  | 'delete-old'
  | 'delete';

/**
 * A secret_config/secret_reference row a rewrite inserted (rollback deletes it), or, with
 * `previous`, a secret_reference it pointed at another secret_config (rollback points it back).
 */
export interface ReferenceChange {
  table: string;
  id: string;
  previous?: string;
}

/** A row of `migration_item`. */
export interface ItemRow {
  run_id: string;
  item_key: string;
  action: ItemAction;
  state:
    | 'pending'
    | 'writing'
    | 'verified'
    | 'rewritten'
    | 'failed'
    | 'conflict'
    | 'superseded'
    | 'rolled-back'
    | 'deleted'
    | 'restored';
  holder: string | null;
  row_id: string | null;
  path: string | null;
  workspace_id: string | null;
  coordinate: string | null;
  target_outcome: string | null;
  source_outcome: string | null;
  reason: string | null;
  error_class: string | null;
  attempts: number;
  /**
   * The attempt that recorded its intent to write the coordinate to the target (source) store,
   * before writing: set while the write is unresolved, kept after (write-ahead journal).
   */
  target_intent?: string | null;
  source_intent?: string | null;
  /** reencrypt: the key it replaced (`{}`: the service's own key); null when it changed none. */
  previous_key: { kmsKeyId?: string } | null;
}

/** A row of `migration_pre_image`. */
export interface PreImageRow {
  run_id: string;
  holder: string;
  row_id: string;
  pre_image: unknown;
  created_refs: ReferenceChange[];
  rolled_back_at: Date | null;
}

type Queryable = Pick<pg.ClientBase, 'query'>;

/**
 * A pre-image is read as text and parsed with `parseExactJson`: pg would parse the jsonb with
 * `JSON.parse`, and the numbers a rollback writes back must be exactly those of the original row.
 */
const PRE_IMAGE_COLUMNS =
  'run_id, holder, row_id, pre_image::text AS pre_image_text, created_refs, rolled_back_at';
type StoredPreImageRow = Omit<PreImageRow, 'pre_image'> & { pre_image_text: string };
const fromStored = ({ pre_image_text, ...row }: StoredPreImageRow): PreImageRow => ({
  ...row,
  pre_image: parseExactJson(pre_image_text),
});

const t = (schema: string, table: string) => `${quoteIdent(schema)}.${table}`;

export async function insertRun(
  db: Queryable,
  schema: string,
  run: Omit<RunRow, 'started_at' | 'finished_at' | 'counts'>,
) {
  await db.query(
    `INSERT INTO ${t(schema, 'migration_run')}
       (id, kind, state, started_by, source_kind, source_store, target_kind, target_store, options,
        source_identity, target_identity)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
    [
      run.id,
      run.kind,
      run.state,
      run.started_by,
      run.source_kind,
      run.source_store,
      run.target_kind,
      run.target_store,
      run.options,
      run.source_identity ?? null,
      run.target_identity ?? null,
    ],
  );
}

export async function updateRun(
  db: Queryable,
  schema: string,
  id: string,
  patch: { state: RunRow['state']; counts?: Record<string, number>; finished?: boolean },
) {
  await db.query(
    `UPDATE ${t(schema, 'migration_run')}
        SET state = $2, counts = COALESCE($3, counts), finished_at = CASE WHEN $4 THEN now() ELSE finished_at END
      WHERE id = $1`,
    [id, patch.state, patch.counts ?? null, patch.finished ?? false],
  );
}

export async function selectRun(db: Queryable, schema: string, id: string): Promise<RunRow | undefined> {
  const r = await db.query<RunRow>(`SELECT * FROM ${t(schema, 'migration_run')} WHERE id::text = $1`, [id]);
  return r.rows[0];
}

export async function selectRuns(db: Queryable, schema: string, limit: number): Promise<RunRow[]> {
  const r = await db.query<RunRow>(
    `SELECT * FROM ${t(schema, 'migration_run')} ORDER BY started_at DESC LIMIT $1`,
    [limit],
  );
  return r.rows;
}

/** A store as runs are matched by: its identity, and its description for runs recorded without one. */
export interface StoreKey {
  identity: string;
  description: string;
}

/** The states of a run that did not finish: a later attempt resumes it. */
export const UNFINISHED_STATES = ['running', 'failed', 'interrupted'] as const;

/** The newest run of this kind between the same two stores (by identity) that did not finish. */
export async function selectUnfinishedRun(
  db: Queryable,
  schema: string,
  kind: RunRow['kind'],
  source: StoreKey,
  target: StoreKey,
): Promise<RunRow | undefined> {
  const r = await db.query<RunRow>(
    `SELECT * FROM ${t(schema, 'migration_run')}
      WHERE kind = $1 AND state = ANY ($6::text[])
        AND (source_identity = $2 OR (source_identity IS NULL AND source_store = $3))
        AND (target_identity = $4 OR (target_identity IS NULL AND target_store = $5))
      ORDER BY started_at DESC LIMIT 1`,
    [kind, source.identity, source.description, target.identity, target.description, UNFINISHED_STATES],
  );
  return r.rows[0];
}

/**
 * Write-ahead: records, before a store write, that `attempt` is about to write the item's
 * coordinate to one side (state `writing`). An intent an earlier attempt left unresolved is kept:
 * it is the evidence that this run wrote there first.
 */
export async function intendWrite(
  db: Queryable,
  schema: string,
  runId: string,
  itemKey: string,
  side: 'target' | 'source',
  attempt: string,
) {
  const intent = side === 'target' ? 'target_intent' : 'source_intent';
  const outcome = side === 'target' ? 'target_outcome' : 'source_outcome';
  await db.query(
    `UPDATE ${t(schema, 'migration_item')}
        SET state = 'writing', updated_at = now(),
            ${intent} = CASE WHEN ${intent} IS NOT NULL AND ${outcome} IS NULL THEN ${intent} ELSE $3 END
      WHERE run_id = $1 AND item_key = $2`,
    [runId, itemKey, attempt],
  );
}

/** A pending `delete` item: one coordinate a cleanup or rollback is about to remove (never a value). */
export function deletionItem(itemKey: string, coordinate: string) {
  return {
    item_key: itemKey,
    action: 'delete' as const,
    state: 'pending' as const,
    holder: null,
    row_id: null,
    path: null,
    workspace_id: null,
    coordinate,
    reason: null,
  };
}

/** Inserts items or updates their action and state (batch, one round trip). */
export async function upsertItems(
  db: Queryable,
  schema: string,
  runId: string,
  items: Array<
    Omit<
      ItemRow,
      'run_id' | 'attempts' | 'target_outcome' | 'source_outcome' | 'error_class' | 'previous_key'
    >
  >,
) {
  if (items.length === 0) return;
  await db.query(
    `INSERT INTO ${t(schema, 'migration_item')}
       (run_id, item_key, action, state, holder, row_id, path, workspace_id, coordinate, reason)
     SELECT $1, * FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[])
     ON CONFLICT (run_id, item_key) DO UPDATE
       SET action = EXCLUDED.action, reason = EXCLUDED.reason, updated_at = now(),
           state = CASE WHEN ${t(schema, 'migration_item')}.state IN ('verified', 'rewritten') THEN ${t(schema, 'migration_item')}.state ELSE EXCLUDED.state END,
           coordinate = COALESCE(${t(schema, 'migration_item')}.coordinate, EXCLUDED.coordinate)`,
    [
      runId,
      items.map((i) => i.item_key),
      items.map((i) => i.action),
      items.map((i) => i.state),
      items.map((i) => i.holder),
      items.map((i) => i.row_id),
      items.map((i) => i.path),
      items.map((i) => i.workspace_id),
      items.map((i) => i.coordinate),
      items.map((i) => i.reason),
    ],
  );
}

export async function updateItem(
  db: Queryable,
  schema: string,
  runId: string,
  itemKey: string,
  patch: Partial<
    Pick<ItemRow, 'state' | 'target_outcome' | 'source_outcome' | 'reason' | 'error_class' | 'previous_key'>
  > & {
    attempts?: number;
  },
  attempt = '',
) {
  // previous_key is kept once set: a resumed run finds the key already changed and must not lose it.
  // An outcome resolves the write-ahead intent: once `created` (by any attempt) it stays so, and an
  // `unchanged` found where an earlier attempt intended a write (and never resolved it) is that
  // attempt's creation.
  const resolved = (outcome: string, intent: string, param: string) =>
    `CASE WHEN ${outcome} = 'created' THEN 'created'
          WHEN ${param} = 'unchanged' AND ${intent} IS NOT NULL AND ${intent} <> $10 AND ${outcome} IS NULL THEN 'created'
          ELSE COALESCE(${param}, ${outcome}) END`;
  await db.query(
    `UPDATE ${t(schema, 'migration_item')}
        SET state = COALESCE($3, state), target_outcome = ${resolved('target_outcome', 'target_intent', '$4::text')},
            source_outcome = ${resolved('source_outcome', 'source_intent', '$5::text')}, reason = COALESCE($6, reason),
            error_class = COALESCE($7, error_class), attempts = attempts + COALESCE($8, 0),
            previous_key = COALESCE(previous_key, $9::jsonb), updated_at = now()
      WHERE run_id = $1 AND item_key = $2`,
    [
      runId,
      itemKey,
      patch.state ?? null,
      patch.target_outcome ?? null,
      patch.source_outcome ?? null,
      patch.reason ?? null,
      patch.error_class ?? null,
      patch.attempts ?? null,
      patch.previous_key ? JSON.stringify(patch.previous_key) : null,
      attempt,
    ],
  );
}

export async function selectItems(
  db: Queryable,
  schema: string,
  runId: string,
  filter?: { action?: string; state?: string },
): Promise<ItemRow[]> {
  const r = await db.query<ItemRow>(
    `SELECT * FROM ${t(schema, 'migration_item')}
      WHERE run_id = $1 AND ($2::text IS NULL OR action = $2) AND ($3::text IS NULL OR state = $3)
      ORDER BY item_key`,
    [runId, filter?.action ?? null, filter?.state ?? null],
  );
  return r.rows;
}

export async function countItems(
  db: Queryable,
  schema: string,
  runId: string,
): Promise<Array<{ action: string; state: string; n: number }>> {
  const r = await db.query<{ action: string; state: string; n: string }>(
    `SELECT action, state, count(*) AS n FROM ${t(schema, 'migration_item')} WHERE run_id = $1 GROUP BY 1, 2 ORDER BY 1, 2`,
    [runId],
  );
  return r.rows.map((x) => ({ action: x.action, state: x.state, n: Number(x.n) }));
}

/** Items per state for each of `runIds` (for runs not finished, whose `counts` are not written yet). */
export async function countItemStates(
  db: Queryable,
  schema: string,
  runIds: readonly string[],
): Promise<Map<string, Record<string, number>>> {
  const out = new Map<string, Record<string, number>>();
  if (runIds.length === 0) return out;
  const r = await db.query<{ run_id: string; state: string; n: string }>(
    `SELECT run_id::text AS run_id, state, count(*) AS n FROM ${t(schema, 'migration_item')}
      WHERE run_id::text = ANY($1::text[]) GROUP BY 1, 2 ORDER BY 1, 2`,
    [runIds],
  );
  for (const x of r.rows) out.set(x.run_id, { ...out.get(x.run_id), [x.state]: Number(x.n) });
  return out;
}

export async function insertPreImage(
  db: Queryable,
  schema: string,
  row: Omit<PreImageRow, 'rolled_back_at'>,
) {
  await db.query(
    `INSERT INTO ${t(schema, 'migration_pre_image')} (run_id, holder, row_id, pre_image, created_refs)
     VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (run_id, holder, row_id) DO NOTHING`,
    [row.run_id, row.holder, row.row_id, stringifyExactJson(row.pre_image), JSON.stringify(row.created_refs)],
  );
}

/** Replaces a pre-image (a later rewrite of the same row, merged by the caller); it is live again. */
export async function updatePreImage(
  db: Queryable,
  schema: string,
  row: Omit<PreImageRow, 'rolled_back_at'>,
) {
  await db.query(
    `UPDATE ${t(schema, 'migration_pre_image')} SET pre_image = $4, created_refs = $5, rolled_back_at = NULL
      WHERE run_id = $1 AND holder = $2 AND row_id = $3`,
    [row.run_id, row.holder, row.row_id, stringifyExactJson(row.pre_image), JSON.stringify(row.created_refs)],
  );
}

export async function selectPreImage(
  db: Queryable,
  schema: string,
  runId: string,
  holder: string,
  rowId: string,
): Promise<PreImageRow | undefined> {
  const r = await db.query<StoredPreImageRow>(
    `SELECT ${PRE_IMAGE_COLUMNS} FROM ${t(schema, 'migration_pre_image')} WHERE run_id = $1 AND holder = $2 AND row_id = $3 FOR UPDATE`,
    [runId, holder, rowId],
  );
  return r.rows.map(fromStored)[0];
}

export async function selectPreImages(db: Queryable, schema: string, runId: string): Promise<PreImageRow[]> {
  const r = await db.query<StoredPreImageRow>(
    `SELECT ${PRE_IMAGE_COLUMNS} FROM ${t(schema, 'migration_pre_image')} WHERE run_id = $1 ORDER BY holder, row_id`,
    [runId],
  );
  return r.rows.map(fromStored);
}

export async function markPreImageRolledBack(
  db: Queryable,
  schema: string,
  runId: string,
  holder: string,
  rowId: string,
) {
  await db.query(
    `UPDATE ${t(schema, 'migration_pre_image')} SET rolled_back_at = now() WHERE run_id = $1 AND holder = $2 AND row_id = $3`,
    [runId, holder, rowId],
  );
}
