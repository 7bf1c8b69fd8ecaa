/**
 * Rewrites change a configuration at its secret nodes only; every other value stays exactly as
 * PostgreSQL's jsonb held it, and rollback is byte-identical.
 *
 * Why this matters: Airbyte reads and writes configurations with Jackson on exact numerics
 * (airbyte-platform: airbyte-commons/src/main/kotlin/io/airbyte/commons/json/Jsons.kt,
 * `OBJECT_MAPPER_EXACT` with `USE_BIG_DECIMAL_FOR_FLOATS`; integers beyond a long become
 * BigInteger), and jsonb stores numerics exactly, so a connector's `12345678901234567890` or
 * `0.1000000000000000055511151231257827` survives every Airbyte round trip. A JavaScript
 * `JSON.parse`/`JSON.stringify` round trip would change them.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { parseExactJson, stringifyExactJson } from '../../src/airbyte/exact-json.js';
import { insertActors, insertDefinitions, insertVersions } from '../../src/sample/tables.js';
import { type SeededDatabase, seededDatabase } from '../helpers/airbyte-db.js';
import { parseJson, runCli } from '../helpers/cli.js';
import { startTestStore, type TestStore } from '../helpers/targets.js';

/** Secret fields of the test connector: one deep, one under a unicode key, one a number. */
const SECRET_PATHS = ['$.deep.l1.l2.l3.l4.l5.password', '$.données.mot_de_passe', '$.pin'];
const JSONB_PATHS = SECRET_PATHS.map((p) => `{${p.slice(2).split('.').join(',')}}`);

const SPEC = {
  connectionSpecification: {
    type: 'object',
    properties: {
      pin: { type: 'integer', airbyte_secret: true },
      données: { type: 'object', properties: { mot_de_passe: { type: 'string', airbyte_secret: true } } },
      deep: {
        type: 'object',
        properties: {
          l1: {
            type: 'object',
            properties: {
              l2: {
                type: 'object',
                properties: {
                  l3: {
                    type: 'object',
                    properties: {
                      l4: {
                        type: 'object',
                        properties: {
                          l5: {
                            type: 'object',
                            properties: { password: { type: 'string', airbyte_secret: true } },
                          },
                        },
                      },
                    },
                  },
                },
              },
            },
          },
        },
      },
    },
  },
};

const CANARY_DEEP = `canary-deep-${randomUUID()}`;
const CANARY_UNICODE = `canary-unicode-${randomUUID()}`;

/** Numbers JavaScript cannot carry, keys that need bracket notation, unicode keys, deep nesting. */
function configText(secrets: { deep: string; unicode: string }): string {
  return `{
    "big": 12345678901234567890, "huge": 1e400, "precise": 0.1000000000000000055511151231257827,
    "negative_zero": -0.0, "one": 1.0, "tiny": 1e-400, "safe_plus_one": 9007199254740993,
    "odd.key": {"it's": [1e-7, {"a b": 3.14159265358979323846264338327950288}], "[x]": -1E+2},
    "clé 🔑": {"Ωmega": 99999999999999999999999.000, "\\"quoted\\"": "\\u00e9\\ud83d\\ude00"},
    "__proto__": {"polluted": 2.50},
    "pin": 12345678901234567891,
    "données": {"mot_de_passe": ${JSON.stringify(secrets.unicode)}, "ratio": 2.50},
    "deep": {"l1": {"n": 1.10, "l2": {"l3": {"l4": {"l5": {"password": ${JSON.stringify(secrets.deep)},
             "n": 123456789012345678901234567890.123456789}}}}}}
  }`;
}

describe('rewrites keep every non-secret value exactly as PostgreSQL held it', () => {
  let db: SeededDatabase;
  let vault: TestStore;
  let actorId: string;
  let original: string;
  const configuration = async () =>
    (
      await db.pool.query<{ t: string }>('SELECT configuration::text AS t FROM actor WHERE id = $1', [
        actorId,
      ])
    ).rows[0]!.t;
  /** The row without its secret nodes: what no rewrite may touch. */
  const nonSecret = async () =>
    (
      await db.pool.query<{ t: string }>(
        `SELECT (configuration ${JSONB_PATHS.map((_, i) => `#- $${i + 2}::text[]`).join(' ')})::text AS t
           FROM actor WHERE id = $1`,
        [actorId, ...JSONB_PATHS],
      )
    ).rows[0]!.t;
  const cli = (args: string[]) =>
    runCli([...args, '--database-url', db.url, ...vault.cliArgs('to')], { env: vault.cliEnv });

  before(async () => {
    db = await seededDatabase('lossless', { actors: 3, shapes: ['secret'], seed: 3 });
    vault = await startTestStore('vault');
    const ws = (await db.pool.query<{ id: string }>('SELECT id FROM workspace ORDER BY id LIMIT 1')).rows[0]!
      .id;
    const definitionId = randomUUID();
    actorId = randomUUID();
    const client = await db.pool.connect();
    try {
      await insertDefinitions(client, [
        { id: definitionId, name: 'Exact', actorType: 'source', custom: true },
      ]);
      const versionId = randomUUID();
      await insertVersions(client, [
        {
          id: versionId,
          definitionId,
          dockerRepository: 'airbyte/source-exact',
          dockerImageTag: '1.0.0',
          spec: SPEC,
        },
      ]);
      await client.query('UPDATE actor_definition SET default_version_id = $1 WHERE id = $2', [
        versionId,
        definitionId,
      ]);
      await insertActors(client, [
        {
          id: actorId,
          workspaceId: ws,
          definitionId,
          name: 'exact numbers',
          configuration: configText({ deep: CANARY_DEEP, unicode: CANARY_UNICODE }),
          actorType: 'source',
          tombstone: false,
        },
      ]);
    } finally {
      client.release();
    }
    original = await configuration();
  });
  after(async () => {
    await vault?.close();
    await db?.close();
  });

  test('the planted row holds what JavaScript numbers cannot', () => {
    assert.match(original, /"big": 12345678901234567890\b/);
    assert.match(original, /"precise": 0\.1000000000000000055511151231257827\b/);
    assert.match(original, /"negative_zero": 0\.0\b/);
    assert.match(original, /"huge": 10{400}\b/);
    assert.notEqual(JSON.stringify(JSON.parse(original)), JSON.stringify(parseExactJson(original)));
  });

  test('parseExactJson and stringifyExactJson round-trip jsonb text to the same jsonb', async () => {
    const again = (
      await db.pool.query<{ t: string }>('SELECT $1::jsonb::text AS t', [
        stringifyExactJson(parseExactJson(original)),
      ])
    ).rows[0]!.t;
    assert.equal(again, original);
  });

  let migrateRun: string;
  test('migrate rewrites the three secret nodes and nothing else', async () => {
    const before = await nonSecret();
    const r = await cli(['migrate', '--json']);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    migrateRun = parseJson<{ runId: string }>(r).runId;
    assert.ok(migrateRun, r.stdout);
    assert.equal(await nonSecret(), before);
    const now = parseExactJson(await configuration()) as Record<string, Record<string, unknown>>;
    assert.ok(typeof now.pin?._secret === 'string', 'the number secret became a reference');
    assert.ok(typeof now.données?.mot_de_passe === 'object');
    const text = await configuration();
    assert.ok(!text.includes(CANARY_DEEP) && !text.includes(CANARY_UNICODE));
    // The number secret is stored as its exact text (Jackson's asText of a BigInteger node).
    const store = await vault.open();
    assert.equal((await store.read(String(now.pin?._secret)))?.reveal(), '12345678901234567891');
  });

  test('the journal pre-image keeps the numbers exact too', async () => {
    const image = (
      await db.pool.query<{ t: string }>(
        'SELECT pre_image::text AS t FROM airbyte_secrets.migration_pre_image WHERE row_id = $1',
        [actorId],
      )
    ).rows[0]!.t;
    assert.match(image, /"big": 12345678901234567890\b/);
    assert.match(image, /"precise": 0\.1000000000000000055511151231257827\b/);
    assert.ok(!image.includes(CANARY_DEEP) && !image.includes('12345678901234567891'));
  });

  test('rollback restores the row byte for byte, the number secret included', async () => {
    const r = await cli(['rollback', migrateRun, '--delete-created', '--json']);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.equal(await configuration(), original);
  });

  test('rekey moves a mismatched reference and its rollback is byte-identical', async () => {
    // A reference into another workspace's coordinate, its value in the database store.
    const other = randomUUID();
    const coordinate = `airbyte_workspace_${other}_secret_${randomUUID()}_v1`;
    // Start again from the exact original text, whatever the tests before left.
    await db.pool.query('UPDATE actor SET configuration = $2::jsonb WHERE id = $1', [actorId, original]);
    await db.pool.query('INSERT INTO secrets (coordinate, payload) VALUES ($1, $2)', [
      coordinate,
      CANARY_DEEP,
    ]);
    await db.pool.query(
      `UPDATE actor SET configuration = jsonb_set(configuration, $2::text[], jsonb_build_object('_secret', $3::text))
        WHERE id = $1`,
      [actorId, JSONB_PATHS[0], coordinate],
    );
    const planted = await configuration();
    const before = await nonSecret();
    const r = await runCli([
      'rekey',
      '--category',
      'workspace-mismatch',
      '--actor',
      actorId,
      '--json',
      '--database-url',
      db.url,
    ]);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const rekeyRun = parseJson<{ runId: string; ok: boolean }>(r);
    assert.equal(rekeyRun.ok, true, r.stdout);
    assert.notEqual(await configuration(), planted, 'the reference moved');
    assert.equal(await nonSecret(), before);

    const back = await runCli([
      'rollback',
      rekeyRun.runId,
      '--to',
      'database',
      '--json',
      '--database-url',
      db.url,
    ]);
    assert.equal(back.code, 0, back.stdout + back.stderr);
    assert.equal(await configuration(), planted);
  });
});
