/**
 * A token bucket: `rate` tokens per second, at most `burst` banked. Used on both sides of the wire:
 * the emulators enforce a provider's quota with it, and the stores pace their own calls with it.
 */
export class TokenBucket {
  #tokens: number;
  #last: number;
  #rate: number;
  readonly burst: number;

  constructor(rate: number, burst = Math.max(1, rate)) {
    if (!(rate > 0)) throw new Error(`token bucket rate must be positive, got ${rate}`);
    this.#rate = rate;
    this.burst = burst;
    this.#tokens = burst;
    this.#last = performance.now();
  }

  get rate(): number {
    return this.#rate;
  }

  /** Changes the refill rate (adaptive slowdown); banked tokens are kept. */
  setRate(rate: number): void {
    this.#refill();
    this.#rate = rate;
  }

  #refill(): void {
    const now = performance.now();
    this.#tokens = Math.min(this.burst, this.#tokens + ((now - this.#last) / 1000) * this.#rate);
    this.#last = now;
  }

  /** Takes `n` tokens if they are there; returns false (taking nothing) otherwise. */
  tryTake(n = 1): boolean {
    this.#refill();
    if (this.#tokens >= n) {
      this.#tokens -= n;
      return true;
    }
    return false;
  }

  /** Milliseconds until `n` tokens will be available (0 when they are). */
  msUntil(n = 1): number {
    this.#refill();
    return this.#tokens >= n ? 0 : ((n - this.#tokens) / this.#rate) * 1000;
  }

  /** Waits until `n` tokens can be taken, then takes them. Waiters are served in call order. */
  async take(n = 1): Promise<void> {
    // Reserve first (the balance may go negative), then sleep off the debt: this keeps callers in
    // FIFO order without a queue and never lets a burst of waiters overshoot the rate.
    this.#refill();
    this.#tokens -= n;
    if (this.#tokens >= 0) return;
    const wait = (-this.#tokens / this.#rate) * 1000;
    await new Promise((resolve) => setTimeout(resolve, wait));
  }
}
