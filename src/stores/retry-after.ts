/**
 * An HTTP `Retry-After` value (RFC 9110 §10.2.3: delay-seconds or an HTTP-date) in milliseconds;
 * undefined when absent or unreadable. Each store's translator puts it in
 * `StoreError.retryAfterMs`, and the limits wrapper (`withLimits`) waits it out (capped at
 * `MAX_RETRY_AFTER_MS`) instead of its own backoff: one mechanism for every store.
 */
export function retryAfterHeaderMs(text: string | undefined | null, now = Date.now()): number | undefined {
  if (typeof text !== 'string' || text.trim() === '') return undefined;
  const seconds = Number(text);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
