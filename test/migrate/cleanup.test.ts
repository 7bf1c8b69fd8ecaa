import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { cleanupOldStore } from '../../src/migrate/cleanup.js';
import { runMigration } from '../../src/migrate/index.js';
import type { SecretStore } from '../../src/stores/types.js';
import { SecretValue } from '../../src/util/secret-value.js';
import { leakedCanaries, type SeededDatabase, seededDatabase } from '../helpers/airbyte-db.js';
import { parseJson, runCli } from '../helpers/cli.js';
import { startTestStore, type TestStore } from '../helpers/targets.js';

const secretsRows = async (db: SeededDatabase) =>
  (await db.pool.query<{ coordinate: string }>('SELECT coordinate FROM secrets ORDER BY 1')).rows.map(
    (r) => r.coordinate,
  );

/** A view of `store` that counts its reads in flight at once (calls made, not yet answered). */
function peakReads(store: SecretStore): { view: SecretStore; peak: () => number } {
  let now = 0;
  let peak = 0;
  const view = new Proxy(store, {
    get(target, prop) {
      const v = Reflect.get(target, prop, target);
      if (typeof v !== 'function') return v;
      if (prop !== 'read') return v.bind(target);
      return async (...args: Parameters<SecretStore['read']>) => {
        now += 1;
        peak = Math.max(peak, now);
        try {
          return await target.read(...args);
        } finally {
          now -= 1;
        }
      };
    },
  });
  return { view, peak: () => peak };
}

describe('cleanup after the switch', () => {
  let db: SeededDatabase;
  let source: TestStore;
  let vault: TestStore;
  let tampered: string;
  const cleanup = (extra: string[], env: Record<string, string> = {}) =>
    runCli(
      [
        'cleanup',
        '--database-url',
        db.url,
        '--store',
        'database',
        '--verified-in',
        'vault',
        ...vault.cliArgs('to').slice(2),
        ...extra,
      ],
      { env: { ...vault.cliEnv, ...env } },
    );

  before(async () => {
    db = await seededDatabase('cleanup', { actors: 20, shapes: ['plaintext', 'secret', 'orphans'], seed: 4 });
    source = await startTestStore('database', { databaseUrl: db.url });
    vault = await startTestStore('vault');
    const target = await vault.open();
    const result = await runMigration({ pool: db.pool, source: await source.open(), target });
    assert.equal(result.ok, true);
    // One value that differs in the new store must be kept in the old one.
    tampered = db.manifest.planted.find((p) => p.kind === 'secret')!.coordinate!;
    await target.write(tampered, new SecretValue('changed-in-vault'));
  });
  after(async () => {
    await vault.close();
    await source.close();
    await db.close();
  });

  test('is a dry run by default and deletes nothing', async () => {
    const rows = await secretsRows(db);
    const r = await cleanup(['--json']);
    assert.equal(r.code, 1, 'a kept secret needs a human');
    const out = parseJson<{ applied: boolean; removable: number; kept: Array<{ coordinate: string }> }>(r);
    assert.equal(out.applied, false);
    assert.ok(out.removable > 0);
    assert.deepEqual(
      out.kept.map((k) => k.coordinate),
      [tampered],
    );
    assert.deepEqual(await secretsRows(db), rows);
    assert.deepEqual(leakedCanaries(r.stdout + r.stderr, db.manifest.canaries), []);
  });

  test('without --concurrency, works on more than the old fixed 8 items at once (the stores limit what is in flight)', async () => {
    const old = peakReads(await source.open());
    const result = await cleanupOldStore({
      pool: db.pool,
      old: old.view,
      current: await vault.open(),
      apply: false,
    });
    const items = result.removable + result.kept.length + result.absent;
    assert.ok(items > 16, `enough items to tell (${items})`);
    // Every item's read of the old store is asked for at once: the workers are Vault's ceiling
    // (256), and the database store's own adaptive limit queues what it does not admit yet.
    assert.equal(old.peak(), items);
  });

  test("refuses while Airbyte's env still names the old store", async () => {
    const r = await cleanup(['--yes'], { SECRET_PERSISTENCE: 'TESTING_CONFIG_DB_TABLE' });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /switch Airbyte first/);
  });

  test('with --yes but no evidence that Airbyte uses the new store, deletes nothing and exits 2', async () => {
    const rows = await secretsRows(db);
    const r = await cleanup(['--yes']);
    assert.equal(r.code, 2, r.stdout + r.stderr);
    assert.match(r.stderr, /--airbyte-uses vault/);
    assert.deepEqual(await secretsRows(db), rows);
  });

  test('with --yes removes exactly what the new store verifiably holds', async () => {
    const before_ = await secretsRows(db);
    const r = await cleanup(['--yes', '--json'], { SECRET_PERSISTENCE: 'VAULT' });
    assert.equal(r.code, 1);
    const out = parseJson<{ applied: boolean; deleted: number }>(r);
    assert.equal(out.applied, true);
    const after_ = await secretsRows(db);
    assert.equal(before_.length - after_.length, out.deleted);
    assert.ok(after_.includes(tampered), 'the differing secret is kept');
    for (const orphan of db.manifest.orphanCoordinates)
      assert.ok(after_.includes(orphan), 'unreferenced rows are not ours to judge');
    const verify = await runCli(
      ['verify', '--database-url', db.url, '--store', 'vault', ...vault.cliArgs('to').slice(2)],
      {
        env: vault.cliEnv,
      },
    );
    assert.equal(verify.code, 0, verify.stdout);
    const runId = parseJson<{ runId: string }>(r).runId;
    const shown = await runCli(['runs', 'show', runId, '--database-url', db.url, '--json']);
    const items = parseJson<{ items: Array<{ action: string; state: string; coordinate: string }> }>(
      shown,
    ).items;
    assert.equal(items.filter((i) => i.action === 'delete' && i.state === 'deleted').length, out.deleted);
    const undo = await cleanup(['--undo', runId, '--json']);
    assert.equal(undo.code, 0, undo.stdout + undo.stderr);
    assert.equal(parseJson<{ restored: number }>(undo).restored, out.deleted);
    assert.deepEqual(await secretsRows(db), before_);
  });
});
