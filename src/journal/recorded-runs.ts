import type pg from 'pg';
import { UsageError } from '../util/errors.js';
import { type ItemRow, Journal, type RunRow } from './index.js';

/** One run as `runs show` reports it: the run, its item counts by action and state, every item. */
export interface RunDetails {
  run: RunRow;
  counts: Array<{ action: string; state: string; n: number }>;
  items: ItemRow[];
}

/** A run as `runs` lists it; one still open (running, interrupted, failed) has its items per state. */
export type ListedRun = RunRow & { itemStates?: Record<string, number> };

/** States of a run that is not over: its `counts` are written only when it finishes. */
const OPEN_STATES: ReadonlySet<string> = new Set(['running', 'interrupted', 'failed']);

/** The newest `limit` runs; none when the journal was never created (reading never creates it). */
export async function recordedRuns(pool: pg.Pool, schema: string, limit: number): Promise<ListedRun[]> {
  const journal = new Journal(pool, schema);
  if (!(await journal.exists())) return [];
  const runs = await journal.runs(limit);
  const states = await journal.itemStates(runs.filter((r) => OPEN_STATES.has(r.state)).map((r) => r.id));
  return runs.map((r) => {
    const itemStates = states.get(r.id);
    return itemStates ? { ...r, itemStates } : r;
  });
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
