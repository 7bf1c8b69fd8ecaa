import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import { ensureJournalSchema } from '../../src/journal/schema.js';
import { type SeededDatabase, seededDatabase } from '../helpers/airbyte-db.js';
import { assertBuilt, parseJson, runCli } from '../helpers/cli.js';
import { createTestDatabase, type TestDatabase } from '../helpers/postgres.js';
import { startTestStore, type TestStore } from '../helpers/targets.js';

const INJECTION = 'x; CREATE TABLE public.pwned(); --';

async function schemas(pool: pg.Pool): Promise<string[]> {
  const r = await pool.query<{ n: string }>(
    `SELECT nspname AS n FROM pg_namespace WHERE nspname NOT LIKE 'pg\\_%' AND nspname <> 'information_schema' ORDER BY 1`,
  );
  return r.rows.map((x) => x.n);
}

async function pwned(pool: pg.Pool): Promise<boolean> {
  const r = await pool.query<{ ok: boolean }>(`SELECT to_regclass('public.pwned') IS NOT NULL AS ok`);
  return r.rows[0]?.ok === true;
}

describe('--journal-schema is an identifier, quoted everywhere', () => {
  let db: SeededDatabase;
  let vault: TestStore;
  before(async () => {
    assertBuilt();
    db = await seededDatabase('journal_schema', { actors: 6, seed: 6, shapes: ['plaintext', 'secret'] });
    vault = await startTestStore('vault');
  });
  after(async () => {
    await vault.close();
    await db.close();
  });

  test('the injection creates nothing: exit 2 and one line, from every command that takes the flag', async () => {
    const before = await schemas(db.pool);
    for (const args of [
      ['migrate', ...vault.cliArgs('to')],
      ['migrate', '--dry-run', ...vault.cliArgs('to')],
      ['audit'],
      ['runs'],
    ]) {
      for (const json of [false, true]) {
        const r = await runCli(
          [...args, '--database-url', db.url, '--journal-schema', INJECTION, ...(json ? ['--json'] : [])],
          {
            env: vault.cliEnv,
          },
        );
        assert.equal(r.code, 2, `${args[0]}: ${r.stdout}${r.stderr}`);
        if (json) {
          const out = parseJson<{ error: { message: string } }>(r);
          assert.match(out.error.message, /^--journal-schema .* is not a schema name/);
          assert.ok(!out.error.message.includes('\n'), out.error.message);
        } else {
          assert.equal(r.stderr.trimEnd().split('\n').length, 1, r.stderr);
          assert.match(r.stderr, /is not a schema name/);
        }
      }
    }
    assert.equal(await pwned(db.pool), false, 'no table was created');
    assert.deepEqual(await schemas(db.pool), before, 'no schema was created');
  });

  test('the schema runner itself refuses the injection (library callers)', async () => {
    await assert.rejects(ensureJournalSchema(db.pool, INJECTION), /is not a schema name/);
    assert.equal(await pwned(db.pool), false);
  });

  test('a name that needs quoting is one schema: migrate, runs and audit use it', async () => {
    for (const schema of ['team.a', 'Team-A']) {
      const r = await runCli(
        ['migrate', '--database-url', db.url, '--journal-schema', schema, ...vault.cliArgs('to'), '--json'],
        { env: vault.cliEnv },
      );
      assert.equal(r.code, 0, r.stdout + r.stderr);
      const runs = parseJson<{ runs: unknown[] }>(
        await runCli(['runs', '--database-url', db.url, '--journal-schema', schema, '--json']),
      );
      assert.equal(runs.runs.length, 1, schema);
      const audit = await runCli(['audit', '--database-url', db.url, '--journal-schema', schema, '--json'], {
        env: vault.cliEnv,
      });
      assert.ok(audit.code === 0 || audit.code === 1, audit.stderr);
      const tables = await db.pool.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM information_schema.tables WHERE table_schema = $1`,
        [schema],
      );
      assert.ok((tables.rows[0]?.n ?? 0) >= 6, `${schema}: ${tables.rows[0]?.n} tables`);
    }
  });
});

describe('nothing is created in a database that is not Airbyte’s', () => {
  let other: TestDatabase;
  let pool: pg.Pool;
  let vault: TestStore;
  before(async () => {
    assertBuilt();
    other = await createTestDatabase('not_airbyte');
    pool = new pg.Pool({ connectionString: other.url, max: 2 });
    vault = await startTestStore('vault');
  });
  after(async () => {
    await vault.close();
    await pool.end();
    await other.drop();
  });

  test('migrate, audit and rekey refuse it in one line before creating their schema', async () => {
    const before = await schemas(pool);
    for (const args of [
      ['migrate', ...vault.cliArgs('to')],
      ['audit'],
      ['rekey', '--store', 'database', '--category', 'all'],
    ]) {
      const r = await runCli([...args, '--database-url', other.url], { env: vault.cliEnv });
      assert.equal(r.code, 2, `${args[0]}: ${r.stdout}${r.stderr}`);
      assert.match(r.stderr, /has no Airbyte table/, `${args[0]}: ${r.stderr}`);
    }
    assert.deepEqual(await schemas(pool), before);
  });
});
