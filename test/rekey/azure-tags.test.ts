import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { rekeyRequest } from '../../src/cli/rekey-flags.js';
import type { RunningAzureKeyVaultEmulator } from '../../src/emulators/azure/index.js';
import { runMigration, verifyStore } from '../../src/migrate/index.js';
import { runRekey } from '../../src/rekey/index.js';
import { createStore } from '../../src/stores/open.js';
import { parseTags } from '../../src/stores/tags.js';
import type { SecretStore } from '../../src/stores/types.js';
import { SecretValue } from '../../src/util/secret-value.js';
import { dumpAirbyteTables, type SeededDatabase, seededDatabase } from '../helpers/airbyte-db.js';
import { startTestStore, type TestStore } from '../helpers/targets.js';
import { references } from './plant.js';

/**
 * `rekey --tags` on Azure Key Vault sets the tags Airbyte's own write would: AzureKeyVaultClient
 * .createSecret in airbyte-config/config-secrets/src/main/kotlin/secrets/persistence/
 * AzureKeyVaultPersistence.kt builds a KeyVaultSecret whose properties carry the parsed
 * AB_AZURE_KEY_VAULT_TAGS (`key1=value1,key2=value2`) and setSecret stores them on the new
 * version, the one Airbyte then reads. The re-key puts them on that current version in place
 * (updateSecretProperties): same value, same version, no version added.
 */

const TAGS = 'team=data, cost-center=42';

describe('rekey --tags on Azure Key Vault', () => {
  let db: SeededDatabase;
  let azure: TestStore;
  let store: SecretStore;
  let emulator: RunningAzureKeyVaultEmulator;
  let workspace: string;

  before(async () => {
    db = await seededDatabase('rekey_azure', {
      actors: 10,
      workspaces: 2,
      shapes: ['secret', 'secret-with-reference'],
      seed: 8,
    });
    const source = await startTestStore('database', { databaseUrl: db.url });
    azure = await startTestStore('azure');
    emulator = azure.emulator as RunningAzureKeyVaultEmulator;
    store = await azure.open();
    const migrated = await runMigration({ pool: db.pool, source: await source.open(), target: store });
    assert.equal(migrated.ok, true, JSON.stringify(migrated.problems));
    await source.close();
    workspace = (await references(db.pool))[0]?.workspaceId ?? '';
  });
  after(async () => {
    await azure?.close();
    await db?.close();
  });

  /** The tags a secret gets when Airbyte, configured with AB_AZURE_KEY_VAULT_TAGS, writes it. */
  async function tagsAirbyteWrites(text: string): Promise<Record<string, string>> {
    const airbyte = await createStore({
      ...azure.settings,
      kind: 'azure',
      vaultUrl: emulator.url,
      tags: parseTags(text, 'AB_AZURE_KEY_VAULT_TAGS'),
    });
    const coordinate =
      'airbyte_workspace_11111111-1111-4111-8111-111111111111_secret_22222222-2222-4222-8222-222222222222_v1';
    await airbyte.write(coordinate, new SecretValue('written-the-way-airbyte-writes'));
    const tags = emulator.inspect(airbyte.nameOf(coordinate))?.tags ?? {};
    await airbyte.close();
    return tags;
  }

  test('sets on the version Airbyte reads the tags its own write would, and every value still reads the same', async () => {
    const selected = (await references(db.pool)).filter((r) => r.workspaceId === workspace);
    assert.ok(selected.length > 0);
    const values = await Promise.all(selected.map(async (r) => (await store.read(r.coordinate))?.reveal()));
    const versionsBefore = selected.map((r) => emulator.inspect(store.nameOf(r.coordinate))?.versions);
    const tables = await dumpAirbyteTables(db.pool);
    const request = rekeyRequest('azure', {
      'journal-schema': 'airbyte_secrets',
      workspace: [workspace],
      tags: TAGS,
      'replace-tags': true,
    });
    const result = await runRekey({ pool: db.pool, store, ...request });
    assert.equal(result.ok, true, JSON.stringify(result.problems));
    assert.equal(result.keys?.changed, new Set(selected.map((r) => r.coordinate)).size);
    const expected = await tagsAirbyteWrites(TAGS);
    assert.deepEqual(expected, { team: 'data', 'cost-center': '42' });
    for (const [i, r] of selected.entries()) {
      const snapshot = emulator.inspect(store.nameOf(r.coordinate));
      assert.deepEqual(snapshot?.tags, expected, `${r.coordinate} carries Airbyte's tags`);
      assert.equal(snapshot?.versions, versionsBefore[i], 'no version was added');
      assert.deepEqual((await store.describe(r.coordinate)).tags, expected);
      assert.equal((await store.read(r.coordinate))?.reveal(), values[i], 'the value is unchanged');
    }
    assert.deepEqual(await dumpAirbyteTables(db.pool), tables, 'no row changes');
    assert.deepEqual((await verifyStore({ pool: db.pool, store })).failures, []);
  });

  test('without --replace-tags existing tags stay; a second pass writes nothing', async () => {
    const result = await runRekey({
      pool: db.pool,
      store,
      ...rekeyRequest('azure', {
        'journal-schema': 'airbyte_secrets',
        workspace: [workspace],
        tags: 'env=prod',
      }),
    });
    assert.equal(result.ok, true, JSON.stringify(result.problems));
    for (const r of (await references(db.pool)).filter((x) => x.workspaceId === workspace)) {
      assert.deepEqual(emulator.inspect(store.nameOf(r.coordinate))?.tags, {
        team: 'data',
        'cost-center': '42',
        env: 'prod',
      });
    }
    const writes = emulator.log.filter((e) => e.write).length;
    const again = await runRekey({
      pool: db.pool,
      store,
      ...rekeyRequest('azure', {
        'journal-schema': 'airbyte_secrets',
        workspace: [workspace],
        tags: 'env=prod',
      }),
    });
    assert.equal(again.keys?.changed, 0);
    assert.equal(emulator.log.filter((e) => e.write).length, writes);
  });

  test('a key change is refused: a Key Vault secret has no key of its own', async () => {
    await assert.rejects(
      runRekey({ pool: db.pool, store, filter: { workspaces: [workspace] }, keys: { kmsKeyId: 'any' } }),
      /no encryption key of its own/,
    );
  });
});
