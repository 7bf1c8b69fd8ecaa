import type pg from 'pg';
import { countHolders } from '../airbyte/inventory.js';
import { detectAirbyteSchema } from '../airbyte/schema-detect.js';
import { UsageError } from '../util/errors.js';
import { DEMO_SAMPLE } from './demo.js';
import type { PlantedKind, SeedOptions } from './seed.js';
import { seedAirbyteDatabase } from './seed.js';

/**
 * `sample seed`: fills an empty PostgreSQL database with a sample Airbyte config database, for
 * rehearsals (docker-compose.yml) and trying the tool against a real server. A database that
 * already has Airbyte actors is left alone, so a restarted seed job is harmless.
 */

/** `clean`: the demo's shapes (everything migrates and verifies); `full`: also the problems a real database has. */
export type SampleKind = 'clean' | 'full';

export interface SeedSampleOptions {
  sample: SampleKind;
  actors?: number;
  workspaces?: number;
  seed?: string;
}

/** What was seeded: counts only, never a value (the manifest's canaries stay in memory). */
export interface SeedSampleResult {
  seeded: boolean;
  /** Why nothing was done, when `seeded` is false. */
  reason?: string;
  variant?: string;
  workspaces: number;
  actors: number;
  liveActors: number;
  secretsPlanted: number;
  byKind: Partial<Record<PlantedKind, number>>;
}

export async function seedSample(pool: pg.Pool, options: SeedSampleOptions): Promise<SeedSampleResult> {
  const existing = await existingActors(pool);
  if (existing > 0) {
    return {
      seeded: false,
      reason: `the database already has ${existing} Airbyte actors: left as it is`,
      workspaces: 0,
      actors: existing,
      liveActors: 0,
      secretsPlanted: 0,
      byKind: {},
    };
  }
  const base: SeedOptions = options.sample === 'clean' ? DEMO_SAMPLE : {};
  const manifest = await seedAirbyteDatabase(pool, {
    ...base,
    ...(options.actors !== undefined ? { actors: options.actors } : {}),
    ...(options.workspaces !== undefined ? { workspaces: options.workspaces } : {}),
    ...(options.seed !== undefined ? { seed: options.seed } : {}),
  });
  return {
    seeded: true,
    variant: manifest.variant,
    workspaces: manifest.workspaces.length,
    actors: manifest.actors,
    liveActors: manifest.liveActors,
    secretsPlanted: manifest.planted.length,
    byKind: manifest.counts,
  };
}

/** Actors in the database, or 0 when it has no Airbyte tables yet. */
async function existingActors(pool: pg.Pool): Promise<number> {
  let info: Awaited<ReturnType<typeof detectAirbyteSchema>>;
  try {
    info = await detectAirbyteSchema(pool);
  } catch (err) {
    if (err instanceof UsageError) return 0;
    throw err;
  }
  return (await countHolders(pool, info)).actors;
}
