import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { packageRoot } from '../src/util/package-root.js';
import { createTestDatabase } from '../test/helpers/postgres.js';
import { type BenchDatabase, seededDatabase } from './database.js';
import type { ScaleChildResult } from './scale-child.js';

/**
 * Inventory and plan of a very large Airbyte database in one run. The seeder plants a few
 * actors with a managed secret each; generate_series then clones one of them `actors` times in
 * SQL (a new id, a new coordinate, its value in the secrets table), which takes seconds instead
 * of hours. A child process plans the migration to a second (empty) database's secrets table
 * and reports its own peak RSS.
 */
export interface ScaleResult extends ScaleChildResult {
  actors: number;
  seedSeconds: number;
  actorsPerSecond: number;
}

const CHILD = fileURLToPath(new URL('./scale-child.ts', import.meta.url));

export async function benchScale(actors: number): Promise<ScaleResult> {
  let db: BenchDatabase | undefined;
  const target = await createTestDatabase('bench_scale_target');
  try {
    const start = performance.now();
    db = await seededDatabase('scale', 6, { shapes: ['secret'], poolSize: 2 });
    await cloneActors(db, actors);
    const seedSeconds = (performance.now() - start) / 1000;
    const child = await runChild(db.url, target.url);
    return { ...child, actors, seedSeconds, actorsPerSecond: actors / child.seconds };
  } finally {
    await db?.close();
    await target.drop();
  }
}

/** Clones a live actor holding exactly one managed coordinate `actors` times, each with its own coordinate. */
async function cloneActors(db: BenchDatabase, actors: number): Promise<void> {
  const template = await db.pool.query<{ id: string; coordinate: string; workspace_id: string }>(
    `SELECT a.id, s.coordinate, a.workspace_id FROM actor a JOIN secrets s
       ON position(s.coordinate IN a.configuration::text) > 0
     WHERE NOT a.tombstone GROUP BY a.id, s.coordinate, a.workspace_id
     HAVING (SELECT count(*) FROM secrets s2 WHERE position(s2.coordinate IN a.configuration::text) > 0) = 1
     LIMIT 1`,
  );
  const t = template.rows[0];
  if (!t) throw new Error('scale: no template actor with exactly one managed secret');
  const prefix = t.coordinate.replace(/_secret_.*$/, '_secret_');
  // Every clone's coordinate: the template's workspace, a uuid derived from the row number.
  const coordinate = `'${prefix}' || md5('scale' || i)::uuid || '_v1'`;
  await db.pool.query('ALTER TABLE actor SET UNLOGGED').catch(() => undefined);
  await db.pool.query(
    `INSERT INTO actor (id, workspace_id, actor_definition_id, name, configuration, actor_type, tombstone)
     SELECT md5('actor' || i)::uuid, a.workspace_id, a.actor_definition_id, a.name || ' ' || i,
            replace(a.configuration::text, $2, ${coordinate})::jsonb, a.actor_type, false
     FROM actor a, generate_series(1, $3::int) AS i WHERE a.id = $1`,
    [t.id, t.coordinate, actors],
  );
  await db.pool.query(
    `INSERT INTO secrets (coordinate, payload)
     SELECT ${coordinate}, 'scale-value-' || i FROM generate_series(1, $1::int) AS i`,
    [actors],
  );
  await db.pool.query('VACUUM ANALYZE');
}

function runChild(url: string, targetUrl: string): Promise<ScaleChildResult> {
  return new Promise((resolve, reject) => {
    const child = fork(CHILD, [url, targetUrl], {
      cwd: packageRoot(),
      // BENCH_SCALE_NODE_ARGS (e.g. --max-old-space-size=160) tells garbage from what is kept.
      execArgv: ['--import', 'tsx', ...(process.env.BENCH_SCALE_NODE_ARGS?.split(' ').filter(Boolean) ?? [])],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    let result: ScaleChildResult | undefined;
    child.once('message', (m: ScaleChildResult) => {
      result = m;
    });
    child.once('error', reject);
    child.once('exit', (code) => {
      if (result) resolve(result);
      else reject(new Error(`the scale child exited with ${code} and no result`));
    });
  });
}
