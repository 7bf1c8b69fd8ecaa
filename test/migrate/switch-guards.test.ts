import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type CleanupResult, cleanupOldStore, undoCleanup } from '../../src/migrate/cleanup.js';
import { runMigration, verifyStore } from '../../src/migrate/index.js';
import type { SecretStore } from '../../src/stores/types.js';
import { SecretValue } from '../../src/util/secret-value.js';
import { type SeededDatabase, seededDatabase } from '../helpers/airbyte-db.js';
import { parseJson, runCli } from '../helpers/cli.js';
import { startTestStore, type TestStore } from '../helpers/targets.js';
import { insertConnector } from '../sync/connectors.js';

/** The guards around the switch: rollback never deletes what a configuration references; verify knows its baseline; cleanup is undone. */
describe('rollback --delete-created and verify --baseline around the switch', () => {
  let db: SeededDatabase;
  let database: TestStore;
  let vault: TestStore;
  let source: SecretStore;
  let target: SecretStore;
  let runId: string;
  let dangling: string;
  const cli = (args: string[], env: Record<string, string> = {}) =>
    runCli([...args, '--database-url', db.url], { env: { ...vault.cliEnv, ...env } });

  before(async () => {
    db = await seededDatabase('switch_guards', {
      actors: 16,
      shapes: ['secret', 'secret-with-reference', 'plaintext', 'dangling'],
      seed: 21,
    });
    database = await startTestStore('database', { databaseUrl: db.url });
    vault = await startTestStore('vault');
    source = await database.open();
    target = await vault.open();
    runId = (await runMigration({ pool: db.pool, source, target })).runId;
    dangling = db.manifest.planted.find((p) => p.kind === 'dangling')?.coordinate ?? '';
    assert.ok(dangling, 'the seed planted a dangling reference');
  });
  after(async () => {
    await vault.close();
    await database.close();
    await db.close();
  });

  test('verify --baseline: broken before the run is not new; a connector only in the old store is, and says where it is', async () => {
    const clean = await cli([
      'verify',
      '--store',
      ...vault.cliArgs('to').slice(1),
      '--baseline',
      runId,
      '--json',
    ]);
    assert.equal(clean.code, 0, clean.stdout + clean.stderr);
    const out = parseJson<{ baseline: { before: Array<{ coordinate: string }>; new: unknown[] } }>(clean);
    assert.ok(out.baseline.before.some((f) => f.coordinate === dangling));
    assert.deepEqual(out.baseline.new, []);

    const late = await insertConnector(db.pool);
    await source.write(late.coordinate, new SecretValue('canary-late-connector'));
    await late.insert();
    const broken = await cli(['verify', '--store', ...vault.cliArgs('to').slice(1), '--since', runId]);
    assert.equal(broken.code, 1, broken.stdout + broken.stderr);
    assert.match(broken.stdout, /present in database: run sync --from database --to vault/);
    assert.ok(!broken.stdout.includes('canary-late-connector'));
    await db.pool.query('DELETE FROM actor WHERE id = $1', [late.actorId]);
  });

  test("rollback --delete-created refuses while Airbyte's env names a store it would delete from", async () => {
    const r = await cli(
      ['rollback', runId, '--from', 'database', ...vault.cliArgs('to'), '--delete-created'],
      {
        SECRET_PERSISTENCE: 'VAULT',
      },
    );
    assert.equal(r.code, 2, r.stdout + r.stderr);
    assert.match(r.stderr, /SECRET_PERSISTENCE says Airbyte uses vault/);
  });

  test('rollback --delete-created --dry-run changes nothing; the real one leaves every referenced coordinate readable', async () => {
    const before_ = await verifyStore({ pool: db.pool, store: target });
    const sourceBefore = await verifyStore({ pool: db.pool, store: source });
    const dry = await cli([
      'rollback',
      runId,
      ...vault.cliArgs('to'),
      '--delete-created',
      '--dry-run',
      '--json',
    ]);
    assert.equal(dry.code, 0, dry.stdout + dry.stderr);
    assert.equal(parseJson<{ dryRun: boolean }>(dry).dryRun, true);
    assert.deepEqual((await verifyStore({ pool: db.pool, store: target })).failures, before_.failures);

    const r = await cli(['rollback', runId, ...vault.cliArgs('to'), '--delete-created', '--json']);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const out = parseJson<{ deleted: unknown[]; keptReferenced: unknown[] }>(r);
    assert.ok(out.keptReferenced.length > 0, 'copied coordinates are still referenced');
    // Nothing that resolved before the rollback fails after it, in either store.
    for (const [store, was] of [
      [target, before_],
      [source, sourceBefore],
    ] as const) {
      const broken = new Set(was.failures.map((f) => f.coordinate));
      const v = await verifyStore({ pool: db.pool, store });
      assert.deepEqual(
        v.failures.map((f) => f.coordinate).filter((c) => !broken.has(c)),
        [],
        `${store.kind}: only what was broken before`,
      );
    }
    const shown = await cli(['runs', 'show', runId, '--json']);
    const items = parseJson<{ items: Array<{ action: string; state: string }> }>(shown).items;
    assert.equal(items.filter((i) => i.action === 'delete').length, out.deleted.length);
  });
});

describe('cleanup --undo restores from the recovery window', () => {
  let db: SeededDatabase;
  let database: TestStore;
  let aws: TestStore;
  before(async () => {
    db = await seededDatabase('cleanup_undo', { actors: 8, shapes: ['secret'], seed: 2 });
    database = await startTestStore('database', { databaseUrl: db.url });
    aws = await startTestStore('aws');
  });
  after(async () => {
    await aws.close();
    await database.close();
    await db.close();
  });

  test('AWS names scheduled for deletion come back with RestoreSecret', async () => {
    const current = await database.open();
    const old = await aws.open();
    assert.equal((await runMigration({ pool: db.pool, source: current, target: old })).ok, true);
    const cleaned: CleanupResult = await cleanupOldStore({
      pool: db.pool,
      old,
      current,
      apply: true,
      safety: { oldName: 'aws', evidence: async () => [{ kind: 'database', origin: '--airbyte-uses' }] },
    });
    assert.ok(cleaned.deleted > 0 && cleaned.runId);
    assert.ok((await verifyStore({ pool: db.pool, store: old })).failures.length > 0);
    const undone = await undoCleanup({ pool: db.pool, runId: cleaned.runId, old, current });
    assert.equal(undone.restored, cleaned.deleted, JSON.stringify(undone.failed));
    assert.deepEqual((await verifyStore({ pool: db.pool, store: old })).failures, []);
  });
});
