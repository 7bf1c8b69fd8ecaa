import type pg from 'pg';
import type { SecretStore } from '../src/stores/types.js';
import type { Timeline } from './timeline.js';

/**
 * Timers around the database and the stores, applied from outside (nothing in src/ knows about
 * them): the pool's and its clients' promise-returning `query` and `connect`, a cursor's `read`,
 * and every store method. Callback-style calls (which pg makes internally inside a timed call)
 * pass through untimed, so nothing is counted twice.
 */

type Loose = (...args: unknown[]) => unknown;

const patched = new WeakSet<object>();

function replace(target: object, name: string, wrap: (original: Loose) => Loose): void {
  const slots = target as Record<string, unknown>;
  const original = (slots[name] as Loose).bind(target);
  slots[name] = wrap(original);
}

const hasCallback = (args: unknown[]) =>
  args.some((a) => typeof a === 'function' || (isObject(a) && typeof a.callback === 'function'));

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null;
}

/** Times every query of `pool` (and of the clients it hands out) as `category`. */
export function instrumentPool(pool: pg.Pool, timeline: Timeline, category = 'database'): pg.Pool {
  replace(
    pool,
    'query',
    (query) =>
      (...args) =>
        hasCallback(args)
          ? query(...args)
          : timeline.time(category, () => query(...args) as Promise<unknown>),
  );
  replace(pool, 'connect', (connect) => (...args) => {
    if (args.length > 0) return connect(...args);
    return timeline.time(category, async () => {
      const client = (await connect()) as pg.PoolClient;
      instrumentClient(client, timeline, category);
      return client;
    });
  });
  return pool;
}

function instrumentClient(client: pg.PoolClient, timeline: Timeline, category: string): void {
  if (patched.has(client)) return;
  patched.add(client);
  replace(client, 'query', (query) => (...args) => {
    const first = args[0];
    if (isObject(first) && typeof first.submit === 'function') {
      // A cursor: the query is only submitted here; the database works in each read().
      const submittable = query(...args);
      if (isObject(submittable) && typeof submittable.read === 'function') {
        replace(
          submittable,
          'read',
          (read) =>
            (...readArgs) =>
              hasCallback(readArgs)
                ? read(...readArgs)
                : timeline.time(category, () => read(...readArgs) as Promise<unknown>),
        );
      }
      return submittable;
    }
    return hasCallback(args)
      ? query(...args)
      : timeline.time(category, () => query(...args) as Promise<unknown>);
  });
}

/** The same store with every call timed as `category` (limiter queueing and pacing included). */
export function timedStore(store: SecretStore, timeline: Timeline, category: string): SecretStore {
  const t = <T>(call: () => Promise<T>) => timeline.time(category, call);
  return {
    kind: store.kind,
    description: store.description,
    capabilities: store.capabilities,
    nameOf: (coordinate) => store.nameOf(coordinate),
    read: (coordinate, options) => t(() => store.read(coordinate, options)),
    write: (coordinate, value, options) => t(() => store.write(coordinate, value, options)),
    delete: (coordinate, options) => t(() => store.delete(coordinate, options)),
    describe: (coordinate) => t(() => store.describe(coordinate)),
    list: () => timedIterable(store.list(), t),
    close: () => store.close(),
  };
}

function timedIterable(
  source: AsyncIterable<string>,
  t: <T>(call: () => Promise<T>) => Promise<T>,
): AsyncIterable<string> {
  return {
    [Symbol.asyncIterator]() {
      const it = source[Symbol.asyncIterator]();
      return {
        next: () => t(() => it.next()),
        return: async () => (it.return ? it.return() : { done: true, value: undefined }),
      };
    },
  };
}
