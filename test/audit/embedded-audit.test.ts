import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import { allChecks, auditInventory } from '../../src/audit/index.js';
import { type EmbeddedPostgres, startEmbeddedPostgres } from '../../src/emulators/postgres/index.js';
import { type SeedManifest, seedAirbyteDatabase } from '../../src/sample/seed.js';

/**
 * The embedded PGlite server has one session: a connection inside a transaction has it to itself.
 * The audit must therefore never query while the inventory's snapshot is open; with many batches
 * and every check (store lookups and secret_config reads included) it completes, and a wait for
 * the session fails fast here instead of hanging.
 */
describe('audit on the embedded PostgreSQL (one shared session)', () => {
  let server: EmbeddedPostgres;
  let pool: pg.Pool;
  let manifest: SeedManifest;

  before(async () => {
    server = await startEmbeddedPostgres({ waitTimeoutMs: 5_000 });
    pool = new pg.Pool({ connectionString: server.url, max: 4 });
    manifest = await seedAirbyteDatabase(pool, { actors: 30, seed: 'embedded-audit' });
  });
  after(async () => {
    await pool?.end();
    await server?.close();
  });

  test('every check over many small batches finishes and finds the seeded problems', {
    timeout: 120_000,
  }, async () => {
    let batches = 0;
    const report = await auditInventory(pool, {
      checks: allChecks(),
      batchSize: 4,
      onProgress: () => batches++,
    });
    assert.ok(batches > 5, `${batches} batches`);
    const count = (c: string) => report.findings.filter((f) => f.category === c).length;
    assert.equal(count('plaintext-inline'), manifest.counts.plaintext);
    assert.equal(count('dangling-reference'), manifest.counts.dangling);
    assert.equal(count('orphaned-secret'), manifest.orphanCoordinates.length);
    assert.equal(count('store-unreachable'), 0);
    assert.ok(count('plaintext-database-store') > 0);
  });
});
