import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { airbyteHydrationPath, getAt, setAt } from '../../src/airbyte/json-path.js';
import { runMigration } from '../../src/migrate/index.js';
import {
  dumpAirbyteTables,
  leakedCanaries,
  type SeededDatabase,
  seededDatabase,
} from '../helpers/airbyte-db.js';
import { parseJson, runCli } from '../helpers/cli.js';
import { startTestStore, type TestStore } from '../helpers/targets.js';

/** The happy path has no dangling reference and no spec-less actor: those are conflicts, tested apart. */
const CLEAN_SHAPES = [
  'plaintext',
  'secret',
  'secret-with-reference',
  'reference-only',
  'mask',
  'oauth-mask',
  'prefixed-external',
  'unmarked-reference',
  'tombstoned',
  'version-pin',
  'oauth-parameters',
  'webhooks',
  'orphans',
] as const;

type Json = Record<string, unknown>;

async function configs(db: SeededDatabase): Promise<Map<string, Json>> {
  const out = new Map<string, Json>();
  const rows = await db.pool.query<{ k: string; c: Json }>(
    `SELECT 'actor:' || id AS k, configuration AS c FROM actor WHERE NOT tombstone
     UNION ALL SELECT 'actor_oauth_parameter:' || id, configuration FROM actor_oauth_parameter
     UNION ALL SELECT 'workspace_webhook:' || id, webhook_operation_configs FROM workspace WHERE webhook_operation_configs IS NOT NULL`,
  );
  for (const r of rows.rows) out.set(r.k, r.c);
  return out;
}

async function journalText(db: SeededDatabase): Promise<string> {
  const parts: string[] = [];
  for (const t of ['migration_run', 'migration_item', 'migration_pre_image']) {
    const r = await db.pool.query(`SELECT * FROM airbyte_secrets.${t}`);
    parts.push(JSON.stringify(r.rows));
  }
  return parts.join('\n');
}

const writes = (s: TestStore) => s.emulator?.log.filter((e) => e.write).length ?? 0;

describe('migrate database → vault through the CLI', () => {
  let db: SeededDatabase;
  let vault: TestStore;
  let original: Record<string, string[]>;
  let originalConfigs: Map<string, Json>;
  const cli = (args: string[]) =>
    runCli([...args, '--database-url', db.url, ...vault.cliArgs('to')], { env: vault.cliEnv });

  before(async () => {
    db = await seededDatabase('mig_vault', {
      actors: 40,
      shapes: CLEAN_SHAPES,
      seed: 7,
      mix: { plaintext: 25, 'secret-with-reference': 25, secret: 40 },
    });
    vault = await startTestStore('vault');
    original = await dumpAirbyteTables(db.pool);
    originalConfigs = await configs(db);
  });
  after(async () => {
    await vault.close();
    await db.close();
  });

  test('the dry run plans every action and writes nothing anywhere', async () => {
    const r = await cli(['migrate', '--dry-run', '--json']);
    assert.equal(r.code, 0, r.stderr);
    const plan = parseJson<{ items: Array<{ action: string }>; estimate: { seconds: number } }>(r);
    const plaintext = db.manifest.planted.filter((p) => p.kind === 'plaintext').length;
    assert.equal(plan.items.filter((i) => i.action === 'extract').length, plaintext);
    assert.ok(plan.items.some((i) => i.action === 'copy'));
    assert.equal(writes(vault), 0, 'the emulator saw reads only');
    assert.deepEqual(await dumpAirbyteTables(db.pool), original, 'the database is untouched');
    const schema = await db.pool.query(`SELECT to_regnamespace('airbyte_secrets') AS s`);
    assert.equal(schema.rows[0].s, null, 'not even the journal schema was created');
    assert.deepEqual(leakedCanaries(r.stdout + r.stderr, db.manifest.canaries), []);
  });

  test('migrate copies, extracts, rewrites and verifies; nothing leaks', async () => {
    const r = await cli(['migrate', '--json']);
    assert.equal(r.code, 0, r.stderr);
    const result = parseJson<{ ok: boolean; verification: { failures: unknown[]; resolved: number } }>(r);
    assert.equal(result.ok, true);
    assert.deepEqual(result.verification.failures, []);
    assert.deepEqual(leakedCanaries(r.stdout + r.stderr, db.manifest.canaries), []);
    assert.deepEqual(
      leakedCanaries(await journalText(db), db.manifest.canaries),
      [],
      'journal holds no value',
    );

    const store = await vault.open();
    const now = await configs(db);
    // Rows that already use reference ids get theirs the way Airbyte makes them (secret_config + secret_reference).
    const usesReferences = new Set(
      db.manifest.planted.filter((x) => x.referenceId).map((x) => `${x.holder}:${x.rowId}`),
    );
    let withReferenceIds = 0;
    for (const p of db.manifest.planted.filter((x) => x.kind === 'plaintext')) {
      const key = `${p.holder}:${p.rowId}`;
      const node = getAt(now.get(key), p.path) as { _secret?: string; _secret_reference_id?: string };
      assert.ok(node && typeof node._secret === 'string', `${key} ${p.path} holds a reference`);
      if (usesReferences.has(key) && p.holder !== 'workspace_webhook') {
        withReferenceIds += 1;
        const ref = await db.pool.query(
          `SELECT c.external_coordinate, r.hydration_path FROM secret_reference r
             JOIN secret_config c ON c.id = r.secret_config_id WHERE r.id = $1`,
          [node._secret_reference_id],
        );
        assert.deepEqual(
          ref.rows[0],
          { external_coordinate: node._secret, hydration_path: airbyteHydrationPath(p.path) },
          key,
        );
      }
      const value = await store.read(node._secret);
      const planted = getAt(originalConfigs.get(key), p.path);
      assert.equal(value?.reveal(), String(planted), 'the target holds the planted value');
      // Put the plaintext back: everything else in the row must be exactly as before.
      now.set(key, setAt(now.get(key), p.path, planted) as Json);
    }
    assert.deepEqual(now, originalConfigs, 'non-secret fields are unchanged');
    assert.ok(withReferenceIds > 0, 'the seed had plaintext next to reference ids');
  });

  test('a second run writes nothing', async () => {
    const before = writes(vault);
    const r = await cli(['migrate', '--json']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(writes(vault), before, 'no new version anywhere');
  });

  test('verify passes against the target and the comparison with the source', async () => {
    const r = await runCli(
      [
        'verify',
        '--database-url',
        db.url,
        '--store',
        'vault',
        ...vault.cliArgs('to').slice(2),
        '--compare',
        'database',
        '--json',
      ],
      { env: vault.cliEnv },
    );
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const v = parseJson<{ failures: unknown[]; identical: number; coordinates: number }>(r);
    assert.equal(v.identical, v.coordinates);
  });

  test('rollback with --delete-created restores the database byte for byte', async () => {
    const runs = parseJson<{ runs: Array<{ id: string; started_at: string }> }>(
      await runCli(['runs', '--database-url', db.url, '--json']),
    ).runs;
    const first = runs.at(-1)!;
    const r = await cli(['rollback', first.id, '--delete-created', '--json']);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.deepEqual(await dumpAirbyteTables(db.pool), original);
  });
});

describe('migrate keeps connectors working between every pair of stores', () => {
  let db: SeededDatabase;
  const stores: TestStore[] = [];
  before(async () => {
    db = await seededDatabase('mig_chain', { actors: 24, shapes: CLEAN_SHAPES, seed: 11 });
  });
  after(async () => {
    for (const s of stores) await s.close();
    await db.close();
  });

  test('database → vault → aws → gcp → azure, each verified and idempotent', async () => {
    let source = await startTestStore('database', { databaseUrl: db.url });
    stores.push(source);
    for (const kind of ['vault', 'aws', 'gcp', 'azure'] as const) {
      const target = await startTestStore(kind);
      stores.push(target);
      const options = {
        pool: db.pool,
        source: await source.open(),
        target: await target.open(),
        concurrency: 8,
      };
      const first = await runMigration(options);
      assert.equal(first.ok, true, `${source.kind} → ${kind}: ${JSON.stringify(first.problems)}`);
      assert.deepEqual(first.verification.failures, []);
      const writesBefore = writes(target);
      const second = await runMigration(options);
      assert.equal(second.ok, true);
      assert.equal(writes(target), writesBefore, `${kind}: the re-run wrote nothing`);
      source = target;
    }
  });
});

describe('inline plaintext is extracted into each store', () => {
  for (const kind of ['vault', 'aws', 'gcp', 'azure'] as const) {
    test(`plaintext → ${kind}`, async () => {
      const db = await seededDatabase(`mig_pt_${kind}`, {
        actors: 12,
        shapes: ['plaintext', 'secret'],
        seed: 3,
      });
      const source = await startTestStore('database', { databaseUrl: db.url });
      const target = await startTestStore(kind);
      try {
        const result = await runMigration({
          pool: db.pool,
          source: await source.open(),
          target: await target.open(),
        });
        assert.equal(result.ok, true, JSON.stringify(result.problems));
        const plaintext = db.manifest.planted.filter((p) => p.kind === 'plaintext').length;
        assert.equal(result.states.rewritten, plaintext);
      } finally {
        await target.close();
        await source.close();
        await db.close();
      }
    });
  }
});
