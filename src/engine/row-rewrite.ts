import type pg from 'pg';
import { parseExactJson } from '../airbyte/exact-json.js';
import { getAt, setAt } from '../airbyte/json-path.js';
import { lockHolderRow, referenceStorageOf, updateHolderJson } from '../airbyte/rewrite-queries.js';
import { type HolderKind, type HolderRow, isNodeKind } from '../airbyte/types.js';
import type { ReferenceChange } from '../journal/index.js';
import { withTransaction } from '../journal/transaction.js';
import { forEachConcurrent } from '../util/concurrent.js';
import type { RunContext } from './context.js';
import { makePreImage, mergePreImages, type Replacement } from './pre-image.js';
import type { ProgressEvent } from './progress.js';

/** What a row rewrite needs of a planned item: its journal key, where it is and its (new) coordinate. */
export interface RowItem {
  key: string;
  holder: HolderKind;
  rowId: string;
  path: string;
  coordinate: string;
}

/** Rows per short read: no snapshot stays open while rows are rewritten. */
const ROW_BATCH = 100;

/**
 * Calls `handle` once per row that has planned items, with the row read afresh: rows are read in
 * batches of a hundred, each in its own short read. Items of rows deleted or tombstoned since the
 * plan are journaled `superseded`.
 */
export async function forPlannedRows<T extends Pick<RowItem, 'key' | 'holder' | 'rowId'>>(
  ctx: RunContext,
  items: readonly T[],
  phase: ProgressEvent['phase'],
  handle: (row: HolderRow, planned: T[]) => Promise<void>,
): Promise<void> {
  const byRow = new Map<string, { holder: HolderKind; rowId: string; items: T[] }>();
  for (const item of items) {
    const k = `${item.holder}:${item.rowId}`;
    const planned = byRow.get(k);
    if (planned) planned.items.push(item);
    else byRow.set(k, { holder: item.holder, rowId: item.rowId, items: [item] });
  }
  if (byRow.size === 0 || ctx.signal?.aborted) return;
  let done = 0;
  ctx.onProgress?.({ phase, done, total: byRow.size });
  const rows = [...byRow.values()];
  for (let i = 0; i < rows.length && !ctx.signal?.aborted; i += ROW_BATCH) {
    const batch = rows.slice(i, i + ROW_BATCH);
    const only: Partial<Record<HolderKind, string[]>> = {};
    for (const { holder, rowId } of batch) only[holder] = [...(only[holder] ?? []), rowId];
    const read: Array<{ row: HolderRow; planned: T[] }> = [];
    for await (const row of ctx.readRows(only)) {
      const planned = byRow.get(`${row.holder}:${row.rowId}`);
      if (planned) read.push({ row, planned: planned.items });
    }
    const seen = new Set(read.map(({ row }) => `${row.holder}:${row.rowId}`));
    await forEachConcurrent(
      read,
      ctx.concurrency,
      async ({ row, planned }) => {
        await handle(row, planned);
        ctx.onProgress?.({ phase, done: ++done, total: byRow.size });
      },
      ctx.signal,
    );
    // Rows deleted or tombstoned since the plan: nothing left to do there.
    for (const gone of batch.filter((r) => !seen.has(`${r.holder}:${r.rowId}`))) {
      for (const item of gone.items) {
        await ctx.journal.updateItem(ctx.runId, item.key, { state: 'superseded', reason: 'the row is gone' });
      }
      ctx.onProgress?.({ phase, done: ++done, total: byRow.size });
    }
  }
}

/**
 * One path of a row to rewrite. Extracting and re-keying differ only here: what the path must
 * still hold when the row was edited since it was read, what to write there (and into
 * secret_config/secret_reference), and how the pre-image remembers the old node.
 */
export interface RowRewrite {
  item: RowItem;
  /** Whether `node`, now at the path of a row edited since it was read, is still what was planned. */
  stillHolds(node: unknown): boolean;
  /**
   * Inside the rewrite's transaction: the node to put at the path and the reference rows inserted
   * or re-pointed (for rollback). `storageId`: the storage the row's references use, if any.
   */
  write(
    client: pg.ClientBase,
    storageId: string | undefined,
  ): Promise<{ written: unknown; refs: ReferenceChange[] }>;
  /** The old node when the pre-image may hold it as is (a reference, never a value); plaintext is restored from the store instead. */
  restoreNode?: { node: unknown; coordinate: string };
}

/**
 * Rewrites one row, optimistically: a row edited since it was read is re-planned, never
 * overwritten. One transaction locks the row, checks it, records the pre-image (merged into the
 * one an earlier attempt of the run recorded), writes the row (updateHolderJson's guarded UPDATE)
 * and journals the items `rewritten`.
 */
export async function rewriteRow(ctx: RunContext, row: HolderRow, rewrites: RowRewrite[]): Promise<void> {
  await withTransaction(ctx.pool, async (client) => {
    const lock = await lockHolderRow(client, row.holder, row.rowId, row.configText);
    let base: unknown = row.config;
    let keep = rewrites;
    if (!lock || lock.text === null) keep = [];
    else if (!lock.unchanged) {
      // Edited meanwhile: keep only paths that still hold exactly what was planned.
      base = parseExactJson(lock.text);
      keep = rewrites.filter((r) => r.stillHolds(getAt(base, r.item.path)));
    }
    for (const r of rewrites.filter((x) => !keep.includes(x))) {
      await ctx.journal.updateItem(
        ctx.runId,
        r.item.key,
        { state: 'superseded', reason: 'the row was changed by someone else; re-run to re-plan it' },
        client,
      );
    }
    if (keep.length === 0) return;
    const storageId = await referenceStorageOf(client, row.holder, row.rowId);
    const replacements: Replacement[] = [];
    const changed: ReferenceChange[] = [];
    let next = base;
    for (const r of keep) {
      const { written, refs } = await r.write(client, storageId);
      changed.push(...refs);
      replacements.push({
        path: r.item.path,
        coordinate: r.item.coordinate,
        written,
        ...(r.restoreNode ? { restoreNode: r.restoreNode } : {}),
      });
      next = setAt(next, r.item.path, written);
    }
    const keptPaths = new Set(keep.map((r) => r.item.path));
    const otherPlaintext = row.records
      .filter((r) => isNodeKind(r.node, 'plaintext') && !keptPaths.has(r.path))
      .map((r) => r.path)
      .filter((p) => getAt(base, p) !== undefined);
    const image = makePreImage(base, replacements, otherPlaintext);
    const earlier = await ctx.journal.preImage(ctx.runId, row.holder, row.rowId, client);
    const record = { run_id: ctx.runId, holder: row.holder, row_id: row.rowId };
    if (earlier) {
      // A rolled-back image describes a state that is gone: this rewrite starts a new one.
      const live = !earlier.rolled_back_at;
      await ctx.journal.replacePreImage(
        {
          ...record,
          pre_image: live ? mergePreImages(earlier.pre_image, image) : image,
          created_refs: live ? [...earlier.created_refs, ...changed] : changed,
        },
        client,
      );
    } else {
      await ctx.journal.recordPreImage({ ...record, pre_image: image, created_refs: changed }, client);
    }
    await updateHolderJson(
      client,
      row.holder,
      row.rowId,
      next,
      keep.map((r) => r.item.path),
    );
    for (const r of keep) await ctx.journal.updateItem(ctx.runId, r.item.key, { state: 'rewritten' }, client);
  });
}
