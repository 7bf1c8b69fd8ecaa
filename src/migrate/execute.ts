import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { formatCoordinate } from '../airbyte/coordinates.js';
import { getAt, setAt } from '../airbyte/json-path.js';
import { classifySecretNode } from '../airbyte/classify.js';
import {
  createSecretReference,
  lockHolderRow,
  referenceStorageOf,
  updateHolderJson,
} from '../airbyte/rewrite-queries.js';
import type { HolderRow } from '../airbyte/types.js';
import type { Journal } from '../journal/index.js';
import { StoreError } from '../stores/errors.js';
import type { SecretStore, WriteOutcome } from '../stores/types.js';
import { forEachConcurrent } from '../util/concurrent.js';
import type { SecretValue } from '../util/secret-value.js';
import { makePreImage, type Replacement } from './pre-image.js';
import type { PlanItem } from './types.js';

/** Progress of the phases that take time, for a progress bar or log lines. */
export interface ProgressEvent {
  phase: 'plan' | 'copy' | 'extract' | 'verify' | 'rollback' | 'cleanup';
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
  /** A fresh pass over the inventory (the extract phase re-reads the rows it rewrites). */
  inventory: () => AsyncIterable<HolderRow>;
  onProgress?: (e: ProgressEvent) => void;
  newUuid?: () => string;
}

/** Gives every extract item its coordinate (kept from an earlier attempt, or minted now, as Airbyte would). */
export function assignCoordinates(items: PlanItem[], newUuid: () => string = randomUUID): void {
  for (const item of items) {
    if (item.action !== 'extract' || item.coordinate) continue;
    const base = item.newCoordinateBase!;
    item.coordinate = formatCoordinate({ prefix: base.prefix, baseId: base.baseId, uuid: newUuid(), version: 1 });
  }
}

/**
 * Writes a value and proves it: write (idempotent), read back the exact name, compare. The
 * outcome says whether anything was written; a mismatch is an error of kind `invalid`.
 */
export async function writeVerified(store: SecretStore, coordinate: string, value: SecretValue): Promise<WriteOutcome> {
  const outcome = await store.write(coordinate, value);
  const back = await store.read(coordinate);
  if (!value.equals(back)) {
    throw new StoreError({
      store: store.kind,
      operation: 'read',
      kind: 'invalid',
      coordinate,
      detail: back ? 'read-back value differs from the value written' : 'read-back found nothing after the write',
    });
  }
  return outcome;
}

function failure(err: unknown): { state: 'failed'; error_class: string; reason: string } {
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
        patch = { state: 'failed', error_class: 'not-found', reason: 'the source store no longer has a value' };
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

/**
 * Extract phase: for each row holding planned plaintext, write every value under its new
 * coordinate to the target (and the source store), verify, then rewrite the row in one
 * transaction that first checks the row still holds what was read.
 */
export async function extractPlaintext(ctx: ExecuteContext, items: PlanItem[]): Promise<void> {
  const byRow = new Map<string, PlanItem[]>();
  for (const item of items) {
    if (item.action !== 'extract') continue;
    const k = `${item.holder}:${item.rowId}`;
    byRow.set(k, [...(byRow.get(k) ?? []), item]);
  }
  if (byRow.size === 0) return;
  let done = 0;
  ctx.onProgress?.({ phase: 'extract', done, total: byRow.size });
  const self = ctx;
  async function* rowsToRewrite(): AsyncIterable<{ row: HolderRow; planned: PlanItem[] }> {
    for await (const row of self.inventory()) {
      const planned = byRow.get(`${row.holder}:${row.rowId}`);
      if (planned) yield { row, planned };
    }
  }
  const seen = new Set<string>();
  await forEachConcurrent(rowsToRewrite(), ctx.concurrency, async ({ row, planned }) => {
    seen.add(`${row.holder}:${row.rowId}`);
    await extractRow(ctx, row, planned);
    ctx.onProgress?.({ phase: 'extract', done: ++done, total: byRow.size });
  });
  // Rows deleted or tombstoned since the plan: nothing left to extract.
  for (const [k, planned] of byRow) {
    if (seen.has(k)) continue;
    for (const item of planned) {
      await ctx.journal.updateItem(ctx.runId, item.key, { state: 'superseded', reason: 'the row is gone' });
    }
  }
}

async function extractRow(ctx: ExecuteContext, row: HolderRow, planned: PlanItem[]): Promise<void> {
  const values = new Map<string, SecretValue>(); // path -> value, only while this row is handled
  const ready: PlanItem[] = [];
  for (const item of planned) {
    const record = row.records.find((r) => r.path === item.path);
    if (!record || record.node.kind !== 'plaintext' || !record.node.value) {
      await ctx.journal.updateItem(ctx.runId, item.key, { state: 'superseded', reason: 'the value is no longer plaintext' });
      continue;
    }
    const value = record.node.value;
    try {
      const targetOutcome = await writeVerified(ctx.target, item.coordinate!, value);
      const sourceOutcome = ctx.writeSource ? await writeVerified(ctx.source, item.coordinate!, value) : undefined;
      await ctx.journal.updateItem(ctx.runId, item.key, {
        state: 'verified',
        target_outcome: targetOutcome,
        ...(sourceOutcome ? { source_outcome: sourceOutcome } : {}),
        attempts: 1,
      });
      values.set(item.path!, value);
      ready.push(item);
    } catch (err) {
      await ctx.journal.updateItem(ctx.runId, item.key, { ...failure(err), attempts: 1 });
    }
  }
  if (ready.length) await rewriteRow(ctx, row, ready, values);
}

/** Rewrites one row, optimistically: a row edited since it was read is re-planned, never overwritten. */
async function rewriteRow(
  ctx: ExecuteContext,
  row: HolderRow,
  ready: PlanItem[],
  values: Map<string, SecretValue>,
): Promise<void> {
  const client = await ctx.pool.connect();
  try {
    await client.query('BEGIN');
    const lock = await lockHolderRow(client, row.holder, row.rowId, row.configText);
    let base: unknown = row.config;
    let keep = ready;
    if (!lock || lock.text === null) keep = [];
    else if (!lock.unchanged) {
      // Edited meanwhile: keep only paths that still hold exactly the value we copied.
      base = JSON.parse(lock.text);
      keep = ready.filter((item) => {
        const node = classifySecretNode(getAt(base, item.path!));
        return node.kind === 'plaintext' && node.value?.equals(values.get(item.path!));
      });
    }
    for (const item of ready.filter((i) => !keep.includes(i))) {
      await ctx.journal.updateItem(
        ctx.runId,
        item.key,
        { state: 'superseded', reason: 'the row was changed by someone else; re-run to re-plan it' },
        client,
      );
    }
    if (keep.length) {
      const storageId = await referenceStorageOf(client, row.holder, row.rowId);
      const replacements: Replacement[] = [];
      const created: Array<{ table: string; id: string }> = [];
      let next = base;
      for (const item of keep) {
        const coordinate = item.coordinate!;
        let written: unknown = { _secret: coordinate };
        if (storageId) {
          const ref = await createSecretReference(client, {
            holder: row.holder,
            rowId: row.rowId,
            path: item.path!,
            storageId,
            coordinate,
          });
          created.push(...ref.created);
          written = { _secret_reference_id: ref.referenceId, _secret: coordinate };
        }
        replacements.push({ path: item.path!, coordinate, written });
        next = setAt(next, item.path!, written);
      }
      const keptPaths = new Set(keep.map((i) => i.path));
      const otherPlaintext = row.records
        .filter((r) => r.node.kind === 'plaintext' && !keptPaths.has(r.path))
        .map((r) => r.path)
        .filter((p) => getAt(base, p) !== undefined);
      await ctx.journal.recordPreImage(
        {
          run_id: ctx.runId,
          holder: row.holder,
          row_id: row.rowId,
          pre_image: makePreImage(base, replacements, otherPlaintext),
          created_refs: created,
        },
        client,
      );
      await updateHolderJson(client, row.holder, row.rowId, next);
      for (const item of keep) await ctx.journal.updateItem(ctx.runId, item.key, { state: 'rewritten' }, client);
    }
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}
