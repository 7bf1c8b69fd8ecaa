import type pg from 'pg';

/** A column of a batched insert: its name, the array type sent, and an optional cast of each element. */
export interface Column {
  name: string;
  /** Element type of the parameter array: uuid, text, bool, int. */
  type: 'uuid' | 'text' | 'bool' | 'int';
  /** SQL type each element is cast to (jsonb, an enum). */
  cast?: string;
}

const ROWS_PER_STATEMENT = 2000;

/**
 * Inserts rows with one `INSERT … SELECT FROM unnest($1::t[], …)` per 2,000 rows: one round trip
 * and one parameter per column whatever the row count. Table and column names are ours (never
 * input); every value travels as a parameter.
 */
export async function insertRows(
  client: pg.ClientBase,
  table: string,
  columns: readonly Column[],
  rows: ReadonlyArray<readonly unknown[]>,
): Promise<void> {
  if (rows.length === 0) return;
  const names = columns.map((c) => c.name).join(', ');
  const unnest = columns.map((c, i) => `$${i + 1}::${c.type}[]`).join(', ');
  const aliases = columns.map((_, i) => `c${i}`);
  const select = columns.map((c, i) => (c.cast ? `c${i}::${c.cast}` : `c${i}`)).join(', ');
  const sql = `INSERT INTO ${table} (${names}) SELECT ${select} FROM unnest(${unnest}) AS t(${aliases.join(', ')})`;
  for (let start = 0; start < rows.length; start += ROWS_PER_STATEMENT) {
    const chunk = rows.slice(start, start + ROWS_PER_STATEMENT);
    const params = columns.map((_, i) => chunk.map((r) => r[i] ?? null));
    await client.query(sql, params);
  }
}
