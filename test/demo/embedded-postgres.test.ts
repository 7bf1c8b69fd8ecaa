import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import Cursor from 'pg-cursor';
import { type EmbeddedPostgres, startEmbeddedPostgres } from '../../src/emulators/postgres/index.js';
import { ensureJournalSchema } from '../../src/journal/schema.js';
import { createAirbyteSchema } from '../../src/sample/schema.js';

/** Reads a table through a pg-cursor inside a REPEATABLE READ READ ONLY transaction, as the inventory does. */
async function readThroughCursor(pool: pg.Pool, sql: string): Promise<number[]> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    const cursor = client.query(new Cursor<{ i: number }>(sql));
    const out: number[] = [];
    for (;;) {
      const rows = await cursor.read(100);
      out.push(...rows.map((r) => r.i));
      if (rows.length < 100) break;
      await new Promise((r) => setTimeout(r, 1)); // let other connections queue up meanwhile
    }
    await cursor.close();
    await client.query('COMMIT');
    return out;
  } finally {
    client.release();
  }
}

describe('embedded PostgreSQL (PGlite behind our wire server, real pg driver)', () => {
  let db: EmbeddedPostgres;
  let pool: pg.Pool;

  before(async () => {
    db = await startEmbeddedPostgres({ waitTimeoutMs: 1500 });
    pool = new pg.Pool({ connectionString: db.url, max: 8 });
    await pool.query('CREATE TABLE numbers AS SELECT g AS i FROM generate_series(1, 2000) g');
  });

  after(async () => {
    await pool.end();
    await db.close();
  });

  test('the URL is a plain postgres:// URL on 127.0.0.1 and the server is PostgreSQL', async () => {
    assert.match(db.url, /^postgres:\/\/postgres@127\.0\.0\.1:\d+\/postgres$/);
    const { rows } = await pool.query<{ v: string }>('SELECT version() AS v');
    assert.match(rows[0]!.v, /^PostgreSQL \d+/);
  });

  test("Airbyte's tables (current and legacy) and the journal migrations install", async () => {
    for (const variant of ['current', 'legacy'] as const) {
      const client = await pool.connect();
      try {
        await client.query(`CREATE SCHEMA airbyte_${variant}; SET search_path TO airbyte_${variant}`);
        await createAirbyteSchema(client, { variant });
        await client.query('RESET search_path');
      } finally {
        client.release();
      }
    }
    await ensureJournalSchema(pool, 'journal_test', { requireAirbyte: false });
    const { rows } = await pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM information_schema.tables
       WHERE table_schema IN ('airbyte_current', 'airbyte_legacy', 'journal_test')`,
    );
    assert.ok(rows[0]!.n >= 15, `${rows[0]!.n} tables`);
    const uuid = await pool.query<{ u: string }>('SELECT gen_random_uuid()::text AS u');
    assert.match(uuid.rows[0]!.u, /^[0-9a-f-]{36}$/);
  });

  test('parameterised queries from many connections at once each get their own answer', async () => {
    const answers = await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        pool.query<{ i: number; t: string }>('SELECT $1::int AS i, $2::text AS t', [i, 'x'.repeat(i % 40)]),
      ),
    );
    answers.forEach((r, i) => {
      assert.equal(r.rows[0]!.i, i);
      assert.equal(r.rows[0]!.t.length, i % 40);
    });
  });

  test('cursors in snapshot transactions survive queries from other connections', async () => {
    let stop = false;
    let other = 0;
    const noise = (async () => {
      while (!stop) {
        const r = await pool.query<{ x: number }>('SELECT $1::int + 1 AS x', [other]);
        assert.equal(r.rows[0]!.x, other + 1);
        other++;
      }
    })();
    const [a, b] = await Promise.all([
      readThroughCursor(pool, 'SELECT i FROM numbers ORDER BY i'),
      readThroughCursor(pool, 'SELECT i FROM numbers ORDER BY i DESC'),
    ]);
    stop = true;
    await noise;
    assert.equal(a.length, 2000);
    assert.equal(b.length, 2000);
    assert.equal(a[0], 1);
    assert.equal(b[0], 2000);
  });

  test('transactions on different connections do not mix', async () => {
    await pool.query('CREATE TABLE counter (n int)');
    await Promise.all(
      Array.from({ length: 20 }, async (_, i) => {
        const c = await pool.connect();
        try {
          await c.query('BEGIN');
          await c.query('INSERT INTO counter VALUES ($1)', [i]);
          if (i % 2) await c.query('ROLLBACK');
          else await c.query('COMMIT');
        } finally {
          c.release();
        }
      }),
    );
    const { rows } = await pool.query<{ n: number }>('SELECT count(*)::int AS n FROM counter');
    assert.equal(rows[0]!.n, 10);
  });

  test('a connection that disconnects inside a transaction is rolled back and frees the session', async () => {
    const client = new pg.Client({ connectionString: db.url });
    client.on('error', () => undefined);
    await client.connect();
    await client.query('CREATE TABLE left_open (n int)');
    await client.query('BEGIN');
    await client.query('INSERT INTO left_open VALUES (1)');
    (client as unknown as { connection: { stream: { destroy(): void } } }).connection.stream.destroy();
    const { rows } = await pool.query<{ n: number }>('SELECT count(*)::int AS n FROM left_open');
    assert.equal(rows[0]!.n, 0);
  });

  test('waiting on itself (a transaction held open while another connection queries) fails, not hangs', async () => {
    const holder = await pool.connect();
    try {
      await holder.query('BEGIN');
      await assert.rejects(pool.query('SELECT 1'), (err: Error & { code?: string }) => {
        assert.equal(err.code, '55P03');
        assert.match(err.message, /one session/);
        return true;
      });
      await holder.query('COMMIT');
    } finally {
      holder.release();
    }
    const { rows } = await pool.query<{ one: number }>('SELECT 1 AS one');
    assert.equal(rows[0]!.one, 1);
  });
});

describe('embedded PostgreSQL on disk', () => {
  test('keeps its files in dataDir and closes with clients still connected', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'abs-embedded-'));
    try {
      const db = await startEmbeddedPostgres({ dataDir: join(dir, 'pgdata') });
      const client = new pg.Client({ connectionString: db.url });
      client.on('error', () => undefined);
      await client.connect();
      await client.query('CREATE TABLE kept (n int); INSERT INTO kept VALUES (42)');
      await db.close();
      await db.close(); // twice is fine
      assert.ok(existsSync(join(dir, 'pgdata', 'PG_VERSION')));
      const again = await startEmbeddedPostgres({ dataDir: join(dir, 'pgdata') });
      const pool = new pg.Pool({ connectionString: again.url });
      const { rows } = await pool.query<{ n: number }>('SELECT n FROM kept');
      assert.equal(rows[0]!.n, 42);
      await pool.end();
      await again.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
