// Follows airbytehq/airbyte-platform:
//   airbyte-commons-server/src/main/kotlin/io/airbyte/commons/server/handlers/helpers/MapperSecretHelper.kt
//     (mapper secrets split per mapper config, only for mappers whose spec marks a secret, under the
//     connection's workspace),
//   airbyte-commons-worker/src/main/kotlin/io/airbyte/workers/helper/MapperSecretHydrationHelper.kt
//     (hydration of each such mapper's config alone),
//   airbyte-config/config-models/src/main/kotlin/io/airbyte/config/mapper/configs/EncryptionMapperConfig.kt
//     (AES keeps `key`, RSA only `publicKey`),
//   airbyte-commons-server/src/main/kotlin/io/airbyte/commons/server/handlers/ConnectorBuilderProjectsHandler.kt
//     (testing values masked and split with the manifest's `spec.connection_specification`, the
//     draft's, else the active published manifest's),
//   airbyte-data/src/main/kotlin/io/airbyte/data/services/impls/jooq/SecretPersistenceConfigServiceJooqImpl.kt
//     (secret_persistence_config_coordinate read from the default store),
//   airbyte-db/.../configs/migrations/V0_50_24_008__CreateSecretPersistenceConfigTable.kt (the first table shape).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import { countHolders, readInventory, readSecretPersistenceConfigs } from '../../src/airbyte/inventory.js';
import { detectAirbyteSchema } from '../../src/airbyte/schema-detect.js';
import type { HolderRow } from '../../src/airbyte/types.js';
import { type SeedManifest, seedAirbyteDatabase } from '../../src/sample/seed.js';
import { createTestDatabase, type TestDatabase } from '../helpers/postgres.js';

async function collect(pool: pg.Pool, only?: Parameters<typeof readInventory>[1]): Promise<HolderRow[]> {
  const rows: HolderRow[] = [];
  for await (const r of readInventory(pool, only)) rows.push(r);
  return rows;
}

const ids = (rows: HolderRow[], holder: HolderRow['holder']) =>
  rows
    .filter((r) => r.holder === holder)
    .map((r) => r.rowId)
    .sort();

describe('connection mappers, builder testing values and runtime persistence configs', () => {
  let db: TestDatabase;
  let pool: pg.Pool;
  let manifest: SeedManifest;
  let rows: HolderRow[];

  before(async () => {
    db = await createTestDatabase('holders_inventory');
    pool = new pg.Pool({ connectionString: db.url });
    manifest = await seedAirbyteDatabase(pool, { actors: 24, workspaces: 2, seed: 'holders' });
    rows = await collect(pool);
  });
  after(async () => {
    await pool.end();
    await db.drop();
  });

  test('the seed plants each of them', () => {
    assert.equal(manifest.connections.length, 2);
    assert.equal(manifest.builderProjects.length, 2);
    assert.equal(manifest.secretPersistenceConfigs.length, 1);
    const holders = new Set(manifest.planted.map((p) => p.holder));
    assert.ok(holders.has('connection_catalog') && holders.has('builder_testing_values'));
  });

  test('live connections with a secret mapper are holders; deleted or mapper-less ones are not', async () => {
    assert.deepEqual(ids(rows, 'connection_catalog'), [...manifest.connections].sort());
    const all = await pool.query<{ id: string; status: string }>(
      'SELECT id::text, status::text FROM connection',
    );
    assert.equal(all.rows.length, 4, 'two holders, one without mappers, one deleted');
    assert.ok(all.rows.some((r) => r.status === 'deprecated'));
  });

  test("a connection's workspace is its source's, its secrets are the AES keys only", async () => {
    const workspaces = await pool.query<{ id: string; ws: string }>(
      'SELECT c.id::text, a.workspace_id::text AS ws FROM connection c JOIN actor a ON a.id = c.source_id',
    );
    for (const row of rows.filter((r) => r.holder === 'connection_catalog')) {
      assert.equal(row.workspaceId, workspaces.rows.find((w) => w.id === row.rowId)?.ws);
      assert.equal(row.spec, 'not-needed');
      assert.ok(row.records.length > 0);
      for (const r of row.records) {
        assert.match(r.path, /^\$\.streams\[\d+\]\.mappers\[\d+\]\.config\.key$/);
        assert.equal(r.template, r.path, 'found by the encryption spec, not by scanning');
      }
    }
    // The first has a split key and a plaintext one; RSA and hashing mappers hold none.
    const kinds = rows
      .filter((r) => r.holder === 'connection_catalog')
      .flatMap((r) => r.records.map((x) => x.node.kind))
      .sort();
    assert.deepEqual(kinds, ['managed-ref', 'managed-ref', 'plaintext']);
  });

  test('builder projects: testing values with the draft or published spec; deleted projects are skipped', async () => {
    assert.deepEqual(ids(rows, 'builder_testing_values'), [...manifest.builderProjects].sort());
    const projects = rows.filter((r) => r.holder === 'builder_testing_values');
    for (const p of projects) {
      assert.equal(p.spec, 'ok');
      assert.equal(p.workspaceId, manifest.workspaces[0]);
      assert.deepEqual(
        p.records.map((r) => [r.path, r.template]),
        [['$.api_key', '$.api_key']],
      );
    }
    const published = await pool.query<{ id: string }>(
      'SELECT id::text FROM connector_builder_project WHERE manifest_draft IS NULL AND NOT tombstone',
    );
    const fromPublished = projects.find((p) => p.rowId === published.rows[0]?.id);
    assert.equal(fromPublished?.records[0]?.node.kind, 'plaintext', 'the published manifest marked it');
    const deleted = await pool.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM connector_builder_project WHERE tombstone',
    );
    assert.equal(deleted.rows[0]?.n, 1);
  });

  test('readInventory reads just these rows when asked (as a rewrite re-reads them); counts agree', async () => {
    const again = await collect(pool, {
      only: {
        connection_catalog: [manifest.connections[0]!],
        builder_testing_values: manifest.builderProjects,
      },
    });
    assert.deepEqual(
      again.map((r) => `${r.holder}:${r.rowId}`).sort(),
      [
        `connection_catalog:${manifest.connections[0]}`,
        ...manifest.builderProjects.map((p) => `builder_testing_values:${p}`),
      ].sort(),
    );
    const counts = await countHolders(pool);
    assert.equal(counts.connections, manifest.connections.length);
    assert.equal(counts.builderProjects, manifest.builderProjects.length);
    assert.equal(counts.total, rows.length);
  });

  test('readSecretPersistenceConfigs lists the coordinate and scope', async () => {
    const configs = [];
    for await (const c of readSecretPersistenceConfigs(pool)) configs.push(c);
    assert.deepEqual(configs, [
      {
        id: manifest.secretPersistenceConfigs[0]!.id,
        scopeType: 'organization',
        scopeId: manifest.organizations[0],
        coordinate: manifest.secretPersistenceConfigs[0]!.coordinate,
      },
    ]);
  });

  test('mapper secrets are looked for in mapper configs only, as Airbyte hydrates them', async () => {
    const ws = manifest.workspaces[0]!;
    const ends = await pool.query<{ s: string; d: string }>(
      `SELECT (SELECT id::text FROM actor WHERE workspace_id = $1 AND actor_type = 'source' AND NOT tombstone LIMIT 1) AS s,
              (SELECT id::text FROM actor WHERE workspace_id = $1 AND actor_type = 'destination' AND NOT tombstone LIMIT 1) AS d`,
      [ws],
    );
    const id = '6f0c4a4e-8f5e-4a43-9d0e-5b1f3b0c9a11';
    const ref = `airbyte_workspace_${ws}_secret_0b2b9d4e-3c36-4f53-8d1e-2f6b5e0e7a10_v1`;
    const catalog = {
      streams: [
        {
          // A `_secret` outside a mapper config is data, not a reference.
          stream: { name: 'odd', json_schema: { _secret: ref } },
          mappers: [
            { name: 'hashing', config: { targetField: 'a', method: 'MD5', key: 'not-a-secret' } },
            { name: 'encryption', config: { algorithm: 'RSA', targetField: 'b', publicKey: 'pk' } },
            // A reference the spec does not mark is still hydrated (the scan of the mapper config).
            { name: 'encryption', config: { algorithm: 'RSA', targetField: 'c', extra: { _secret: ref } } },
          ],
        },
      ],
    };
    await pool.query(
      `INSERT INTO connection (id, namespace_definition, source_id, destination_id, name, catalog, status)
       VALUES ($1, 'source', $2, $3, 'hand-made', $4::jsonb, 'inactive')`,
      [id, ends.rows[0]?.s, ends.rows[0]?.d, JSON.stringify(catalog)],
    );
    try {
      const [row] = await collect(pool, { only: { connection_catalog: [id] } });
      assert.deepEqual(
        row?.records.map((r) => [r.path, r.template ?? null, r.node.kind, r.node.coordinate]),
        [['$.streams[0].mappers[2].config.extra', null, 'managed-ref', ref]],
      );
    } finally {
      await pool.query('DELETE FROM connection WHERE id = $1', [id]);
    }
  });
});

describe('older Airbyte schemas', () => {
  let db: TestDatabase;
  let pool: pg.Pool;
  let manifest: SeedManifest;

  before(async () => {
    db = await createTestDatabase('holders_legacy');
    pool = new pg.Pool({ connectionString: db.url });
    manifest = await seedAirbyteDatabase(pool, {
      variant: 'legacy',
      actors: 24,
      workspaces: 2,
      seed: 'holders',
    });
  });
  after(async () => {
    await pool.end();
    await db.drop();
  });

  test('without testing_values and secret_persistence_config: connections only, and nothing fails', async () => {
    const info = await detectAirbyteSchema(pool);
    assert.equal(info.connectionCatalogs, true);
    assert.equal(info.builderTestingValues, false);
    assert.equal(info.secretPersistenceConfigs, false);
    const rows = await collect(pool);
    assert.deepEqual(ids(rows, 'connection_catalog'), [...manifest.connections].sort());
    assert.deepEqual(ids(rows, 'builder_testing_values'), []);
    assert.deepEqual(manifest.builderProjects, []);
    const configs = [];
    for await (const c of readSecretPersistenceConfigs(pool)) configs.push(c);
    assert.deepEqual(configs, []);
    assert.equal((await countHolders(pool)).total, rows.length);
  });

  test('the first secret_persistence_config (0.50.24, no scope_type) is read too', async () => {
    await pool.query(`CREATE TABLE secret_persistence_config (
      id uuid NOT NULL PRIMARY KEY, scope_id uuid, secret_persistence_config_coordinate varchar(256),
      created_at timestamp(6) with time zone NOT NULL DEFAULT current_timestamp,
      updated_at timestamp(6) with time zone NOT NULL DEFAULT current_timestamp,
      UNIQUE (scope_id, secret_persistence_config_coordinate))`);
    const c =
      'airbyte_rsm_ORGANIZATION_8d3f6a51-1b0e-4c55-9d1a-6f7e2c3b4a50_secret_2f1e0d9c-8b7a-4c65-9d43-2a1b0c9d8e7f_v1';
    await pool.query(
      `INSERT INTO secret_persistence_config (id, scope_id, secret_persistence_config_coordinate)
       VALUES ('3c2b1a09-8f7e-4d6c-9b5a-4f3e2d1c0b9a', '8d3f6a51-1b0e-4c55-9d1a-6f7e2c3b4a50', $1)`,
      [c],
    );
    const configs = [];
    for await (const x of readSecretPersistenceConfigs(pool)) configs.push(x);
    assert.deepEqual(
      configs.map((x) => [x.scopeType, x.coordinate]),
      [[null, c]],
    );
  });
});
