import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { getAt } from '../../src/airbyte/json-path.js';
import { runMigration } from '../../src/migrate/index.js';
import type { SecretStore } from '../../src/stores/types.js';
import { seededDatabase } from '../helpers/airbyte-db.js';
import { startTestStore } from '../helpers/targets.js';

describe('a migration survives a misbehaving store', () => {
  for (const kind of ['vault', 'aws', 'gcp', 'azure'] as const) {
    test(`${kind}: throttling, 5xx and resets on 20% of requests still end with everything verified`, async () => {
      const db = await seededDatabase(`faults_${kind}`, {
        actors: 16,
        shapes: ['plaintext', 'secret'],
        seed: 5,
      });
      const source = await startTestStore('database', { databaseUrl: db.url });
      const target = await startTestStore(kind, {
        emulator: {
          faults: { rate: 0.2, kinds: ['throttle', 'server-error', 'reset'], seed: 42, maxInARow: 2 },
        },
      });
      try {
        const store = await target.open();
        const result = await runMigration({ pool: db.pool, source: await source.open(), target: store });
        assert.equal(result.ok, true, JSON.stringify(result.problems));
        assert.deepEqual(result.verification.failures, []);
        const failed = target.emulator!.log.filter((e) => !e.outcome.startsWith('2') && e.outcome !== 'OK');
        assert.ok(failed.length > 0, 'faults were really injected');
      } finally {
        await target.close();
        await source.close();
        await db.close();
      }
    });
  }
});

describe('a connector edited during the run', () => {
  test('is re-planned, never overwritten', async () => {
    const db = await seededDatabase('edit_race', { actors: 6, shapes: ['plaintext'], seed: 9 });
    const source = await startTestStore('database', { databaseUrl: db.url });
    const target = await startTestStore('vault');
    const victim = db.manifest.planted.find((p) => p.kind === 'plaintext' && p.holder === 'actor')!;
    const edited = 'edited-by-the-operator';
    try {
      const real = await target.open();
      let raced = false;
      // The store is real; this wrapper only lets the test act between the write and the rewrite.
      const racing: SecretStore = {
        kind: real.kind,
        description: real.description,
        capabilities: real.capabilities,
        nameOf: (c) => real.nameOf(c),
        read: (c, o) => real.read(c, o),
        delete: (c, o) => real.delete(c, o),
        list: () => real.list(),
        describe: (c) => real.describe(c),
        close: () => real.close(),
        write: async (coordinate, value) => {
          const outcome = await real.write(coordinate, value);
          if (!raced) {
            raced = true;
            await db.pool.query(
              `UPDATE actor SET configuration = jsonb_set(configuration, $2::text[], to_jsonb($3::text)) WHERE id = $1`,
              [victim.rowId, victim.path.slice(2).split('.'), edited],
            );
          }
          return outcome;
        },
      };
      const result = await runMigration({
        pool: db.pool,
        source: await source.open(),
        target: racing,
        concurrency: 1,
      });
      const row = await db.pool.query('SELECT configuration FROM actor WHERE id = $1', [victim.rowId]);
      assert.equal(getAt(row.rows[0].configuration, victim.path), edited, "the operator's edit is kept");
      assert.ok(
        result.problems.some((p) => p.state === 'superseded' && p.rowId === victim.rowId),
        'the item is reported as superseded',
      );
      const again = await runMigration({
        pool: db.pool,
        source: await source.open(),
        target: await target.open(),
      });
      const reread = await db.pool.query('SELECT configuration FROM actor WHERE id = $1', [victim.rowId]);
      const node = getAt(reread.rows[0].configuration, victim.path) as { _secret: string };
      assert.equal((await real.read(node._secret))?.reveal(), edited, 'the next run moves the new value');
      assert.equal(again.ok, true);
    } finally {
      await target.close();
      await source.close();
      await db.close();
    }
  });
});
