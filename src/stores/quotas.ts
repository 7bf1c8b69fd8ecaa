/**
 * The shape of a store's pacing and retry figures, and the limiter's shared constants. Each
 * store's definition holds its own row (`quota`), from the provider's published quotas; `withLimits`
 * and dry-run estimates read it from there.
 *
 * Rates are paced at 0.97 × the published quota, not at the more cautious "derived" figures
 * (GSM 8/s, AWS 20–25/s): the goal is to run at ≥ 0.9 of what the provider allows, and the
 * limiter slows down on its own (× 0.7 per throttle, slow recovery) when another client shares
 * the quota. A provider that throttles anyway costs one retry, not a failed item.
 */

/** Bounds of the full-jitter exponential backoff for one class of retryable failure. */
export interface BackoffBounds {
  baseMs: number;
  maxMs: number;
}

export interface RetryPolicy {
  /** The service said "slow down" (429, ThrottlingException, RESOURCE_EXHAUSTED). */
  throttled: BackoffBounds;
  /** Connection reset, 5xx, timeout. */
  transient: BackoffBounds;
  /** Tries in all, the first one included. */
  maxAttempts: number;
}

export interface StoreQuota {
  /**
   * Calls in flight at the start: the adaptive limit (`src/util/adaptive-limit.ts`) grows from
   * here while the round trip stays flat and shrinks on throttling or a rising round trip.
   */
  concurrency: number;
  /** Most calls in flight the adaptive limit may reach when `--concurrency` does not say. */
  maxConcurrency: number;
  /** Writes (create, new version, delete) per second; absent means unpaced. */
  writeRate?: number;
  /** Value reads per second; absent means unpaced. */
  readRate?: number;
  /** Metadata reads (describe, list pages) per second where the provider counts them apart; else `readRate`. */
  metadataRate?: number;
  /**
   * Write tokens one `write` takes. Google counts a new secret as two writes (CreateSecret +
   * AddSecretVersion); we charge 2 for every Google write, as a migration mostly creates, so
   * updates of existing secrets run at half the possible speed (kept simple on purpose).
   */
  writeCost: number;
  /** Names per `list()` page as the store fetches them; one metadata token is taken per page. */
  listPageSize: number;
  retry: RetryPolicy;
  /** Where the figures come from, for `--help` and reports. */
  source: string;
}

/** Share of the published quota we pace at. */
export const QUOTA_SHARE = 0.97;

/** A published per-second quota as the rate we pace at. */
export const share = (perSecond: number): number => Math.round(perSecond * QUOTA_SHARE * 100) / 100;

/** Adaptive slowdown: the rate is multiplied by this on a throttle... */
export const THROTTLE_SLOWDOWN = 0.7;
/** ...at most once per this window: throttles of calls already in flight are the same event... */
export const SLOWDOWN_WINDOW_MS = 1_000;
/** ...and grows back by this share of the configured rate per second without throttling (AIMD, like TCP). */
export const RECOVERY_PER_SECOND = 0.05;
/** The rate never drops below this share of the configured rate. */
export const MIN_RATE_SHARE = 0.05;
/** A `retryAfterMs` longer than this is treated as this (a confused server must not stall a run for hours). */
export const MAX_RETRY_AFTER_MS = 5 * 60_000;
