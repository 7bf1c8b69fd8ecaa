import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import { CREATE_SECRETS_TABLE, createDatabaseStore } from '../../src/stores/database/store.js';
import { StoreError } from '../../src/stores/errors.js';
import type { SecretStore } from '../../src/stores/types.js';
import { SecretValue } from '../../src/util/secret-value.js';
import {
  ADMIN_URL,
  createTestDatabase,
  EMBEDDED,
  SKIP_EMBEDDED,
  type TestDatabase,
} from '../helpers/postgres.js';
import { describeSecretStore } from './conformance.js';

const C = (n: number | string) => `airbyte_workspace_5bb1a1b2-0000-4000-8000-000000000001_secret_${n}_v1`;

async function sql<R extends pg.QueryResultRow>(
  url: string,
  text: string,
  values: unknown[] = [],
): Promise<R[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<R>(text, values)).rows;
  } finally {
    await client.end();
  }
}

describeSecretStore({
  name: 'database store, conformance over the real PostgreSQL',
  capabilities: { softDelete: false },
  create: async () => {
    const db = await createTestDatabase('dbconf');
    const store = await createDatabaseStore({ kind: 'database', url: db.url });
    return {
      store,
      plantForeign: async (name, value) => {
        await store.write(name, new SecretValue(value));
      },
      close: () => db.drop(),
    };
  },
});

describe('database store (Airbyte\'s "secrets" table)', () => {
  let db: TestDatabase;
  let store: SecretStore;

  before(async () => {
    db = await createTestDatabase('dbstore');
    store = await createDatabaseStore({ kind: 'database', url: db.url });
  });
  after(async () => {
    await store?.close();
    await db?.drop();
  });

  test('reads before any write do not create the table', async () => {
    assert.equal(await store.read(C('missing')), undefined);
    assert.deepEqual(await store.describe(C('missing')), {
      coordinate: C('missing'),
      name: C('missing'),
      state: 'absent',
    });
    assert.equal(await store.delete(C('missing')), 'absent');
    const names: string[] = [];
    for await (const n of store.list()) names.push(n);
    assert.deepEqual(names, []);
    const tables = await sql(db.url, "SELECT 1 FROM information_schema.tables WHERE table_name = 'secrets'");
    assert.equal(tables.length, 0);
  });

  test("the first write creates the table exactly as Airbyte's DDL does", async () => {
    assert.equal(await store.write(C(1), new SecretValue('one')), 'created');
    const columns = await sql<{ column_name: string; data_type: string; is_nullable: string }>(
      db.url,
      `SELECT column_name, data_type, is_nullable FROM information_schema.columns
        WHERE table_schema = 'public' AND table_name = 'secrets' ORDER BY ordinal_position`,
    );
    assert.deepEqual(columns, [
      { column_name: 'coordinate', data_type: 'text', is_nullable: 'NO' },
      { column_name: 'payload', data_type: 'text', is_nullable: 'YES' },
    ]);
    const pk = await sql<{ column_name: string }>(
      db.url,
      `SELECT k.column_name FROM information_schema.table_constraints t
         JOIN information_schema.key_column_usage k USING (constraint_schema, constraint_name)
        WHERE t.table_name = 'secrets' AND t.constraint_type = 'PRIMARY KEY'`,
    );
    assert.deepEqual(pk, [{ column_name: 'coordinate' }]);
    // Airbyte running its own statement afterwards is harmless.
    await sql(db.url, CREATE_SECRETS_TABLE);
  });

  test('write is idempotent: unchanged, then updated in place (no versions)', async () => {
    assert.equal(await store.write(C(2), new SecretValue('v1')), 'created');
    const xmin = () =>
      sql<{ xmin: string }>(db.url, 'SELECT xmin::text FROM secrets WHERE coordinate = $1', [C(2)]);
    const before = await xmin();
    assert.equal(await store.write(C(2), new SecretValue('v1')), 'unchanged');
    assert.deepEqual(await xmin(), before, 'an unchanged write does not touch the row');
    assert.equal(await store.write(C(2), new SecretValue('v2')), 'updated');
    assert.equal((await store.read(C(2)))?.reveal(), 'v2');
    const rows = await sql(db.url, 'SELECT payload FROM secrets WHERE coordinate = $1', [C(2)]);
    assert.deepEqual(rows, [{ payload: 'v2' }]);
    assert.equal(store.capabilities.versions, false);
  });

  test('round trip of unicode, JSON-looking and large values', async () => {
    for (const [i, text] of [
      'pässwörd ✓ 密码 🔑',
      '{"_secret":"not a reference","n":1}',
      'line1\nline2\ttab',
      'x'.repeat(200_000),
    ].entries()) {
      await store.write(C(`rt${i}`), new SecretValue(text));
      assert.equal((await store.read(C(`rt${i}`)))?.reveal(), text);
    }
  });

  test('an empty or NULL payload is found-but-blank, not missing', async () => {
    await sql(db.url, 'INSERT INTO secrets (coordinate, payload) VALUES ($1, $2), ($3, NULL)', [
      C('empty'),
      '',
      C('null'),
    ]);
    for (const c of [C('empty'), C('null')]) {
      const v = await store.read(c);
      assert.ok(v, `${c} is found`);
      assert.ok(v.isBlank);
      assert.equal((await store.describe(c)).state, 'active');
    }
  });

  test('delete removes the row', async () => {
    await store.write(C('del'), new SecretValue('x'));
    assert.equal(await store.delete(C('del')), 'deleted');
    assert.equal(await store.read(C('del')), undefined);
    assert.equal(await store.delete(C('del')), 'absent');
  });

  test('list gives only airbyte_ names, across pages, each once', async () => {
    await sql(db.url, 'TRUNCATE secrets');
    await sql(
      db.url,
      `INSERT INTO secrets (coordinate, payload)
       SELECT 'airbyte_workspace_x_secret_' || lpad(i::text, 5, '0') || '_v1', 'p' FROM generate_series(1, 2345) i`,
    );
    await sql(
      db.url,
      "INSERT INTO secrets VALUES ('airbyteXsecret', 'p'), ('other_secret', 'p'), ('AIRBYTE_x', 'p')",
    );
    const names: string[] = [];
    for await (const n of store.list()) names.push(n);
    assert.equal(names.length, 2345);
    assert.equal(new Set(names).size, 2345);
    assert.ok(names.every((n) => n.startsWith('airbyte_workspace_x_secret_')));
  });

  test("the table goes in the connecting user's default schema, as Airbyte's unqualified DDL does", {
    skip: SKIP_EMBEDDED,
  }, async () => {
    const other = await createTestDatabase('dbschema');
    try {
      await sql(other.url, 'CREATE SCHEMA airbyte_cfg');
      await sql(other.url, `ALTER DATABASE ${other.name} SET search_path = airbyte_cfg, public`);
      const s = await createDatabaseStore({ kind: 'database', url: other.url });
      try {
        await s.write(C(1), new SecretValue('x'));
      } finally {
        await s.close();
      }
      const where = await sql<{ table_schema: string }>(
        other.url,
        "SELECT table_schema FROM information_schema.tables WHERE table_name = 'secrets'",
      );
      assert.deepEqual(where, [{ table_schema: 'airbyte_cfg' }]);
    } finally {
      await other.drop();
    }
  });
});

describe('database store errors', () => {
  let db: TestDatabase;
  const role = `abs_reader_${randomBytes(4).toString('hex')}`;

  before(async () => {
    db = await createTestDatabase('dberr');
    await sql(db.url, CREATE_SECRETS_TABLE);
    if (!EMBEDDED) await sql(db.url, `CREATE ROLE ${role} LOGIN`);
  });
  after(async () => {
    await db?.drop();
    if (!EMBEDDED) await sql(ADMIN_URL, `DROP ROLE IF EXISTS ${role}`);
  });

  test('no privilege is permission-denied, not missing', { skip: SKIP_EMBEDDED }, async () => {
    const url = new URL(db.url);
    url.username = role;
    const s = await createDatabaseStore({ kind: 'database', url: url.toString() });
    try {
      await assert.rejects(s.read(C(1)), (err) => {
        assert.ok(err instanceof StoreError);
        assert.equal(err.kind, 'permission-denied');
        assert.equal(err.operation, 'read');
        assert.equal(err.coordinate, C(1));
        assert.match(err.message, /^database read airbyte_\S+: permission denied \(42501 permission denied/);
        return true;
      });
    } finally {
      await s.close();
    }
  });

  test('a refused connection is transient and shows no credential', async () => {
    const s = await createDatabaseStore({
      kind: 'database',
      url: 'postgres://airbyte@127.0.0.1:1/airbyte',
      password: new SecretValue('pw-canary-1'),
    });
    try {
      await assert.rejects(s.read(C(1)), (err) => {
        assert.ok(err instanceof StoreError);
        assert.equal(err.kind, 'transient');
        assert.equal(err.retryable, true);
        assert.ok(!JSON.stringify({ ...err, m: err.message }).includes('pw-canary'));
        return true;
      });
      assert.ok(!s.description.includes('pw-canary'));
    } finally {
      await s.close();
    }
  });

  test('a value the server rejects never appears in the error', async () => {
    const s = await createDatabaseStore({ kind: 'database', url: db.url });
    try {
      await assert.rejects(s.write(C('nul'), new SecretValue('canary-value\u0000after')), (err) => {
        assert.ok(err instanceof StoreError);
        assert.equal(err.kind, 'invalid');
        assert.ok(!err.message.includes('canary-value'));
        assert.ok(!Object.values(err).some((v) => String(v).includes('canary-value')));
        return true;
      });
    } finally {
      await s.close();
    }
  });

  test('a pool passed in is used and left open', async () => {
    const pool = new pg.Pool({ connectionString: db.url, max: 1 });
    try {
      const s = await createDatabaseStore({ kind: 'database', url: 'postgres://unused/none' }, { pool });
      assert.equal(await s.write(C('pool'), new SecretValue('p')), 'created');
      await s.close();
      const rows = await pool.query('SELECT payload FROM secrets WHERE coordinate = $1', [C('pool')]);
      assert.deepEqual(rows.rows, [{ payload: 'p' }]);
    } finally {
      await pool.end();
    }
  });
});

describe('database store, a database without the secrets table', () => {
  test('is asked once about the missing table, not once per read; our first write creates it for the next read', async () => {
    const empty = await createTestDatabase('dbempty');
    const pool = new pg.Pool({ connectionString: empty.url, max: 4 });
    let statements = 0;
    const query = pool.query.bind(pool) as (...args: unknown[]) => unknown;
    (pool as unknown as { query: (...args: unknown[]) => unknown }).query = (...args: unknown[]) => {
      statements++;
      return query(...args);
    };
    try {
      const s = await createDatabaseStore({ kind: 'database', url: 'postgres://unused/none' }, { pool });
      assert.equal(await s.read(C('missing-0')), undefined);
      const after = statements;
      const answers = await Promise.all(Array.from({ length: 200 }, (_, i) => s.read(C(`missing-${i}`))));
      assert.ok(answers.every((a) => a === undefined));
      // Each failing statement costs a round trip the server answers slowly (the plan of a fresh
      // target ran 6 times slower): for a moment, the answer is known without asking.
      assert.equal(statements, after);
      assert.equal(await s.write(C('first'), new SecretValue('v')), 'created');
      assert.equal((await s.read(C('first')))?.reveal(), 'v');
      await s.close();
    } finally {
      await pool.end();
      await empty.drop();
    }
  });
});

// Roles and other users need the real server.
describe('database store connection settings', { skip: SKIP_EMBEDDED }, () => {
  test("Airbyte's jdbc: URL with DATABASE_USER given apart connects as that user", async () => {
    const db = await createTestDatabase('dbjdbc');
    const admin = new pg.Client({ connectionString: db.url });
    await admin.connect();
    const role = `abs_jdbc_${randomBytes(3).toString('hex')}`;
    try {
      await admin.query(`CREATE ROLE ${role} LOGIN; GRANT ALL ON SCHEMA public TO ${role}`);
      const host = new URL(db.url);
      // The URL names no user; pg would otherwise fall back to the OS user, not DATABASE_USER.
      const store = await createDatabaseStore({
        kind: 'database',
        url: `jdbc:postgresql://${host.hostname}:${host.port}/${db.name}`,
        user: role,
      });
      try {
        await store.write('airbyte_workspace_x_secret_y_v1', new SecretValue('v'));
        const owner = await admin.query(`SELECT tableowner FROM pg_tables WHERE tablename = 'secrets'`);
        assert.equal(owner.rows[0].tableowner, role);
      } finally {
        await store.close();
      }
    } finally {
      await admin
        .query(`DROP TABLE IF EXISTS secrets; DROP OWNED BY ${role}; DROP ROLE ${role}`)
        .catch(() => undefined);
      await admin.end();
      await db.drop();
    }
  });
});
