import type { StoreKind } from './types.js';

/** The small set of failure classes every store's errors are translated into. */
export type StoreErrorKind =
  | 'not-found'
  | 'already-exists'
  | 'deleted-recoverable'
  | 'throttled'
  | 'permission-denied'
  | 'transient'
  | 'invalid';

export type StoreOperation = 'connect' | 'read' | 'write' | 'delete' | 'list' | 'describe' | 'restore';

const KIND_TEXT: Record<StoreErrorKind, string> = {
  'not-found': 'not found',
  'already-exists': 'already exists',
  'deleted-recoverable': 'deleted but recoverable',
  throttled: 'throttled',
  'permission-denied': 'permission denied',
  transient: 'temporary failure',
  invalid: 'invalid request',
};

export interface StoreErrorInit {
  store: StoreKind;
  operation: StoreOperation;
  kind: StoreErrorKind;
  coordinate?: string;
  /** The service's own short explanation (status code, error code, message). Never a value. */
  detail?: string;
  /** For `throttled`: how long the service asked us to wait. */
  retryAfterMs?: number;
}

/**
 * A failed store call, with a one-line message naming the store, the operation and the
 * coordinate: `vault write airbyte_workspace_…_v1: permission denied (403 permission denied)`.
 * It keeps no reference to the SDK error, whose request object may hold the secret being written.
 */
export class StoreError extends Error {
  readonly store: StoreKind;
  readonly operation: StoreOperation;
  readonly kind: StoreErrorKind;
  readonly coordinate?: string;
  readonly detail?: string;
  readonly retryAfterMs?: number;

  constructor(init: StoreErrorInit) {
    const where = init.coordinate ? ` ${init.coordinate}` : '';
    const detail = init.detail ? ` (${oneLine(init.detail)})` : '';
    super(`${init.store} ${init.operation}${where}: ${KIND_TEXT[init.kind]}${detail}`);
    this.name = 'StoreError';
    this.store = init.store;
    this.operation = init.operation;
    this.kind = init.kind;
    if (init.coordinate !== undefined) this.coordinate = init.coordinate;
    if (init.detail !== undefined) this.detail = oneLine(init.detail);
    if (init.retryAfterMs !== undefined) this.retryAfterMs = init.retryAfterMs;
  }

  /** Whether trying the same call again may succeed. */
  get retryable(): boolean {
    return this.kind === 'throttled' || this.kind === 'transient';
  }
}

function oneLine(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > 300 ? `${flat.slice(0, 297)}...` : flat;
}

/** Network-level failures every SDK surfaces the same way: connection refused, reset, timeout. */
export function isNetworkError(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return (
    typeof code === 'string' &&
    [
      'ECONNREFUSED',
      'ECONNRESET',
      'EPIPE',
      'ETIMEDOUT',
      'EAI_AGAIN',
      'ENOTFOUND',
      'UND_ERR_SOCKET',
      'ECONNABORTED',
    ].includes(code)
  );
}

const UNREACHABLE =
  /\b(ECONNREFUSED|ECONNRESET|EPIPE|ETIMEDOUT|EAI_AGAIN|ENOTFOUND|UND_ERR_SOCKET|ECONNABORTED|ENETUNREACH|EHOSTUNREACH)\b|socket hang up|Connection terminated/i;

/**
 * Whether a store call failed because the store cannot be reached at all (refused, reset, timed
 * out, after the limits wrapper's retries): a run stops there, `interrupted`, instead of failing
 * every remaining item one by one.
 */
export function isStoreUnreachable(err: unknown): boolean {
  return err instanceof StoreError && err.kind === 'transient' && UNREACHABLE.test(err.detail ?? '');
}

/**
 * The error class an HTTP status means, for stores whose SDKs surface the status. `conflict` is
 * what 409 means for that service (Google: already exists; Azure: deleted but recoverable, or a
 * transient recover in progress, which the caller decides).
 */
export function kindOfHttpStatus(status: number, conflict: StoreErrorKind): StoreErrorKind {
  if (status === 404) return 'not-found';
  if (status === 409) return conflict;
  if (status === 429) return 'throttled';
  if (status === 401 || status === 403) return 'permission-denied';
  if (status === 408 || status >= 500) return 'transient';
  return 'invalid';
}

/** Whether `err` is a store failure of the given class (callers test the class through this). */
export function isStoreError(err: unknown, kind: StoreErrorKind): err is StoreError {
  return err instanceof StoreError && err.kind === kind;
}
