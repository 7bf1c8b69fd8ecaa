import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { StoreError, type StoreErrorKind } from '../../src/stores/errors.js';
import { getStats, withLimits } from '../../src/stores/limits.js';
import { STORE_DEFINITIONS, STORE_KINDS } from '../../src/stores/registry.js';
import type { SecretStore, StoreKind } from '../../src/stores/types.js';
import { SecretValue } from '../../src/util/secret-value.js';

/**
 * A scripted store, written here: `script(op, coordinate, attempt)` decides each call's fate.
 * It is not one of our modules, so faking it mocks nothing of ours.
 */
interface FakeStore extends SecretStore {
  started: string[];
  attempts: Map<string, number>;
  inFlight: number;
  maxInFlight: number;
}

type Script = (op: string, coordinate: string, attempt: number) => Promise<void> | void;

function fakeStore(kind: StoreKind, script: Script = () => {}, names: string[] = []): FakeStore {
  const store: FakeStore = {
    kind,
    description: `fake ${kind}`,
    capabilities: {
      ...STORE_DEFINITIONS[kind].capabilities,
      versions: false,
      softDelete: false,
      maxValueBytes: 1024,
    },
    started: [],
    attempts: new Map(),
    inFlight: 0,
    maxInFlight: 0,
    nameOf: (c) => c,
    read: (c) => run('read', c, () => new SecretValue(`value of ${c}`)),
    write: (c) => run('write', c, () => 'created' as const),
    delete: (c) => run('delete', c, () => 'deleted' as const),
    describe: (c) => run('describe', c, () => ({ coordinate: c, name: c, state: 'active' as const })),
    async *list() {
      let n = 0;
      for (const name of names) {
        await script('list', name, (store.attempts.get('list') ?? 0) + 1);
        n++;
        yield name;
      }
      store.attempts.set('list', (store.attempts.get('list') ?? 0) + 1);
      assert.equal(n, names.length);
    },
    close: async () => {},
  };
  async function run<T>(op: string, c: string, result: () => T): Promise<T> {
    const key = `${op} ${c}`;
    const attempt = (store.attempts.get(key) ?? 0) + 1;
    store.attempts.set(key, attempt);
    store.started.push(key);
    store.inFlight++;
    store.maxInFlight = Math.max(store.maxInFlight, store.inFlight);
    try {
      await script(op, c, attempt);
      return result();
    } finally {
      store.inFlight--;
    }
  }
  return store;
}

function fail(kind: StoreErrorKind, op: 'read' | 'write' | 'list', retryAfterMs?: number): StoreError {
  return new StoreError({
    store: 'vault',
    operation: op,
    kind,
    coordinate: 'airbyte_c',
    ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
  });
}

/** Records the waits instead of waiting. */
function fakeSleep() {
  const waits: number[] = [];
  return { waits, sleep: async (ms: number) => void waits.push(ms) };
}

const tick = () => new Promise<void>((r) => setImmediate(r));

describe('withLimits', () => {
  test('starts calls in the order they were made', async () => {
    const store = fakeStore('vault', tick);
    const limited = withLimits(store, { concurrency: 1 });
    const names = ['a', 'b', 'c', 'd', 'e'];
    const values = await Promise.all(names.map((n) => limited.read(n)));
    assert.deepEqual(
      store.started,
      names.map((n) => `read ${n}`),
    );
    assert.deepEqual(
      values.map((v) => v?.reveal()),
      names.map((n) => `value of ${n}`),
    );
  });

  test('never has more calls in flight than the concurrency', async () => {
    const store = fakeStore('database', async () => {
      await tick();
      await tick();
    });
    const limited = withLimits(store, { concurrency: 3 });
    await Promise.all(Array.from({ length: 20 }, (_, i) => limited.write(`c${i}`, new SecretValue('x'))));
    assert.equal(store.maxInFlight, 3);
    assert.equal(limited.stats().calls, 20);
  });

  test('refuses a value above the store maximum before any call, for every kind', async () => {
    for (const kind of STORE_KINDS) {
      const store = fakeStore(kind);
      const limited = withLimits(store);
      await assert.rejects(
        limited.write('airbyte_big', new SecretValue('x'.repeat(1025))),
        (e) =>
          e instanceof StoreError &&
          e.kind === 'invalid' &&
          e.store === kind &&
          e.message ===
            `${kind} write airbyte_big: invalid request (value is 1025 bytes; this store takes at most 1024)`,
      );
      assert.deepEqual(store.started, []);
      assert.equal(await limited.write('airbyte_max', new SecretValue('x'.repeat(1024))), 'created');
    }
  });

  test('defaults come from the kind: the database starts at 8 in flight, and never passes 16', async () => {
    const store = fakeStore('database', tick);
    const limited = withLimits(store);
    await Promise.all(Array.from({ length: 8 }, (_, i) => limited.read(`c${i}`)));
    assert.equal(store.maxInFlight, STORE_DEFINITIONS.database.quota.concurrency);
    await Promise.all(Array.from({ length: 2000 }, (_, i) => limited.read(`c${i}`)));
    assert.ok(store.maxInFlight <= STORE_DEFINITIONS.database.quota.maxConcurrency);
  });

  test("the store's own ceiling (a pool size) bounds the adaptive limit", async () => {
    const store = Object.assign(fakeStore('vault', tick), { inFlightCeiling: 3 });
    const limited = withLimits(store);
    await Promise.all(Array.from({ length: 50 }, (_, i) => limited.read(`c${i}`)));
    assert.equal(store.maxInFlight, 3);
  });

  test('adaptive: false keeps exactly --concurrency in flight', async () => {
    const store = fakeStore('vault', tick);
    const limited = withLimits(store, { concurrency: 5, adaptive: false });
    await Promise.all(Array.from({ length: 50 }, (_, i) => limited.read(`c${i}`)));
    assert.equal(store.maxInFlight, 5);
    assert.equal(limited.stats().concurrencyLimit, 5);
  });

  test('retries a throttled call and tells onThrottle', async () => {
    const { waits, sleep } = fakeSleep();
    const seen: StoreError[] = [];
    const store = fakeStore('vault', (_op, _c, attempt) => {
      if (attempt <= 2) throw fail('throttled', 'read');
    });
    const limited = withLimits(store, { sleep, random: () => 0.5, onThrottle: (e) => seen.push(e) });
    const value = await limited.read('airbyte_c');
    assert.equal(value?.reveal(), 'value of airbyte_c');
    const { calls, attempts, retries, throttles, failures } = limited.stats();
    assert.deepEqual(
      { calls, attempts, retries, throttles, failures },
      {
        calls: 1,
        attempts: 3,
        retries: 2,
        throttles: 2,
        failures: 0,
      },
    );
    assert.equal(seen.length, 2);
    // Full jitter: random × min(max, base × 2^(attempt-1)) with vault's throttle base 200 ms.
    assert.deepEqual(waits, [100, 200]);
  });

  test('honours retryAfterMs, and pauses the other calls too', async () => {
    const { waits, sleep } = fakeSleep();
    const store = fakeStore('vault', (_op, c, attempt) => {
      if (c === 'first' && attempt === 1) throw fail('throttled', 'read', 1234);
    });
    const limited = withLimits(store, { sleep, random: () => 0 });
    await limited.read('first');
    assert.equal(waits[0], 1234, 'the throttled call waits what the service asked');
    await limited.read('second');
    assert.ok(waits.length >= 2, 'a later call waits out the pause');
    assert.ok(waits.slice(1).every((w) => w > 0 && w <= 1234));
  });

  test('retries transient failures and gives up after maxAttempts with the last StoreError', async () => {
    const { waits, sleep } = fakeSleep();
    const errors: StoreError[] = [];
    const store = fakeStore('aws', () => {
      const e = fail('transient', 'write');
      errors.push(e);
      throw e;
    });
    const limited = withLimits(store, { sleep, maxAttempts: 4, random: () => 1 });
    await assert.rejects(limited.write('airbyte_c', new SecretValue('v')), (err) => err === errors.at(-1));
    assert.equal(errors.length, 4);
    assert.deepEqual(limited.stats().failures, 1);
    assert.equal(limited.stats().retries, 3);
    const { baseMs } = STORE_DEFINITIONS.aws.quota.retry.transient;
    assert.deepEqual(waits, [baseMs, baseMs * 2, baseMs * 4]);
  });

  test('the backoff never exceeds the table maximum', async () => {
    const { waits, sleep } = fakeSleep();
    const store = fakeStore('database', () => {
      throw fail('transient', 'read');
    });
    const limited = withLimits(store, { sleep, maxAttempts: 12, random: () => 1 });
    await assert.rejects(limited.read('c'));
    assert.equal(Math.max(...waits), STORE_DEFINITIONS.database.quota.retry.transient.maxMs);
  });

  test('does not retry a failure that will not go away', async () => {
    const store = fakeStore('vault', () => {
      throw fail('permission-denied', 'read');
    });
    const limited = withLimits(store, { sleep: async () => {} });
    await assert.rejects(limited.read('c'), (e) => e instanceof StoreError && e.kind === 'permission-denied');
    assert.equal(store.attempts.get('read c'), 1);
    const boom = fakeStore('vault', () => {
      throw new TypeError('a bug');
    });
    await assert.rejects(withLimits(boom).read('c'), TypeError);
    assert.equal(boom.attempts.get('read c'), 1);
  });

  test('slows down on throttling and recovers, never above the configured rate', async () => {
    let throttle = true;
    const store = fakeStore('aws', () => {
      if (throttle) {
        throttle = false;
        throw fail('throttled', 'write');
      }
    });
    let clock = 0;
    const limited = withLimits(store, {
      rate: 1000,
      sleep: async () => {},
      random: () => 0,
      now: () => clock,
    });
    assert.equal(limited.stats().writeRate, 1000);
    await limited.write('a', new SecretValue('v'));
    // One throttle (× 0.7); the retry succeeds at once, so nothing has grown back yet.
    assert.equal(limited.stats().writeRate, 700);
    // Back by 5% of the configured rate per second without throttling, never above it.
    clock += 1000;
    await limited.write('b', new SecretValue('v'));
    assert.equal(limited.stats().writeRate, 750);
    clock += 60_000;
    await limited.write('c', new SecretValue('v'));
    assert.equal(limited.stats().writeRate, 1000);
    assert.equal(limited.stats().readRate, STORE_DEFINITIONS.aws.quota.readRate);
  });

  test('throttles of calls already in flight count as one slowdown', async () => {
    let clock = 0;
    const store = fakeStore('aws', (op) => {
      if (op === 'write') throw fail('throttled', 'write');
    });
    const limited = withLimits(store, {
      rate: 1000,
      maxAttempts: 1,
      sleep: async () => {},
      now: () => clock,
    });
    const writes = Array.from({ length: 8 }, (_, i) =>
      limited.write(`w${i}`, new SecretValue('v')).catch(() => 'throttled'),
    );
    await Promise.all(writes);
    assert.equal(limited.stats().throttles, 8);
    assert.equal(limited.stats().writeRate, 700, 'one cut for the whole wave');
    clock += 1500;
    await limited.write('late', new SecretValue('v')).catch(() => undefined);
    assert.equal(Math.round(limited.stats().writeRate ?? 0), 490, 'a later throttle is a new event');
  });

  test('a store without quota classes paces every request at `rate`', async () => {
    const limited = withLimits(fakeStore('vault'), { rate: 500 });
    assert.equal(limited.stats().writeRate, 500);
    assert.equal(limited.stats().readRate, 500);
    const unpaced = withLimits(fakeStore('vault'));
    assert.equal(unpaced.stats().writeRate, undefined);
    assert.equal(unpaced.stats().readRate, undefined);
  });

  test('repeated throttling does not drive the rate to zero', async () => {
    const store = fakeStore('gcp', () => {
      throw fail('throttled', 'write');
    });
    let clock = 0;
    const limited = withLimits(store, {
      rate: 100,
      maxAttempts: 30,
      random: () => 0,
      now: () => clock,
      // Each backoff lasts past the slowdown window, so every throttle is a new event.
      sleep: async () => {
        clock += 2000;
      },
    });
    await assert.rejects(limited.write('a', new SecretValue('v')));
    assert.equal(limited.stats().writeRate, 5);
  });

  test('list is paced per page and a failure part-way restarts without repeating names', async () => {
    const names = Array.from({ length: 250 }, (_, i) => `airbyte_${String(i).padStart(3, '0')}`);
    let failed = false;
    const store = fakeStore(
      'aws',
      (_op, name) => {
        if (name === 'airbyte_120' && !failed) {
          failed = true;
          throw fail('transient', 'list');
        }
      },
      names,
    );
    const limited = withLimits(store, { sleep: async () => {} });
    const seen: string[] = [];
    for await (const name of limited.list()) seen.push(name);
    assert.deepEqual(seen, names);
    const stats = limited.stats();
    assert.equal(stats.calls, 3, '250 names at 100 per page');
    assert.equal(stats.retries, 1);
    assert.equal(stats.attempts, 5, 'two pages fetched again after the restart');
  });

  test('breaking out of a list closes the inner listing', async () => {
    let closed = false;
    const inner = fakeStore('vault');
    inner.list = async function* () {
      try {
        yield 'airbyte_a';
        yield 'airbyte_b';
      } finally {
        closed = true;
      }
    };
    for await (const _ of withLimits(inner).list()) break;
    assert.ok(closed);
  });

  test('getStats only knows wrapped stores', async () => {
    const store = fakeStore('vault');
    assert.equal(getStats(store), undefined);
    const limited = withLimits(store);
    await limited.describe('c');
    assert.equal(getStats(limited)?.calls, 1);
    assert.equal(limited.kind, 'vault');
    assert.equal(limited.nameOf('x'), 'x');
  });
});
