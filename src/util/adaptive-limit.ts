/**
 * An adaptive limit on calls in flight, after TCP Vegas and Netflix's concurrency-limits
 * (Gradient2): it learns the round trip the service gives with no queue (the lowest round trip
 * of any sample window) and compares each window's average with it.
 *
 * - **Slow start.** From `initial`, the limit doubles every half round trip (at least 10 ms; a
 *   window whose samples came a whole round trip later counts twice, so × 4 per round trip)
 *   while the round trip stays flat, or while the delivery rate still grows by 10 % per
 *   doubling, and the limit is actually used: a 100 ms service reaches 256 in flight from 16 in
 *   about two round trips. The first window that is neither, or a drop, ends slow start for good.
 * - **Avoidance.** Afterwards the limit adds √limit per window while the round trip is within
 *   `tolerance` of the unloaded one or the window delivered a new best rate (a CPU-bound client
 *   queues in its own event loop, yet more in flight still pays); otherwise it follows the
 *   gradient `tolerance × noLoad / average` (0.5 to 1), never below 0.9 × the limit that gave the
 *   best rate (which fades 1 % per window, so a slower service is probed afresh). It settles
 *   where more calls only queue.
 * - **Drops.** A throttle (429, ThrottlingException, RESOURCE_EXHAUSTED), a timeout or another
 *   transient failure cuts the limit by `dropFactor`, once per window.
 *
 * The limit never leaves [`min`, `max`]; `fixed` turns adaptation off (a plain semaphore). The
 * clock is injected, so tests drive it with simulated latencies.
 */
export interface AdaptiveLimitOptions {
  /** Most calls in flight (`--concurrency`, the pool size, the kind's ceiling). */
  max: number;
  /** Limit at the start. @default min(16, max) */
  initial?: number;
  /** @default 1 */
  min?: number;
  /** No adaptation: always `max` in flight. */
  fixed?: boolean;
  /** Round-trip ratio to the unloaded one that still counts as no queue. @default 2 (Gradient2's) */
  tolerance?: number;
  /** Ratio under which slow start keeps doubling. @default 1.5 */
  slowStartTolerance?: number;
  /** Absolute slack in ms added to both tolerances (event-loop jitter on fast services). @default 2 */
  slackMs?: number;
  /** Multiplier on a drop. @default 0.7 */
  dropFactor?: number;
  /** Samples a window needs at least. @default 4 */
  minSamples?: number;
  /** @default performance.now */
  now?: () => number;
}

export interface AdaptiveLimitState {
  limit: number;
  inFlight: number;
  queued: number;
  noLoadRttMs: number | null;
  slowStart: boolean;
  windows: number;
  drops: number;
}

/** How long a window lasts before any round trip is known (only drops so far). */
const UNKNOWN_RTT_MS = 100;
/** A window lasts at least this long, so its delivery rate means something on fast services. */
const MIN_WINDOW_MS = 20;
/** The best delivery rate fades by this per window. */
const BEST_RATE_FADE = 0.99;
/** Slow start keeps doubling while the rate grows at least this much per doubling. */
const SLOW_START_GAIN = 1.1;

export class AdaptiveLimit {
  readonly max: number;
  readonly min: number;
  readonly fixed: boolean;
  readonly #tolerance: number;
  readonly #slowStartTolerance: number;
  readonly #slack: number;
  readonly #dropFactor: number;
  readonly #minSamples: number;
  readonly #now: () => number;
  #limit: number;
  #inFlight = 0;
  readonly #waiters: Array<() => void> = [];
  #slowStart = true;
  #noLoad = Number.POSITIVE_INFINITY;
  #windowStart: number;
  #sum = 0;
  #count = 0;
  #peak = 0;
  #dropped = false;
  #windows = 0;
  #drops = 0;
  #lastRate = Number.POSITIVE_INFINITY;
  #bestRate = 0;
  #bestLimit = 1;

  constructor(options: AdaptiveLimitOptions) {
    this.max = Math.max(1, Math.floor(options.max));
    this.min = Math.min(this.max, Math.max(1, Math.floor(options.min ?? 1)));
    this.fixed = options.fixed === true;
    this.#tolerance = options.tolerance ?? 2;
    this.#slowStartTolerance = options.slowStartTolerance ?? 1.5;
    this.#slack = options.slackMs ?? 2;
    this.#dropFactor = options.dropFactor ?? 0.7;
    this.#minSamples = options.minSamples ?? 4;
    this.#now = options.now ?? (() => performance.now());
    this.#limit = this.fixed ? this.max : clamp(options.initial ?? 16, this.min, this.max);
    this.#windowStart = this.#now();
  }

  /** Calls allowed in flight now. */
  get limit(): number {
    return Math.floor(this.#limit);
  }

  get inFlight(): number {
    return this.#inFlight;
  }

  state(): AdaptiveLimitState {
    return {
      limit: this.limit,
      inFlight: this.#inFlight,
      queued: this.#waiters.length,
      noLoadRttMs: Number.isFinite(this.#noLoad) ? this.#noLoad : null,
      slowStart: this.#slowStart,
      windows: this.#windows,
      drops: this.#drops,
    };
  }

  /** Waits for a slot (callers are served in order). Pair with `release()`. */
  acquire(): Promise<void> {
    if (this.#inFlight < this.limit && this.#waiters.length === 0) {
      this.#take();
      return Promise.resolve();
    }
    return new Promise<void>((resolve) => this.#waiters.push(() => resolve()));
  }

  release(): void {
    this.#inFlight = Math.max(0, this.#inFlight - 1);
    this.#drain();
  }

  /** Runs `fn` in a slot. */
  async run<T>(fn: () => Promise<T>): Promise<T> {
    await this.acquire();
    try {
      return await fn();
    } finally {
      this.release();
    }
  }

  /** One request's round trip, measured around the request alone (no pacing wait). */
  sample(rttMs: number): void {
    if (this.fixed || !(rttMs >= 0)) return;
    this.#sum += rttMs;
    this.#count += 1;
    this.#maybeCloseWindow();
  }

  /** The service said slow down, or timed out: cut once per window. */
  drop(): void {
    if (this.fixed) return;
    this.#drops += 1;
    if (!this.#dropped) {
      this.#dropped = true;
      this.#slowStart = false;
      this.#setLimit(this.#limit * this.#dropFactor);
    }
    this.#maybeCloseWindow();
  }

  #take(): void {
    this.#inFlight += 1;
    if (this.#inFlight > this.#peak) this.#peak = this.#inFlight;
  }

  #drain(): void {
    while (this.#waiters.length > 0 && this.#inFlight < this.limit) {
      this.#take();
      this.#waiters.shift()?.();
    }
  }

  #setLimit(value: number): void {
    this.#limit = clamp(value, this.min, this.max);
    this.#drain();
  }

  #maybeCloseWindow(): void {
    const now = this.#now();
    const average = this.#count > 0 ? this.#sum / this.#count : Number.POSITIVE_INFINITY;
    // A window lasts about one round trip, and holds enough samples to mean something.
    const known = [average, this.#noLoad].filter((n) => Number.isFinite(n));
    const span = known.length > 0 ? Math.max(...known) : UNKNOWN_RTT_MS;
    // Slow start judges every half round trip (× 4 per round trip at most), as TCP's grows per ACK.
    const length = this.#slowStart ? Math.max(span / 2, MIN_WINDOW_MS / 2) : Math.max(span, MIN_WINDOW_MS);
    if (now - this.#windowStart < length) return;
    if (!this.#dropped && this.#count < Math.min(this.#minSamples, this.limit)) return;
    const elapsed = now - this.#windowStart;
    this.#closeWindow(average, this.#count / Math.max(1e-3, elapsed), elapsed / length);
    this.#windowStart = now;
    this.#sum = 0;
    this.#count = 0;
    this.#peak = this.#inFlight;
    this.#dropped = false;
  }

  /** `lengths`: how many nominal window lengths this one lasted (more when samples came late). */
  #closeWindow(average: number, rate: number, lengths: number): void {
    this.#windows += 1;
    const previousRate = this.#lastRate;
    this.#lastRate = rate;
    if (this.#dropped || !Number.isFinite(average)) return;
    // The best delivery rate seen, fading so that a service that got slower is probed afresh.
    this.#bestRate *= BEST_RATE_FADE;
    const newBest = rate > this.#bestRate * 1.02;
    if (newBest) {
      this.#bestRate = rate;
      this.#bestLimit = this.#limit;
    }
    // The unloaded round trip: the lowest window average, drifting up very slowly so a service
    // that became slower for good is not read as congested forever.
    this.#noLoad = Math.min(average, this.#noLoad * 1.002);
    const flat = (tolerance: number) => average <= this.#noLoad * tolerance + this.#slack;
    // Calls the caller did not send are no evidence that more would be fine.
    const used = this.#peak >= this.limit * 0.5 || this.#waiters.length > 0;
    // A busy client (CPU-bound at low latency) shows a longer round trip at more calls in flight
    // and still delivers more: what counts then is the rate, not the round trip alone.
    const paysOff = used && rate >= previousRate * SLOW_START_GAIN;
    if (this.#slowStart) {
      if (flat(this.#slowStartTolerance) || paysOff) {
        // × 2 per half round trip, by the clock: a window that waited a whole round trip for
        // its samples (they come back in bursts, one round trip apart) counts as two; one in
        // between grows in between (× 2.8 for one and a half), as the limit is used floored.
        if (used) this.#setLimit(this.#limit * 2 ** clamp(lengths, 1, 2));
        return;
      }
      this.#slowStart = false;
    }
    const probe = used ? Math.sqrt(this.#limit) : 0;
    if (flat(this.#tolerance) || (newBest && used)) {
      this.#setLimit(this.#limit + probe);
      return;
    }
    // A queue that buys nothing: shrink with the gradient, not below where the best rate was.
    const gradient = clamp(((this.#noLoad + this.#slack) * this.#tolerance) / average, 0.5, 1);
    this.#setLimit(Math.max(this.#limit * gradient, Math.min(this.#limit, this.#bestLimit * 0.9)));
  }
}

function clamp(n: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, n));
}
