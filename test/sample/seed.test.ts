import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import { parseCoordinate } from '../../src/airbyte/coordinates.js';
import { detectAirbyteSchema } from '../../src/airbyte/schema-detect.js';
import { createAirbyteSchema } from '../../src/sample/schema.js';
import { NODE_SHAPES, type SeedManifest, seedAirbyteDatabase } from '../../src/sample/seed.js';
import { createTestDatabase, type TestDatabase } from '../helpers/postgres.js';
import { SHARED_DIR, SKIP_SHARED } from '../helpers/shared.js';

const CANARY = /^canary-[0-9a-f]{16}$/;

describe('createAirbyteSchema', () => {
  const dbs: TestDatabase[] = [];
  after(async () => {
    for (const db of dbs) await db.drop();
  });

  test('current has every table and column the tool reads; legacy lacks the newer ones', async () => {
    for (const variant of ['current', 'legacy'] as const) {
      const db = await createTestDatabase(`schema_${variant}`);
      dbs.push(db);
      const pool = new pg.Pool({ connectionString: db.url });
      try {
        await createAirbyteSchema(pool, { variant });
        const info = await detectAirbyteSchema(pool);
        const current = variant === 'current';
        assert.equal(info.versionPins, current);
        assert.equal(info.secretReferences, current);
        assert.equal(info.secretsTable, current);
        assert.equal(info.workspaceOrganization, current);
        assert.equal(info.oauthParameterOrganization, current);
        assert.equal(Boolean(info.tables.organization), current);
        assert.ok(info.definitionVersions && info.webhookConfigs && info.oauthParameters);
        if (current) {
          assert.deepEqual(info.tables.secrets, ['coordinate', 'payload']);
          const types = await pool.query<{ t: string }>(
            `SELECT format_type(a.atttypid, a.atttypmod) AS t FROM pg_attribute a
             WHERE a.attrelid = 'secrets'::regclass AND a.attnum > 0 ORDER BY a.attnum`,
          );
          assert.deepEqual(
            types.rows.map((r) => r.t),
            ['text', 'text'],
          );
          const enums = await pool.query<{ v: string }>(
            `SELECT unnest(enum_range(NULL::secret_storage_type))::text AS v`,
          );
          assert.deepEqual(
            enums.rows.map((r) => r.v),
            ['aws_secrets_manager', 'google_secret_manager', 'azure_key_vault', 'vault', 'local_testing'],
          );
        }
      } finally {
        await pool.end();
      }
    }
  });
});

describe('seedAirbyteDatabase', () => {
  const dbs: TestDatabase[] = [];
  const pools: pg.Pool[] = [];
  async function fresh(label: string): Promise<pg.Pool> {
    const db = await createTestDatabase(label);
    dbs.push(db);
    const pool = new pg.Pool({ connectionString: db.url });
    pools.push(pool);
    return pool;
  }
  after(async () => {
    for (const p of pools) await p.end();
    for (const db of dbs) await db.drop();
  });

  let current: SeedManifest;
  let currentPool: pg.Pool;
  before(async () => {
    currentPool = await fresh('seed_current');
    current = await seedAirbyteDatabase(currentPool, { actors: 40, workspaces: 3, seed: 'seed-test' });
  });

  test('plants every node shape and every special case on the current schema', () => {
    for (const shape of NODE_SHAPES) assert.ok((current.counts[shape] ?? 0) > 0, `planted ${shape}`);
    assert.ok((current.counts['unmarked-reference'] ?? 0) > 0);
    assert.ok(current.missingSpecActors.length > 0);
    assert.ok(current.tombstonedActors.length > 0);
    assert.ok(current.pins.length >= 3 && current.pinnedPath);
    assert.ok(current.oauthParameters.length >= 3);
    assert.equal(current.webhookWorkspaces.length, 2);
    assert.ok(current.orphanCoordinates.length > 0);
    assert.equal(current.actors, 40);
    assert.equal(current.liveActors, 40 - current.tombstonedActors.length);
  });

  test('canaries are unique, recognisable, and exactly the values written', async () => {
    assert.equal(new Set(current.canaries).size, current.canaries.length);
    for (const c of current.canaries) assert.match(c, CANARY);
    const inline = await currentPool.query<{ text: string }>(
      `SELECT configuration::text AS text FROM actor
       UNION ALL SELECT configuration::text FROM actor_oauth_parameter
       UNION ALL SELECT webhook_operation_configs::text FROM workspace WHERE webhook_operation_configs IS NOT NULL
       UNION ALL SELECT catalog::text FROM connection
       UNION ALL SELECT testing_values::text FROM connector_builder_project WHERE testing_values IS NOT NULL`,
    );
    // A runtime secret persistence's config is JSON holding canaries; every other payload is one.
    const persistence = new Set(current.secretPersistenceConfigs.map((c) => c.coordinate));
    const stored = await currentPool.query<{ coordinate: string; payload: string }>(
      'SELECT coordinate, payload FROM secrets',
    );
    const found = new Set<string>(
      stored.rows.filter((r) => !persistence.has(r.coordinate)).map((r) => r.payload),
    );
    for (const r of stored.rows.filter((x) => persistence.has(x.coordinate)))
      for (const m of r.payload.matchAll(/canary-[0-9a-f]{16}/g)) found.add(m[0]);
    for (const r of inline.rows) for (const m of r.text.matchAll(/canary-[0-9a-f]{16}/g)) found.add(m[0]);
    assert.deepEqual([...found].sort(), [...current.canaries].sort());
  });

  test('rows are as Airbyte writes them', async () => {
    const q = async (sql: string) => (await currentPool.query(sql)).rows;
    // Tombstoned actors hold the JSON literal null.
    const tomb = await q(`SELECT jsonb_typeof(configuration) AS t FROM actor WHERE tombstone`);
    assert.ok(tomb.length > 0 && tomb.every((r) => r.t === 'null'));
    // Every reference id in a config is a secret_reference row at that path, in the default storage.
    const refs = current.planted.filter((p) => p.referenceId);
    assert.ok(refs.length > 0);
    const rows = await currentPool.query(
      `SELECT r.id::text AS id, r.scope_id::text AS scope_id, r.scope_type::text AS scope_type, r.hydration_path,
              c.external_coordinate, c.descriptor, c.secret_storage_id::text AS storage, c.airbyte_managed
       FROM secret_reference r JOIN secret_config c ON c.id = r.secret_config_id`,
    );
    const byId = new Map(rows.rows.map((r) => [r.id, r]));
    for (const p of refs) {
      const r = byId.get(p.referenceId);
      assert.ok(r, `reference ${p.referenceId}`);
      assert.equal(r.scope_id, p.rowId);
      assert.equal(r.scope_type, p.holder === 'actor' ? 'actor' : 'actor_oauth_parameter');
      assert.equal(r.hydration_path, p.path);
      assert.equal(r.external_coordinate, p.coordinate);
      assert.equal(r.descriptor, p.coordinate);
      assert.equal(r.storage, '00000000-0000-0000-0000-000000000000');
      assert.equal(r.airbyte_managed, true);
    }
    // Managed coordinates carry the holder's workspace (or organization for org-level OAuth params).
    for (const p of current.planted) {
      if (!p.coordinate || p.kind === 'prefixed-external') continue;
      const c = parseCoordinate(p.coordinate);
      assert.ok(c.managed, p.coordinate);
      if (p.workspaceId) assert.equal(c.baseId, p.workspaceId);
      else assert.equal(c.prefix, 'organization_');
    }
    // OAuth parameters: one organization-level, one workspace-level, never both set.
    const oauth = await q(
      `SELECT workspace_id IS NOT NULL AS ws, organization_id IS NOT NULL AS org FROM actor_oauth_parameter`,
    );
    assert.ok(oauth.some((r) => r.org && !r.ws));
    assert.ok(oauth.some((r) => r.ws && !r.org));
    // Dangling references really are absent from `secrets`; stored ones are present.
    const coords = new Set((await q('SELECT coordinate FROM secrets')).map((r) => r.coordinate));
    for (const p of current.planted) {
      if (p.kind === 'dangling') assert.ok(!coords.has(p.coordinate));
      if (p.inSecretsTable) assert.ok(coords.has(p.coordinate));
    }
  });

  test('the same seed builds the same database', async () => {
    const again = await seedAirbyteDatabase(await fresh('seed_again'), {
      actors: 40,
      workspaces: 3,
      seed: 'seed-test',
    });
    assert.deepEqual(again, current);
    const other = await seedAirbyteDatabase(await fresh('seed_other'), {
      actors: 40,
      workspaces: 3,
      seed: 'other',
    });
    assert.notDeepEqual(other.canaries, current.canaries);
  });

  test('legacy schema: no references, pins, organizations or secrets table, and still every other shape', async () => {
    const pool = await fresh('seed_legacy');
    const m = await seedAirbyteDatabase(pool, { variant: 'legacy', actors: 30, seed: 3 });
    assert.equal(m.variant, 'legacy');
    for (const shape of ['secret-with-reference', 'reference-only', 'dangling'] as const) {
      assert.equal(m.counts[shape], undefined);
    }
    for (const shape of ['plaintext', 'secret', 'mask', 'oauth-mask', 'prefixed-external'] as const) {
      assert.ok((m.counts[shape] ?? 0) > 0, shape);
    }
    assert.equal(m.pins.length, 0);
    assert.equal(m.organizations.length, 0);
    assert.ok(m.planted.every((p) => !p.inSecretsTable));
    assert.ok(m.oauthParameters.length >= 2);
  });

  test('shapes and mix choose what is planted', async () => {
    const pool = await fresh('seed_shapes');
    const m = await seedAirbyteDatabase(pool, { actors: 20, shapes: ['plaintext'], mix: { plaintext: 1 } });
    assert.deepEqual(Object.keys(m.counts), ['plaintext']);
    assert.equal(m.tombstonedActors.length + m.missingSpecActors.length + m.pins.length, 0);
  });

  test('large seeds go in batches (5,000 actors)', async () => {
    const pool = await fresh('seed_big');
    const m = await seedAirbyteDatabase(pool, { actors: 5000, workspaces: 20, recordPlanted: false });
    assert.equal(m.planted.length, 0);
    assert.equal(m.canaries.length, 0);
    const { rows } = await pool.query<{ n: number }>('SELECT count(*)::int AS n FROM actor');
    assert.equal(rows[0]!.n, 5000);
  });

  test('seeds from the published connector specs', { skip: SKIP_SHARED }, async () => {
    const pool = await fresh('seed_shared');
    const specsDir = join(SHARED_DIR, 'airbyte', 'connector-specs');
    const m = await seedAirbyteDatabase(pool, { actors: 120, workspaces: 4, specsDir, seed: 'shared' });
    assert.equal(m.specsDir, specsDir);
    // Every published spec is installed as a definition with one version, plus the spec-less definition.
    const files = (await readdir(specsDir)).filter((f) => f.endsWith('.json'));
    assert.equal(m.definitions.filter((d) => d.versionId).length, files.length);
    const defs = await pool.query<{ n: number }>(
      `SELECT count(DISTINCT actor_definition_id)::int AS n FROM actor WHERE NOT tombstone`,
    );
    assert.ok(defs.rows[0]!.n >= files.length);
    assert.ok(m.oauthParameters.length >= 3, 'OAuth overrides for advanced_auth connectors');
    for (const shape of NODE_SHAPES) assert.ok((m.counts[shape] ?? 0) > 0, shape);
  });
});
