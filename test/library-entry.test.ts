import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, describe, test } from 'node:test';
import * as library from '../src/index.js';
import { type SeededDatabase, seededDatabase } from './helpers/airbyte-db.js';

/** The package's own name: Node resolves it through package.json `exports` to the built entry. */
const PACKAGE_NAME = 'airbyte-secrets';

describe('library entry (src/index.ts)', () => {
  test('package.json points main and exports at the built entry', async () => {
    const pkg = JSON.parse(await readFile(new URL('../package.json', import.meta.url), 'utf8'));
    assert.equal(pkg.name, PACKAGE_NAME);
    assert.equal(pkg.main, './dist/src/index.js');
    assert.equal(pkg.exports['.'], './dist/src/index.js');
  });

  test('importing the package by name gives the built entry, with the same exports as the source', async () => {
    const built: Record<string, unknown> = await import(PACKAGE_NAME);
    assert.deepEqual(Object.keys(built).sort(), Object.keys(library).sort());
  });

  test('exports the engine: inventory, plan, migrate, verify, rollback, cleanup, rekey, audit, stores, journal', () => {
    const engine = {
      readInventory: library.readInventory,
      planMigration: library.planMigration,
      runMigration: library.runMigration,
      verifyStore: library.verifyStore,
      rollbackRun: library.rollbackRun,
      cleanupOldStore: library.cleanupOldStore,
      planRekey: library.planRekey,
      runRekey: library.runRekey,
      auditInventory: library.auditInventory,
      runScheduledAudit: library.runScheduledAudit,
      resolveStoreSettings: library.resolveStoreSettings,
      createStore: library.createStore,
      openDatabase: library.openDatabase,
      Journal: library.Journal,
      recordedRuns: library.recordedRuns,
    };
    for (const [name, value] of Object.entries(engine)) assert.equal(typeof value, 'function', name);
  });

  describe('embedded in a program', () => {
    let db: SeededDatabase;
    before(async () => {
      db = await seededDatabase('library', { actors: 6, shapes: ['secret'], seed: 3 });
    });
    after(async () => {
      await db?.close();
    });

    test('opens the database store from settings, verifies it and audits it; reads no journal it did not create', async () => {
      const settings = await library.resolveStoreSettings({
        side: 'from',
        env: {},
        flags: { from: 'database' },
        databaseConnection: { url: db.url },
      });
      const store = await library.createStore(settings);
      try {
        const verified = await library.verifyStore({ pool: db.pool, store });
        assert.ok(verified.coordinates > 0, 'the seed planted referenced secrets');
        assert.deepEqual(verified.failures, []);
        const report = await library.auditInventory(db.pool, { store });
        assert.equal(
          report.findings.some((f) => f.category === 'dangling-reference'),
          false,
        );
        assert.deepEqual(await library.recordedRuns(db.pool, library.DEFAULT_JOURNAL_SCHEMA, 5), []);
      } finally {
        await store.close();
      }
    });
  });
});
