import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, describe, test } from 'node:test';
import { getStats } from '../../src/stores/limits.js';
import { createStore } from '../../src/stores/open.js';
import {
  AIRBYTE_PERSISTENCE,
  parseStoreKind,
  STORE_DEFINITIONS,
  STORE_KINDS,
  workersFor,
} from '../../src/stores/registry.js';
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

describe('workersFor', () => {
  test('is --concurrency when given, else the highest quota.maxConcurrency of the stores (never a fixed 8)', () => {
    assert.equal(workersFor(undefined, { kind: 'vault' }), STORE_DEFINITIONS.vault.quota.maxConcurrency);
    assert.equal(workersFor(undefined, { kind: 'vault' }), 256);
    assert.equal(workersFor(undefined, { kind: 'aws' }), 128);
    assert.equal(
      workersFor(undefined, { kind: 'database' }),
      STORE_DEFINITIONS.database.quota.maxConcurrency,
    );
    assert.equal(workersFor(undefined, { kind: 'database' }, { kind: 'vault' }), 256, 'the larger ceiling');
    for (const kind of STORE_KINDS) {
      const workers = workersFor(undefined, { kind });
      assert.equal(workers, STORE_DEFINITIONS[kind].quota.maxConcurrency, kind);
      assert.ok(workers > 8, `${kind}: more workers than the old fixed 8`);
    }
    assert.equal(workersFor(5, { kind: 'vault' }), 5);
    assert.equal(workersFor(3, { kind: 'database' }, { kind: 'vault' }), 3);
    assert.equal(workersFor(undefined), 1, 'no store: one worker');
  });
});

describe('registry', () => {
  test('has a definition per kind, named by its key', () => {
    assert.deepEqual(STORE_KINDS, ['database', 'vault', 'aws', 'gcp', 'azure']);
    for (const kind of STORE_KINDS) assert.equal(STORE_DEFINITIONS[kind].kind, kind);
  });

  test('loads no store module or SDK statically: only a definition opening a store does', async () => {
    const staticImports = async (path: string) => {
      const source = await readFile(new URL(`../../src/stores/${path}`, import.meta.url), 'utf8');
      return [...source.matchAll(/^import\s[^;]*?from\s+'([^']+)'/gms)].map((m) => m[1] ?? '');
    };
    const registry = await staticImports('registry.ts');
    assert.deepEqual(
      registry.filter((p) => p.endsWith('/index.js')).sort(),
      STORE_KINDS.map((kind) => `./${kind}/index.js`).sort(),
    );
    for (const kind of STORE_KINDS) {
      for (const file of ['index.ts', 'settings.ts']) {
        const imports = await staticImports(`${kind}/${file}`);
        // Relative modules and node builtins only: no SDK, no store implementation.
        const outside = imports.filter((p) => !p.startsWith('.') && !p.startsWith('node:'));
        assert.deepEqual(outside, [], `${kind}/${file}`);
        assert.ok(!imports.includes('./store.js'), `${kind}/${file}`);
      }
      const index = await readFile(new URL(`../../src/stores/${kind}/index.ts`, import.meta.url), 'utf8');
      assert.equal([...index.matchAll(/await import\('\.\/store\.js'\)/g)].length, 1, kind);
    }
  });

  test('nothing under src/stores imports src/config', async () => {
    const { readdir } = await import('node:fs/promises');
    const root = new URL('../../src/stores/', import.meta.url);
    const files = (await readdir(root, { recursive: true })).filter((f) => f.endsWith('.ts'));
    for (const file of files) {
      const source = await readFile(new URL(file, root), 'utf8');
      assert.doesNotMatch(source, /from '(\.\.\/)+config\//, file);
    }
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
