/**
 * secret_config / secret_reference rows written the way Airbyte writes and reads them.
 *
 * Read against airbyte-platform:
 * - airbyte-commons/src/main/kotlin/io/airbyte/commons/json/JsonPaths.kt: `getExpandedPaths`
 *   normalises Jayway's `$['a']['b.c'][0]` with `normalizeJsonPath` (every `['name']` without a
 *   quote character becomes `.name`); that string is the `hydration_path`.
 * - airbyte-domain/services/src/main/kotlin/io/airbyte/domain/services/secrets/SecretReferenceService.kt:
 *   `cleanupDanglingSecretReferences` deletes references whose hydration_path is not one of those
 *   strings, and with default flags `getConfigWithSecretReferences` hydrates `_secret` nodes only.
 * - airbyte-db/.../configs/migrations/V1_1_1_011__AddSecretConfigStorageAndReferenceTables.kt made
 *   `secret_config.created_by`/`updated_by` NOT NULL until V1_6_0_002__AllowNullSecretConfigUser.kt;
 *   in between Airbyte filled both with the acting user (SecretConfigServiceDataImpl mapper).
 * - airbyte-config/config-secrets/.../SecretCoordinate.kt: `fromFullCoordinate` parses the version
 *   as a number and re-renders it, so `…_v01` is read as `…_v1`.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { classifySecretNode } from '../../src/airbyte/classify.js';
import { airbyteHydrationPath } from '../../src/airbyte/json-path.js';
import { AIRBYTE_DEFAULT_USER_ID, createSecretReference } from '../../src/airbyte/rewrite-queries.js';
import { runMigration } from '../../src/migrate/index.js';
import { type SeededDatabase, seededDatabase } from '../helpers/airbyte-db.js';
import { startTestStore } from '../helpers/targets.js';

describe('hydration_path as Airbyte normalises it (JsonPaths.kt)', () => {
  test('bracketed names without quotes become dot notation; names with quotes stay bracketed', () => {
    assert.equal(
      airbyteHydrationPath('$.tunnel_method.tunnel_user_password'),
      '$.tunnel_method.tunnel_user_password',
    );
    assert.equal(airbyteHydrationPath("$['odd.key'].s"), '$.odd.key.s');
    assert.equal(airbyteHydrationPath("$['a b'][0].c"), '$.a b[0].c');
    assert.equal(airbyteHydrationPath("$['[x]']"), '$.[x]');
    assert.equal(airbyteHydrationPath("$['it\\'s']"), "$['it's']");
    assert.equal(airbyteHydrationPath('$.credentials[2].api_key'), '$.credentials[2].api_key');
    assert.throws(() => airbyteHydrationPath('$.keys[*].a'), /definite/);
  });

  test('a `_secret` coordinate is read the way Airbyte re-renders it (SecretCoordinate.kt)', () => {
    const text =
      'airbyte_workspace_8d5c1a0e-1f0e-4c53-9d4b-0a8c5e0f1b2c_secret_3c9e3f3e-6f5a-4c2e-9a41-2d7b8c0f9e11_v01';
    const node = classifySecretNode({ _secret: text });
    assert.equal(node.coordinate, text.replace(/_v01$/, '_v1'));
    assert.equal(node.coordinateText, text);
  });
});

describe('secret_config and secret_reference on every platform version', () => {
  let db: SeededDatabase;
  before(async () => {
    db = await seededDatabase('secret_refs', {
      actors: 12,
      shapes: ['plaintext', 'secret-with-reference', 'reference-only'],
      seed: 11,
      mix: { plaintext: 50, 'secret-with-reference': 50, 'reference-only': 10 },
    });
  });
  after(async () => {
    await db?.close();
  });

  test('a reference at an odd key is stored under Airbyte hydration_path and replaces any other spelling', async () => {
    const storage = await db.pool.query<{ id: string }>('SELECT id::text FROM secret_storage LIMIT 1');
    const actor = await db.pool.query<{ id: string }>('SELECT id::text FROM actor LIMIT 1');
    const storageId = storage.rows[0]?.id;
    const rowId = actor.rows[0]?.id;
    assert.ok(storageId && rowId);
    const client = await db.pool.connect();
    try {
      await client.query('BEGIN');
      const args = { holder: 'actor' as const, rowId, path: "$['odd.key'].token", storageId };
      await createSecretReference(client, { ...args, coordinate: 'airbyte_test_odd_v1' });
      await createSecretReference(client, { ...args, coordinate: 'airbyte_test_odd_v2' });
      const rows = await client.query<{ hydration_path: string; external_coordinate: string }>(
        `SELECT r.hydration_path, c.external_coordinate FROM secret_reference r
           JOIN secret_config c ON c.id = r.secret_config_id
          WHERE r.scope_id = $1::uuid AND r.hydration_path LIKE '%odd%'`,
        [rowId],
      );
      assert.deepEqual(rows.rows, [
        { hydration_path: '$.odd.key.token', external_coordinate: 'airbyte_test_odd_v2' },
      ]);
      await client.query('ROLLBACK');
    } finally {
      client.release();
    }
  });

  test('on platform 1.1–1.5 (user columns NOT NULL) new secret_config rows carry the acting user', async () => {
    // As such an install holds them: every existing row names a user.
    await db.pool.query(
      'UPDATE secret_config SET created_by = coalesce(created_by, gen_random_uuid()), updated_by = coalesce(updated_by, created_by, gen_random_uuid())',
    );
    await db.pool.query('ALTER TABLE secret_config ALTER COLUMN created_by SET NOT NULL');
    await db.pool.query('ALTER TABLE secret_config ALTER COLUMN updated_by SET NOT NULL');
    const before = await db.pool.query<{ id: string }>('SELECT id::text FROM secret_config');
    const known = new Set(before.rows.map((r) => r.id));
    const source = await startTestStore('database', { databaseUrl: db.url });
    const target = await startTestStore('vault');
    try {
      const result = await runMigration({
        pool: db.pool,
        source: await source.open(),
        target: await target.open(),
      });
      assert.equal(result.ok, true, JSON.stringify(result.problems));
      const rows = await db.pool.query<{ id: string; created_by: string; updated_by: string }>(
        'SELECT id::text, created_by::text, updated_by::text FROM secret_config',
      );
      const created = rows.rows.filter((r) => !known.has(r.id));
      assert.ok(created.length > 0, 'plaintext next to reference ids got secret_config rows');
      for (const r of created) {
        assert.equal(r.created_by, AIRBYTE_DEFAULT_USER_ID);
        assert.equal(r.updated_by, AIRBYTE_DEFAULT_USER_ID);
      }
      // Nodes holding only a reference id resolve in the store but Airbyte would not hydrate them.
      const referenceOnly = db.manifest.planted.filter((p) => p.kind === 'reference-only').length;
      assert.ok(referenceOnly > 0);
      assert.equal(
        result.verification.warnings.filter((w) => w.problem === 'reference-id-only').length,
        referenceOnly,
      );
    } finally {
      await target.close();
      await source.close();
    }
  });
});
