/**
 * Plaintext in a row whose references live in a secret storage Airbyte does not configure from
 * its env is left alone: value and reference must stay in one storage.
 *
 * Airbyte (airbyte-domain/services/src/main/kotlin/io/airbyte/domain/services/secrets/
 * SecretReferenceService.kt `createSecretConfigAndReference`) records each new secret_config
 * under the storage its value was written to, and hydration reads every reference from its own
 * storage's persistence (SecretPersistenceService `getPersistenceMapFromConfig`). A reference in
 * storage X for a value we wrote to the env-configured store would resolve nowhere.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { getAt } from '../../src/airbyte/json-path.js';
import { planMigration, runMigration } from '../../src/migrate/index.js';
import { type SeededDatabase, seededDatabase } from '../helpers/airbyte-db.js';
import { startTestStore, type TestStore } from '../helpers/targets.js';

describe('a row whose references use a storage Airbyte does not read from its env', () => {
  let db: SeededDatabase;
  let source: TestStore;
  let target: TestStore;
  let rowId: string;
  let path: string;
  before(async () => {
    db = await seededDatabase('foreign_storage', {
      actors: 12,
      shapes: ['plaintext', 'secret-with-reference'],
      seed: 21,
      mix: { plaintext: 50, 'secret-with-reference': 50 },
    });
    const withRefs = new Set(
      db.manifest.planted.filter((p) => p.referenceId && p.holder === 'actor').map((p) => p.rowId),
    );
    const victim = db.manifest.planted.find(
      (p) => p.kind === 'plaintext' && p.holder === 'actor' && withRefs.has(p.rowId),
    );
    assert.ok(victim, 'the seed has plaintext next to reference ids');
    rowId = victim.rowId;
    path = victim.path;
    const storage = randomUUID();
    await db.pool.query(
      `INSERT INTO secret_storage (id, scope_type, scope_id, descriptor, storage_type, configured_from_environment, created_by, updated_by)
       SELECT $1::uuid, 'workspace', workspace_id, 'team vault', 'vault', false, $1::uuid, $1::uuid FROM actor WHERE id = $2::uuid`,
      [storage, rowId],
    );
    await db.pool.query(
      `UPDATE secret_config c SET secret_storage_id = $1::uuid FROM secret_reference r
        WHERE r.secret_config_id = c.id AND r.scope_id = $2::uuid`,
      [storage, rowId],
    );
    source = await startTestStore('database', { databaseUrl: db.url });
    target = await startTestStore('vault');
  });
  after(async () => {
    await target?.close();
    await source?.close();
    await db?.close();
  });

  test('plan makes its plaintext a foreign-storage conflict; migrate leaves it in place', async () => {
    const options = { pool: db.pool, source: await source.open(), target: await target.open() };
    const plan = await planMigration(options);
    const mine = plan.items.filter(
      (i) => i.action !== 'copy' && i.action !== 'skip' && 'rowId' in i && i.rowId === rowId,
    );
    assert.ok(mine.length > 0);
    assert.ok(
      mine.every((i) => i.action === 'conflict' && i.reason === 'foreign-storage'),
      JSON.stringify(mine),
    );
    assert.ok(
      plan.items.some((i) => i.action === 'extract'),
      'other rows are still extracted',
    );
    const before = (await db.pool.query('SELECT configuration FROM actor WHERE id = $1', [rowId])).rows[0];
    await runMigration(options);
    const after = (await db.pool.query('SELECT configuration FROM actor WHERE id = $1', [rowId])).rows[0];
    assert.deepEqual(
      getAt(after.configuration, path),
      getAt(before.configuration, path),
      'the plaintext stays',
    );
  });
});
