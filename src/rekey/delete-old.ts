import type pg from 'pg';
import { parseCoordinate } from '../airbyte/coordinates.js';
import { readInventory } from '../airbyte/inventory.js';
import type { RunContext } from '../engine/context.js';
import { markersOf } from '../engine/pre-image.js';
import { referencedConfigCoordinates } from '../engine/verify.js';
import { StoreError } from '../stores/errors.js';

/** Node kinds whose coordinate Airbyte resolves from its store. */
const RESOLVED_KINDS = new Set(['managed-ref', 'external-ref', 'reference-id']);

/** Every coordinate some row or secret_config still refers to, read afresh. */
export async function referencedNow(pool: pg.Pool): Promise<Set<string>> {
  const out = new Set<string>();
  for await (const row of readInventory(pool)) {
    for (const r of row.records)
      if (r.node.coordinate && RESOLVED_KINDS.has(r.node.kind)) out.add(r.node.coordinate);
  }
  for (const c of await referencedConfigCoordinates(pool)) out.add(c.coordinate);
  return out;
}

export const deleteKey = (name: string) => `delete-old:${name}`;

/**
 * After the rewrite: the names this run moved references away from (taken from its pre-images,
 * so names moved by an earlier attempt of a resumed run count too), and the base names of legacy
 * coordinates it fixed, are deleted in the store's safe way (its recovery window, where it has
 * one) — each only when no row or secret_config refers to it any more and, for a base name, when
 * no referenced coordinate of that base still needs it as Airbyte's fallback.
 */
export async function deleteOldNames(
  ctx: RunContext,
  legacyFixed: readonly string[],
): Promise<{
  deleted: Array<{ coordinate: string; outcome: string }>;
  kept: Array<{ coordinate: string; reason: string }>;
}> {
  const deleted: Array<{ coordinate: string; outcome: string }> = [];
  const kept: Array<{ coordinate: string; reason: string }> = [];
  const old = new Set<string>();
  for (const image of await ctx.journal.preImages(ctx.runId)) {
    if (image.rolled_back_at) continue;
    for (const { marker } of markersOf(image.pre_image)) if ('restoreNode' in marker) old.add(marker.from);
  }
  // Only a store Airbyte reads with a base-name fallback (AWS) has base names; elsewhere there is none to delete.
  const bases = new Set<string>();
  for (const c of ctx.target.capabilities.baseNameFallback ? [...old, ...legacyFixed] : []) {
    const base = parseCoordinate(c).base;
    if (base) bases.add(base);
  }
  const referenced = await referencedNow(ctx.pool);
  const candidates: string[] = [];
  for (const name of old) {
    if (referenced.has(name)) kept.push({ coordinate: name, reason: 'still referenced' });
    else candidates.push(name);
  }
  for (const base of bases) {
    const reason = await baseStillNeeded(ctx, base, referenced);
    if (reason) {
      if (old.has(base) || legacyFixed.some((c) => parseCoordinate(c).base === base))
        kept.push({ coordinate: base, reason });
    } else candidates.push(base);
  }
  if (candidates.length === 0) return { deleted, kept };
  await ctx.journal.upsertItems(
    ctx.runId,
    candidates.map((name) => ({
      item_key: deleteKey(name),
      action: 'delete-old' as const,
      state: 'pending' as const,
      holder: null,
      row_id: null,
      path: null,
      workspace_id: null,
      coordinate: name,
      reason: null,
    })),
  );
  for (const name of candidates) {
    try {
      const outcome = await ctx.target.delete(name);
      // A base name that was never there is not worth a line.
      if (outcome !== 'absent' || old.has(name)) deleted.push({ coordinate: name, outcome });
      await ctx.journal.updateItem(ctx.runId, deleteKey(name), {
        state: 'verified',
        target_outcome: outcome,
        attempts: 1,
      });
    } catch (err) {
      if (!(err instanceof StoreError)) throw err;
      deleted.push({ coordinate: name, outcome: 'failed' });
      await ctx.journal.updateItem(ctx.runId, deleteKey(name), {
        state: 'failed',
        error_class: err.kind,
        reason: err.message,
        attempts: 1,
      });
    }
  }
  return { deleted, kept };
}

/** Why a base name must stay: it is itself referenced, or a referenced coordinate of that base has no full name. */
async function baseStillNeeded(
  ctx: RunContext,
  base: string,
  referenced: Set<string>,
): Promise<string | undefined> {
  if (referenced.has(base)) return 'still referenced';
  for (const c of referenced) {
    if (parseCoordinate(c).base !== base) continue;
    try {
      if ((await ctx.target.describe(c)).state !== 'active')
        return `${c} still reads it as Airbyte's fallback`;
    } catch (err) {
      if (!(err instanceof StoreError)) throw err;
      return `could not check ${c}: ${err.message}`;
    }
  }
  return undefined;
}
