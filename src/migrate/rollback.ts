import type pg from 'pg';
import { parseExactJson, stringifyExactJson } from '../airbyte/exact-json.js';
import {
  deleteCreatedReferences,
  lockHolderRow,
  restoreRepointedReferences,
  updateHolderJson,
} from '../airbyte/rewrite-queries.js';
import type { HolderKind } from '../airbyte/types.js';
import { expectedAfterRewrite, markersOf, restoreOriginal } from '../engine/pre-image.js';
import type { ProgressEvent } from '../engine/progress.js';
import { referencedCoordinates } from '../engine/verify.js';
import { writeVerified } from '../engine/write-verified.js';
import { deletionItem, type ItemRow, Journal } from '../journal/index.js';
import { withTransaction } from '../journal/transaction.js';
import { withWriterLock } from '../journal/writer-lock.js';
import { StoreError } from '../stores/errors.js';
import { sameStore } from '../stores/identity.js';
import { canChangeKeys } from '../stores/key-change.js';
import type { SecretStore } from '../stores/types.js';
import { UsageError } from '../util/errors.js';
import type { SecretValue } from '../util/secret-value.js';

export interface RollbackOptions {
  pool: pg.Pool;
  runId: string;
  /** Where extracted values can be read back: the run's target, then its source. */
  target: SecretStore;
  source: SecretStore;
  journalSchema?: string;
  /** Also delete from the stores what the run created there (before Airbyte switched to them!). */
  deleteCreated?: boolean;
  /** Only report what would be restored and deleted; change nothing. */
  dryRun?: boolean;
  /** What says which store Airbyte uses (its env): deleting from that store is refused. */
  airbyteEvidence?: () => Promise<Array<{ kind: string; origin: string }>>;
  onProgress?: (e: ProgressEvent) => void;
}

export interface RollbackResult {
  runId: string;
  restored: number;
  /** Rows changed since the run rewrote them: left alone. */
  refused: Array<{ holder: string; rowId: string; reason: string }>;
  alreadyRolledBack: number;
  deleted: Array<{ store: string; coordinate: string; outcome: string }>;
  /** Created by the run but still referenced by a configuration: never deleted. */
  keptReferenced?: Array<{ store: string; coordinate: string }>;
  /** A dry run: nothing was changed; `restored` and `deleted` say what would be. */
  dryRun?: boolean;
  /** Re-keying runs: old names written back from their new coordinate because they were gone (deleted with --delete-old). */
  recreated?: Array<{ coordinate: string; outcome: string }>;
  /**
   * Re-keying runs: secrets whose encryption key the run changed, put back on the key they had
   * (`kmsKeyId` absent: the service's own key). Key ids only.
   */
  restoredKeys?: Array<{
    coordinate: string;
    kmsKeyId?: string;
    outcome: 'restored' | 'unchanged' | 'failed';
  }>;
  ok: boolean;
}

/**
 * Restores every configuration a run changed from its pre-image, refusing per row where the row
 * changed since (it must equal the pre-image with the rewrite applied). Values of extracted
 * plaintext come back from the stores. With `deleteCreated`, removes what the run created.
 */
export async function rollbackRun(options: RollbackOptions): Promise<RollbackResult> {
  if (options.dryRun) return rollbackLocked(options);
  // Under the Airbyte database's writer lock: never beside a migrate, sync, rekey or cleanup.
  return withWriterLock(options.pool, 'rollback', async (lock) => {
    await lock.name('rollback', options.runId);
    return rollbackLocked(options);
  });
}

async function rollbackLocked(options: RollbackOptions): Promise<RollbackResult> {
  const journal = new Journal(options.pool, options.journalSchema);
  if (!(await journal.exists())) throw new UsageError('no journal in this database: nothing to roll back');
  const run = await journal.run(options.runId);
  if (!run) throw new UsageError(`no run ${options.runId} in the journal: see 'airbyte-secrets runs'`);
  if (!sameStore(run.target_identity, run.target_store, options.target)) {
    throw new UsageError(
      `run ${run.id} migrated to ${run.target_store}, not ${options.target.description}: give the target the settings of the run's store (env, --to-values, flags)`,
    );
  }
  const result: RollbackResult = {
    runId: run.id,
    restored: 0,
    refused: [],
    alreadyRolledBack: 0,
    deleted: [],
    ok: true,
  };
  const created = options.deleteCreated ? createdSecrets(await journal.items(run.id), options) : [];
  if (created.length && options.airbyteEvidence)
    await refuseDeletingInUse(created, await options.airbyteEvidence());
  const images = await journal.preImages(run.id);
  if (options.dryRun) return dryRunRollback(options, result, images, created);
  let done = 0;
  for (const image of images) {
    options.onProgress?.({ phase: 'rollback', done: done++, total: images.length });
    if (image.rolled_back_at) {
      result.alreadyRolledBack += 1;
      continue;
    }
    const values = new Map<string, SecretValue>();
    let gone: string | undefined;
    for (const { marker } of markersOf(image.pre_image)) {
      if ('restoreNode' in marker) {
        // A re-keyed reference goes back to its old name only if that name still resolves.
        const back = await ensureOldName(options.target, marker.from, marker.to, result);
        if (!back) gone ??= marker.from;
        continue;
      }
      if (!('restore' in marker)) continue;
      const value =
        (await readQuietly(options.target, marker.restore)) ??
        (await readQuietly(options.source, marker.restore));
      if (value) values.set(marker.restore, value);
    }
    if (gone) {
      result.refused.push({
        holder: image.holder,
        rowId: image.row_id,
        reason: `the old name ${gone} no longer resolves and could not be written back`,
      });
      continue;
    }
    // A refused row ends its transaction having only read and locked the row.
    const holder = image.holder as HolderKind;
    const refused = await withTransaction(options.pool, async (client) => {
      const current = await lockHolderRow(client, holder, image.row_id, null);
      if (!current || current.text === null) return 'the row is gone';
      const currentJson: unknown = parseExactJson(current.text);
      const check = await lockHolderRow(
        client,
        holder,
        image.row_id,
        stringifyExactJson(expectedAfterRewrite(image.pre_image, currentJson)),
      );
      if (!check?.unchanged) return 'the row changed since the run rewrote it';
      const missing = markersOf(image.pre_image).find(
        (m) => 'restore' in m.marker && !values.has(m.marker.restore),
      );
      if (missing) return `no store holds the value of ${missing.path} any more`;
      await updateHolderJson(
        client,
        holder,
        image.row_id,
        restoreOriginal(image.pre_image, currentJson, values),
        markersOf(image.pre_image).map((m) => m.path),
      );
      await restoreRepointedReferences(client, image.created_refs);
      await deleteCreatedReferences(client, image.created_refs);
      await journal.markRolledBack(run.id, holder, image.row_id, client);
      return undefined;
    });
    if (refused) result.refused.push({ holder, rowId: image.row_id, reason: refused });
    else result.restored += 1;
  }
  // Only a re-key changes keys; a migration's copies are new names.
  switch (run.kind) {
    case 'rekey':
      await restoreKeys(journal, run.id, options.target, result);
      break;
    default:
      break;
  }
  if (options.deleteCreated) {
    // Read after the rows were restored: what a configuration still references stays.
    const referenced = await referencedCoordinates(options.pool);
    for (const secret of created) {
      if (referenced.has(secret.coordinate)) {
        result.keptReferenced ??= [];
        result.keptReferenced.push({ store: secret.store.kind, coordinate: secret.coordinate });
        continue;
      }
      const key = `delete:${secret.side}:${secret.coordinate}`;
      await journal.upsertItems(run.id, [deletionItem(key, secret.coordinate)]);
      const deleted = await deleteOne(secret.store, secret.coordinate);
      result.deleted.push(deleted);
      await journal.updateItem(run.id, key, {
        state: deleted.outcome === 'failed' ? 'failed' : 'deleted',
        ...(secret.side === 'target'
          ? { target_outcome: deleted.outcome }
          : { source_outcome: deleted.outcome }),
        attempts: 1,
      });
      await journal.updateItem(run.id, secret.itemKey, { state: 'rolled-back' });
    }
  }
  result.ok =
    result.refused.length === 0 &&
    result.deleted.every((d) => d.outcome !== 'failed') &&
    (result.restoredKeys ?? []).every((k) => k.outcome !== 'failed');
  await journal.markRun(run.id, result.ok ? 'rolled-back' : run.state);
  return result;
}

/** A secret the run created in one of its stores (a candidate for `--delete-created`). */
interface CreatedSecret {
  itemKey: string;
  coordinate: string;
  side: 'target' | 'source';
  store: SecretStore;
}

/**
 * What the run created: items journaled `created` on a side, and items whose write-ahead intent on
 * a side was never resolved (the process died between intent and outcome: the coordinate was
 * absent when planned, so whatever is there now is the run's; deleting an absent name is harmless).
 */
function createdSecrets(items: ItemRow[], options: RollbackOptions): CreatedSecret[] {
  const out: CreatedSecret[] = [];
  const created = (outcome: string | null, intent: string | null | undefined) =>
    outcome === 'created' || (Boolean(intent) && outcome === null);
  for (const item of items) {
    if (!item.coordinate || item.action === 'delete') continue;
    if (created(item.target_outcome, item.target_intent))
      out.push({
        itemKey: item.item_key,
        coordinate: item.coordinate,
        side: 'target',
        store: options.target,
      });
    if (created(item.source_outcome, item.source_intent))
      out.push({
        itemKey: item.item_key,
        coordinate: item.coordinate,
        side: 'source',
        store: options.source,
      });
  }
  return out;
}

/** Deleting from the store Airbyte's env names would take from Airbyte what it may read: refused, before any change. */
async function refuseDeletingInUse(
  created: CreatedSecret[],
  evidence: Array<{ kind: string; origin: string }>,
): Promise<void> {
  for (const e of evidence) {
    const inUse = created.find((c) => c.store.kind === e.kind);
    if (inUse) {
      throw new UsageError(
        `${e.origin} says Airbyte uses ${e.kind}, and --delete-created would delete from it (${inUse.store.description}): roll back without --delete-created, or switch Airbyte away first`,
      );
    }
  }
}

/**
 * What a rollback would do, changing nothing: rows it would restore (not rolled back yet), and
 * the created secrets it would delete: those referenced now only through a row it would restore.
 */
async function dryRunRollback(
  options: RollbackOptions,
  result: RollbackResult,
  images: Awaited<ReturnType<Journal['preImages']>>,
  created: CreatedSecret[],
): Promise<RollbackResult> {
  result.dryRun = true;
  const restoring = new Set<string>();
  for (const image of images) {
    if (image.rolled_back_at) result.alreadyRolledBack += 1;
    else {
      result.restored += 1;
      restoring.add(`${image.holder}/${image.row_id}`);
    }
  }
  // A restored row stops referencing what the run's rewrite put into it (extract, rekey items).
  const leaving = new Set<string>();
  for (const item of await new Journal(options.pool, options.journalSchema).items(result.runId)) {
    if ((item.action === 'extract' || item.action === 'rekey') && item.coordinate && item.row_id)
      if (restoring.has(`${item.holder}/${item.row_id}`)) leaving.add(item.coordinate);
  }
  const stays = await referencedCoordinates(options.pool);
  for (const secret of created) {
    if (stays.has(secret.coordinate) && !leaving.has(secret.coordinate)) {
      result.keptReferenced ??= [];
      result.keptReferenced.push({ store: secret.store.kind, coordinate: secret.coordinate });
    } else
      result.deleted.push({
        store: secret.store.kind,
        coordinate: secret.coordinate,
        outcome: 'would-delete',
      });
  }
  return result;
}

/**
 * A re-key run's key changes, undone: each `reencrypt` item that journaled the key it replaced
 * gets that key back through the same in-place change (AWS UpdateSecret KmsKeyId; Google: the
 * secret's CMEK, and a version with the same value under it, so the version Airbyte reads is
 * under the old key again). Done items are marked rolled-back, so a second rollback skips them.
 */
async function restoreKeys(
  journal: Journal,
  runId: string,
  store: SecretStore,
  result: RollbackResult,
): Promise<void> {
  const changed = (await journal.items(runId, { action: 'reencrypt' })).flatMap((i) =>
    i.previous_key && i.coordinate && i.state !== 'rolled-back'
      ? [{ key: i.item_key, coordinate: i.coordinate, kmsKeyId: i.previous_key.kmsKeyId }]
      : [],
  );
  if (changed.length === 0) return;
  if (!canChangeKeys(store)) {
    throw new UsageError(
      `${store.kind}: this store cannot change keys, so the run's key changes cannot be undone`,
    );
  }
  result.restoredKeys = [];
  for (const { key, coordinate, kmsKeyId } of changed) {
    const shown = { coordinate, ...(kmsKeyId ? { kmsKeyId } : {}) };
    try {
      const r = await store.changeKey(coordinate, { kmsKeyId: kmsKeyId ?? null });
      result.restoredKeys.push({ ...shown, outcome: r.key === 'changed' ? 'restored' : 'unchanged' });
      await journal.updateItem(runId, key, { state: 'rolled-back' });
    } catch (err) {
      if (!(err instanceof StoreError)) throw err;
      result.restoredKeys.push({ ...shown, outcome: 'failed' });
    }
  }
}

/**
 * Whether `from` resolves in the store as Airbyte reads it; if not (deleted by a re-key run's
 * --delete-old), writes the value of `to` back under it. False when neither works.
 */
async function ensureOldName(
  store: SecretStore,
  from: string,
  to: string,
  result: RollbackResult,
): Promise<boolean> {
  if (await readQuietly(store, from, true)) return true;
  const value = await readQuietly(store, to);
  if (!value) return false;
  result.recreated = result.recreated ?? [];
  try {
    result.recreated.push({ coordinate: from, outcome: await writeVerified(store, from, value) });
    return true;
  } catch (err) {
    if (!(err instanceof StoreError)) throw err;
    result.recreated.push({ coordinate: from, outcome: 'failed' });
    return false;
  }
}

async function readQuietly(
  store: SecretStore,
  coordinate: string,
  asAirbyte = false,
): Promise<SecretValue | undefined> {
  try {
    const v = await store.read(coordinate, { asAirbyte });
    return v && !v.isBlank ? v : undefined;
  } catch (err) {
    if (err instanceof StoreError) return undefined;
    throw err;
  }
}

async function deleteOne(store: SecretStore, coordinate: string) {
  try {
    return { store: store.kind, coordinate, outcome: await store.delete(coordinate) };
  } catch (err) {
    if (!(err instanceof StoreError)) throw err;
    return { store: store.kind, coordinate, outcome: 'failed' };
  }
}
