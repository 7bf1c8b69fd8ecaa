import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import { parseExactJson, stringifyExactJson } from '../../src/airbyte/exact-json.js';
import {
  countHolders,
  readInventory,
  readSecretConfigs,
  readSecretsTable,
} from '../../src/airbyte/inventory.js';
import type { HolderRow, SecretNodeKind } from '../../src/airbyte/types.js';
import { type PlantedKind, type SeedManifest, seedAirbyteDatabase } from '../../src/sample/seed.js';
import { createTestDatabase, type TestDatabase } from '../helpers/postgres.js';
import { SHARED_DIR, SKIP_SHARED } from '../helpers/shared.js';

/** The node kind the inventory must report for each planted kind. */
const NODE_KIND: Record<PlantedKind, SecretNodeKind> = {
  plaintext: 'plaintext',
  secret: 'managed-ref',
  dangling: 'managed-ref',
  'unmarked-reference': 'managed-ref',
  'secret-with-reference': 'reference-id',
  'reference-only': 'reference-id',
  mask: 'mask',
  'oauth-mask': 'oauth-mask',
  'prefixed-external': 'prefixed-external',
};

async function collect(pool: pg.Pool, batchSize?: number): Promise<HolderRow[]> {
  const rows: HolderRow[] = [];
  for await (const r of readInventory(pool, batchSize ? { batchSize } : {})) rows.push(r);
  return rows;
}

/** `holder|row|path|kind|coordinate` for every record, and for every planted secret. */
function recordKeys(rows: HolderRow[]): string[] {
  return rows
    .flatMap((r) =>
      r.records.map((rec) =>
        [r.holder, r.rowId, rec.path, rec.node.kind, rec.node.coordinate ?? '-'].join('|'),
      ),
    )
    .sort();
}
function plantedKeys(m: SeedManifest): string[] {
  return m.planted
    .map((p) => [p.holder, p.rowId, p.path, NODE_KIND[p.kind], p.coordinate ?? '-'].join('|'))
    .sort();
}

for (const variant of ['current', 'legacy'] as const) {
  describe(`readInventory on a ${variant} Airbyte`, () => {
    let db: TestDatabase;
    let pool: pg.Pool;
    let manifest: SeedManifest;
    let rows: HolderRow[];

    before(async () => {
      db = await createTestDatabase(`inv_${variant}`);
      pool = new pg.Pool({ connectionString: db.url });
      manifest = await seedAirbyteDatabase(pool, {
        variant,
        actors: 45,
        workspaces: 3,
        seed: `inventory-${variant}`,
      });
      rows = await collect(pool);
    });
    after(async () => {
      await pool.end();
      await db.drop();
    });

    test('finds every planted secret, at its path, with its kind and coordinate, and nothing else', () => {
      assert.deepEqual(recordKeys(rows), plantedKeys(manifest));
    });

    test('yields each live holder once; tombstoned actors are skipped', async () => {
      const actors = rows.filter((r) => r.holder === 'actor').map((r) => r.rowId);
      assert.equal(new Set(actors).size, actors.length);
      assert.equal(actors.length, manifest.liveActors);
      for (const id of manifest.tombstonedActors) assert.ok(!actors.includes(id));
      assert.deepEqual(
        rows
          .filter((r) => r.holder === 'actor_oauth_parameter')
          .map((r) => r.rowId)
          .sort(),
        [...manifest.oauthParameters].sort(),
      );
      assert.deepEqual(
        rows
          .filter((r) => r.holder === 'workspace_webhook')
          .map((r) => r.rowId)
          .sort(),
        [...manifest.webhookWorkspaces].sort(),
      );
      const counts = await countHolders(pool);
      assert.equal(counts.total, rows.length);
      assert.equal(counts.actors, manifest.liveActors);
    });

    test('actors without a spec are marked missing; their references are still found', () => {
      const missing = rows.filter((r) => r.spec === 'missing');
      assert.deepEqual(missing.map((r) => r.rowId).sort(), [...manifest.missingSpecActors].sort());
      for (const r of missing) {
        assert.ok(r.records.length > 0);
        assert.ok(r.records.every((rec) => rec.template === undefined && rec.node.kind === 'managed-ref'));
      }
      assert.ok(rows.filter((r) => r.holder === 'workspace_webhook').every((r) => r.spec === 'not-needed'));
    });

    test('rows carry workspace, organization and the exact jsonb text', async () => {
      for (const r of rows) {
        // Numbers stay the exact text jsonb printed (JSON.rawJSON leaves), so the parse must be the exact one.
        assert.equal(stringifyExactJson(r.config), stringifyExactJson(parseExactJson(r.configText)));
        if (variant === 'current')
          assert.ok(r.holder !== 'actor' || manifest.organizations.includes(r.organizationId!));
        else assert.equal(r.organizationId, null);
      }
      // The text matches the stored jsonb, for the optimistic check before a rewrite.
      const actor = rows.find((r) => r.holder === 'actor')!;
      const same = await pool.query('SELECT 1 FROM actor WHERE id = $1 AND configuration = $2::jsonb', [
        actor.rowId,
        actor.configText,
      ]);
      assert.equal(same.rowCount, 1);
    });

    test('streams with a batch smaller than the row count and gives the same rows', async () => {
      const small = await collect(pool, 4);
      assert.ok(rows.length > 4 * 3);
      assert.deepEqual(
        small.map((r) => r.rowId),
        rows.map((r) => r.rowId),
      );
      assert.deepEqual(recordKeys(small), recordKeys(rows));
    });

    test('stopping early releases the connection and its transaction', async () => {
      for await (const _ of readInventory(pool, { batchSize: 2 })) break;
      const { rows: active } = await pool.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND state LIKE 'idle in transaction%'`,
      );
      assert.equal(active[0]!.n, 0);
      assert.equal(pool.waitingCount, 0);
    });

    test('readSecretsTable lists coordinates only; readSecretConfigs joins references', async () => {
      const coords: string[] = [];
      for await (const r of readSecretsTable(pool, { batchSize: 5 })) {
        assert.deepEqual(Object.keys(r), ['coordinate']);
        coords.push(r.coordinate);
      }
      const configs = [];
      for await (const c of readSecretConfigs(pool)) configs.push(c);
      if (variant === 'legacy') {
        assert.deepEqual(coords, []);
        assert.deepEqual(configs, []);
        return;
      }
      const stored = manifest.planted.filter((p) => p.inSecretsTable).map((p) => p.coordinate!);
      const persistence = manifest.secretPersistenceConfigs.map((c) => c.coordinate);
      assert.deepEqual(coords.sort(), [...stored, ...manifest.orphanCoordinates, ...persistence].sort());
      const refs = manifest.planted.filter((p) => p.referenceId);
      assert.equal(configs.length, refs.length);
      for (const c of configs) {
        assert.equal(c.descriptor, c.externalCoordinate);
        assert.equal(c.storageType, 'local_testing');
        assert.equal(c.configuredFromEnvironment, true);
        assert.equal(c.references.length, 1);
        const p = refs.find((x) => x.referenceId === c.references[0]!.id)!;
        assert.equal(c.externalCoordinate, p.coordinate);
        assert.equal(c.references[0]!.hydrationPath, p.path);
        assert.equal(c.references[0]!.scopeId, p.rowId);
      }
    });
  });
}

describe('version pins', () => {
  let db: TestDatabase;
  let pool: pg.Pool;
  let manifest: SeedManifest;
  let rows: HolderRow[];

  before(async () => {
    db = await createTestDatabase('inv_pins');
    pool = new pg.Pool({ connectionString: db.url });
    manifest = await seedAirbyteDatabase(pool, { actors: 20, workspaces: 3, seed: 'pins' });
    rows = await collect(pool, 3);
  });
  after(async () => {
    await pool.end();
    await db.drop();
  });

  test('actor, then workspace, then organization pins decide the spec; otherwise the default version', async () => {
    const pinned = manifest.pinnedPath!;
    assert.ok(pinned);
    const withField = await pool.query<{ id: string; workspace_id: string }>(
      `SELECT id::text, workspace_id::text FROM actor WHERE configuration ? 'request_signing_secret'`,
    );
    assert.equal(withField.rowCount, 4);
    const pinnedPlanted = new Set(manifest.planted.filter((p) => p.pinned).map((p) => p.rowId));
    assert.equal(pinnedPlanted.size, 2);
    for (const a of withField.rows) {
      const row = rows.find((r) => r.rowId === a.id)!;
      const rec = row.records.find((r) => r.path === pinned.path);
      if (pinnedPlanted.has(a.id)) {
        // Workspace pin beats the organization pin; an actor pin beats no workspace pin.
        assert.equal(rec?.node.kind, 'plaintext', `actor ${a.id} uses the pinned spec`);
        assert.equal(rec?.template, pinned.path);
      } else {
        // An actor pin back to the default beats the workspace pin; no pin at all uses the default.
        assert.equal(rec, undefined, `actor ${a.id} uses the default spec`);
      }
    }
    const scopes = manifest.pins.map((p) => p.scopeType).sort();
    assert.deepEqual(scopes, ['actor', 'actor', 'organization', 'workspace']);
  });
});

describe('readInventory over the published connector specs', () => {
  test('every planted secret is found', { skip: SKIP_SHARED }, async () => {
    const db = await createTestDatabase('inv_shared');
    const pool = new pg.Pool({ connectionString: db.url });
    try {
      const specsDir = join(SHARED_DIR, 'airbyte', 'connector-specs');
      const manifest = await seedAirbyteDatabase(pool, {
        actors: 150,
        workspaces: 5,
        specsDir,
        seed: 'shared-inv',
      });
      const rows = await collect(pool, 16);
      assert.deepEqual(recordKeys(rows), plantedKeys(manifest));
      // OAuth overrides use the server-output paths of advanced_auth.
      const oauth = rows.filter((r) => r.holder === 'actor_oauth_parameter');
      assert.ok(oauth.length >= 3);
      assert.ok(oauth.every((r) => r.spec === 'ok' && r.records.length > 0));
    } finally {
      await pool.end();
      await db.drop();
    }
  });
});
