import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { RunningGoogleSecretManagerEmulator } from '../../src/emulators/gcp/index.js';
import { runMigration, verifyStore } from '../../src/migrate/index.js';
import { runRekey } from '../../src/rekey/index.js';
import type { SecretStore } from '../../src/stores/types.js';
import { dumpAirbyteTables, type SeededDatabase, seededDatabase } from '../helpers/airbyte-db.js';
import { startTestStore, type TestStore } from '../helpers/targets.js';
import { references } from './plant.js';

const KEY = 'projects/emulator-project/locations/global/keyRings/airbyte/cryptoKeys/secrets-2025';

describe('rekey --gcp-kms-key on Google Secret Manager', () => {
  let db: SeededDatabase;
  let gcp: TestStore;
  let store: SecretStore;
  let emulator: RunningGoogleSecretManagerEmulator;
  let workspace: string;

  before(async () => {
    db = await seededDatabase('rekey_gcp', {
      actors: 12,
      workspaces: 2,
      shapes: ['secret', 'secret-with-reference'],
      seed: 6,
    });
    const source = await startTestStore('database', { databaseUrl: db.url });
    gcp = await startTestStore('gcp');
    emulator = gcp.emulator as RunningGoogleSecretManagerEmulator;
    store = await gcp.open();
    const migrated = await runMigration({ pool: db.pool, source: await source.open(), target: store });
    assert.equal(migrated.ok, true, JSON.stringify(migrated.problems));
    await source.close();
    workspace = (await references(db.pool))[0]!.workspaceId!;
  });
  after(async () => {
    await gcp?.close();
    await db?.close();
  });

  test('sets the key on each selected secret and adds a version under it, so the version Airbyte reads uses it', async () => {
    const selected = (await references(db.pool)).filter((r) => r.workspaceId === workspace);
    const values = await Promise.all(selected.map(async (r) => (await store.read(r.coordinate))?.reveal()));
    const tables = await dumpAirbyteTables(db.pool);
    const result = await runRekey({
      pool: db.pool,
      store,
      filter: { workspaces: [workspace] },
      keys: { kmsKeyId: KEY, tags: { team: 'data' } },
    });
    assert.equal(result.ok, true, JSON.stringify(result.problems));
    assert.equal(result.keys?.changed, new Set(selected.map((r) => r.coordinate)).size);
    for (const [i, r] of selected.entries()) {
      const snapshot = emulator.inspect(store.nameOf(r.coordinate))!;
      assert.deepEqual(snapshot.kmsKeyNames, { global: KEY });
      assert.equal(snapshot.labels.team, 'data');
      assert.deepEqual(
        snapshot.versions.at(-1)?.kmsKeyNames,
        { global: KEY },
        'the latest version is under the new key',
      );
      assert.equal(
        snapshot.versions[0]?.kmsKeyNames,
        undefined,
        'older versions keep the key they were written with',
      );
      assert.equal((await store.read(r.coordinate))?.reveal(), values[i], 'the value is unchanged');
      assert.equal((await store.describe(r.coordinate)).kmsKeyId, KEY);
    }
    assert.deepEqual(await dumpAirbyteTables(db.pool), tables, 'no row changes');
    assert.deepEqual((await verifyStore({ pool: db.pool, store })).failures, []);
  });

  test('a second pass changes nothing and reports the secrets as already using the key', async () => {
    const writes = emulator.log.filter((e) => e.write).length;
    const again = await runRekey({
      pool: db.pool,
      store,
      filter: { workspaces: [workspace] },
      keys: { kmsKeyId: KEY, tags: { team: 'data' } },
    });
    assert.equal(again.ok, true);
    assert.equal(again.keys?.changed, 0);
    assert.ok((again.keys?.already ?? 0) > 0);
    assert.equal(emulator.log.filter((e) => e.write).length, writes);
  });
});

describe('rekey --gcp-kms-key where Google cannot take one key', () => {
  test('a secret replicated to several user-managed locations is reported, not changed', async () => {
    const db = await seededDatabase('rekey_gcp_um', {
      actors: 4,
      workspaces: 1,
      shapes: ['secret'],
      seed: 2,
    });
    const source = await startTestStore('database', { databaseUrl: db.url });
    const gcp = await startTestStore('gcp');
    try {
      const { createStore } = await import('../../src/stores/open.js');
      const store = await createStore({
        ...gcp.settings,
        kind: 'gcp',
        projectId: (gcp.settings as { projectId: string }).projectId,
        replicaLocations: ['us-east1', 'europe-west4'],
      });
      assert.equal(
        (await runMigration({ pool: db.pool, source: await source.open(), target: store })).ok,
        true,
      );
      const result = await runRekey({ pool: db.pool, store, keys: { kmsKeyId: KEY } });
      assert.equal(result.ok, false);
      assert.ok(result.keys!.failed > 0 && result.keys!.changed === 0);
      assert.ok(
        result.problems.every((p) => /user-managed locations/.test(p.reason ?? '')),
        JSON.stringify(result.problems),
      );
      await store.close();
    } finally {
      await gcp.close();
      await source.close();
      await db.close();
    }
  });
});
