import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { classifySecretNode } from '../airbyte/classify.js';
import { formatCoordinate } from '../airbyte/coordinates.js';
import { parseExactJson } from '../airbyte/exact-json.js';
import { getAt, setAt } from '../airbyte/json-path.js';
import {
  createSecretReference,
  lockHolderRow,
  referenceStorageOf,
  updateHolderJson,
} from '../airbyte/rewrite-queries.js';
import type { HolderKind, HolderRow } from '../airbyte/types.js';
import type { Journal, ReferenceChange } from '../journal/index.js';
import { withTransaction } from '../journal/transaction.js';
import { StoreError } from '../stores/errors.js';
import type { SecretStore, WriteOutcome } from '../stores/types.js';
import { forEachConcurrent } from '../util/concurrent.js';
import type { SecretValue } from '../util/secret-value.js';
import { makePreImage, mergePreImages, type Replacement } from './pre-image.js';
import type { PlanItem } from './types.js';

/** Progress of the phases that take time, for a progress bar or log lines. */
export interface ProgressEvent {
  phase: 'plan' | 'copy' | 'extract' | 'rekey' | 'reencrypt' | 'verify' | 'rollback' | 'cleanup';
  done: number;
  total: number;
}

export interface ExecuteContext {
  pool: pg.Pool;
  journal: Journal;
  runId: string;
  source: SecretStore;
  target: SecretStore;
  /** Whether extracted plaintext is also written to the source store (the one Airbyte uses now). */
  writeSource: boolean;
  concurrency: number;
  /** Reads the given rows afresh (the extract phase re-reads the rows it rewrites). */
  readRows: (only: Partial<Record<HolderKind, string[]>>) => AsyncIterable<HolderRow>;
  onProgress?: (e: ProgressEvent) => void;
  newUuid?: () => string;
}

/** Gives every extract item its coordinate (kept from an earlier attempt, or minted now, as Airbyte would). */
export function assignCoordinates(items: PlanItem[], newUuid: () => string = randomUUID): void {
  for (const item of items) {
    if (item.action !== 'extract' || item.coordinate) continue;
    const base = item.newCoordinateBase!;
    item.coordinate = formatCoordinate({
      prefix: base.prefix,
      baseId: base.baseId,
      uuid: newUuid(),
      version: 1,
    });
  }
}

/**
 * Writes a value and proves it: write (idempotent), read back the exact name, compare. The
 * outcome says whether anything was written; a mismatch is an error of kind `invalid`.
 */
export async function writeVerified(
  store: SecretStore,
  coordinate: string,
  value: SecretValue,
): Promise<WriteOutcome> {
  const outcome = await store.write(coordinate, value);
  const back = await store.read(coordinate);
  if (!value.equals(back)) {
    throw new StoreError({
      store: store.kind,
      operation: 'read',
      kind: 'invalid',
      coordinate,
      detail: back
        ? 'read-back value differs from the value written'
        : 'read-back found nothing after the write',
    });
  }
  return outcome;
}

/** The journal patch for a failed item: a StoreError is recorded (its message holds no value); anything else is a bug and is thrown. */
export function failure(err: unknown): { state: 'failed'; error_class: string; reason: string } {
  if (err instanceof StoreError) return { state: 'failed', error_class: err.kind, reason: err.message };
  throw err;
}

/** Copy phase: each referenced coordinate from source to target, verified, journaled. */
export async function copyReferenced(ctx: ExecuteContext, items: PlanItem[]): Promise<void> {
  const copies = items.filter((i) => i.action === 'copy');
  let done = 0;
  ctx.onProgress?.({ phase: 'copy', done, total: copies.length });
  await forEachConcurrent(copies, ctx.concurrency, async (item) => {
    const coordinate = item.coordinate!;
    let patch: Parameters<Journal['updateItem']>[2];
    try {
      const value = await ctx.source.read(coordinate, { asAirbyte: true });
      if (!value || value.isBlank) {
        patch = {
          state: 'failed',
          error_class: 'not-found',
          reason: 'the source store no longer has a value',
        };
      } else {
        patch = { state: 'verified', target_outcome: await writeVerified(ctx.target, coordinate, value) };
      }
    } catch (err) {
      patch = failure(err);
    }
    await ctx.journal.updateItem(ctx.runId, item.key, { ...patch, attempts: 1 });
    ctx.onProgress?.({ phase: 'copy', done: ++done, total: copies.length });
  });
}

/** Rows per short read in the extract phase: no snapshot stays open while rows are rewritten. */
const EXTRACT_BATCH = 100;

/** What a row rewrite needs of a planned item: its journal key, where it is and its (new) coordinate. */
export type RowItem = Pick<PlanItem, 'key' | 'holder' | 'rowId' | 'path' | 'coordinate'>;

/**
 * Extract phase: for each row holding planned plaintext, write every value under its new
 * coordinate to the target (and the source store), verify, then rewrite the row in one
 * transaction that first checks the row still holds what was read. Rows are read afresh in small
 * batches, each in its own short read, so no transaction stays open while others write.
 */
export async function extractPlaintext(ctx: ExecuteContext, items: PlanItem[]): Promise<void> {
  await forPlannedRows(
    ctx,
    items.filter((i) => i.action === 'extract'),
    'extract',
    (row, planned) => extractRow(ctx, row, planned),
  );
}

/**
 * Calls `handle` once per row that has planned items, with the row read afresh: rows are read in
 * batches of a hundred, each in its own short read. Items of rows deleted or tombstoned since the
 * plan are journaled `superseded`.
 */
export async function forPlannedRows<T extends RowItem>(
  ctx: ExecuteContext,
  items: T[],
  phase: ProgressEvent['phase'],
  handle: (row: HolderRow, planned: T[]) => Promise<void>,
): Promise<void> {
  const byRow = new Map<string, T[]>();
  for (const item of items) {
    const k = `${item.holder}:${item.rowId}`;
    byRow.set(k, [...(byRow.get(k) ?? []), item]);
  }
  if (byRow.size === 0) return;
  let done = 0;
  ctx.onProgress?.({ phase, done, total: byRow.size });
  const keys = [...byRow.keys()];
  for (let i = 0; i < keys.length; i += EXTRACT_BATCH) {
    const batch = keys.slice(i, i + EXTRACT_BATCH);
    const only: Partial<Record<HolderKind, string[]>> = {};
    for (const k of batch) {
      const first = byRow.get(k)![0]!;
      only[first.holder!] = [...(only[first.holder!] ?? []), first.rowId!];
    }
    const rows: HolderRow[] = [];
    for await (const row of ctx.readRows(only)) rows.push(row);
    const seen = new Set(rows.map((r) => `${r.holder}:${r.rowId}`));
    await forEachConcurrent(rows, ctx.concurrency, async (row) => {
      await handle(row, byRow.get(`${row.holder}:${row.rowId}`)!);
      ctx.onProgress?.({ phase, done: ++done, total: byRow.size });
    });
    // Rows deleted or tombstoned since the plan: nothing left to do there.
    for (const k of batch.filter((k) => !seen.has(k))) {
      for (const item of byRow.get(k)!) {
        await ctx.journal.updateItem(ctx.runId, item.key, { state: 'superseded', reason: 'the row is gone' });
      }
      ctx.onProgress?.({ phase, done: ++done, total: byRow.size });
    }
  }
}

async function extractRow(ctx: ExecuteContext, row: HolderRow, planned: PlanItem[]): Promise<void> {
  const ready: RowRewrite[] = [];
  for (const item of planned) {
    const record = row.records.find((r) => r.path === item.path);
    if (record?.node.kind !== 'plaintext' || !record.node.value) {
      await ctx.journal.updateItem(ctx.runId, item.key, {
        state: 'superseded',
        reason: 'the value is no longer plaintext',
      });
      continue;
    }
    // Only while this row is handled: the rewrite compares the row's value with it.
    const value = record.node.value;
    try {
      const targetOutcome = await writeVerified(ctx.target, item.coordinate!, value);
      const sourceOutcome = ctx.writeSource
        ? await writeVerified(ctx.source, item.coordinate!, value)
        : undefined;
      await ctx.journal.updateItem(ctx.runId, item.key, {
        state: 'verified',
        target_outcome: targetOutcome,
        ...(sourceOutcome ? { source_outcome: sourceOutcome } : {}),
        attempts: 1,
      });
      ready.push(extractRewrite(row, item, value));
    } catch (err) {
      await ctx.journal.updateItem(ctx.runId, item.key, { ...failure(err), attempts: 1 });
    }
  }
  if (ready.length) await rewriteRow(ctx, row, ready);
}

/** Plaintext becomes `{"_secret": C}`, with a secret_reference when the row already uses them. */
function extractRewrite(row: HolderRow, item: PlanItem, value: SecretValue): RowRewrite {
  return {
    item,
    stillHolds: (node) => {
      const now = classifySecretNode(node);
      return now.kind === 'plaintext' && now.value !== undefined && now.value.equals(value);
    },
    async write(client, storageId) {
      const coordinate = item.coordinate!;
      if (!storageId) return { written: { _secret: coordinate }, refs: [] };
      const ref = await createSecretReference(client, {
        holder: row.holder,
        rowId: row.rowId,
        path: item.path!,
        storageId,
        coordinate,
      });
      return { written: { _secret_reference_id: ref.referenceId, _secret: coordinate }, refs: ref.created };
    },
  };
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
 * one an earlier attempt of the run recorded), writes the row and journals the items `rewritten`.
 */
export async function rewriteRow(ctx: ExecuteContext, row: HolderRow, rewrites: RowRewrite[]): Promise<void> {
  await withTransaction(ctx.pool, async (client) => {
    const lock = await lockHolderRow(client, row.holder, row.rowId, row.configText);
    let base: unknown = row.config;
    let keep = rewrites;
    if (!lock || lock.text === null) keep = [];
    else if (!lock.unchanged) {
      // Edited meanwhile: keep only paths that still hold exactly what was planned.
      base = parseExactJson(lock.text);
      keep = rewrites.filter((r) => r.stillHolds(getAt(base, r.item.path!)));
    }
    for (const r of rewrites.filter((x) => !keep.includes(x))) {
      await ctx.journal.updateItem(
        ctx.runId,
        r.item.key,
        { state: 'superseded', reason: 'the row was changed by someone else; re-run to re-plan it' },
        client,
      );
    }
    if (keep.length) {
      const storageId = await referenceStorageOf(client, row.holder, row.rowId);
      const replacements: Replacement[] = [];
      const changed: ReferenceChange[] = [];
      let next = base;
      for (const r of keep) {
        const { written, refs } = await r.write(client, storageId);
        changed.push(...refs);
        replacements.push({
          path: r.item.path!,
          coordinate: r.item.coordinate!,
          written,
          ...(r.restoreNode ? { restoreNode: r.restoreNode } : {}),
        });
        next = setAt(next, r.item.path!, written);
      }
      const keptPaths = new Set(keep.map((r) => r.item.path));
      const otherPlaintext = row.records
        .filter((r) => r.node.kind === 'plaintext' && !keptPaths.has(r.path))
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
        keep.map((r) => r.item.path!),
      );
      for (const r of keep)
        await ctx.journal.updateItem(ctx.runId, r.item.key, { state: 'rewritten' }, client);
    }
  });
}
