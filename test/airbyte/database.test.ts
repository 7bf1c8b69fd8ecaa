import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { inspect } from 'node:util';
import pg from 'pg';
import { describeDatabase, openDatabase, resolveDatabaseConnection } from '../../src/airbyte/connection.js';
import { detectAirbyteSchema } from '../../src/airbyte/schema-detect.js';
import { databaseConnection, databaseFromEnv } from '../../src/config/database.js';
import { createAirbyteSchema } from '../../src/sample/schema.js';
import { UsageError } from '../../src/util/errors.js';
import { SecretValue } from '../../src/util/secret-value.js';
import { ADMIN_URL, createTestDatabase, SKIP_EMBEDDED, type TestDatabase } from '../helpers/postgres.js';

const CANARY = 'canary-0d1e2f3a4b5c6d7e';

async function passwordOf(config: pg.PoolConfig): Promise<string | undefined> {
  const p = config.password;
  return typeof p === 'function' ? await p() : p;
}

describe('resolveDatabaseConnection', () => {
  test('postgres:// and postgresql:// URLs', async () => {
    const c = resolveDatabaseConnection({
      url: `postgres://airbyte:${CANARY}@db.example.com:6543/db-airbyte`,
    });
    assert.equal(c.host, 'db.example.com');
    assert.equal(c.port, 6543);
    assert.equal(c.database, 'db-airbyte');
    assert.equal(c.user, 'airbyte');
    assert.equal(await passwordOf(c), CANARY);
    const d = resolveDatabaseConnection({ url: 'postgresql://localhost/airbyte' });
    assert.equal(d.port, 5432);
    assert.equal(d.user, undefined);
    assert.equal(d.password, undefined);
  });

  test("Airbyte's jdbc:postgresql:// URL, with user and password given separately", async () => {
    const c = resolveDatabaseConnection({
      url: 'jdbc:postgresql://airbyte-db-svc:5432/db-airbyte?sslmode=require&currentSchema=public',
      user: 'docker',
      password: new SecretValue(CANARY),
    });
    assert.equal(c.host, 'airbyte-db-svc');
    assert.equal(c.database, 'db-airbyte');
    assert.equal(c.user, 'docker');
    assert.equal(await passwordOf(c), CANARY);
    assert.deepEqual(c.ssl, { rejectUnauthorized: false });
    assert.equal(c.options, '-c search_path=public');
    // JDBC's own user/password parameters, and ssl=true meaning verify-full.
    const j = resolveDatabaseConnection({
      url: `jdbc:postgresql://h:5433/d?user=u&password=${CANARY}&ssl=true`,
    });
    assert.equal(j.user, 'u');
    assert.equal(await passwordOf(j), CANARY);
    assert.equal(j.ssl, true);
  });

  test('explicit user and password override the URL; percent-escapes are decoded', async () => {
    const c = resolveDatabaseConnection({
      url: 'postgres://url-user:url%40pass@h/d',
      user: 'env-user',
      password: new SecretValue(CANARY),
    });
    assert.equal(c.user, 'env-user');
    assert.equal(await passwordOf(c), CANARY);
    assert.equal(
      await passwordOf(resolveDatabaseConnection({ url: 'postgres://u:url%40pass@h/d' })),
      'url@pass',
    );
  });

  test('sslmode maps to TLS options', () => {
    const ssl = (mode: string) => resolveDatabaseConnection({ url: `postgres://h/d?sslmode=${mode}` }).ssl;
    assert.equal(ssl('disable'), false);
    assert.equal(ssl('prefer'), false);
    assert.deepEqual(ssl('require'), { rejectUnauthorized: false });
    assert.equal(ssl('verify-full'), true);
    assert.equal(
      typeof (ssl('verify-ca') as { checkServerIdentity?: unknown }).checkServerIdentity,
      'function',
    );
    assert.throws(() => ssl('sometimes'), UsageError);
  });

  test('the password never shows when the config is printed', () => {
    const c = resolveDatabaseConnection({ url: `postgres://u:${CANARY}@h/d` });
    assert.ok(!inspect(c, { depth: 5 }).includes(CANARY));
    assert.ok(!JSON.stringify(c).includes(CANARY));
    assert.equal(describeDatabase(c), 'h:5432/d');
  });

  test('anything but a PostgreSQL URL is a one-line usage error that does not echo the URL', () => {
    for (const url of [
      `mysql://u:${CANARY}@h/d`,
      'not a url',
      `jdbc:oracle:thin:@h:1521:${CANARY}`,
      'postgres://h:99999/d',
    ]) {
      assert.throws(
        () => resolveDatabaseConnection({ url }),
        (err: unknown) =>
          err instanceof UsageError && !err.message.includes(CANARY) && !err.message.includes('\n'),
      );
    }
  });
});

describe('databaseFromEnv / databaseConnection', () => {
  test("reads Airbyte's DATABASE_* variables; the password is a SecretValue", () => {
    const env = databaseFromEnv({
      DATABASE_URL: 'jdbc:postgresql://db:5432/airbyte',
      DATABASE_USER: 'docker',
      DATABASE_PASSWORD: CANARY,
    });
    assert.equal(env.url, 'jdbc:postgresql://db:5432/airbyte');
    assert.equal(env.user, 'docker');
    assert.ok(env.password instanceof SecretValue);
    assert.ok(!inspect(env).includes(CANARY));
    assert.deepEqual(databaseFromEnv({ DATABASE_URL: ' ', DATABASE_USER: '' }), {});
  });

  test('the flag wins over DATABASE_URL; neither is a usage error', () => {
    const env = databaseFromEnv({ DATABASE_URL: 'postgres://env/db', DATABASE_USER: 'u' });
    assert.equal(databaseConnection('postgres://flag/db', env).url, 'postgres://flag/db');
    assert.equal(databaseConnection(undefined, env).url, 'postgres://env/db');
    assert.equal(databaseConnection(undefined, env).user, 'u');
    assert.throws(() => databaseConnection(undefined, {}), UsageError);
  });
});

// Needs the real server's other databases and error codes.
describe('openDatabase', { skip: SKIP_EMBEDDED }, () => {
  test('connects and answers', async () => {
    const pool = await openDatabase({ url: ADMIN_URL });
    try {
      assert.equal((await pool.query('SELECT 1 AS one')).rows[0].one, 1);
    } finally {
      await pool.end();
    }
  });

  test('an unreachable server is a one-line usage error naming host, port and database, never the password', async () => {
    await assert.rejects(
      openDatabase({ url: 'postgres://airbyte@127.0.0.1:1/db-airbyte', password: new SecretValue(CANARY) }),
      (err: unknown) => {
        assert.ok(err instanceof UsageError);
        assert.match(err.message, /127\.0\.0\.1:1\/db-airbyte/);
        assert.match(err.message, /connection refused/);
        assert.match(err.message, /--database-url/);
        assert.ok(!err.message.includes(CANARY) && !err.message.includes('\n'));
        assert.ok(!inspect(err).includes(CANARY));
        return true;
      },
    );
  });

  test('a missing database says so', async () => {
    const url = new URL(ADMIN_URL);
    url.pathname = '/abs_no_such_database';
    await assert.rejects(openDatabase({ url: url.toString() }), /database does not exist/);
  });
});

describe('detectAirbyteSchema', () => {
  let db: TestDatabase;
  let pool: pg.Pool;
  before(async () => {
    db = await createTestDatabase('detect');
    pool = new pg.Pool({ connectionString: db.url });
  });
  after(async () => {
    await pool.end();
    await db.drop();
  });

  test('a database without Airbyte tables is a usage error', async () => {
    await assert.rejects(detectAirbyteSchema(pool), (err: unknown) => {
      assert.ok(err instanceof UsageError);
      assert.match(err.message, /no Airbyte table actor, actor_definition, workspace/);
      return true;
    });
  });

  test('reports what this Airbyte version has', async () => {
    await createAirbyteSchema(pool, { variant: 'legacy' });
    const legacy = await detectAirbyteSchema(pool);
    assert.equal(legacy.secretsTable, false);
    assert.equal(legacy.versionPins, false);
    // Airbyte creates `secrets` on first use of the database store; adding it flips only that.
    await pool.query('CREATE TABLE secrets (coordinate TEXT PRIMARY KEY, payload TEXT)');
    const later = await detectAirbyteSchema(pool);
    assert.deepEqual({ ...later, tables: {} }, { ...legacy, tables: {}, secretsTable: true });
  });
});
