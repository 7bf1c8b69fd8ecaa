import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import { runCrashTrials } from '../../bench/crash.js';
import { getAt } from '../../src/airbyte/json-path.js';
import { WRITER_LOCK_KEY } from '../../src/journal/writer-lock.js';
import { runMigration } from '../../src/migrate/index.js';
import { rollbackRun } from '../../src/migrate/rollback.js';
import { endpointIdentity, storeIdentity } from '../../src/stores/identity.js';
import { createStore } from '../../src/stores/open.js';
import type { SecretStore } from '../../src/stores/types.js';
import { dumpAirbyteTables, type SeededDatabase, seededDatabase } from '../helpers/airbyte-db.js';
import { BIN, ROOT, runCli } from '../helpers/cli.js';
import { startTestStore, type TestStore } from '../helpers/targets.js';

/** A real store with its write replaced (the test acts between a write and what follows it). */
function withWrite(real: SecretStore, write: SecretStore['write']): SecretStore {
  return {
    kind: real.kind,
    description: real.description,
    ...(real.identity ? { identity: real.identity } : {}),
    capabilities: real.capabilities,
    nameOf: (c) => real.nameOf(c),
    read: (c, o) => real.read(c, o),
    delete: (c, o) => real.delete(c, o),
    list: () => real.list(),
    describe: (c) => real.describe(c),
    close: () => real.close(),
    write,
  };
}

/** Names the store holds a readable value under. */
async function readableNames(store: SecretStore): Promise<Set<string>> {
  const out = new Set<string>();
  for await (const name of store.list()) if ((await store.read(name)) !== undefined) out.add(name);
  return out;
}

describe('write-ahead journal: a crash between a store write and its journal entry', () => {
  let db: SeededDatabase;
  let source: TestStore;
  let target: TestStore;
  before(async () => {
    db = await seededDatabase('wal', { actors: 12, shapes: ['plaintext'], seed: 7 });
    source = await startTestStore('database', { databaseUrl: db.url });
    target = await startTestStore('vault');
  });
  after(async () => {
    await target.close();
    await source.close();
    await db.close();
  });

  test('the resumed attempt journals the copy created, and rollback --delete-created removes it: tables byte-identical', async () => {
    const before_ = await dumpAirbyteTables(db.pool);
    const targetBefore = await readableNames(await target.open());
    const realSource = await source.open();
    let writes = 0;
    // The process "dies" right after its third write to the secrets table reached the database.
    const dying = withWrite(realSource, async (coordinate, value) => {
      const outcome = await realSource.write(coordinate, value);
      if (++writes === 3) throw new Error('killed after the write, before the journal');
      return outcome;
    });
    await assert.rejects(
      runMigration({ pool: db.pool, source: dying, target: await target.open(), concurrency: 1 }),
      /killed after the write/,
    );
    const resumed = await runMigration({ pool: db.pool, source: realSource, target: await target.open() });
    assert.equal(resumed.resumed, true, 'the same run is resumed');
    assert.equal(resumed.ok, true);
    const items = await db.pool.query(
      `SELECT source_outcome FROM airbyte_secrets.migration_item WHERE action = 'extract'`,
    );
    assert.ok(items.rows.length > 3);
    assert.deepEqual(
      items.rows.filter((r) => r.source_outcome !== 'created'),
      [],
      'every extracted coordinate this run wrote is journaled created, by whichever attempt',
    );
    const rolled = await rollbackRun({
      pool: db.pool,
      runId: resumed.runId,
      source: realSource,
      target: await target.open(),
      deleteCreated: true,
    });
    assert.equal(rolled.ok, true);
    assert.deepEqual(await dumpAirbyteTables(db.pool), before_, 'Airbyte tables, secrets included');
    const left = [...(await readableNames(await target.open()))].filter((n) => !targetBefore.has(n));
    const referencedCopies = new Set((before_.secrets ?? []).map((r) => JSON.parse(r)[0] as string));
    assert.deepEqual(
      left.filter((n) => !referencedCopies.has(n)),
      [],
      'nothing the run extracted is left in the target',
    );
  });
});

describe('one writer lock per Airbyte database', () => {
  let db: SeededDatabase;
  let vault: TestStore;
  before(async () => {
    db = await seededDatabase('writer_lock', { actors: 4, shapes: ['plaintext', 'secret'], seed: 3 });
    vault = await startTestStore('vault');
  });
  after(async () => {
    await vault.close();
    await db.close();
  });

  test('every writing command, whatever stores it names, exits 2 with one line naming the holding run', async () => {
    const holderRun = randomUUID();
    const holder = new pg.Client({ connectionString: db.url });
    holder.on('error', () => undefined);
    await holder.connect();
    try {
      await holder.query(`SELECT set_config('application_name', $1, false)`, [
        `airbyte-secrets:migrate:${holderRun}`,
      ]);
      const got = await holder.query('SELECT pg_try_advisory_lock($1) AS ok', [WRITER_LOCK_KEY]);
      assert.equal(got.rows[0].ok, true);
      // Another spelling of the same database: the lock is on the database, not on a string.
      const otherSpelling = db.url.replace('127.0.0.1', 'localhost');
      const url = ['--database-url', otherSpelling];
      const commands = [
        ['migrate', ...url, ...vault.cliArgs('to')],
        // The same Vault spelled another way (the preflight, which runs first, needs a store that answers).
        ['migrate', ...url, ...vault.cliArgs('to').map((a) => a.replace('127.0.0.1', 'localhost'))],
        ['sync', ...url, '--from', 'database', ...vault.cliArgs('to')],
        ['rekey', ...url, '--category', 'all'],
        [
          'cleanup',
          ...url,
          '--store',
          'database',
          '--verified-in',
          'vault',
          ...vault.cliArgs('to').slice(2),
          '--airbyte-uses',
          'vault',
          '--yes',
        ],
      ];
      for (const args of commands) {
        const r = await runCli(args, {
          env: {
            ...vault.cliEnv,
            AWS_SECRET_MANAGER_ACCESS_KEY_ID: 'x',
            AWS_SECRET_MANAGER_SECRET_ACCESS_KEY: 'y',
          },
        });
        assert.equal(r.code, 2, `${args[0]}: ${r.stdout}${r.stderr}`);
        const lines = r.stderr.split('\n').filter((l) => l.trim() && !/(^|\s)phase=/.test(l));
        assert.equal(lines.length, 1, `${args[0]}: one line: ${r.stderr}`);
        assert.match(lines[0] ?? '', new RegExp(`lock.*migrate, run ${holderRun}`), args[0]);
      }
      const json = await runCli(['migrate', ...url, ...vault.cliArgs('to'), '--json'], { env: vault.cliEnv });
      assert.equal(json.code, 2);
      const parsed = JSON.parse(json.stdout) as { error: { message: string; exitCode: number } };
      assert.equal(parsed.error.exitCode, 2);
      assert.match(parsed.error.message, new RegExp(holderRun));
    } finally {
      await holder.end();
    }
    // Released: the next writer goes ahead, and releases it in turn (a second run then works too).
    const first = await runCli(['migrate', '--database-url', db.url, ...vault.cliArgs('to'), '--json'], {
      env: vault.cliEnv,
    });
    assert.equal(first.code, 0, first.stderr);
    const free = await db.pool.query('SELECT pg_try_advisory_lock($1) AS ok', [WRITER_LOCK_KEY]);
    assert.equal(free.rows[0].ok, true, 'the lock is released when the command ends');
    await db.pool.query('SELECT pg_advisory_unlock_all()');
    // Rollback takes it too (its run must exist: the stores come from the journal).
    const { runId } = JSON.parse(first.stdout) as { runId: string };
    const again = new pg.Client({ connectionString: db.url });
    again.on('error', () => undefined);
    await again.connect();
    try {
      await again.query('SELECT pg_try_advisory_lock($1)', [WRITER_LOCK_KEY]);
      const r = await runCli(['rollback', runId, '--database-url', db.url, ...vault.cliArgs('to'), '--yes'], {
        env: vault.cliEnv,
      });
      assert.equal(r.code, 2, r.stdout + r.stderr);
      assert.match(r.stderr, /holds this Airbyte database's lock/);
    } finally {
      await again.end();
    }
  });
});

describe('store identity', () => {
  test('two spellings of one endpoint are one identity', () => {
    const same = [
      ['http://127.0.0.1:8200', 'http://localhost:8200/'],
      ['https://Vault.Example.com', 'https://vault.example.com:443/'],
      ['http://[::1]:8200', 'http://LOCALHOST:8200'],
      ['postgres://u@127.0.0.1/db', 'postgresql://u@localhost:5432/db'],
      ['jdbc:postgresql://db.internal:5432/airbyte', 'postgres://db.internal/airbyte'],
      ['https://my-vault.vault.azure.net/', 'https://MY-VAULT.vault.azure.net'],
    ];
    for (const [a = '', b = ''] of same) assert.equal(endpointIdentity(a), endpointIdentity(b), `${a} ${b}`);
    assert.notEqual(endpointIdentity('http://127.0.0.1:8200'), endpointIdentity('http://127.0.0.1:8201'));
    assert.notEqual(endpointIdentity('https://a.example.com'), endpointIdentity('https://b.example.com'));
  });

  test('a Vault store reached as localhost or 127.0.0.1, with or without slashes, is one store; the mount counts', async () => {
    const vault = await startTestStore('vault');
    try {
      if (vault.settings.kind !== 'vault') throw new Error('vault settings');
      const port = new URL(vault.settings.address).port;
      const a = await createStore({
        ...vault.settings,
        address: `http://127.0.0.1:${port}`,
        prefix: 'secret/',
      });
      const b = await createStore({
        ...vault.settings,
        address: `http://localhost:${port}/`,
        prefix: '/secret//',
      });
      const c = await createStore({
        ...vault.settings,
        address: `http://localhost:${port}/`,
        prefix: 'secret/team-b/',
      });
      try {
        assert.equal(storeIdentity(a), storeIdentity(b));
        assert.notEqual(storeIdentity(a), storeIdentity(c));
      } finally {
        await Promise.all([a.close(), b.close(), c.close()]);
      }
    } finally {
      await vault.close();
    }
  });
});

describe('rollback and superseded items leave nothing behind, and never take what a row references', () => {
  test('a superseded extract removes the copies it wrote', async () => {
    const db = await seededDatabase('superseded', { actors: 6, shapes: ['plaintext'], seed: 9 });
    const source = await startTestStore('database', { databaseUrl: db.url });
    const target = await startTestStore('vault');
    const victim = db.manifest.planted.find((p) => p.kind === 'plaintext' && p.holder === 'actor');
    assert.ok(victim);
    try {
      const real = await target.open();
      let raced = false;
      const racing = withWrite(real, async (coordinate, value) => {
        const outcome = await real.write(coordinate, value);
        if (!raced) {
          raced = true;
          await db.pool.query(
            `UPDATE actor SET configuration = jsonb_set(configuration, $2::text[], to_jsonb('edited meanwhile'::text)) WHERE id = $1`,
            [victim.rowId, victim.path.slice(2).split('.')],
          );
        }
        return outcome;
      });
      const secretsBefore = new Set(
        ((await dumpAirbyteTables(db.pool)).secrets ?? []).map((r) => JSON.parse(r)[0] as string),
      );
      const result = await runMigration({
        pool: db.pool,
        source: await source.open(),
        target: racing,
        concurrency: 1,
      });
      assert.ok(result.problems.some((p) => p.state === 'superseded'));
      const referenced = new Set<string>();
      for (const row of (await db.pool.query('SELECT configuration::text AS c FROM actor')).rows) {
        for (const m of String(row.c).matchAll(/"_secret": "([^"]+)"/g)) if (m[1]) referenced.add(m[1]);
      }
      const orphansInTarget = [...(await readableNames(real))].filter((n) => !referenced.has(n));
      assert.deepEqual(orphansInTarget, [], 'no orphan copy in the target');
      const secretsNow = ((await dumpAirbyteTables(db.pool)).secrets ?? []).map(
        (r) => JSON.parse(r)[0] as string,
      );
      assert.deepEqual(
        secretsNow.filter((c) => !secretsBefore.has(c) && !referenced.has(c)),
        [],
        'no orphan copy in the secrets table',
      );
    } finally {
      await target.close();
      await source.close();
      await db.close();
    }
  });

  test('rollback --delete-created keeps every coordinate a refused (edited) row references, in both stores', async () => {
    const db = await seededDatabase('rollback_refused', { actors: 6, shapes: ['plaintext'], seed: 4 });
    const source = await startTestStore('database', { databaseUrl: db.url });
    const target = await startTestStore('vault');
    try {
      const run = await runMigration({
        pool: db.pool,
        source: await source.open(),
        target: await target.open(),
      });
      assert.equal(run.ok, true);
      const edited = (await db.pool.query('SELECT id, configuration FROM actor ORDER BY id LIMIT 1')).rows[0];
      await db.pool.query(
        `UPDATE actor SET configuration = configuration || '{"edited_by_operator": true}'::jsonb WHERE id = $1`,
        [edited.id],
      );
      const rolled = await rollbackRun({
        pool: db.pool,
        runId: run.runId,
        source: await source.open(),
        target: await target.open(),
        deleteCreated: true,
      });
      assert.ok(
        rolled.refused.some((r) => r.rowId === edited.id),
        'the edited row is refused',
      );
      const config = (
        await db.pool.query('SELECT configuration::text AS c FROM actor WHERE id = $1', [edited.id])
      ).rows[0].c as string;
      const coordinates = [...config.matchAll(/"_secret": "([^"]+)"/g)].map((m) => m[1] ?? '');
      assert.ok(coordinates.length > 0);
      const [inSource, inTarget] = [await source.open(), await target.open()];
      for (const c of coordinates) {
        assert.ok(await inSource.read(c), `${c} still in the secrets table`);
        assert.ok(await inTarget.read(c), `${c} still in the target`);
      }
      assert.ok(getAt(JSON.parse(config), '$.edited_by_operator'));
    } finally {
      await target.close();
      await source.close();
      await db.close();
    }
  });
});

/** Starts `migrate --json` and resolves once it has journaled a few written items. */
async function migrateUnderWay(db: SeededDatabase, store: TestStore) {
  const args = ['migrate', '--database-url', db.url, ...store.cliArgs('to'), '--concurrency', '2', '--json'];
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...store.cliEnv },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const out = { stdout: '', stderr: '' };
  child.stdout.on('data', (d: Buffer) => (out.stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out.stderr += d.toString()));
  const closed = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  for (let i = 0; i < 400; i++) {
    const r = await db.pool
      .query(
        `SELECT count(*)::int AS n FROM airbyte_secrets.migration_item WHERE state IN ('verified', 'rewritten') AND action <> 'skip'`,
      )
      .catch(() => ({ rows: [{ n: 0 }] }));
    if (r.rows[0].n >= 3) break;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return { args, out, closed };
}

/** The interrupted command's end: exit 2, one JSON error, no stack; its run is `interrupted`. */
async function assertInterrupted(db: SeededDatabase, run: Awaited<ReturnType<typeof migrateUnderWay>>) {
  const code = await run.closed;
  assert.equal(code, 2, run.out.stdout + run.out.stderr);
  assert.doesNotMatch(run.out.stderr, /^\s+at /m, 'no stack trace');
  const error = (JSON.parse(run.out.stdout) as { error: { message: string; exitCode: number } }).error;
  assert.equal(error.exitCode, 2);
  assert.match(error.message, /interrupted/);
  assert.doesNotMatch(error.message, /\n/);
  const runs = await db.pool.query('SELECT id, state FROM airbyte_secrets.migration_run');
  assert.equal(runs.rows.length, 1);
  assert.equal(runs.rows[0].state, 'interrupted');
  return runs.rows[0].id as string;
}

describe('a run that loses its store', () => {
  test('the Vault server stopped mid-run: exit 2, one JSON error, run interrupted', async () => {
    const db = await seededDatabase('store_stopped', {
      actors: 40,
      shapes: ['plaintext', 'secret'],
      seed: 12,
    });
    const vault = await startTestStore('vault', { emulator: { latencyMs: 25 } });
    try {
      const run = await migrateUnderWay(db, vault);
      await vault.emulator?.close();
      await assertInterrupted(db, run);
    } finally {
      await vault.close().catch(() => undefined);
      await db.close();
    }
  });
});

describe('a run that loses its database connections', () => {
  test('pg_terminate_backend: exit 2, one JSON error, run interrupted; the next attempt resumes the same run', async () => {
    const db = await seededDatabase('terminate', { actors: 40, shapes: ['plaintext', 'secret'], seed: 11 });
    const vault = await startTestStore('vault', { emulator: { latencyMs: 25 } });
    try {
      const run = await migrateUnderWay(db, vault);
      // Every connection the run has, its lock's included, ended by the server.
      await db.pool.query(
        `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
          WHERE datname = $1 AND application_name LIKE 'airbyte-secrets%' AND pid <> pg_backend_pid()`,
        [new URL(db.url).pathname.slice(1)],
      );
      const runId = await assertInterrupted(db, run);
      const again = await runCli(run.args, { env: vault.cliEnv });
      assert.equal(again.code, 0, again.stderr);
      const result = JSON.parse(again.stdout) as { runId: string; resumed: boolean; ok: boolean };
      assert.equal(result.runId, runId, 'the same run');
      assert.equal(result.resumed, true);
      assert.equal(result.ok, true);
    } finally {
      await vault.close();
      await db.close();
    }
  });
});

describe('crash test at CI size: interrupted, resumed, rolled back, byte-identical', () => {
  test('SIGKILL, pg_terminate_backend and the store going away, twice each, against Vault', async () => {
    const results = await runCrashTrials({
      trials: 2,
      actors: 30,
      interruptions: ['sigkill', 'terminate', 'store-gone'],
      stores: ['vault'],
      seed: 2026,
    });
    const defects = results.flatMap((r) =>
      r.details
        .filter((d) => d.defects.length)
        .map((d) => `${d.interruption} +${d.delayMs}ms: ${d.defects.join('; ')}`),
    );
    assert.deepEqual(defects, []);
  });
});
