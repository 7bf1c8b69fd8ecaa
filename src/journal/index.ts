import { randomUUID } from 'node:crypto';
import { hostname, userInfo } from 'node:os';
import type pg from 'pg';
import * as q from './queries.js';
import { findRun } from './run-id.js';
import { DEFAULT_JOURNAL_SCHEMA, ensureJournalSchema } from './schema.js';

export type { ItemAction, ItemRow, PreImageRow, ReferenceChange, RunRow } from './queries.js';
export { deletionItem, type StoreKey, UNFINISHED_STATES } from './queries.js';
export { DEFAULT_JOURNAL_SCHEMA, ensureJournalSchema } from './schema.js';

type Queryable = Pick<pg.ClientBase, 'query'>;

/**
 * The migration journal in the tool's own schema: runs, items and pre-images. Holds identities
 * and states only, never a secret value. Methods take an optional client so that journal updates
 * can share the transaction of the row rewrite they describe.
 */
export class Journal {
  /** This process's attempt at its run: write intents name it (see `intendWrite`). */
  readonly attempt = randomUUID();
  /** Set when the connection holding the writer lock is lost: every later journal write throws it. */
  #lost: Error | undefined;

  constructor(
    readonly pool: pg.Pool,
    readonly schema = DEFAULT_JOURNAL_SCHEMA,
  ) {}

  /** Creates or upgrades the schema (not done by read-only commands). */
  ensure(): Promise<void> {
    return ensureJournalSchema(this.pool, this.schema);
  }

  /** Whether the journal tables exist (a dry run must not create them). */
  async exists(): Promise<boolean> {
    const r = await this.pool.query<{ ok: boolean }>(`SELECT to_regclass($1) IS NOT NULL AS ok`, [
      `"${this.schema.replace(/"/g, '""')}".migration_run`,
    ]);
    return r.rows[0]?.ok === true;
  }

  static operator(): string {
    let user = 'unknown';
    try {
      user = userInfo().username;
    } catch {
      // containers without a passwd entry
    }
    return `${user}@${hostname()}`;
  }

  createRun(run: Omit<q.RunRow, 'started_at' | 'finished_at' | 'counts'>) {
    return q.insertRun(this.pool, this.schema, run);
  }
  finishRun(id: string, state: q.RunRow['state'], counts: Record<string, number>) {
    return q.updateRun(this.pool, this.schema, id, { state, counts, finished: true });
  }
  markRun(id: string, state: q.RunRow['state']) {
    return q.updateRun(this.pool, this.schema, id, { state });
  }
  /** A run by its id or a unique prefix of it (`src/journal/run-id.ts`): ambiguous is a usage error. */
  run(idOrPrefix: string) {
    return findRun(this.pool, this.schema, idOrPrefix);
  }
  runs(limit = 50) {
    return q.selectRuns(this.pool, this.schema, limit);
  }
  unfinishedRun(kind: q.RunRow['kind'], source: q.StoreKey, target: q.StoreKey) {
    return q.selectUnfinishedRun(this.pool, this.schema, kind, source, target);
  }
  /** Stops every later item update with `err` (the run lost its lock or its database). */
  lose(err: Error): void {
    this.#lost ??= err;
  }
  get lost(): Error | undefined {
    return this.#lost;
  }
  /** Write-ahead: before writing the item's coordinate to `side`, the intent (state `writing`). */
  async intendWrite(runId: string, key: string, side: 'target' | 'source') {
    if (this.#lost) throw this.#lost;
    await q.intendWrite(this.pool, this.schema, runId, key, side, this.attempt);
  }
  async upsertItems(runId: string, items: Parameters<typeof q.upsertItems>[3]) {
    for (let i = 0; i < items.length; i += 2000) {
      await q.upsertItems(this.pool, this.schema, runId, items.slice(i, i + 2000));
    }
  }
  updateItem(
    runId: string,
    key: string,
    patch: Parameters<typeof q.updateItem>[4],
    db: Queryable = this.pool,
  ) {
    if (this.#lost) return Promise.reject(this.#lost);
    return q.updateItem(db, this.schema, runId, key, patch, this.attempt);
  }
  items(runId: string, filter?: { action?: string; state?: string }) {
    return q.selectItems(this.pool, this.schema, runId, filter);
  }
  itemStates(runIds: readonly string[]) {
    return q.countItemStates(this.pool, this.schema, runIds);
  }
  itemCounts(runId: string) {
    return q.countItems(this.pool, this.schema, runId);
  }
  recordPreImage(row: Omit<q.PreImageRow, 'rolled_back_at'>, db: Queryable) {
    return q.insertPreImage(db, this.schema, row);
  }
  /** The pre-image already recorded for a row in this run, locked for the caller's transaction. */
  preImage(runId: string, holder: string, rowId: string, db: Queryable) {
    return q.selectPreImage(db, this.schema, runId, holder, rowId);
  }
  replacePreImage(row: Omit<q.PreImageRow, 'rolled_back_at'>, db: Queryable) {
    return q.updatePreImage(db, this.schema, row);
  }
  preImages(runId: string) {
    return q.selectPreImages(this.pool, this.schema, runId);
  }
  markRolledBack(runId: string, holder: string, rowId: string, db: Queryable) {
    return q.markPreImageRolledBack(db, this.schema, runId, holder, rowId);
  }
}
