import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { readInventory } from '../airbyte/inventory.js';
import type { ProgressEvent } from '../engine/progress.js';
import { writeVerified } from '../engine/write-verified.js';
import { deletionItem, Journal, type RunRow } from '../journal/index.js';
import { withWriterLock } from '../journal/writer-lock.js';
import { StoreError } from '../stores/errors.js';
import { sameStore, storeIdentity } from '../stores/identity.js';
import { workersFor } from '../stores/registry.js';
import type { SecretStore } from '../stores/types.js';
import { forEachConcurrent } from '../util/concurrent.js';
import { UsageError } from '../util/errors.js';

const RESOLVED_KINDS = new Set(['managed-ref', 'external-ref', 'reference-id']);

export interface CleanupOptions {
  pool: pg.Pool;
  /** The store Airbyte no longer uses. */
  old: SecretStore;
  /** The store Airbyte uses now: only what it holds identically is removed from `old`. */
  current: SecretStore;
  /** Delete for real; otherwise only report what would go. */
  apply: boolean;
  /** Skip recovery windows (AWS force delete, Azure purge). */
  hard?: boolean;
  /** Items worked on at once. @default `workersFor` the old and current stores: the store's adaptive limit governs */
  concurrency?: number;
  /** Where deletions are journaled (a run of kind `cleanup`, coordinates only). */
  journalSchema?: string;
  onProgress?: (e: ProgressEvent) => void;
  /** Refusals checked before anything is read (see `refuseUnsafeCleanup`). */
  safety?: CleanupSafety;
}

/** Something that says which store Airbyte uses, and where it was read (`--airbyte-uses`, `SECRET_PERSISTENCE`, a values file). */
export interface AirbyteStoreEvidence {
  kind: string;
  origin: string;
}

export interface CleanupSafety {
  /** How the operator named the old store (`--store`), for the message when both are one store. */
  oldName: string;
  /** Every source that says which store Airbyte uses; asked only when deleting. */
  evidence: () => Promise<AirbyteStoreEvidence[]>;
  /** Delete even though Airbyte's env still names the old store (evidence of the switch is still needed). */
  force?: boolean;
}

export interface CleanupResult {
  applied: boolean;
  old: string;
  current: string;
  /** Where it is known that Airbyte uses `current` (when deleting). */
  evidence?: string;
  /** The journaled run holding every deletion (when anything was deleted). */
  runId?: string;
  /** Deleted (or, on a dry run, deletable): verified identical in the current store. */
  removable: number;
  deleted: number;
  /** Kept because the current store does not hold the identical value. */
  kept: Array<{ coordinate: string; reason: string }>;
  /** Not in the old store at all. */
  absent: number;
}

/**
 * After the switch, removes from the old store exactly the referenced secrets that the current
 * store holds with the identical value (for the `database` store: the plaintext rows). Anything
 * not verified stays. A dry run by default. Every deletion is journaled (a run of kind `cleanup`,
 * one `delete` item per coordinate, no value) so `runs show` lists it and `undoCleanup` can put
 * it back.
 */
export async function cleanupOldStore(options: CleanupOptions): Promise<CleanupResult> {
  if (!options.apply) return cleanupLocked(options);
  // Deleting: under the Airbyte database's writer lock, never beside another writer.
  return withWriterLock(options.pool, 'cleanup', () => cleanupLocked(options));
}

async function cleanupLocked(options: CleanupOptions): Promise<CleanupResult> {
  const evidence = options.safety ? await refuseUnsafeCleanup(options, options.safety) : undefined;
  const coordinates = new Set<string>();
  for await (const row of readInventory(options.pool)) {
    for (const r of row.records)
      if (r.node.coordinate && RESOLVED_KINDS.has(r.node.kind)) coordinates.add(r.node.coordinate);
  }
  const result: CleanupResult = {
    applied: options.apply,
    old: options.old.description,
    current: options.current.description,
    ...(evidence ? { evidence: evidence.origin } : {}),
    removable: 0,
    deleted: 0,
    kept: [],
    absent: 0,
  };
  const journal = options.apply ? await startCleanupRun(options, evidence) : undefined;
  if (journal) result.runId = journal.runId;
  let done = 0;
  options.onProgress?.({ phase: 'cleanup', done, total: coordinates.size });
  // Both stores are read for every item: workers for the larger ceiling, each store limits its own.
  const workers = workersFor(options.concurrency, options.old, options.current);
  await forEachConcurrent(coordinates, workers, async (coordinate) => {
    try {
      const [inOld, inCurrent] = await Promise.all([
        options.old.read(coordinate),
        options.current.read(coordinate, { asAirbyte: true }),
      ]);
      if (!inOld) result.absent += 1;
      else if (!inCurrent || inCurrent.isBlank)
        result.kept.push({ coordinate, reason: 'not in the current store' });
      else if (!inOld.equals(inCurrent))
        result.kept.push({ coordinate, reason: 'the current store holds a different value' });
      else {
        result.removable += 1;
        if (journal) {
          await journal.deleting(coordinate);
          try {
            const outcome = await options.old.delete(coordinate, { hard: options.hard ?? false });
            await journal.deleted(coordinate, outcome);
          } catch (err) {
            await journal.failed(coordinate, err);
            throw err;
          }
          result.deleted += 1;
        }
      }
    } catch (err) {
      if (!(err instanceof StoreError)) throw err;
      result.kept.push({ coordinate, reason: err.message });
    }
    options.onProgress?.({ phase: 'cleanup', done: ++done, total: coordinates.size });
  });
  await journal?.finish();
  result.kept.sort((a, b) => a.coordinate.localeCompare(b.coordinate));
  return result;
}

/**
 * Cleaning is refused when the old store is the one it is verified against (everything would
 * verify against itself). Deleting needs positive evidence that Airbyte uses the store verified
 * against (`--airbyte-uses`, Airbyte's values, or its env), and is refused while any of them still
 * names the old store (unless forced) or names a third store. Returns the evidence relied on.
 */
export async function refuseUnsafeCleanup(
  options: Pick<CleanupOptions, 'old' | 'current' | 'apply'>,
  safety: CleanupSafety,
): Promise<AirbyteStoreEvidence | undefined> {
  if (storeIdentity(options.old) === storeIdentity(options.current)) {
    throw new UsageError(
      `--store ${safety.oldName} is the store to verify against: name the new store with --verified-in`,
    );
  }
  if (!options.apply) return undefined;
  const evidence = await safety.evidence();
  const onOld = evidence.find((e) => e.kind === options.old.kind);
  if (onOld && !safety.force) {
    throw new UsageError(
      `${onOld.origin} says Airbyte still uses ${options.old.kind}: switch Airbyte first (SECRET_PERSISTENCE), or correct ${onOld.origin}`,
    );
  }
  const elsewhere = evidence.find((e) => e.kind !== options.old.kind && e.kind !== options.current.kind);
  if (elsewhere) {
    throw new UsageError(
      `${elsewhere.origin} says Airbyte uses ${elsewhere.kind}, not ${options.current.kind}: verify against the store Airbyte uses (--verified-in ${elsewhere.kind})`,
    );
  }
  const onCurrent = evidence.find((e) => e.kind === options.current.kind);
  if (!onCurrent) {
    throw new UsageError(
      `nothing says Airbyte uses ${options.current.kind}, so nothing was deleted: once Airbyte runs on it, pass --airbyte-uses ${options.current.kind} (or --airbyte-values with Airbyte's values.yaml, or run where Airbyte's SECRET_PERSISTENCE is set)`,
    );
  }
  return onCurrent;
}

/** The journal of one cleanup: a run, and one `delete` item per coordinate, written before and after each delete. */
async function startCleanupRun(options: CleanupOptions, evidence: AirbyteStoreEvidence | undefined) {
  const journal = new Journal(options.pool, options.journalSchema);
  await journal.ensure();
  const runId = randomUUID();
  await journal.createRun({
    id: runId,
    kind: 'cleanup',
    state: 'running',
    started_by: Journal.operator(),
    source_kind: options.old.kind,
    source_store: options.old.description,
    target_kind: options.current.kind,
    target_store: options.current.description,
    source_identity: options.old.identity ?? null,
    target_identity: options.current.identity ?? null,
    options: { hard: options.hard ?? false, ...(evidence ? { evidence: evidence.origin } : {}) },
  });
  const key = (coordinate: string) => `delete:${coordinate}`;
  let failed = false;
  return {
    runId,
    deleting: (coordinate: string) => journal.upsertItems(runId, [deletionItem(key(coordinate), coordinate)]),
    deleted: (coordinate: string, outcome: string) =>
      journal.updateItem(runId, key(coordinate), { state: 'deleted', source_outcome: outcome, attempts: 1 }),
    failed: async (coordinate: string, err: unknown) => {
      failed = true;
      const reason = err instanceof StoreError ? err.message : 'delete failed';
      await journal.updateItem(runId, key(coordinate), { state: 'failed', reason, attempts: 1 });
    },
    finish: async () => {
      const counts: Record<string, number> = {};
      for (const c of await journal.itemCounts(runId)) counts[c.state] = (counts[c.state] ?? 0) + c.n;
      await journal.finishRun(runId, failed ? 'failed' : 'completed', counts);
    },
  };
}

/** Only a cleanup's deletions are undone here (a rollback's are undone by migrating again). */
function isCleanupRun(run: RunRow): boolean {
  switch (run.kind) {
    case 'cleanup':
      return true;
    default:
      return false;
  }
}

export interface UndoCleanupResult {
  runId: string;
  old: string;
  /** Coordinates put back in the old store (read back and verified). */
  restored: number;
  /** Already there again. */
  present: number;
  failed: Array<{ coordinate: string; reason: string }>;
}

/**
 * Puts back what a cleanup run deleted from the old store: a name in the store's recovery window
 * is restored (AWS RestoreSecret, Key Vault recover); any other is written again from the store Airbyte uses (cleanup only ever deleted values verified identical there),
 * read back and journaled as `restored`. Refuses a run that is not a cleanup of this old store.
 */
export function undoCleanup(options: UndoCleanupOptions): Promise<UndoCleanupResult> {
  return withWriterLock(options.pool, 'cleanup', async (lock) => {
    await lock.name('cleanup', options.runId);
    return undoCleanupLocked(options);
  });
}

export interface UndoCleanupOptions {
  pool: pg.Pool;
  runId: string;
  old: SecretStore;
  current: SecretStore;
  journalSchema?: string;
  /** Items worked on at once. @default `workersFor` the old store: the store's adaptive limit governs */
  concurrency?: number;
}

async function undoCleanupLocked(options: UndoCleanupOptions): Promise<UndoCleanupResult> {
  const journal = new Journal(options.pool, options.journalSchema);
  const found = (await journal.exists()) ? await journal.run(options.runId) : undefined;
  const run = found && isCleanupRun(found) ? found : undefined;
  if (!run)
    throw new UsageError(`no cleanup run ${options.runId} in the journal: see 'airbyte-secrets runs'`);
  if (!sameStore(run.source_identity, run.source_store, options.old)) {
    throw new UsageError(
      `run ${run.id} cleaned ${run.source_store}, not ${options.old.description}: pass the same --store`,
    );
  }
  const result: UndoCleanupResult = {
    runId: run.id,
    old: options.old.description,
    restored: 0,
    present: 0,
    failed: [],
  };
  const items = await journal.items(run.id, { action: 'delete', state: 'deleted' });
  await forEachConcurrent(items, workersFor(options.concurrency, options.old), async (item) => {
    const coordinate = item.coordinate;
    if (!coordinate) return;
    try {
      if (await options.old.read(coordinate)) result.present += 1;
      else if (options.old.restore && (await options.old.restore(coordinate)) === 'restored') {
        // Out of the recovery window; a name there cannot be written again until it is.
        if (!(await options.old.read(coordinate))) throw new UsageError('restored, but not readable yet');
        result.restored += 1;
      } else {
        const value = await options.current.read(coordinate, { asAirbyte: true });
        if (!value || value.isBlank) throw new UsageError('the store Airbyte uses no longer holds it');
        await writeVerified(options.old, coordinate, value);
        result.restored += 1;
      }
      await journal.updateItem(run.id, item.item_key, { state: 'restored' });
    } catch (err) {
      if (!(err instanceof StoreError) && !(err instanceof UsageError)) throw err;
      result.failed.push({ coordinate, reason: err.message });
    }
  });
  result.failed.sort((a, b) => a.coordinate.localeCompare(b.coordinate));
  return result;
}
