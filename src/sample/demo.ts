import { createDatabasePool } from '../airbyte/connection.js';
import { createAirbyteSchema } from './schema.js';
import { type SeedManifest, type SeedOptions, seedAirbyteDatabase } from './seed.js';

/**
 * The demo's sample: every sample spec (sources and destinations with nested, `oneOf` and array
 * secrets), plaintext typed into configurations, values in the `secrets` table behind `_secret`
 * and secret-reference nodes, OAuth parameters, webhook tokens, a version pin and deleted actors.
 * It leaves out what needs a human by design (dangling references, actors without a spec,
 * external names the store does not hold), so the demo can show a migration that verifies fully.
 * Same seed, same database: tests rebuild it to learn the canary values.
 *
 * Small on purpose: the embedded database has one session (see src/emulators/postgres/wire.ts), and a
 * migration that rewrites more rows than its concurrency while its inventory snapshot is open
 * would wait on itself there.
 */
export const DEMO_SAMPLE: SeedOptions = {
  seed: 'airbyte-secrets-demo',
  workspaces: 3,
  actors: 14,
  shapes: [
    'plaintext',
    'secret',
    'secret-with-reference',
    'reference-only',
    'mask',
    'oauth-mask',
    'tombstoned',
    'version-pin',
    'oauth-parameters',
    'webhooks',
    'orphans',
  ],
  mix: {
    secret: 70,
    plaintext: 12,
    'secret-with-reference': 10,
    'reference-only': 4,
    mask: 2,
    'oauth-mask': 2,
  },
};

/** Creates Airbyte's tables in the database at `url` and seeds the demo sample. */
export async function seedDemoDatabase(
  url: string,
  options: SeedOptions = DEMO_SAMPLE,
): Promise<SeedManifest> {
  const pool = createDatabasePool({ url }, { max: 1 });
  try {
    await createAirbyteSchema(pool, { variant: 'current' });
    return await seedAirbyteDatabase(pool, options);
  } finally {
    await pool.end();
  }
}
