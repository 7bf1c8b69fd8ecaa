import { classifySecretNode } from '../airbyte/classify.js';
import { createSecretReference } from '../airbyte/rewrite-queries.js';
import { type HolderRow, isNodeKind } from '../airbyte/types.js';
import type { RunContext } from '../engine/context.js';
import { mintCoordinate } from '../engine/coordinates.js';
import { type CopyKnowledge, copyCoordinates } from '../engine/copy.js';
import { forPlannedRows, type RowRewrite, rewriteRow } from '../engine/row-rewrite.js';
import { referencedCoordinates } from '../engine/verify.js';
import { failure, writeAhead } from '../engine/write-verified.js';
import type { SecretValue } from '../util/secret-value.js';
import type { CopyItem, PlanItem, ReadyExtractItem } from './types.js';

/**
 * Gives every extract item its coordinate (kept from an earlier attempt, or minted now, as Airbyte
 * would), in place, and returns the extract items, all with a coordinate.
 */
export function assignCoordinates(items: Iterable<PlanItem>, newUuid?: () => string): ReadyExtractItem[] {
  const ready: ReadyExtractItem[] = [];
  for (const item of items) {
    if (item.action !== 'extract') continue;
    ready.push(
      Object.assign(item, { coordinate: item.coordinate || mintCoordinate(item.newCoordinateBase, newUuid) }),
    );
  }
  return ready;
}

/** Copy phase: each referenced coordinate from source to target, verified, journaled. */
export async function copyReferenced(
  ctx: RunContext,
  items: Iterable<PlanItem>,
  known: CopyKnowledge = {},
): Promise<void> {
  const copies: CopyItem[] = [];
  for (const item of items) if (item.action === 'copy') copies.push(item);
  await copyCoordinates(ctx, copies, 'the source store no longer has a value', known);
}

/**
 * Extract phase: for each row holding planned plaintext, write every value under its new
 * coordinate to the target (and the source store), verify, then rewrite the row in one
 * transaction that first checks the row still holds what was read. Rows are read afresh in small
 * batches, each in its own short read, so no transaction stays open while others write.
 */
export async function extractPlaintext(
  ctx: RunContext,
  extracts: ReadyExtractItem[],
  readBack?: (coordinate: string) => void,
): Promise<void> {
  await forPlannedRows(ctx, extracts, 'extract', (row, planned) => extractRow(ctx, row, planned, readBack));
  await removeSupersededCopies(ctx);
}

const REMOVED = 'superseded (the row changed meanwhile); the copies this run wrote were removed';

/**
 * An extract superseded by a concurrent edit leaves no orphan: the copies this run wrote under its
 * fresh coordinate (created, or intended and never resolved) are deleted from both stores, unless
 * some row references the coordinate now. A later attempt re-plans the row under the same name.
 */
async function removeSupersededCopies(ctx: RunContext): Promise<void> {
  const wrote = (outcome: string | null, intent: string | null | undefined) =>
    outcome === 'created' || (Boolean(intent) && outcome === null);
  const orphans = (await ctx.journal.items(ctx.runId, { action: 'extract', state: 'superseded' })).filter(
    (i) =>
      i.coordinate &&
      i.reason !== REMOVED &&
      (wrote(i.target_outcome, i.target_intent) || wrote(i.source_outcome, i.source_intent)),
  );
  if (orphans.length === 0) return;
  const referenced = await referencedCoordinates(ctx.pool);
  for (const item of orphans) {
    const coordinate = item.coordinate;
    if (!coordinate || referenced.has(coordinate)) continue;
    try {
      if (wrote(item.target_outcome, item.target_intent)) await ctx.target.delete(coordinate);
      if (ctx.writeSource && wrote(item.source_outcome, item.source_intent))
        await ctx.source.delete(coordinate);
      await ctx.journal.updateItem(ctx.runId, item.item_key, { reason: REMOVED });
    } catch (err) {
      failure(err);
    }
  }
}

async function extractRow(
  ctx: RunContext,
  row: HolderRow,
  planned: ReadyExtractItem[],
  readBack?: (coordinate: string) => void,
): Promise<void> {
  const ready: RowRewrite[] = [];
  for (const item of planned) {
    const record = row.records.find((r) => r.path === item.path);
    if (!record || !isNodeKind(record.node, 'plaintext') || !record.node.value) {
      await ctx.journal.updateItem(ctx.runId, item.key, {
        state: 'superseded',
        reason: 'the value is no longer plaintext',
      });
      continue;
    }
    // Only while this row is handled: the rewrite compares the row's value with it.
    const value = record.node.value;
    try {
      // A minted name is new (a kept one from an earlier attempt falls back to the full write).
      const fresh = { expectAbsent: true };
      const targetOutcome = await writeAhead(
        ctx,
        item.key,
        'target',
        ctx.target,
        item.coordinate,
        value,
        fresh,
      );
      const sourceOutcome = ctx.writeSource
        ? await writeAhead(ctx, item.key, 'source', ctx.source, item.coordinate, value, fresh)
        : undefined;
      readBack?.(item.coordinate);
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
function extractRewrite(row: HolderRow, item: ReadyExtractItem, value: SecretValue): RowRewrite {
  return {
    item,
    stillHolds: (node) => {
      const now = classifySecretNode(node);
      return isNodeKind(now, 'plaintext') && now.value?.equals(value) === true;
    },
    async write(client, storageId) {
      const coordinate = item.coordinate;
      if (!storageId) return { written: { _secret: coordinate }, refs: [] };
      const ref = await createSecretReference(client, {
        holder: row.holder,
        rowId: row.rowId,
        path: item.path,
        storageId,
        coordinate,
      });
      return { written: { _secret_reference_id: ref.referenceId, _secret: coordinate }, refs: ref.created };
    },
  };
}
