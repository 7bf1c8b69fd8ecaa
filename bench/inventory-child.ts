import pg from 'pg';
import { readInventory } from '../src/airbyte/inventory.js';

/**
 * Child process for the inventory benchmark: reads and classifies every row of one database and
 * reports its own peak RSS, so the figure is the inventory's alone (not the seeding's, not the
 * parent's). Started by inventory.ts with the database URL in argv[2]; replies once over IPC.
 */

export interface InventoryChildResult {
  seconds: number;
  holders: number;
  actors: number;
  /** Secret nodes classified (spec paths and references). */
  records: number;
  byKind: Record<string, number>;
  /** RSS after start-up and connecting, before the first row (MB). */
  baselineRssMb: number;
  /** Peak RSS of the whole child process (MB, getrusage maxrss). */
  peakRssMb: number;
  /** Largest V8 heap seen while reading (MB, sampled every 1,000 rows). */
  peakHeapMb: number;
}

const MB = 1024 * 1024;

async function main(): Promise<void> {
  const url = process.argv[2]!;
  const pool = new pg.Pool({ connectionString: url, max: 2 });
  await pool.query('SELECT 1');
  const baselineRssMb = process.memoryUsage().rss / MB;
  const byKind: Record<string, number> = {};
  let holders = 0;
  let actors = 0;
  let records = 0;
  let peakHeap = 0;
  const start = performance.now();
  for await (const row of readInventory(pool)) {
    holders++;
    if (row.holder === 'actor') actors++;
    for (const r of row.records) {
      records++;
      byKind[r.node.kind] = (byKind[r.node.kind] ?? 0) + 1;
    }
    if (holders % 1000 === 0) peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
  }
  const seconds = (performance.now() - start) / 1000;
  await pool.end();
  const result: InventoryChildResult = {
    seconds,
    holders,
    actors,
    records,
    byKind,
    baselineRssMb,
    peakRssMb: (process.resourceUsage().maxRSS * 1024) / MB,
    peakHeapMb: Math.max(peakHeap, process.memoryUsage().heapUsed) / MB,
  };
  process.send?.(result);
}

if (process.send) await main();
