import type pg from 'pg';
import { UsageError } from '../util/errors.js';
import { type ItemRow, Journal, type RunRow } from './index.js';

/** One run as `runs show` reports it: the run, its item counts by action and state, every item. */
export interface RunDetails {
  run: RunRow;
  counts: Array<{ action: string; state: string; n: number }>;
  items: ItemRow[];
}

/** The newest `limit` runs; none when the journal was never created (reading never creates it). */
export async function recordedRuns(pool: pg.Pool, schema: string, limit: number): Promise<RunRow[]> {
  const journal = new Journal(pool, schema);
  return (await journal.exists()) ? journal.runs(limit) : [];
}

/** One run with its counts and items; a usage error pointing at `runs` when the journal has no such run. */
export async function recordedRun(pool: pg.Pool, schema: string, runId: string): Promise<RunDetails> {
  const journal = new Journal(pool, schema);
  const run = (await journal.exists()) ? await journal.run(runId) : undefined;
  if (!run) throw new UsageError(`no run ${runId} in the journal: see 'airbyte-secrets runs'`);
  const counts = await journal.itemCounts(run.id);
  const items = await journal.items(run.id);
  return { run, counts, items };
}
