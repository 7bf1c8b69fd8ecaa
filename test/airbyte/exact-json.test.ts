import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import { classifySecretNode } from '../../src/airbyte/classify.js';
import { isJsonNumber, parseExactJson, stringifyExactJson } from '../../src/airbyte/exact-json.js';
import { cloneJson, getAt, isJsonObject, setAt } from '../../src/airbyte/json-path.js';
import { updateHolderJson } from '../../src/airbyte/rewrite-queries.js';
import { createTestDatabase, type TestDatabase } from '../helpers/postgres.js';

const TEXT =
  '{"a":12345678901234567890,"b":1e400,"c":[0.1000000000000000055511151231257827,-0.0,1.0],"__proto__":{"d":1E-7}}';

describe('exact JSON', () => {
  test('numbers keep their source text through parse, clone, setAt and stringify', () => {
    const tree = parseExactJson(TEXT);
    assert.equal(stringifyExactJson(tree), TEXT);
    assert.equal(stringifyExactJson(cloneJson(tree)), TEXT);
    const changed = setAt(tree, "$['__proto__'].d", 'x');
    assert.equal(
      stringifyExactJson(changed),
      '{"a":12345678901234567890,"b":1e400,"c":[0.1000000000000000055511151231257827,-0.0,1.0],"__proto__":{"d":"x"}}',
    );
    assert.equal(Object.getPrototypeOf(tree), Object.prototype, '__proto__ stays a plain key');
  });

  test('a number leaf is not an object to the walkers, and a number secret is its exact text', () => {
    const n = getAt(parseExactJson(TEXT), '$.a');
    assert.ok(isJsonNumber(n));
    assert.equal(isJsonObject(n), false);
    const node = classifySecretNode(n);
    assert.equal(node.kind, 'plaintext');
    assert.equal(node.kind === 'plaintext' && node.value?.reveal(), '12345678901234567890');
  });
});

describe('updateHolderJson lets PostgreSQL prove only the secret paths changed', () => {
  let db: TestDatabase;
  let pool: pg.Pool;
  const id = '00000000-0000-4000-8000-000000000001';
  before(async () => {
    db = await createTestDatabase('exact_update');
    pool = new pg.Pool({ connectionString: db.url, max: 2 });
    await pool.query('CREATE TABLE actor (id uuid PRIMARY KEY, configuration jsonb)');
    await pool.query(`INSERT INTO actor VALUES ($1, $2::jsonb)`, [
      id,
      `{"n": 12345678901234567890, "odd.key": {"s": "plain"}}`,
    ]);
  });
  after(async () => {
    await pool?.end();
    await db?.drop();
  });

  test('a rewrite of the secret path passes; one that also alters a number is refused', async () => {
    const text = (await pool.query<{ t: string }>('SELECT configuration::text AS t FROM actor')).rows[0]!.t;
    const tree = parseExactJson(text);
    const lossy = setAt(JSON.parse(text), "$['odd.key'].s", { _secret: 'c' });
    await assert.rejects(
      updateHolderJson(pool, 'actor', id, lossy, ["$['odd.key'].s"]),
      /differs from the row outside the secret paths/,
    );
    await updateHolderJson(pool, 'actor', id, setAt(tree, "$['odd.key'].s", { _secret: 'c' }), [
      "$['odd.key'].s",
    ]);
    const now = (await pool.query<{ t: string }>('SELECT configuration::text AS t FROM actor')).rows[0]!.t;
    assert.equal(now, '{"n": 12345678901234567890, "odd.key": {"s": {"_secret": "c"}}}');
  });

  test('several secrets in one array: the later elements are compared, not shifted away', async () => {
    const arrayRow = '00000000-0000-4000-8000-000000000002';
    await pool.query(`INSERT INTO actor VALUES ($1, $2::jsonb)`, [arrayRow, `{"keys": ["s0", "s1", 1.0]}`]);
    const text = (
      await pool.query<{ t: string }>('SELECT configuration::text AS t FROM actor WHERE id = $1', [arrayRow])
    ).rows[0]?.t;
    assert.ok(text);
    let next = setAt(parseExactJson(text), '$.keys[0]', { _secret: 'c0' });
    next = setAt(next, '$.keys[1]', { _secret: 'c1' });
    await updateHolderJson(pool, 'actor', arrayRow, next, ['$.keys[0]', '$.keys[1]']);
    const now = (
      await pool.query<{ t: string }>('SELECT configuration::text AS t FROM actor WHERE id = $1', [arrayRow])
    ).rows[0]?.t;
    assert.equal(now, '{"keys": [{"_secret": "c0"}, {"_secret": "c1"}, 1.0]}');
  });
});
