import type { StoreKind } from './types.js';

/**
 * Default pacing and retry figures per store, from each provider's published quotas
 * (pitfalls-and-quotas §2). One table, read by `withLimits` and by dry-run estimates.
 *
 * Rates are paced at 0.95 × the published quota, not at the more cautious "derived" figures
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
  /** Calls in flight at once. */
  concurrency: number;
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
export const QUOTA_SHARE = 0.95;

const share = (perSecond: number): number => Math.round(perSecond * QUOTA_SHARE * 100) / 100;

export const STORE_QUOTAS: Record<StoreKind, StoreQuota> = {
  database: {
    concurrency: 8,
    writeCost: 1,
    listPageSize: 1000,
    retry: {
      throttled: { baseMs: 100, maxMs: 5_000 },
      transient: { baseMs: 100, maxMs: 5_000 },
      maxAttempts: 5,
    },
    source: 'no quota: bounded by the connection pool',
  },
  vault: {
    concurrency: 8,
    writeCost: 1,
    // LIST returns a whole folder at once.
    listPageSize: 10_000,
    retry: {
      // Only operator-defined rate-limit quotas throttle (429).
      throttled: { baseMs: 200, maxMs: 10_000 },
      transient: { baseMs: 100, maxMs: 5_000 },
      maxAttempts: 6,
    },
    source: 'no rate limit by default; operators may add rate-limit quotas (429)',
  },
  aws: {
    concurrency: 16,
    // PutSecretValue/UpdateSecret combined 50 TPS; CreateSecret/DeleteSecret ≈ 50 TPS.
    writeRate: share(50),
    // GetSecretValue + DescribeSecret 10,000 TPS.
    readRate: share(10_000),
    writeCost: 1,
    listPageSize: 100,
    retry: {
      throttled: { baseMs: 250, maxMs: 20_000 },
      transient: { baseMs: 100, maxMs: 10_000 },
      maxAttempts: 8,
    },
    source: 'AWS Secrets Manager per account and region: 50 writes/s, 10,000 reads/s',
  },
  gcp: {
    concurrency: 16,
    // 600 writes/min per project; a new secret is 2 writes.
    writeRate: share(10),
    // 90,000 accesses/min.
    readRate: share(1_500),
    // 600 metadata reads (get, list)/min.
    metadataRate: share(10),
    writeCost: 2,
    // An assumed page size: smaller than the real one only makes list pacing more careful.
    listPageSize: 250,
    retry: {
      // The per-minute quota refills at the minute.
      throttled: { baseMs: 1_000, maxMs: 60_000 },
      transient: { baseMs: 200, maxMs: 10_000 },
      maxAttempts: 8,
    },
    source: 'Google Secret Manager per project: 600 writes/min (2 per new secret), 90,000 accesses/min',
  },
  azure: {
    concurrency: 16,
    // Secrets CREATE 300 per 10 s per vault.
    writeRate: share(30),
    // All other transactions 4,000 per 10 s.
    readRate: share(400),
    writeCost: 1,
    listPageSize: 25,
    retry: {
      throttled: { baseMs: 1_000, maxMs: 30_000 },
      transient: { baseMs: 200, maxMs: 10_000 },
      maxAttempts: 8,
    },
    source: 'Azure Key Vault per vault: 300 creates and 4,000 other transactions per 10 s',
  },
};

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
