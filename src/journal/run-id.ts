import type pg from 'pg';
import { UsageError } from '../util/errors.js';
import type { RunRow } from './queries.js';
import { quoteIdent } from './schema.js';

type Queryable = Pick<pg.ClientBase, 'query'>;

/** How many candidates an ambiguous prefix names. */
const SHOWN = 5;

/**
 * The one place a run id typed by a person becomes a run: the whole id or any unique prefix of it
 * (as `runs` prints them), case-insensitive. `undefined` when no run starts with it (the caller
 * says which kind of run it wanted, exit 2); a `UsageError` listing the candidates on one line when
 * several do, or when the text cannot be part of a run id.
 */
export async function findRun(db: Queryable, schema: string, typed: string): Promise<RunRow | undefined> {
  const prefix = typed.trim().toLowerCase();
  if (!/^[0-9a-f-]{1,36}$/.test(prefix)) {
    throw new UsageError(
      `"${typed.slice(0, 40)}" is not a run id (hex digits and dashes): see 'airbyte-secrets runs'`,
    );
  }
  const r = await db.query<RunRow>(
    `SELECT * FROM ${quoteIdent(schema)}.migration_run WHERE id::text LIKE $1 || '%'
      ORDER BY (id::text = $1) DESC, started_at DESC, id LIMIT ${SHOWN + 1}`,
    [prefix],
  );
  const [first, second] = r.rows;
  if (!first || first.id === prefix || !second) return first;
  const names = r.rows.slice(0, SHOWN).map((row) => `${row.id} (${row.kind}, ${row.state})`);
  const count = r.rows.length > SHOWN ? `more than ${SHOWN}` : String(r.rows.length);
  throw new UsageError(
    `run id "${prefix}" matches ${count} runs: ${names.join(', ')}${r.rows.length > SHOWN ? ', …' : ''}; type more of it`,
  );
}
