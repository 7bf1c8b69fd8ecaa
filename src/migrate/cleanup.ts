import type pg from 'pg';
import { readInventory } from '../airbyte/inventory.js';
import type { ProgressEvent } from '../engine/progress.js';
import { StoreError } from '../stores/errors.js';
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
  concurrency?: number;
  onProgress?: (e: ProgressEvent) => void;
  /** Refusals checked before anything is read (see `refuseUnsafeCleanup`). */
  safety?: CleanupSafety;
}

export interface CleanupSafety {
  /** How the operator named the old store (`--store`), for the message when both are one store. */
  oldName: string;
  /** The store kind Airbyte's env names (SECRET_PERSISTENCE), if it names one; asked only when deleting. */
  airbyteStore: () => Promise<string | undefined>;
  /** Delete even though Airbyte's env still names the old store. */
  force?: boolean;
}

export interface CleanupResult {
  applied: boolean;
  old: string;
  current: string;
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
 * not verified stays. A dry run by default.
 */
export async function cleanupOldStore(options: CleanupOptions): Promise<CleanupResult> {
  if (options.safety) await refuseUnsafeCleanup(options, options.safety);
  const coordinates = new Set<string>();
  for await (const row of readInventory(options.pool)) {
    for (const r of row.records)
      if (r.node.coordinate && RESOLVED_KINDS.has(r.node.kind)) coordinates.add(r.node.coordinate);
  }
  const result: CleanupResult = {
    applied: options.apply,
    old: options.old.description,
    current: options.current.description,
    removable: 0,
    deleted: 0,
    kept: [],
    absent: 0,
  };
  let done = 0;
  await forEachConcurrent(coordinates, options.concurrency ?? 8, async (coordinate) => {
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
        if (options.apply) {
          await options.old.delete(coordinate, { hard: options.hard ?? false });
          result.deleted += 1;
        }
      }
    } catch (err) {
      if (!(err instanceof StoreError)) throw err;
      result.kept.push({ coordinate, reason: err.message });
    }
    options.onProgress?.({ phase: 'cleanup', done: ++done, total: coordinates.size });
  });
  result.kept.sort((a, b) => a.coordinate.localeCompare(b.coordinate));
  return result;
}

/**
 * Cleaning is refused when the old store is the one it is verified against (everything would
 * verify against itself), and, when deleting, while Airbyte's env still names the old store
 * (Airbyte would lose what it reads) unless forced.
 */
export async function refuseUnsafeCleanup(
  options: Pick<CleanupOptions, 'old' | 'current' | 'apply'>,
  safety: CleanupSafety,
): Promise<void> {
  if (options.old.description === options.current.description) {
    throw new UsageError(
      `--store ${safety.oldName} is the store to verify against: name the new store with --verified-in`,
    );
  }
  if (options.apply && !safety.force && (await safety.airbyteStore()) === options.old.kind) {
    throw new UsageError(
      `Airbyte's env still uses ${options.old.kind}: switch Airbyte first (SECRET_PERSISTENCE)`,
    );
  }
}
