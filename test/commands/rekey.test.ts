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

  test('a selection that matches nothing is one line naming the value, exit 2 (not "Nothing to do.")', async () => {
    const typo = '3f0c2a1e-0000-4000-8000-000000000000';
    for (const [flag, value] of [
      ['--actor', typo],
      ['--workspace', typo],
      ['--coordinate', 'airbyte_workspace_nope_secret_nope_v1'],
    ] as const) {
      const r = await cli(['rekey', flag, value, '--dry-run']);
      assert.equal(r.code, 2, `${flag}: ${r.stdout}`);
      assert.equal(r.stderr.split('\n').filter((l) => l.startsWith('Error')).length, 1, r.stderr);
      assert.match(r.stderr, new RegExp(`^Error: ${flag} ${value} matches no reference`, 'm'));
      assert.doesNotMatch(r.stdout, /Nothing to do/);
    }
    const { rows } = await db.pool.query<{ id: string; workspace_id: string }>(
      'SELECT id, workspace_id FROM actor WHERE tombstone = false ORDER BY id',
    );
    const refs = parseJson<{ items: Array<{ rowId?: string; holder?: string }> }>(
      await cli(['rekey', '--category', 'all', '--dry-run', '--json']),
    );
    assert.ok(refs.items.length > 0);
    const ws = [...new Set(rows.map((r) => r.workspace_id))];
    const actor = rows.find((r) => r.workspace_id !== ws[0])!;
    const apart = await cli(['rekey', '--workspace', ws[0]!, '--actor', actor.id, '--dry-run']);
    if (apart.code === 2 && /matches no reference/.test(apart.stderr)) return; // that actor has no managed reference
    assert.equal(apart.code, 2, apart.stdout);
    assert.match(apart.stderr, /^Error: --workspace .* with --actor .* select no reference together/m);
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

  test('run ids: a unique prefix works everywhere; ambiguous or unknown is one line, exit 2', async () => {
    const runs = parseJson<{ runs: Array<{ id: string }> }>(await cli(['runs', '--json'])).runs;
    const first = runs.at(-1)!;
    const shown = await cli(['runs', 'show', first.id.slice(0, 8), '--json']);
    assert.equal(shown.code, 0, shown.stderr);
    assert.equal(parseJson<{ run: { id: string } }>(shown).run.id, first.id);
    // Two runs whose ids start alike (planted straight into the journal).
    for (const id of ['abcd0000-0000-4000-8000-000000000001', 'abcd1111-0000-4000-8000-000000000002']) {
      await db.pool.query(
        `INSERT INTO airbyte_secrets.migration_run (id, kind, state, started_by, source_kind, source_store, target_kind, target_store, options)
         VALUES ($1, 'migrate', 'failed', 'test', 'database', 'database', 'database', 'database', '{}')`,
        [id],
      );
    }
    for (const args of [
      ['runs', 'show', 'abcd'],
      ['rollback', 'ABCD', '--dry-run'],
      ['rekey', '--category', 'all', '--resume', 'abcd'],
      ['cleanup', '--store', 'database', '--verified-in', 'database', '--undo', 'abcd'],
    ]) {
      const r = await cli(args);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stdout}${r.stderr}`);
      assert.equal(r.stderr.split('\n').filter((l) => l.startsWith('Error')).length, 1, r.stderr);
      assert.match(
        r.stderr,
        /^Error: run id "abcd" matches 2 runs: abcd\S+ \(migrate, failed\), abcd\S+ \(migrate, failed\); type more of it$/m,
        args.join(' '),
      );
      assert.ok(r.stderr.includes('abcd0000-0000-4000-8000-000000000001') && r.stderr.includes('abcd1111-'));
    }
    assert.equal(
      parseJson<{ run: { id: string } }>(await cli(['runs', 'show', 'abcd1', '--json'])).run.id,
      'abcd1111-0000-4000-8000-000000000002',
    );
    for (const unknown of ['ffff', 'not-a-run']) {
      const r = await cli(['runs', 'show', unknown]);
      assert.equal(r.code, 2);
      assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    }
    await db.pool.query("DELETE FROM airbyte_secrets.migration_run WHERE id::text LIKE 'abcd%'");
  });

  test('runs shows items per state for running and interrupted runs', async () => {
    const ids = {
      interrupted: 'beef0000-0000-4000-8000-000000000001',
      running: 'beef0000-0000-4000-8000-000000000002',
    };
    for (const [state, id] of Object.entries(ids)) {
      await db.pool.query(
        `INSERT INTO airbyte_secrets.migration_run (id, kind, state, started_by, source_kind, source_store, target_kind, target_store, options)
         VALUES ($1, 'migrate', $2, 'test', 'database', 'database', 'vault', 'vault', '{}')`,
        [id, state],
      );
      const items = ['pending', 'pending', 'verified', 'rewritten', 'failed', 'conflict'];
      for (const [i, itemState] of items.entries()) {
        await db.pool.query(
          `INSERT INTO airbyte_secrets.migration_item (run_id, item_key, action, state) VALUES ($1, $2, 'copy', $3)`,
          [id, `c${i}`, itemState],
        );
      }
    }
    try {
      const text = await cli(['runs']);
      assert.equal(text.code, 0, text.stderr);
      for (const [state, id] of Object.entries(ids)) {
        assert.match(
          text.stdout,
          new RegExp(
            `^${id} +migrate +${state} .*1 conflict, 1 failed, 2 pending, 1 rewritten, 1 verified$`,
            'm',
          ),
        );
      }
      const json = parseJson<{ runs: Array<{ id: string; itemStates?: Record<string, number> }> }>(
        await cli(['runs', '--json']),
      );
      assert.deepEqual(json.runs.find((r) => r.id === ids.interrupted)?.itemStates, {
        conflict: 1,
        failed: 1,
        pending: 2,
        rewritten: 1,
        verified: 1,
      });
    } finally {
      await db.pool.query("DELETE FROM airbyte_secrets.migration_run WHERE id::text LIKE 'beef%'");
    }
  });

  test('rollback takes its stores from the journal, and refuses a --to that contradicts it', async () => {
    const runs = parseJson<{ runs: Array<{ id: string }> }>(await cli(['runs', '--json'])).runs;
    const first = runs.at(-1)!;
    const wrong = await cli(['rollback', first.id.slice(0, 8), '--to', 'vault', '--dry-run']);
    assert.equal(wrong.code, 2, wrong.stdout);
    assert.equal(wrong.stderr.trim().split('\n').length, 1, wrong.stderr);
    assert.match(wrong.stderr, /^Error: run \S+ went from database to database, not --to vault: drop --to/);
    const dry = await cli(['rollback', first.id.slice(0, 8), '--dry-run', '--json']);
    assert.equal(dry.code, 0, dry.stdout + dry.stderr);
  });

  test('rollback restores the planted state; no output ever held a secret value', async () => {
    const runs = parseJson<{ runs: Array<{ id: string; kind: string }> }>(await cli(['runs', '--json'])).runs;
    const first = runs.at(-1)!;
    const r = await cli(['rollback', first.id.slice(0, 10), '--delete-created', '--json']);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.deepEqual(await dumpAirbyteTables(db.pool), planted);
    assert.deepEqual(leakedCanaries(outputs.join('\n'), db.manifest.canaries), []);
  });
});
