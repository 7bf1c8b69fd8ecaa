/**
 * Where wall time goes when work overlaps. Each instrumented call marks its category busy while it
 * is in flight. Every stretch of wall time is then given out as follows:
 * - nothing in flight: our own code (CPU, or waiting on nothing but ourselves);
 * - one or more categories in flight: the stretch is split equally between them, however many
 *   calls of each are in flight (eight concurrent Vault calls for 10 ms count 10 ms, not 80).
 * The shares therefore add up to the wall time exactly. `busyMs` (time with at least one call of
 * the category in flight) and `callMs` (the sum of all call durations) are kept as well.
 */
export interface CategoryTime {
  /** Wall time given to this category by the equal split. */
  attributedMs: number;
  /** Wall time during which at least one call of this category was in flight. */
  busyMs: number;
  /** Sum of the durations of every call (concurrent calls all counted). */
  callMs: number;
  calls: number;
}

export interface TimelineReport {
  wallMs: number;
  /** Wall time with nothing in flight. */
  ownMs: number;
  /** Wall time with two or more categories in flight at once. */
  overlapMs: number;
  categories: Record<string, CategoryTime>;
}

export class Timeline {
  readonly #inFlight = new Map<string, number>();
  readonly #times = new Map<string, CategoryTime>();
  #started = performance.now();
  #last = this.#started;
  #ownMs = 0;
  #overlapMs = 0;

  /** Forgets everything measured so far and starts the clock again. */
  restart(): void {
    this.#started = this.#last = performance.now();
    this.#ownMs = this.#overlapMs = 0;
    for (const t of this.#times.values())
      Object.assign(t, { attributedMs: 0, busyMs: 0, callMs: 0, calls: 0 });
  }

  /** Times one call of `category`: busy from now until the promise settles. */
  async time<T>(category: string, call: () => Promise<T>): Promise<T> {
    const start = this.#begin(category);
    try {
      return await call();
    } finally {
      this.#end(category, start);
    }
  }

  report(): TimelineReport {
    this.#advance();
    const categories: Record<string, CategoryTime> = {};
    for (const [name, t] of this.#times) categories[name] = { ...t };
    return { wallMs: this.#last - this.#started, ownMs: this.#ownMs, overlapMs: this.#overlapMs, categories };
  }

  #time(category: string): CategoryTime {
    let t = this.#times.get(category);
    if (!t) {
      t = { attributedMs: 0, busyMs: 0, callMs: 0, calls: 0 };
      this.#times.set(category, t);
    }
    return t;
  }

  #begin(category: string): number {
    this.#advance();
    this.#time(category);
    this.#inFlight.set(category, (this.#inFlight.get(category) ?? 0) + 1);
    return this.#last;
  }

  #end(category: string, start: number): void {
    this.#advance();
    this.#inFlight.set(category, (this.#inFlight.get(category) ?? 1) - 1);
    const t = this.#time(category);
    t.callMs += this.#last - start;
    t.calls += 1;
  }

  /** Gives the time since the last event to whatever was in flight during it. */
  #advance(): void {
    const now = performance.now();
    const dt = now - this.#last;
    this.#last = now;
    if (dt <= 0) return;
    const active = [...this.#inFlight].filter(([, n]) => n > 0).map(([c]) => c);
    if (active.length === 0) {
      this.#ownMs += dt;
      return;
    }
    if (active.length > 1) this.#overlapMs += dt;
    for (const c of active) {
      const t = this.#time(c);
      t.attributedMs += dt / active.length;
      t.busyMs += dt;
    }
  }
}
