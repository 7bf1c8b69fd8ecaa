import { join } from 'node:path';
import pg from 'pg';
import { type SeedManifest, type SeedOptions, seedAirbyteDatabase } from '../src/sample/seed.js';
import { createTestDatabase } from '../test/helpers/postgres.js';
import { hasShared, SHARED_DIR } from '../test/helpers/shared.js';

/** The published connector specs in ../shared when present, else the project's sample specs. */
export const SPECS_DIR: string | undefined = hasShared
  ? join(SHARED_DIR, 'airbyte', 'connector-specs')
  : undefined;
export const SPECS_LABEL = SPECS_DIR
  ? 'published connector specs (../shared)'
  : 'sample specs (samples/specs)';

export interface BenchDatabase {
  url: string;
  pool: pg.Pool;
  manifest: SeedManifest;
  seedSeconds: number;
  close(): Promise<void>;
}

/** A fresh database on the real PostgreSQL, seeded with `actors` actors; dropped by `close()`. */
export async function seededDatabase(
  label: string,
  actors: number,
  { poolSize = 12, ...seed }: Partial<SeedOptions> & { poolSize?: number } = {},
): Promise<BenchDatabase> {
  const db = await createTestDatabase(`bench_${label}`);
  const pool = new pg.Pool({ connectionString: db.url, max: poolSize });
  try {
    const start = performance.now();
    const manifest = await seedAirbyteDatabase(pool, {
      ...(SPECS_DIR ? { specsDir: SPECS_DIR } : {}),
      actors,
      workspaces: Math.max(3, Math.ceil(actors / 500)),
      seed: 1,
      recordPlanted: false,
      ...seed,
    });
    const seedSeconds = (performance.now() - start) / 1000;
    // Fresh statistics, as on a database that has been running for a while.
    await pool.query('VACUUM ANALYZE');
    return {
      url: db.url,
      pool,
      manifest,
      seedSeconds,
      async close() {
        await pool.end();
        await db.drop();
      },
    };
  } catch (err) {
    await pool.end().catch(() => undefined);
    await db.drop().catch(() => undefined);
    throw err;
  }
}
