import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { runMigration } from '../../src/migrate/index.js';
import { createStore } from '../../src/stores/open.js';
import type { SecretStore } from '../../src/stores/types.js';
import { type SeededDatabase, seededDatabase } from '../helpers/airbyte-db.js';
import { startTestStore } from '../helpers/targets.js';

/**
 * Requests a new secret costs in each target store, counted by the emulator (its request log) and,
 * for the source, by a counting view of the database store: the table in bench/README.md.
 * Only `secret` shapes (managed references to copy) are seeded, so every item is a copy.
 */
const EXPECTED: Record<string, { target: Record<string, number>; total: number }> = {
  // plan probe (existence check), write with cas 0, read-back; the final verify reads nothing.
  vault: { target: { 'kv-read': 2, 'kv-write': 1 }, total: 3 },
  aws: { target: { GetSecretValue: 2, CreateSecret: 1 }, total: 3 },
  // CreateSecret and AddSecretVersion are two requests (and two writes of Google's quota).
  gcp: { target: { AccessSecretVersion: 2, CreateSecret: 1, AddSecretVersion: 1 }, total: 4 },
  // PUT creates or overwrites: Azure keeps its own existence check before it.
  azure: { target: { GetSecret: 3, SetSecret: 1 }, total: 4 },
};

function counting(store: SecretStore, counts: Map<string, number>): SecretStore {
  const bump = (op: string) => counts.set(op, (counts.get(op) ?? 0) + 1);
  return new Proxy(store, {
    get(target, prop) {
      const v = Reflect.get(target, prop, target);
      if (typeof v !== 'function' || typeof prop !== 'string') return v;
      return (...args: unknown[]) => {
        if (['read', 'write', 'describe', 'delete'].includes(prop)) bump(prop);
        return (v as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
}

describe('requests per new secret, database → each store', () => {
  let db: SeededDatabase;
  const table: string[] = [];
  before(async () => {
    db = await seededDatabase('round_trips', { actors: 24, shapes: ['secret'], seed: 3 });
  });
  after(async () => {
    if (table.length) console.log(`store | per secret (target) | source\n${table.join('\n')}`);
    await db.close();
  });

  for (const kind of ['vault', 'aws', 'gcp', 'azure'] as const) {
    test(`${kind}: ${EXPECTED[kind]?.total} target requests per copied secret, 1 source read, none in the final verify`, async () => {
      // A fresh journal schema per store: each run plans everything again.
      await db.pool.query('DROP SCHEMA IF EXISTS airbyte_secrets CASCADE');
      const store = await startTestStore(kind, { databaseUrl: db.url });
      const source = await createStore({ kind: 'database', url: db.url });
      try {
        const target = await store.open();
        if (store.emulator) store.emulator.log.length = 0;
        const sourceCounts = new Map<string, number>();
        const r = await runMigration({ pool: db.pool, source: counting(source, sourceCounts), target });
        assert.ok(r.ok, JSON.stringify(r.problems));
        const copies = r.plan.summary.find((s) => s.action === 'copy')?.count ?? 0;
        assert.ok(copies > 10, `copies: ${copies}`);
        const byOp = new Map<string, number>();
        // Azure's SDK opens each connection with an unauthenticated request answered 401 (the
        // bearer challenge): a handshake per connection, not a cost per secret.
        for (const e of store.emulator?.log ?? []) {
          if (e.outcome !== '401') byOp.set(e.operation, (byOp.get(e.operation) ?? 0) + 1);
        }
        const perSecret = Object.fromEntries([...byOp].map(([op, n]) => [op, n / copies]));
        const total = [...byOp.values()].reduce((a, b) => a + b, 0) / copies;
        const sourcePerSecret = Object.fromEntries([...sourceCounts].map(([op, n]) => [op, n / copies]));
        table.push(`${kind} | ${JSON.stringify(perSecret)} = ${total} | ${JSON.stringify(sourcePerSecret)}`);
        assert.deepEqual(perSecret, EXPECTED[kind]?.target);
        assert.equal(total, EXPECTED[kind]?.total);
        assert.deepEqual(sourcePerSecret, { read: 1 });
        assert.equal(r.verification.readBackSkipped, copies);
      } finally {
        await source.close();
        await store.close();
      }
    });
  }
});
