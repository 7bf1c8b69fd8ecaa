import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import pg from 'pg';
import type * as Migrate from '../src/migrate/index.js';
import type * as Open from '../src/stores/open.js';
import { packageRoot } from '../src/util/package-root.js';

/**
 * Child process of the scale row: `plan` (inventory, probe of both stores, decisions) over one
 * database, from its `secrets` table to the `secrets` table of a second, empty database, and
 * its own peak RSS. argv[2] is the Airbyte database URL, argv[3] the target database URL.
 * Under `npm run bench`, which builds first, it runs the built code in dist/ (what the CLI runs),
 * so the TypeScript loader's own memory is not counted; otherwise (the smoke test, a direct
 * `node bench/run.ts`) the sources, as dist/ may be older than they are.
 */
export interface ScaleChildResult {
  seconds: number;
  items: number;
  copies: number;
  baselineRssMb: number;
  peakRssMb: number;
}

const MB = 1024 * 1024;

/** The module from dist/ when `npm run bench` has just built it, else from src/. */
async function load<T>(module: string): Promise<T> {
  const built = join(packageRoot(), 'dist', 'src', `${module}.js`);
  if (process.env.AIRBYTE_SECRETS_BENCH_BUILT === '1' && existsSync(built)) {
    return (await import(pathToFileURL(built).href)) as T;
  }
  return (await import(`../src/${module}.js`)) as T;
}

async function main(): Promise<void> {
  const [url, targetUrl] = process.argv.slice(2) as [string, string];
  const { planMigration } = await load<typeof Migrate>('migrate/index');
  const { createStore } = await load<typeof Open>('stores/open');
  const pool = new pg.Pool({ connectionString: url, max: 4 });
  await pool.query('SELECT 1');
  const source = await createStore({ kind: 'database', url });
  const target = await createStore({ kind: 'database', url: targetUrl });
  await target.read('airbyte_workspace_warmup_secret_warmup_v1');
  const baselineRssMb = (process.resourceUsage().maxRSS * 1024) / MB;
  const start = performance.now();
  const plan = await planMigration({ pool, source, target });
  const seconds = (performance.now() - start) / 1000;
  const result: ScaleChildResult = {
    seconds,
    items: plan.items.length,
    copies: plan.summary.find((s) => s.action === 'copy')?.count ?? 0,
    baselineRssMb,
    peakRssMb: (process.resourceUsage().maxRSS * 1024) / MB,
  };
  await source.close();
  await target.close();
  await pool.end();
  process.send?.(result);
}

if (process.send) await main();
