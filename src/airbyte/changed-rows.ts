import type pg from 'pg';

/** The config database's clock, so a window of changes is measured on the clock `updated_at` uses. */
export async function databaseNow(pool: pg.Pool): Promise<Date> {
  const r = await pool.query<{ now: Date }>('SELECT now() AS now');
  return r.rows[0]?.now ?? new Date();
}

/**
 * Ids of the actors whose row changed at or after `since` (Airbyte sets `updated_at` on every
 * write of an actor: airbyte-data ActorServiceJooqImpl / SourceServiceJooqImpl), and the database's
 * clock now, to start the next window from. A cheap read for a loop that only looks at what changed.
 */
export async function actorsChangedSince(pool: pg.Pool, since: Date): Promise<{ ids: string[]; now: Date }> {
  const now = await databaseNow(pool);
  const r = await pool.query<{ id: string }>(
    'SELECT a.id::text AS id FROM actor a WHERE a.updated_at >= $1',
    [since],
  );
  return { ids: r.rows.map((row) => row.id), now };
}
