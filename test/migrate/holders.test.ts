// Follows airbytehq/airbyte-platform:
//   airbyte-commons-worker/src/main/kotlin/io/airbyte/workers/helper/MapperSecretHydrationHelper.kt
//     (a sync reads each encryption mapper's `{"_secret": C}` from the store Airbyte is configured with),
//   airbyte-commons-server/src/main/kotlin/io/airbyte/commons/server/handlers/ConnectorBuilderProjectsHandler.kt
//     (getHydratedTestingValues: testing values hydrated from the default store),
//   airbyte-data/src/main/kotlin/io/airbyte/data/services/impls/jooq/SecretPersistenceConfigServiceJooqImpl.kt
//     (a runtime persistence's config read from the default store by its coordinate).
// After a switch of store every one of them must resolve in the new store, as actor configs do.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { getAt } from '../../src/airbyte/json-path.js';
import { allChecks, auditInventory } from '../../src/audit/index.js';
import { runMigration, verifyStore } from '../../src/migrate/index.js';
import { rollbackRun } from '../../src/migrate/rollback.js';
import { runRekey } from '../../src/rekey/index.js';
import type { SecretStore } from '../../src/stores/types.js';
import { leakedCanaries, type SeededDatabase, seededDatabase } from '../helpers/airbyte-db.js';
import { startTestStore, type TestStore } from '../helpers/targets.js';

const SHAPES = [
  'secret',
  'plaintext',
  'connection-mappers',
  'builder-projects',
  'secret-persistence-config',
] as const;
const NEW_HOLDERS = new Set(['connection_catalog', 'builder_testing_values']);

type Json = Record<string, unknown>;

/** The JSON of every connection catalog and builder testing values, by `holder:id`. */
async function holderJson(db: SeededDatabase): Promise<Map<string, Json>> {
  const rows = await db.pool.query<{ k: string; c: Json }>(
    `SELECT 'connection_catalog:' || id AS k, catalog AS c FROM connection
     UNION ALL SELECT 'builder_testing_values:' || id, testing_values FROM connector_builder_project`,
  );
  return new Map(rows.rows.map((r) => [r.k, r.c]));
}

async function dumpHolders(db: SeededDatabase): Promise<string[]> {
  const rows = await db.pool.query<{ t: string }>(
    `SELECT id || ' ' || catalog::text || ' ' || updated_at AS t FROM connection
     UNION ALL SELECT id || ' ' || testing_values::text || ' ' || updated_at FROM connector_builder_project
     ORDER BY 1`,
  );
  return rows.rows.map((r) => r.t);
}

const coordinateAt = (json: Json | undefined, path: string): string | undefined => {
  const node = getAt(json, path) as { _secret?: unknown } | undefined;
  return typeof node?._secret === 'string' ? node._secret : undefined;
};

describe('connection mappers, builder testing values and runtime persistence configs across a store switch', () => {
  let db: SeededDatabase;
  let table: TestStore;
  let vault: TestStore;
  let source: SecretStore;
  let target: SecretStore;
  let before_: string[];
  let originalJson: Map<string, Json>;
  let migrationRun: string;

  before(async () => {
    db = await seededDatabase('holders_migrate', {
      actors: 20,
      workspaces: 2,
      shapes: SHAPES,
      seed: 'holders',
    });
    table = await startTestStore('database', { databaseUrl: db.url });
    vault = await startTestStore('vault');
    source = await table.open();
    target = await vault.open();
    before_ = await dumpHolders(db);
    originalJson = await holderJson(db);
  });
  after(async () => {
    await vault?.close();
    await table?.close();
    await db?.close();
  });

  test('migrate copies their coordinates and extracts their plaintext; verify passes', async () => {
    assert.ok(db.manifest.connections.length > 0 && db.manifest.builderProjects.length > 0);
    const result = await runMigration({ pool: db.pool, source, target, concurrency: 4 });
    assert.equal(result.ok, true, JSON.stringify(result.problems));
    assert.deepEqual(result.verification.failures, []);
    migrationRun = result.runId;

    const now = await holderJson(db);
    const planted = db.manifest.planted.filter((p) => NEW_HOLDERS.has(p.holder));
    assert.ok(planted.some((p) => p.kind === 'plaintext') && planted.some((p) => p.kind === 'secret'));
    for (const p of planted) {
      const key = `${p.holder}:${p.rowId}`;
      const coordinate = coordinateAt(now.get(key), p.path);
      assert.ok(coordinate, `${key} ${p.path} holds a reference`);
      const inTarget = (await target.read(coordinate))?.reveal();
      if (p.kind === 'plaintext') {
        assert.equal(inTarget, String(getAt(originalJson.get(key), p.path)), 'the extracted value');
        assert.match(coordinate, new RegExp(`^airbyte_workspace_${p.workspaceId}_secret_`));
      } else {
        assert.equal(coordinate, p.coordinate, 'copied under the same coordinate');
        assert.equal(inTarget, (await source.read(coordinate))?.reveal());
      }
    }
    const persistence = db.manifest.secretPersistenceConfigs[0]!.coordinate;
    const copied = await target.read(persistence);
    assert.ok(copied?.equals((await source.read(persistence))!), 'the runtime persistence config is copied');

    const v = await verifyStore({ pool: db.pool, store: target, compare: source });
    assert.deepEqual(v.failures, []);
    assert.equal(v.identical, v.coordinates);
  });

  test('verify checks each of them: against an empty store every one is missing, named by its holder', async () => {
    const empty = await startTestStore('vault');
    try {
      const v = await verifyStore({ pool: db.pool, store: await empty.open() });
      const holders = new Set(v.failures.map((f) => f.holder));
      for (const h of ['connection_catalog', 'builder_testing_values', 'secret_persistence_config'])
        assert.ok(holders.has(h as never), `${h} is verified`);
      assert.ok(
        v.failures.some(
          (f) =>
            f.holder === 'secret_persistence_config' &&
            f.coordinate === db.manifest.secretPersistenceConfigs[0]!.coordinate,
        ),
      );
    } finally {
      await empty.close();
    }
  });

  test('audit: no orphaned-secret for them in either store; no plaintext left in them', async () => {
    const inTable = await auditInventory(db.pool, { checks: allChecks(), store: source });
    const orphans = (r: typeof inTable) =>
      r.findings
        .filter((f) => f.category === 'orphaned-secret')
        .map((f) => f.coordinate)
        .sort();
    // Only what deleted actors, connections and projects left behind.
    assert.deepEqual(orphans(inTable), [...db.manifest.orphanCoordinates].sort());
    const inVault = await auditInventory(db.pool, { checks: allChecks(), store: target });
    assert.deepEqual(orphans(inVault), []);
    for (const report of [inTable, inVault]) {
      assert.ok(
        !report.findings.some(
          (f) => NEW_HOLDERS.has(f.holder) && ['plaintext-inline', 'dangling-reference'].includes(f.category),
        ),
        JSON.stringify(report.findings.filter((f) => NEW_HOLDERS.has(f.holder))),
      );
      assert.deepEqual(leakedCanaries(JSON.stringify(report), db.manifest.canaries), []);
    }
  });

  test('rekey rotates a mapper key and a testing value; rollback puts them back', async () => {
    const json = await holderJson(db);
    const picks = ['connection_catalog', 'builder_testing_values'].map((holder) => {
      const p = db.manifest.planted.find((x) => x.holder === holder && x.kind === 'secret')!;
      return { ...p, coordinate: coordinateAt(json.get(`${holder}:${p.rowId}`), p.path)! };
    });
    const values = await Promise.all(picks.map(async (p) => (await target.read(p.coordinate))?.reveal()));
    const beforeRekey = await dumpHolders(db);

    const rekey = await runRekey({
      pool: db.pool,
      store: target,
      filter: { coordinates: picks.map((p) => p.coordinate) },
    });
    assert.equal(rekey.ok, true, JSON.stringify(rekey.problems));
    assert.equal(rekey.states.rewritten, 2);
    const rotated = await holderJson(db);
    for (const [i, p] of picks.entries()) {
      const now = coordinateAt(rotated.get(`${p.holder}:${p.rowId}`), p.path)!;
      assert.notEqual(now, p.coordinate, `${p.holder} moved to a new name`);
      assert.match(now, /_v\d+$/);
      assert.equal((await target.read(now))?.reveal(), values[i], 'the same value under the new name');
    }
    const v = await verifyStore({ pool: db.pool, store: target });
    assert.deepEqual(v.failures, []);

    const undo = await rollbackRun({ pool: db.pool, runId: rekey.runId, source: target, target });
    assert.equal(undo.ok, true, JSON.stringify(undo));
    assert.equal(undo.restored, 2);
    assert.deepEqual(await dumpHolders(db), beforeRekey);
  });

  test('rolling back the migration restores them byte for byte, plaintext included', async () => {
    const undo = await rollbackRun({
      pool: db.pool,
      runId: migrationRun,
      source,
      target,
      deleteCreated: true,
    });
    assert.equal(undo.ok, true, JSON.stringify(undo));
    assert.deepEqual(await dumpHolders(db), before_);
  });
});
