import type { Journal } from '../journal/index.js';
import { isStoreUnreachable, StoreError } from '../stores/errors.js';
import type { SecretStore, WriteOptions, WriteOutcome } from '../stores/types.js';
import type { SecretValue } from '../util/secret-value.js';

/**
 * Writes a value and proves it: write (idempotent), read back the exact name, compare. The
 * outcome says whether anything was written; a mismatch is an error of kind `invalid`.
 */
export async function writeVerified(
  store: SecretStore,
  coordinate: string,
  value: SecretValue,
  options?: WriteOptions,
): Promise<WriteOutcome> {
  const outcome = await store.write(coordinate, value, options);
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

/**
 * Write-ahead: journals the intent (the item's state `writing`, this attempt) before `writeVerified`.
 * The caller journals the outcome, which resolves the intent (see `updateItem`): a coordinate any
 * attempt of the run created stays `created`.
 */
export async function writeAhead(
  ctx: { journal: Pick<Journal, 'intendWrite'>; runId: string },
  itemKey: string,
  side: 'target' | 'source',
  store: SecretStore,
  coordinate: string,
  value: SecretValue,
  options?: WriteOptions,
): Promise<WriteOutcome> {
  await ctx.journal.intendWrite(ctx.runId, itemKey, side);
  return writeVerified(store, coordinate, value, options);
}

/**
 * The journal patch for a failed item: a StoreError is recorded (its message holds no value); a
 * store that cannot be reached at all stops the run (thrown, it is marked `interrupted`); anything
 * else is a bug and is thrown.
 */
export function failure(err: unknown): { state: 'failed'; error_class: string; reason: string } {
  if (isStoreUnreachable(err)) throw err;
  if (err instanceof StoreError) return { state: 'failed', error_class: err.kind, reason: err.message };
  throw err;
}
