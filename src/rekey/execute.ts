import { COORDINATE_FIELD, SECRET_REF_ID_FIELD } from '../airbyte/classify.js';
import { getAt, isJsonObject } from '../airbyte/json-path.js';
import { findSecretReference, repointSecretReference } from '../airbyte/rewrite-queries.js';
import type { HolderRow } from '../airbyte/types.js';
import type { ItemPatch, RunContext } from '../engine/context.js';
import { copyCoordinates } from '../engine/copy.js';
import { forPlannedRows, type RowRewrite, rewriteRow } from '../engine/row-rewrite.js';
import { failure, writeVerified } from '../engine/write-verified.js';
import type { KeyChange, KeyChangingStore } from '../stores/key-change.js';
import { forEachConcurrent } from '../util/concurrent.js';
import { keysKey } from './plan.js';
import type { LegacyNameItem, ReadyMoveItem, RekeyItem } from './types.js';

/** JSON equality that ignores key order (jsonb renders keys in its own order). */
export function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(sorted(a)) === JSON.stringify(sorted(b));
}

function sorted(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sorted);
  if (isJsonObject(v)) {
    return Object.fromEntries(
      Object.keys(v)
        .sort()
        .map((k) => [k, sorted(v[k])]),
    );
  }
  return v;
}

/**
 * Legacy AWS names: the value Airbyte finds through its fallback (the base name) is written under
 * the full coordinate the row already names, and read back. No row changes.
 */
export async function fixLegacyNames(ctx: RunContext, items: RekeyItem[]): Promise<void> {
  const copies = items.filter((i): i is LegacyNameItem => i.action === 'copy');
  if (copies.length === 0) return;
  await copyCoordinates(ctx, copies, 'the store no longer has a value');
}

/**
 * Moves: for each row with planned references, read each value as Airbyte does, write it under
 * the new coordinate and read it back, then rewrite the row with the engine's optimistic,
 * journaled rewrite (pre-image holding the old reference node).
 */
export async function moveReferences(ctx: RunContext, moves: ReadyMoveItem[]): Promise<void> {
  await forPlannedRows(ctx, moves, 'rekey', (row, planned) => moveRow(ctx, row, planned));
}

async function moveRow(ctx: RunContext, row: HolderRow, planned: ReadyMoveItem[]): Promise<void> {
  const ready: RowRewrite[] = [];
  for (const item of planned) {
    if (!sameJson(getAt(row.config, item.path), item.node)) {
      await ctx.journal.updateItem(ctx.runId, item.key, {
        state: 'superseded',
        reason: 'the reference changed since the plan',
      });
      continue;
    }
    try {
      const value = await ctx.source.read(item.from, { asAirbyte: true });
      if (!value || value.isBlank) {
        await ctx.journal.updateItem(ctx.runId, item.key, {
          state: 'failed',
          error_class: 'not-found',
          reason: `the store no longer has a value for ${item.from}`,
          attempts: 1,
        });
        continue;
      }
      const outcome = await writeVerified(ctx.target, item.coordinate, value);
      await ctx.journal.updateItem(ctx.runId, item.key, {
        state: 'verified',
        target_outcome: outcome,
        attempts: 1,
      });
      ready.push(rekeyRewrite(row, item));
    } catch (err) {
      await ctx.journal.updateItem(ctx.runId, item.key, { ...failure(err), attempts: 1 });
    }
  }
  if (ready.length) await rewriteRow(ctx, row, ready);
}

/**
 * The node keeps its shape with the new coordinate in `_secret`; a reference-only node stays as
 * it is. The secret_reference behind it (by its id, or the one at the same path naming the old
 * coordinate) is pointed at the new coordinate's secret_config, keeping its id.
 */
function rekeyRewrite(row: HolderRow, item: ReadyMoveItem): RowRewrite {
  const old = item.node;
  return {
    item,
    restoreNode: { node: old, coordinate: item.from },
    stillHolds: (node) => sameJson(node, old),
    async write(client) {
      const keepsShape = Object.hasOwn(old, SECRET_REF_ID_FIELD) && !Object.hasOwn(old, COORDINATE_FIELD);
      const written = keepsShape ? { ...old } : { ...old, [COORDINATE_FIELD]: item.coordinate };
      const ref = await findSecretReference(client, {
        holder: row.holder,
        rowId: row.rowId,
        path: item.path,
        ...(item.referenceId !== undefined ? { referenceId: item.referenceId } : {}),
      });
      if (!ref) {
        if (item.referenceId !== undefined) {
          throw new Error(
            `secret_reference ${item.referenceId} of ${row.holder} ${row.rowId} is gone; re-run to re-plan`,
          );
        }
        return { written, refs: [] };
      }
      if (item.referenceId === undefined && ref.coordinate !== item.from) return { written, refs: [] };
      return { written, refs: await repointSecretReference(client, ref, item.coordinate) };
    },
  };
}

export interface KeyPassResult {
  changed: number;
  already: number;
  failed: number;
}

/**
 * New key and tags on each target coordinate, in place. Each is journaled before the call; the
 * store answers `unchanged` when the secret is already as asked, and nothing is written then.
 */
export async function changeKeys(
  ctx: RunContext,
  store: KeyChangingStore,
  change: KeyChange,
  targets: ReadonlyArray<{ coordinate: string; workspaceId: string | null }>,
): Promise<KeyPassResult> {
  const result: KeyPassResult = { changed: 0, already: 0, failed: 0 };
  if (targets.length === 0) return result;
  await ctx.journal.upsertItems(
    ctx.runId,
    targets.map((t) => ({
      item_key: keysKey(t.coordinate),
      action: 'reencrypt' as const,
      state: 'pending' as const,
      holder: null,
      row_id: null,
      path: null,
      workspace_id: t.workspaceId,
      coordinate: t.coordinate,
      reason: null,
    })),
  );
  let done = 0;
  ctx.onProgress?.({ phase: 'reencrypt', done, total: targets.length });
  await forEachConcurrent(
    targets,
    ctx.concurrency,
    async ({ coordinate }) => {
      let patch: ItemPatch;
      try {
        const r = await store.changeKey(coordinate, change);
        const changed = r.key === 'changed' || r.tags === 'changed';
        if (changed) result.changed += 1;
        else result.already += 1;
        patch = {
          state: 'verified',
          target_outcome: changed ? 'updated' : 'unchanged',
          ...(r.newVersion
            ? { reason: 'a new version with the same value was added under the new key' }
            : {}),
          // The key replaced, for rollback (`{}`: the service's own key). Key ids only.
          ...(r.key === 'changed'
            ? { previous_key: r.previousKmsKeyId ? { kmsKeyId: r.previousKmsKeyId } : {} }
            : {}),
        };
      } catch (err) {
        result.failed += 1;
        patch = failure(err);
      }
      await ctx.journal.updateItem(ctx.runId, keysKey(coordinate), { ...patch, attempts: 1 });
      ctx.onProgress?.({ phase: 'reencrypt', done: ++done, total: targets.length });
    },
    ctx.signal,
  );
  return result;
}
