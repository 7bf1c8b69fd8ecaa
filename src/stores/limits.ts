import { coordinateProblem, printableCoordinate } from '../airbyte/coordinates.js';
import { AdaptiveLimit } from '../util/adaptive-limit.js';
import type { SecretValue } from '../util/secret-value.js';
import { TokenBucket } from '../util/token-bucket.js';
import { StoreError, type StoreOperation } from './errors.js';
import { storeIdentity } from './identity.js';
import { canChangeKeys, type KeyChange, type KeyChangeResult } from './key-change.js';
import {
  MAX_RETRY_AFTER_MS,
  MIN_RATE_SHARE,
  RECOVERY_PER_SECOND,
  type RetryPolicy,
  SLOWDOWN_WINDOW_MS,
  THROTTLE_SLOWDOWN,
} from './quotas.js';
import { storeDefinition } from './registry.js';
import type {
  DeleteOptions,
  DeleteOutcome,
  PreflightOptions,
  ReadOptions,
  SecretDescription,
  SecretStore,
  StoreCheck,
  WriteOptions,
  WriteOutcome,
} from './types.js';

/**
 * Every store call goes through one limiter: a concurrency bound, a token bucket per quota class,
 * retries of `throttled`/`transient` failures with full-jitter backoff that honours the service's
 * `retryAfterMs`, and adaptive slowdown while the service throttles. Anything not given here
 * comes from the store kind's `quota` in its definition. It is also the one place that refuses a
 * value larger than the store's `capabilities.maxValueBytes`, and a coordinate no store may turn
 * into a path or a name (`coordinateProblem`), before any request is made.
 */
export interface LimitOptions {
  /**
   * Most calls in flight (`--concurrency`). The adaptive limit starts at the kind's `concurrency`
   * (never above this) and moves between 1 and this with the round trip and throttling; without
   * it the ceiling is the kind's `maxConcurrency`, and never more than the store's `inFlightCeiling`.
   */
  concurrency?: number;
  /** `false`: exactly `concurrency` in flight, no adaptation (benchmarks' fixed rows). @default true */
  adaptive?: boolean;
  /**
   * Writes per second (create, new version, delete) for stores whose quota counts writes (AWS,
   * Google, Azure); every request per second for the others (database, Vault).
   */
  rate?: number;
  /** Value reads per second. */
  readRate?: number;
  /** Metadata reads (describe, list pages) per second; defaults to the read rate. */
  metadataRate?: number;
  /** Tries per call in all, the first included. */
  maxAttempts?: number;
  /** Told of every throttle (for progress lines); the error holds no value. */
  onThrottle?: (e: StoreError) => void;
  /** Jitter source, for tests. @default Math.random */
  random?: () => number;
  /** How to wait between tries, for tests. @default setTimeout */
  sleep?: (ms: number) => Promise<void>;
  /** Milliseconds clock for the adaptive rate, for tests. @default performance.now */
  now?: () => number;
}

export interface LimitStats {
  /** Store operations started (a list counts one per page). */
  calls: number;
  /** Requests actually tried, retries included. */
  attempts: number;
  retries: number;
  throttles: number;
  /** Operations that ended in an error. */
  failures: number;
  /** Current paced write rate (lower than configured while recovering from throttling). */
  writeRate?: number;
  readRate?: number;
  /** Calls allowed in flight now (the adaptive limit). */
  concurrencyLimit: number;
  /** Highest limit reached. */
  peakConcurrencyLimit: number;
}

export interface LimitedStore extends SecretStore {
  stats(): LimitStats;
}

type QuotaClass = 'read' | 'write' | 'metadata';

/**
 * A token bucket whose rate drops on throttling and climbs back with time, never above
 * `configured`. Throttles within one window of the last slowdown are one congestion event (many
 * calls in flight all see the same empty bucket), so the rate is cut once per event, not once
 * per call; recovery is per second, not per call, so it does not depend on concurrency.
 */
class AdaptivePacer {
  readonly configured: number;
  readonly #bucket: TokenBucket;
  readonly #now: () => number;
  #lastSlowdown = Number.NEGATIVE_INFINITY;
  #lastAdjust: number;
  readonly #started: number;
  /** Times of recent successes, for the admitted rate. */
  readonly #successes: number[] = [];

  constructor(rate: number, now: () => number) {
    this.configured = rate;
    this.#bucket = new TokenBucket(rate);
    this.#now = now;
    this.#lastAdjust = now();
    this.#started = this.#lastAdjust;
  }

  get rate(): number {
    return this.#bucket.rate;
  }

  take(cost: number): Promise<void> {
    return this.#bucket.take(cost);
  }

  throttled(): void {
    const now = this.#now();
    if (now - this.#lastSlowdown < SLOWDOWN_WINDOW_MS) return;
    this.#lastSlowdown = now;
    this.#lastAdjust = now;
    const floor = this.configured * MIN_RATE_SHARE;
    // What the service admitted lately is what is left to us (another writer shares the quota):
    // pace just under it instead of a blind cut, so the share stays high without a sawtooth.
    const admitted = this.#admittedRate(now);
    const cut = this.#bucket.rate * THROTTLE_SLOWDOWN;
    const target = admitted === undefined ? cut : Math.max(cut, admitted * ADMITTED_SHARE);
    this.#bucket.setRate(Math.max(floor, Math.min(this.#bucket.rate, target)));
  }

  /** Successes per second over the last `ADMITTED_WINDOW_MS`; undefined before one window has passed. */
  #admittedRate(now: number): number | undefined {
    while (this.#successes.length > 0 && (this.#successes[0] ?? 0) < now - ADMITTED_WINDOW_MS)
      this.#successes.shift();
    if (now - this.#started < ADMITTED_WINDOW_MS) return undefined;
    return (this.#successes.length * 1000) / ADMITTED_WINDOW_MS;
  }

  succeeded(): void {
    const rate = this.#bucket.rate;
    const now = this.#now();
    this.#successes.push(now);
    if (this.#successes.length > MAX_SUCCESSES_KEPT) this.#successes.shift();
    if (rate < this.configured) {
      const grow = ((now - this.#lastAdjust) / 1000) * RECOVERY_PER_SECOND * this.configured;
      if (grow > 0) this.#bucket.setRate(Math.min(this.configured, rate + grow));
    }
    this.#lastAdjust = now;
  }
}

/** The admitted rate is measured over this window... */
const ADMITTED_WINDOW_MS = 2_000;
/** ...and paced at this share of it after a throttle. */
const ADMITTED_SHARE = 0.98;
/** Bound on the success times kept (rates far above any quota need no more). */
const MAX_SUCCESSES_KEPT = 20_000;

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

class LimitedSecretStore implements LimitedStore {
  readonly #inner: SecretStore;
  readonly #limit: AdaptiveLimit;
  #peakLimit = 0;
  readonly #pacers: Record<QuotaClass, AdaptivePacer | undefined>;
  readonly #writeCost: number;
  readonly #pageSize: number;
  readonly #retry: RetryPolicy;
  readonly #onThrottle?: (e: StoreError) => void;
  readonly #random: () => number;
  readonly #sleep: (ms: number) => Promise<void>;
  readonly #now: () => number;
  #pausedUntil = 0;
  readonly #stats = { calls: 0, attempts: 0, retries: 0, throttles: 0, failures: 0 };
  /** Present only when the wrapped store can change keys (`canChangeKeys` then holds for the wrapper too); paced as a write. */
  readonly changeKey?: (coordinate: string, change: KeyChange) => Promise<KeyChangeResult>;
  /** Present only when the wrapped store can restore; paced as a write. */
  readonly restore?: (coordinate: string) => Promise<'restored' | 'absent'>;

  /** The wrapped store's own checks, unpaced (a handful of calls, once). */
  readonly preflight?: (options: PreflightOptions) => Promise<StoreCheck[]>;

  constructor(inner: SecretStore, options: LimitOptions) {
    const quota = storeDefinition(inner.kind).quota;
    this.#inner = inner;
    const preflight = inner.preflight?.bind(inner);
    if (preflight) this.preflight = preflight;
    const restore = inner.restore?.bind(inner);
    if (restore)
      this.restore = (coordinate) => this.#call('write', 1, () => restore(coordinate), [coordinate, 'write']);
    if (canChangeKeys(inner)) {
      this.changeKey = (coordinate, change) =>
        this.#call('write', 1, () => inner.changeKey(coordinate, change), [coordinate, 'write']);
    }
    const ceiling = Math.min(
      Math.floor(positive(options.concurrency) ?? quota.maxConcurrency),
      Math.floor(positive(inner.inFlightCeiling) ?? Number.POSITIVE_INFINITY),
    );
    this.#limit = new AdaptiveLimit({
      max: ceiling,
      initial: quota.concurrency,
      fixed: options.adaptive === false,
      ...(options.now ? { now: options.now } : {}),
    });
    this.#peakLimit = this.#limit.limit;
    const writeRate = positive(options.rate) ?? quota.writeRate;
    const readRate = positive(options.readRate) ?? quota.readRate;
    const metadataRate = positive(options.metadataRate) ?? quota.metadataRate;
    const now = options.now ?? (() => performance.now());
    if (readRate === undefined && metadataRate === undefined && quota.writeRate === undefined && writeRate) {
      // A store whose service counts no classes (database, Vault): `rate` paces every request.
      const all = new AdaptivePacer(writeRate, now);
      this.#pacers = { write: all, read: all, metadata: all };
    } else {
      const read = readRate ? new AdaptivePacer(readRate, now) : undefined;
      this.#pacers = {
        write: writeRate ? new AdaptivePacer(writeRate, now) : undefined,
        read,
        metadata: metadataRate ? new AdaptivePacer(metadataRate, now) : read,
      };
    }
    this.#writeCost = quota.writeCost;
    this.#pageSize = quota.listPageSize;
    this.#retry = {
      ...quota.retry,
      maxAttempts: Math.max(1, Math.floor(positive(options.maxAttempts) ?? quota.retry.maxAttempts)),
    };
    if (options.onThrottle) this.#onThrottle = options.onThrottle;
    this.#random = options.random ?? Math.random;
    this.#sleep = options.sleep ?? defaultSleep;
    this.#now = now;
  }

  get kind() {
    return this.#inner.kind;
  }
  get description() {
    return this.#inner.description;
  }
  get identity(): string {
    return storeIdentity(this.#inner);
  }
  get airbyteIncompatibility() {
    return this.#inner.airbyteIncompatibility;
  }
  get capabilities() {
    return this.#inner.capabilities;
  }

  nameOf(coordinate: string): string {
    return this.#inner.nameOf(coordinate);
  }

  read(coordinate: string, options?: ReadOptions): Promise<SecretValue | undefined> {
    return this.#call('read', 1, () => this.#inner.read(coordinate, options), [coordinate, 'read']);
  }

  write(coordinate: string, value: SecretValue, options?: WriteOptions): Promise<WriteOutcome> {
    const max = this.#inner.capabilities.maxValueBytes;
    if (value.byteLength > max) {
      return Promise.reject(
        new StoreError({
          store: this.#inner.kind,
          operation: 'write',
          coordinate,
          kind: 'invalid',
          detail: `value is ${value.byteLength} bytes; this store takes at most ${max}`,
        }),
      );
    }
    return this.#call('write', this.#writeCost, () => this.#inner.write(coordinate, value, options), [
      coordinate,
      'write',
    ]);
  }

  delete(coordinate: string, options?: DeleteOptions): Promise<DeleteOutcome> {
    return this.#call('write', 1, () => this.#inner.delete(coordinate, options), [coordinate, 'delete']);
  }

  describe(coordinate: string): Promise<SecretDescription> {
    return this.#call('metadata', 1, () => this.#inner.describe(coordinate), [coordinate, 'describe']);
  }

  /**
   * Paced per page: one metadata token before each `listPageSize` names. A retryable failure
   * part-way restarts the listing and skips the names already given, so nothing repeats.
   */
  async *list(): AsyncIterable<string> {
    const seen = new Set<string>();
    let pagesCounted = 0;
    for (let attempt = 1; ; attempt++) {
      const it = this.#inner.list()[Symbol.asyncIterator]();
      let sincePage = this.#pageSize;
      let page = 0;
      let finished = false;
      try {
        for (;;) {
          if (sincePage >= this.#pageSize) {
            sincePage = 0;
            page++;
            // A page fetched again after a restart is another attempt, not another call.
            if (page > pagesCounted) {
              pagesCounted = page;
              this.#stats.calls++;
            }
            this.#stats.attempts++;
            await this.#waitForPause();
            await this.#pacers.metadata?.take(1);
          }
          const step = await this.#limit.run(() => it.next());
          if (step.done) {
            finished = true;
            this.#pacers.metadata?.succeeded();
            return;
          }
          sincePage++;
          if (seen.has(step.value)) continue;
          seen.add(step.value);
          yield step.value;
        }
      } catch (err) {
        if (!(await this.#shouldRetry(err, attempt, 'metadata'))) {
          this.#stats.failures++;
          throw err;
        }
      } finally {
        if (!finished) await it.return?.();
      }
    }
  }

  close(): Promise<void> {
    return this.#inner.close();
  }

  stats(): LimitStats {
    const out: LimitStats = {
      ...this.#stats,
      concurrencyLimit: this.#limit.limit,
      peakConcurrencyLimit: this.#peakLimit,
    };
    if (this.#pacers.write) out.writeRate = this.#pacers.write.rate;
    if (this.#pacers.read) out.readRate = this.#pacers.read.rate;
    return out;
  }

  async #call<T>(
    cls: QuotaClass,
    cost: number,
    fn: () => Promise<T>,
    [coordinate, operation]: [string, StoreOperation],
  ): Promise<T> {
    const problem = coordinateProblem(coordinate);
    if (problem) {
      throw new StoreError({
        store: this.#inner.kind,
        operation,
        coordinate: printableCoordinate(coordinate),
        kind: 'invalid',
        detail: `${problem}: Airbyte's coordinates never do, and no store is asked about it`,
      });
    }
    this.#stats.calls++;
    // The slot is held across retries: a throttled call keeps its place instead of letting a
    // newer call through while the service is asking everyone to slow down.
    return this.#limit.run(async () => {
      for (let attempt = 1; ; attempt++) {
        await this.#waitForPause();
        await this.#pacers[cls]?.take(cost);
        this.#stats.attempts++;
        const started = this.#now();
        try {
          const result = await fn();
          this.#limit.sample(this.#now() - started);
          this.#peakLimit = Math.max(this.#peakLimit, this.#limit.limit);
          this.#pacers[cls]?.succeeded();
          return result;
        } catch (err) {
          // Overload signs shrink the limit; a plain answer (not found, denied) is a round trip.
          if (err instanceof StoreError && err.retryable) this.#limit.drop();
          else this.#limit.sample(this.#now() - started);
          if (!(await this.#shouldRetry(err, attempt, cls))) {
            this.#stats.failures++;
            throw err;
          }
        }
      }
    });
  }

  /** Decides whether to try again; if so, records it, slows down and waits the backoff. */
  async #shouldRetry(err: unknown, attempt: number, cls: QuotaClass): Promise<boolean> {
    if (!(err instanceof StoreError) || !err.retryable) return false;
    // A throttle is a signal to slow down even when this call gives up.
    if (err.kind === 'throttled') {
      this.#stats.throttles++;
      this.#pacers[cls]?.throttled();
      this.#onThrottle?.(err);
    }
    if (attempt >= this.#retry.maxAttempts) return false;
    this.#stats.retries++;
    const bounds = err.kind === 'throttled' ? this.#retry.throttled : this.#retry.transient;
    const ceiling = Math.min(bounds.maxMs, bounds.baseMs * 2 ** (attempt - 1));
    let delay = this.#random() * ceiling;
    if (err.retryAfterMs !== undefined && err.retryAfterMs > 0) {
      // The service said how long; everyone waits that long, this call with a little jitter on top.
      const after = Math.min(err.retryAfterMs, MAX_RETRY_AFTER_MS);
      this.#pausedUntil = Math.max(this.#pausedUntil, performance.now() + after);
      delay = after + this.#random() * bounds.baseMs;
    }
    await this.#sleep(delay);
    return true;
  }

  async #waitForPause(): Promise<void> {
    const wait = this.#pausedUntil - performance.now();
    if (wait > 0) await this.#sleep(wait);
  }
}

function positive(n: number | undefined): number | undefined {
  return typeof n === 'number' && Number.isFinite(n) && n > 0 ? n : undefined;
}

/** Wraps a store in its concurrency limit, rate limits and retry policy. */
export function withLimits(store: SecretStore, limits: LimitOptions = {}): LimitedStore {
  return new LimitedSecretStore(store, limits);
}

/** The limiter's counters, if the store is wrapped by `withLimits` (benchmarks, progress lines). */
export function getStats(store: SecretStore): LimitStats | undefined {
  return store instanceof LimitedSecretStore ? store.stats() : undefined;
}
