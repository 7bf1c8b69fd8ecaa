import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  dumpAirbyteTables,
  leakedCanaries,
  type SeededDatabase,
  seededDatabase,
} from '../helpers/airbyte-db.js';
import { type CliResult, parseJson, runCli } from '../helpers/cli.js';
import { startTestStore, type TestStore } from '../helpers/targets.js';
import { plantProblems } from '../rekey/plant.js';

const SHAPES = [
  'secret',
  'secret-with-reference',
  'reference-only',
  'plaintext',
  'oauth-parameters',
  'webhooks',
] as const;

describe('airbyte-secrets rekey (database table, as Airbyte uses it by default)', () => {
  let db: SeededDatabase;
  let table: TestStore;
  let planted: Record<string, string[]>;
  const outputs: string[] = [];
  const cli = async (args: string[]): Promise<CliResult> => {
    const r = await runCli([...args, '--database-url', db.url]);
    outputs.push(r.stdout, r.stderr);
    return r;
  };

  before(async () => {
    db = await seededDatabase('rekey_cli', { actors: 24, workspaces: 3, shapes: SHAPES, seed: 4 });
    table = await startTestStore('database', { databaseUrl: db.url });
    await plantProblems(db.pool, await table.open(), { legacy: false });
    planted = await dumpAirbyteTables(db.pool);
  });
  after(async () => {
    await table?.close();
    await db?.close();
  });

  test('asks what to re-key instead of rotating everything', async () => {
    const r = await cli(['rekey', '--json']);
    assert.equal(r.code, 2, r.stdout);
    assert.match(parseJson<{ error: { message: string } }>(r).error.message, /say what to re-key/);
    const wrongStore = await cli([
      'rekey',
      '--category',
      'all',
      '--gcp-kms-key',
      'projects/p/locations/global/keyRings/r/cryptoKeys/k',
    ]);
    assert.equal(wrongStore.code, 2);
    assert.match(wrongStore.stderr, /--gcp-kms-key needs the gcp store/);
  });

  test('--dry-run prints the plan and writes nothing anywhere', async () => {
    const text = await cli(['rekey', '--category', 'all', '--dry-run']);
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /move to a new coordinate/);
    const r = await cli([
      'rekey',
      '--category',
      'shared-coordinate,workspace-mismatch',
      '--dry-run',
      '--json',
    ]);
    assert.equal(r.code, 0, r.stderr);
    const plan = parseJson<{ items: Array<{ action: string }>; byCategory: Record<string, number> }>(r);
    assert.ok(plan.items.filter((i) => i.action === 'rekey').length >= 3);
    assert.ok(
      (plan.byCategory['shared-coordinate'] ?? 0) > 0 && (plan.byCategory['workspace-mismatch'] ?? 0) > 0,
    );
    assert.deepEqual(await dumpAirbyteTables(db.pool), planted);
    const schema = await db.pool.query(`SELECT to_regnamespace('airbyte_secrets') AS s`);
    assert.equal(schema.rows[0].s, null, 'not even the journal schema was created');
  });

  test('the run fixes, verifies, and is listed by runs; a second run finds nothing', async () => {
    const r = await cli(['rekey', '--category', 'all', '--json']);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const result = parseJson<{ ok: boolean; runId: string; verification: { failures: unknown[] } }>(r);
    assert.equal(result.ok, true);
    assert.deepEqual(result.verification.failures, []);

    const runs = parseJson<{ runs: Array<{ id: string; kind: string; state: string }> }>(
      await cli(['runs', '--json']),
    ).runs;
    assert.deepEqual(
      runs.map((x) => [x.id, x.kind, x.state]),
      [[result.runId, 'rekey', 'completed']],
    );
    const shown = await cli(['runs', 'show', result.runId]);
    assert.equal(shown.code, 0, shown.stderr);
    assert.match(shown.stdout, /rekey\s+rewritten/);

    const again = await cli(['rekey', '--category', 'all']);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, /nothing to do|Every reference resolves/);
    const verify = await cli(['verify', '--json']);
    assert.equal(verify.code, 0, verify.stdout);
  });

  test('rollback restores the planted state; no output ever held a secret value', async () => {
    const runs = parseJson<{ runs: Array<{ id: string; kind: string }> }>(await cli(['runs', '--json'])).runs;
    const first = runs.at(-1)!;
    const r = await cli(['rollback', first.id, '--to', 'database', '--delete-created', '--json']);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.deepEqual(await dumpAirbyteTables(db.pool), planted);
    assert.deepEqual(leakedCanaries(outputs.join('\n'), db.manifest.canaries), []);
  });
});
