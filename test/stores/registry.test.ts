import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, describe, test } from 'node:test';
import { getStats } from '../../src/stores/limits.js';
import {
  AIRBYTE_PERSISTENCE,
  createStore,
  parseStoreKind,
  STORE_FACTORIES,
} from '../../src/stores/registry.js';
import { STORE_KINDS } from '../../src/stores/types.js';
import { UsageError } from '../../src/util/errors.js';
import { SecretValue } from '../../src/util/secret-value.js';
import { createTestDatabase, type TestDatabase } from '../helpers/postgres.js';

describe('parseStoreKind', () => {
  test('our names and every Airbyte spelling, any case', () => {
    const cases: Record<string, string> = {
      database: 'database',
      TESTING_CONFIG_DB_TABLE: 'database',
      testing_config_db_table: 'database',
      testingConfigDbTable: 'database',
      LOCAL_TESTING: 'database',
      vault: 'vault',
      VAULT: 'vault',
      aws: 'aws',
      AWS_SECRET_MANAGER: 'aws',
      awsSecretManager: 'aws',
      aws_secret_manager: 'aws',
      AWS_SECRETS_MANAGER: 'aws',
      gcp: 'gcp',
      GOOGLE_SECRET_MANAGER: 'gcp',
      googleSecretManager: 'gcp',
      google_secret_manager: 'gcp',
      azure: 'azure',
      AZURE_KEY_VAULT: 'azure',
      azureKeyVault: 'azure',
      'Azure-Key-Vault': 'azure',
    };
    for (const [text, kind] of Object.entries(cases)) assert.equal(parseStoreKind(text), kind, text);
    for (const kind of STORE_KINDS) assert.equal(parseStoreKind(AIRBYTE_PERSISTENCE[kind]), kind);
  });

  test('an unknown name lists the valid ones; NO_OP is refused with its reason', () => {
    assert.throws(
      () => parseStoreKind('s3'),
      (e) =>
        e instanceof UsageError &&
        e.message ===
          'unknown store "s3": use one of database, vault, aws, gcp, azure (or Airbyte\'s names TESTING_CONFIG_DB_TABLE, VAULT, AWS_SECRET_MANAGER, GOOGLE_SECRET_MANAGER, AZURE_KEY_VAULT)',
    );
    for (const text of ['NO_OP', 'no_op', 'noOp']) {
      assert.throws(() => parseStoreKind(text), /no-op store: it keeps no secret values/);
    }
  });
});

describe('registry', () => {
  test('has a factory per kind and loads no store module or SDK statically', async () => {
    assert.deepEqual(Object.keys(STORE_FACTORIES).sort(), [...STORE_KINDS].sort());
    const source = await readFile(new URL('../../src/stores/registry.ts', import.meta.url), 'utf8');
    const staticImports = [...source.matchAll(/^import\s[^;]*?from\s+'([^']+)'/gms)].map((m) => m[1]);
    assert.deepEqual(staticImports.sort(), [
      '../config/types.js',
      '../util/errors.js',
      './limits.js',
      './types.js',
    ]);
    assert.equal([...source.matchAll(/await import\('\.\/[a-z-]+\.js'\)/g)].length, STORE_KINDS.length);
  });

  describe('createStore', () => {
    let db: TestDatabase;
    before(async () => {
      db = await createTestDatabase('registry');
    });
    after(async () => {
      await db?.drop();
    });

    test('wraps the store in its limits unless told not to', async () => {
      const limited = await createStore({
        kind: 'database',
        url: db.url,
        limits: { concurrency: 2 },
      });
      try {
        assert.equal(limited.kind, 'database');
        assert.equal(await limited.write('airbyte_x_v1', new SecretValue('v')), 'created');
        assert.equal(getStats(limited)?.calls, 1);
      } finally {
        await limited.close();
      }
      const bare = await createStore({ kind: 'database', url: db.url }, { limits: false });
      try {
        assert.equal(getStats(bare), undefined);
        assert.equal((await bare.read('airbyte_x_v1'))?.reveal(), 'v');
      } finally {
        await bare.close();
      }
    });
  });
});
