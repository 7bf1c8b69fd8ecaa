import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AdaptiveLimit } from '../../src/util/adaptive-limit.js';

/**
 * The limiter against simulated services on a simulated clock: no real time is measured, so the
 * outcome is the same on a loaded machine. A service is a FIFO server of `capacity` requests per
 * second behind a fixed `latencyMs` (Little's law: past capacity the round trip grows with the
 * queue), optionally throttling above a rate.
 */
interface Service {
  latencyMs: number;
  /** Requests per second the server completes; unlimited when absent. */
  capacity?: number;
  /** Requests per (simulated) second admitted; the rest are throttled. */
  throttleAbove?: number;
}

interface SimResult {
  limits: number[];
  /** Completed requests per second over the second half. */
  steadyRate: number;
  throttles: number;
  finalLimit: number;
  maxSeen: number;
}

async function simulate(
  limitOptions: { max: number; initial?: number; fixed?: boolean },
  service: Service,
  durationMs: number,
  workers = 1000,
): Promise<SimResult> {
  let now = 0;
  const limit = new AdaptiveLimit({ ...limitOptions, now: () => now });
  const events: Array<{ at: number; run: () => void }> = [];
  const schedule = (at: number, run: () => void) => {
    events.push({ at, run });
  };
  let nextFree = 0;
  let completedLate = 0;
  let throttles = 0;
  let maxSeen = 0;
  const admitted: number[] = [];
  const limits: number[] = [];
  const flush = () => new Promise<void>((resolve) => setImmediate(resolve));
  const worker = async () => {
    while (now < durationMs) {
      await limit.acquire();
      if (now >= durationMs) {
        limit.release();
        return;
      }
      maxSeen = Math.max(maxSeen, limit.inFlight);
      const started = now;
      const window = admitted.filter((t) => t > now - 1000).length;
      const throttled = service.throttleAbove !== undefined && window >= service.throttleAbove;
      let at: number;
      if (throttled) at = now + service.latencyMs;
      else {
        const service_ms = service.capacity ? 1000 / service.capacity : 0;
        const begin = Math.max(now, nextFree);
        nextFree = begin + service_ms;
        at = nextFree + service.latencyMs;
        admitted.push(now);
      }
      await new Promise<void>((resolve) => schedule(at, resolve));
      if (throttled) {
        throttles++;
        limit.drop();
      } else {
        limit.sample(now - started);
        if (now >= durationMs / 2) completedLate++;
      }
      limit.release();
    }
  };
  const running = Array.from({ length: workers }, worker);
  let lastSample = -1;
  while (now < durationMs) {
    await flush();
    events.sort((a, b) => a.at - b.at);
    const e = events.shift();
    if (!e) break;
    now = e.at;
    e.run();
    if (Math.floor(now / 50) !== lastSample) {
      lastSample = Math.floor(now / 50);
      limits.push(limit.limit);
    }
  }
  // Let the workers finish their last calls.
  for (;;) {
    await flush();
    await flush();
    if (events.length === 0) break;
    events.sort((a, b) => a.at - b.at);
    const e = events.shift();
    if (!e) break;
    now = Math.max(now, e.at);
    e.run();
  }
  await Promise.all(running);
  return {
    limits,
    steadyRate: completedLate / (durationMs / 2 / 1000),
    throttles,
    finalLimit: limit.limit,
    maxSeen,
  };
}

describe('AdaptiveLimit', () => {
  it('slow-starts from 16 to its maximum in a few round trips while the round trip stays flat', async () => {
    const r = await simulate({ max: 256 }, { latencyMs: 20 }, 1_000);
    assert.equal(r.finalLimit, 256);
    // 16 → 256 is four doublings: by 200 ms of 20 ms round trips it is there.
    const at200 = r.limits[4] ?? 0;
    assert.ok(at200 >= 128, `limit at 200 ms was ${at200}`);
    assert.ok(r.maxSeen <= 256);
  });

  it('at 100 ms, where samples come back in bursts one round trip apart, grows × 4 per round trip', async () => {
    const r = await simulate({ max: 256 }, { latencyMs: 100 }, 1_000);
    assert.equal(r.finalLimit, 256);
    // One entry per burst of completions (every 100 ms): 16 → 64 → 256, at the maximum by the
    // third burst (a doubling per burst took five: 16, 32, 64, 128, 256).
    assert.ok(r.limits.indexOf(256) <= 2, `limits per burst: ${r.limits.join(',')}`);
  });

  it('never goes above --concurrency (its max) and starts no higher', async () => {
    const r = await simulate({ max: 8 }, { latencyMs: 20 }, 500);
    assert.equal(r.finalLimit, 8);
    assert.ok(r.maxSeen <= 8, `in flight reached ${r.maxSeen}`);
  });

  it('settles within 10% of a server capacity of 2,000 requests/s with a bounded queue', async () => {
    const r = await simulate({ max: 256 }, { latencyMs: 20, capacity: 2_000 }, 6_000);
    assert.ok(r.steadyRate >= 1_800, `steady rate ${r.steadyRate}`);
    // The knee is 2,000/s × 20 ms = 40 in flight; it must not sit at the maximum, queueing 200+.
    const late = r.limits.slice(-40);
    const top = Math.max(...late);
    assert.ok(top < 160, `limits late in the run: ${late.join(',')}`);
    assert.equal(r.throttles, 0);
  });

  it('shrinks on throttling and keeps the service busy at its admitted rate', async () => {
    const r = await simulate({ max: 256 }, { latencyMs: 20, throttleAbove: 500 }, 6_000);
    assert.ok(r.throttles > 0);
    assert.ok(r.steadyRate >= 450, `steady rate ${r.steadyRate}`);
    const late = r.limits.slice(-40);
    assert.ok(Math.max(...late) < 256, `limits late in the run: ${late.join(',')}`);
  });

  it('cuts once per window on a drop, never below 1', () => {
    let now = 0;
    const limit = new AdaptiveLimit({ max: 64, initial: 32, now: () => now });
    limit.drop();
    limit.drop();
    assert.equal(limit.limit, 22);
    for (let i = 0; i < 200; i++) {
      now += 100;
      limit.drop();
    }
    assert.equal(limit.limit, 1);
    assert.equal(limit.state().slowStart, false);
  });

  it('fixed: exactly max in flight, whatever the samples say', async () => {
    const r = await simulate({ max: 4, fixed: true }, { latencyMs: 20, capacity: 50 }, 1_000);
    assert.equal(r.finalLimit, 4);
    assert.ok(r.limits.every((l) => l === 4));
  });

  it('serves waiters in order and never lets more than the limit in', async () => {
    const limit = new AdaptiveLimit({ max: 2, fixed: true });
    const order: number[] = [];
    let inside = 0;
    let peak = 0;
    await Promise.all(
      [1, 2, 3, 4, 5].map((n) =>
        limit.run(async () => {
          inside++;
          peak = Math.max(peak, inside);
          order.push(n);
          await new Promise<void>((r) => setImmediate(r));
          inside--;
        }),
      ),
    );
    assert.deepEqual(order, [1, 2, 3, 4, 5]);
    assert.equal(peak, 2);
  });
});
