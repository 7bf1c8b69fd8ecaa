import type pg from 'pg';
import { readInventory } from '../airbyte/inventory.js';
import type { ProgressEvent } from '../engine/progress.js';
import { StoreError } from '../stores/errors.js';
import type { SecretStore } from '../stores/types.js';
import { forEachConcurrent } from '../util/concurrent.js';

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
