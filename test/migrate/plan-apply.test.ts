import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  dumpAirbyteTables,
  leakedCanaries,
  type SeededDatabase,
  seededDatabase,
} from '../helpers/airbyte-db.js';
import { parseJson, runCli } from '../helpers/cli.js';
import { startTestStore, type TestStore } from '../helpers/targets.js';

interface SavedPlanFile {
  format: string;
  stores: { source: { kind: string; description: string }; target: { kind: string; description: string } };
  rows: Array<{ holder: string; rowId: string; sha256: string }>;
  items: Array<{ key: string; action: string; coordinate?: string }>;
}

/** stderr without the timestamped progress lines (no terminal here). */
const messages = (stderr: string) =>
  stderr
    .trim()
    .split('\n')
    .filter((l) => !l.startsWith('time='));

const writes = (s: TestStore) => s.emulator?.log.filter((e) => e.write).length ?? 0;

describe('plan --out, then migrate --plan applies exactly that plan', () => {
  let db: SeededDatabase;
  let vault: TestStore;
  let dir: string;
  const cli = (args: string[], env: Record<string, string> = {}) =>
    runCli([...args, '--database-url', db.url, ...vault.cliArgs('to')], { env: { ...vault.cliEnv, ...env } });

  before(async () => {
    db = await seededDatabase('plan_apply', {
      actors: 24,
      seed: 13,
      shapes: ['plaintext', 'secret', 'secret-with-reference', 'oauth-parameters', 'webhooks'],
      mix: { plaintext: 40, secret: 50, 'secret-with-reference': 10 },
    });
    vault = await startTestStore('vault');
    dir = await mkdtemp(join(tmpdir(), 'abs-plan-'));
  });
  after(async () => {
    await vault.close();
    await db.close();
    await rm(dir, { recursive: true, force: true });
  });

  test('plan --out writes coordinates, paths and digests only (0600, no value)', async () => {
    const file = join(dir, 'plan.json');
    const r = await cli(['plan', '--out', file]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /Saved the plan to .*plan\.json/);
    assert.equal((await stat(file)).mode & 0o777, 0o600);
    const text = await readFile(file, 'utf8');
    assert.deepEqual(leakedCanaries(text, db.manifest.canaries), [], 'no secret value in plan.json');
    const saved = JSON.parse(text) as SavedPlanFile;
    assert.equal(saved.format, 'airbyte-secrets/migration-plan');
    assert.equal(saved.stores.target.kind, 'vault');
    assert.equal(saved.stores.source.kind, 'database');
    assert.ok(saved.rows.length >= 24);
    for (const row of saved.rows) assert.match(row.sha256, /^[0-9a-f]{64}$/);
    const extracts = saved.items.filter((i) => i.action === 'extract');
    assert.ok(extracts.length > 0);
    for (const e of extracts)
      assert.match(e.coordinate ?? '', /^airbyte_(workspace|organization)_/, 'new names chosen when planned');
    assert.equal(writes(vault), 0, 'planning wrote nothing');
  });

  test('refused in one line naming the row after a concurrent UPDATE of one configuration (exit 2)', async () => {
    const file = join(dir, 'stale.json');
    assert.equal((await cli(['plan', '--out', file])).code, 0);
    const { rows } = await db.pool.query<{ id: string }>(
      'SELECT id::text FROM actor WHERE NOT tombstone ORDER BY id LIMIT 1',
    );
    const id = rows[0]?.id ?? '';
    const before_ = await dumpAirbyteTables(db.pool);
    await db.pool.query(
      `UPDATE actor SET configuration = configuration || '{"edited_meanwhile": true}'::jsonb WHERE id = $1`,
      [id],
    );
    const edited = await dumpAirbyteTables(db.pool);
    const r = await cli(['migrate', '--plan', file]);
    assert.equal(r.code, 2, r.stdout + r.stderr);
    const lines = messages(r.stderr);
    assert.equal(lines.length, 1, r.stderr);
    assert.match(
      lines[0] ?? '',
      new RegExp(`Refusing the saved plan: the database changed .*actor:${id} changed`),
    );
    assert.equal(writes(vault), 0, 'nothing written to the store');
    assert.deepEqual(await dumpAirbyteTables(db.pool), edited, 'nothing rewritten');
    const runs = await db.pool.query(`SELECT to_regclass('airbyte_secrets.migration_run') AS t`);
    if (runs.rows[0].t) {
      const n = await db.pool.query('SELECT count(*)::int AS n FROM airbyte_secrets.migration_run');
      assert.equal(n.rows[0].n, 0, 'no run journaled');
    }
    assert.notDeepEqual(before_, edited);
  });

  test('a fresh saved plan applies exactly: the journaled items are the plan’s, names included', async () => {
    const file = join(dir, 'fresh.json');
    const planned = await cli(['plan', '--out', file]);
    assert.equal(planned.code, 0, planned.stderr);
    const saved = JSON.parse(await readFile(file, 'utf8')) as SavedPlanFile;
    // The printed command is the one that applies it (the test dir has no quoting to undo).
    const apply = /Apply exactly it with:\n {2}airbyte-secrets (.*)$/m.exec(planned.stdout)?.[1] ?? '';
    assert.match(apply, new RegExp(`^migrate --database-url \\S+ --to vault .* --plan ${file}$`));
    const r = await runCli([...apply.split(' '), '--json'], { env: vault.cliEnv });
    assert.equal(r.code, 0, r.stderr);
    const result = parseJson<{ ok: boolean; runId: string }>(r);
    assert.equal(result.ok, true);
    const journaled = await db.pool.query<{ item_key: string; action: string; coordinate: string | null }>(
      'SELECT item_key, action, coordinate FROM airbyte_secrets.migration_item WHERE run_id = $1 ORDER BY item_key',
      [result.runId],
    );
    const expected = saved.items
      .map((i) => ({ item_key: i.key, action: i.action, coordinate: i.coordinate ?? null }))
      .sort((a, b) => (a.item_key < b.item_key ? -1 : 1));
    assert.deepEqual(journaled.rows, expected);
    assert.deepEqual(leakedCanaries(r.stdout + r.stderr, db.manifest.canaries), []);
  });

  test('a plan for other stores is refused (exit 2, one line)', async () => {
    const file = join(dir, 'fresh.json');
    const other = await startTestStore('vault');
    try {
      const r = await runCli(['migrate', '--plan', file, '--database-url', db.url, ...other.cliArgs('to')], {
        env: other.cliEnv,
      });
      assert.equal(r.code, 2, r.stderr);
      assert.equal(messages(r.stderr).length, 1, r.stderr);
      assert.match(r.stderr, /Refusing the saved plan: it was made for target/);
    } finally {
      await other.close();
    }
  });
});
