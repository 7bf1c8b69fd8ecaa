import { StoreError } from '../stores/errors.js';
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

/** The journal patch for a failed item: a StoreError is recorded (its message holds no value); anything else is a bug and is thrown. */
export function failure(err: unknown): { state: 'failed'; error_class: string; reason: string } {
  if (err instanceof StoreError) return { state: 'failed', error_class: err.kind, reason: err.message };
  throw err;
}
