import type pg from 'pg';

/** A pool or a connected client. */
export type Db = pg.Pool | pg.ClientBase;

/** Duck-typed: a Pool from another copy of `pg` is still a pool (BEGIN must not go to a random connection). */
function isPool(db: Db): db is pg.Pool {
  return 'totalCount' in db && 'idleCount' in db;
}

/** Runs `fn` on one connection: `db` itself, or one checked out of the pool and returned after. */
export async function withClient<T>(db: Db, fn: (client: pg.ClientBase) => Promise<T>): Promise<T> {
  if (!isPool(db)) return fn(db);
  const client = await db.connect();
  try {
    return await fn(client);
  } finally {
    client.release();
  }
}

/**
 * Runs `fn` in one transaction on one connection: COMMIT when it returns, ROLLBACK when it throws
 * (a failed ROLLBACK does not hide the error that caused it).
 */
export function withTransaction<T>(db: Db, fn: (client: pg.ClientBase) => Promise<T>): Promise<T> {
  return withClient(db, async (client) => {
    await client.query('BEGIN');
    try {
      const result = await fn(client);
      await client.query('COMMIT');
      return result;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    }
  });
}

/** A number is used as the lock id itself; a string through `hashtext`, so names can serve as keys. */
export type AdvisoryLockKey = number | string;

/**
 * Runs `fn` holding a session-level advisory lock, on the connection that holds it. Without
 * `ifBusy` it waits for the lock; with it, it tries once and throws what `ifBusy` returns when
 * another session holds the lock. The lock is released however `fn` ends.
 */
export function withAdvisoryLock<T>(
  db: Db,
  key: AdvisoryLockKey,
  fn: (client: pg.ClientBase) => Promise<T>,
  options: { ifBusy?: () => Error } = {},
): Promise<T> {
  const id = typeof key === 'number' ? '$1' : 'hashtext($1)';
  return withClient(db, async (client) => {
    if (options.ifBusy) {
      const got = await client.query<{ ok: boolean }>(`SELECT pg_try_advisory_lock(${id}) AS ok`, [key]);
      if (!got.rows[0]?.ok) throw options.ifBusy();
    } else {
      await client.query(`SELECT pg_advisory_lock(${id})`, [key]);
    }
    try {
      return await fn(client);
    } finally {
      await client.query(`SELECT pg_advisory_unlock(${id})`, [key]).catch(() => undefined);
    }
  });
}
