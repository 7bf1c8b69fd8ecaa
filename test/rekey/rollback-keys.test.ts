import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { RunningGoogleSecretManagerEmulator } from '../../src/emulators/gcp/index.js';
import { runMigration, verifyStore } from '../../src/migrate/index.js';
import { rollbackRun } from '../../src/migrate/rollback.js';
import { runRekey } from '../../src/rekey/index.js';
import type { SecretStore } from '../../src/stores/types.js';
import { type SeededDatabase, seededDatabase } from '../helpers/airbyte-db.js';
import { startTestStore, type TestStore } from '../helpers/targets.js';
import { references } from './plant.js';

/**
 * Rolling back a re-key run puts back the key it changed. The secrets Airbyte wrote carry the key
 * AWS_KMS_KEY_ARN named (AwsSecretManagerPersistence in
 * airbyte-config/config-secrets/src/main/kotlin/secrets/persistence/AwsSecretManagerPersistence.kt
 * passes it as CreateSecret's KmsKeyId) or, on Google, the encryption their secret was created
 * with (GoogleSecretManagerPersistence.kt: automatic replication, Google-managed); the journal
 * keeps the key id each secret had before the run (never a value), and rollback restores it.
 */

const AWS_KEY_1 = 'arn:aws:kms:us-east-1:123456789012:key/11111111-1111-4111-8111-111111111111';
const AWS_KEY_2 = 'arn:aws:kms:us-east-1:123456789012:key/22222222-2222-4222-8222-222222222222';
const GCP_KEY = 'projects/emulator-project/locations/global/keyRings/airbyte/cryptoKeys/secrets-2025';

async function migratedTo(kind: 'aws' | 'gcp', label: string) {
  const db = await seededDatabase(label, { actors: 8, workspaces: 2, shapes: ['secret'], seed: 11 });
  const source = await startTestStore('database', { databaseUrl: db.url });
  const target = await startTestStore(kind);
  const store = await target.open();
  const migrated = await runMigration({ pool: db.pool, source: await source.open(), target: store });
  assert.equal(migrated.ok, true, JSON.stringify(migrated.problems));
  await source.close();
  const workspace = (await references(db.pool))[0]?.workspaceId ?? '';
  const coordinates = [
    ...new Set(
      (await references(db.pool)).filter((r) => r.workspaceId === workspace).map((r) => r.coordinate),
    ),
  ];
  return { db, target, store, workspace, coordinates };
}

async function journaledKeys(db: SeededDatabase, runId: string) {
  const r = await db.pool.query<{ previous_key: unknown }>(
    `SELECT previous_key FROM airbyte_secrets.migration_item WHERE run_id = $1 AND action = 'reencrypt'`,
    [runId],
  );
  return r.rows.map((x) => x.previous_key);
}

describe('rollback of a re-key run on AWS Secrets Manager restores the KmsKeyId', () => {
  let db: SeededDatabase;
  let aws: TestStore;
  let store: SecretStore;
  let workspace: string;
  let coordinates: string[];

  before(async () => {
    ({ db, target: aws, store, workspace, coordinates } = await migratedTo('aws', 'rb_keys_aws'));
  });
  after(async () => {
    await aws?.close();
    await db?.close();
  });

  test('from the AWS managed key to a KMS key and back', async () => {
    const values = await Promise.all(coordinates.map(async (c) => (await store.read(c))?.reveal()));
    const run = await runRekey({
      pool: db.pool,
      store,
      filter: { workspaces: [workspace] },
      keys: { kmsKeyId: AWS_KEY_1 },
    });
    assert.equal(run.ok, true, JSON.stringify(run.problems));
    for (const c of coordinates) assert.equal((await store.describe(c)).kmsKeyId, AWS_KEY_1);
    assert.deepEqual(
      await journaledKeys(db, run.runId),
      coordinates.map(() => ({})),
      'the journal says each had the managed key',
    );
    const back = await rollbackRun({ pool: db.pool, runId: run.runId, source: store, target: store });
    assert.equal(back.ok, true, JSON.stringify(back));
    assert.equal(back.restoredKeys?.length, coordinates.length);
    for (const [i, c] of coordinates.entries()) {
      assert.equal((await store.describe(c)).kmsKeyId, undefined, `${c} is on the managed key again`);
      assert.equal((await store.read(c))?.reveal(), values[i]);
    }
    assert.deepEqual((await verifyStore({ pool: db.pool, store })).failures, []);
    const again = await rollbackRun({ pool: db.pool, runId: run.runId, source: store, target: store });
    assert.equal(again.restoredKeys, undefined, 'a second rollback has nothing left to restore');
  });

  test('from one KMS key to another and back to the first', async () => {
    const first = await runRekey({
      pool: db.pool,
      store,
      filter: { workspaces: [workspace] },
      keys: { kmsKeyId: AWS_KEY_1 },
    });
    assert.equal(first.ok, true);
    const second = await runRekey({
      pool: db.pool,
      store,
      filter: { workspaces: [workspace] },
      keys: { kmsKeyId: AWS_KEY_2 },
    });
    assert.equal(second.ok, true);
    assert.deepEqual(
      await journaledKeys(db, second.runId),
      coordinates.map(() => ({ kmsKeyId: AWS_KEY_1 })),
    );
    const back = await rollbackRun({ pool: db.pool, runId: second.runId, source: store, target: store });
    assert.equal(back.ok, true, JSON.stringify(back));
    for (const c of coordinates) assert.equal((await store.describe(c)).kmsKeyId, AWS_KEY_1);
  });
});

describe('rollback of a re-key run on Google Secret Manager restores the encryption', () => {
  let db: SeededDatabase;
  let gcp: TestStore;
  let store: SecretStore;
  let emulator: RunningGoogleSecretManagerEmulator;
  let workspace: string;
  let coordinates: string[];

  before(async () => {
    ({ db, target: gcp, store, workspace, coordinates } = await migratedTo('gcp', 'rb_keys_gcp'));
    emulator = gcp.emulator as RunningGoogleSecretManagerEmulator;
  });
  after(async () => {
    await gcp?.close();
    await db?.close();
  });

  test('the CMEK goes, and the version Airbyte reads is Google-managed again', async () => {
    const values = await Promise.all(coordinates.map(async (c) => (await store.read(c))?.reveal()));
    const run = await runRekey({
      pool: db.pool,
      store,
      filter: { workspaces: [workspace] },
      keys: { kmsKeyId: GCP_KEY },
    });
    assert.equal(run.ok, true, JSON.stringify(run.problems));
    for (const c of coordinates) {
      assert.deepEqual(emulator.inspect(store.nameOf(c))?.versions.at(-1)?.kmsKeyNames, { global: GCP_KEY });
    }
    assert.deepEqual(
      await journaledKeys(db, run.runId),
      coordinates.map(() => ({})),
    );
    const back = await rollbackRun({ pool: db.pool, runId: run.runId, source: store, target: store });
    assert.equal(back.ok, true, JSON.stringify(back));
    for (const [i, c] of coordinates.entries()) {
      const snapshot = emulator.inspect(store.nameOf(c));
      assert.equal(snapshot?.kmsKeyNames, undefined, `${c} has no CMEK any more`);
      assert.equal(snapshot?.versions.at(-1)?.kmsKeyNames, undefined, 'the latest version is Google-managed');
      assert.equal((await store.describe(c)).kmsKeyId, undefined);
      assert.equal((await store.read(c))?.reveal(), values[i]);
    }
    assert.deepEqual((await verifyStore({ pool: db.pool, store })).failures, []);
  });
});
