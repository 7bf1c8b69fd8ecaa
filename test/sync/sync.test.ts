import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { after, before, describe, test } from 'node:test';
import { runMigration } from '../../src/migrate/index.js';
import type { SecretStore } from '../../src/stores/types.js';
import { syncStores } from '../../src/sync/index.js';
import { SecretValue } from '../../src/util/secret-value.js';
import { leakedCanaries, type SeededDatabase, seededDatabase } from '../helpers/airbyte-db.js';
import { assertBuilt, BIN, parseJson, ROOT, runCli } from '../helpers/cli.js';
import { startTestStore, type TestStore } from '../helpers/targets.js';
import { insertConnector } from './connectors.js';

assertBuilt();

describe('sync keeps both stores complete, both ways', () => {
  let db: SeededDatabase;
  let databaseStore: TestStore;
  let vault: TestStore;
  let source: SecretStore;
  let target: SecretStore;
  const cli = (args: string[]) =>
    runCli(['sync', '--database-url', db.url, '--from', 'database', ...vault.cliArgs('to'), ...args], {
      env: vault.cliEnv,
    });

  before(async () => {
    db = await seededDatabase('sync', {
      actors: 16,
      shapes: ['secret', 'secret-with-reference', 'plaintext'],
      seed: 8,
    });
    databaseStore = await startTestStore('database', { databaseUrl: db.url });
    vault = await startTestStore('vault');
    source = await databaseStore.open();
    target = await vault.open();
    const migrated = await runMigration({ pool: db.pool, source, target });
    assert.equal(migrated.ok, true);
  });
  after(async () => {
    await vault.close();
    await databaseStore.close();
    await db.close();
  });

  test('one pass copies a connector added to either store to the other, and journals no value', async () => {
    const old = await insertConnector(db.pool);
    await source.write(old.coordinate, new SecretValue('canary-old-store-value'));
    await old.insert();
    const fresh = await insertConnector(db.pool);
    await target.write(fresh.coordinate, new SecretValue('canary-new-store-value'));
    await fresh.insert();

    const r = await cli(['--json']);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const out = parseJson<{ copiedToTarget: number; copiedToSource: number; conflicts: unknown[] }>(r);
    assert.equal(out.copiedToTarget, 1);
    assert.equal(out.copiedToSource, 1);
    assert.equal((await target.read(old.coordinate))?.reveal(), 'canary-old-store-value');
    assert.equal((await source.read(fresh.coordinate))?.reveal(), 'canary-new-store-value');
    const journal = await db.pool.query<{ t: string }>(
      `SELECT string_agg(i::text, ' ') AS t FROM airbyte_secrets.migration_item i JOIN airbyte_secrets.migration_run r ON r.id = i.run_id WHERE r.kind = 'sync'`,
    );
    assert.match(journal.rows[0]?.t ?? '', /copy-back/);
    assert.deepEqual(
      leakedCanaries((journal.rows[0]?.t ?? '') + r.stdout + r.stderr, [
        'canary-old-store-value',
        'canary-new-store-value',
      ]),
      [],
    );
  });

  test('different values under one coordinate are a conflict, never overwritten', async () => {
    const both = await insertConnector(db.pool);
    await source.write(both.coordinate, new SecretValue('canary-left'));
    await target.write(both.coordinate, new SecretValue('canary-right'));
    await both.insert();
    const result = await syncStores({ pool: db.pool, from: source, to: target });
    assert.equal(result.ok, false);
    assert.deepEqual(
      result.conflicts.map((c) => c.coordinate),
      [both.coordinate],
    );
    assert.equal((await source.read(both.coordinate))?.reveal(), 'canary-left');
    assert.equal((await target.read(both.coordinate))?.reveal(), 'canary-right');
    await db.pool.query('DELETE FROM actor WHERE id = $1', [both.actorId]);
  });

  test('--follow picks up connectors written meanwhile, one line per pass, and exits 0 on SIGTERM', async () => {
    const child = spawn(
      process.execPath,
      [
        BIN,
        'sync',
        '--database-url',
        db.url,
        '--from',
        'database',
        ...vault.cliArgs('to'),
        '--follow',
        '--interval',
        '1',
      ],
      {
        cwd: ROOT,
        env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...vault.cliEnv },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    const waitFor = async (what: () => Promise<boolean>, ms = 20_000) => {
      const until = Date.now() + ms;
      while (Date.now() < until) {
        if (await what()) return true;
        await new Promise((r) => setTimeout(r, 200));
      }
      return false;
    };
    assert.ok(await waitFor(async () => /pass 1/.test(stdout)), stdout + stderr);
    const old = await insertConnector(db.pool);
    await source.write(old.coordinate, new SecretValue('canary-follow-old'));
    await old.insert();
    const fresh = await insertConnector(db.pool);
    await target.write(fresh.coordinate, new SecretValue('canary-follow-new'));
    await fresh.insert();
    assert.ok(await waitFor(async () => (await target.read(old.coordinate)) !== undefined), 'old → new');
    assert.ok(await waitFor(async () => (await source.read(fresh.coordinate)) !== undefined), 'new → old');
    child.kill('SIGTERM');
    assert.equal(await exited, 0, stdout + stderr);
    assert.match(stdout, /pass 2: /);
    assert.match(stdout, /^Sync /m);
    assert.deepEqual(leakedCanaries(stdout + stderr, ['canary-follow-old', 'canary-follow-new']), []);
  });
});
