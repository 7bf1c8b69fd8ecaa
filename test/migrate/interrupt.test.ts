import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { leakedCanaries, type SeededDatabase, seededDatabase } from '../helpers/airbyte-db.js';
import { interruptDuring, parseJson, resumeArgs, runCli } from '../helpers/cli.js';
import { startTestStore, type TestStore } from '../helpers/targets.js';

describe('SIGINT/SIGTERM during migrate: finish the items in flight, interrupted, resumable, exit 130', () => {
  let db: SeededDatabase;
  let vault: TestStore;
  const env = () => ({ ...vault.cliEnv, AIRBYTE_SECRETS_HEARTBEAT_MS: '20' });

  before(async () => {
    db = await seededDatabase('interrupt', {
      actors: 40,
      seed: 3,
      shapes: ['plaintext', 'secret', 'secret-with-reference'],
      mix: { plaintext: 40, secret: 50, 'secret-with-reference': 10 },
    });
    // Slow enough that the signal lands with most of the copy phase left.
    vault = await startTestStore('vault', { emulator: { latencyMs: 40 } });
  });
  after(async () => {
    await vault.close();
    await db.close();
  });

  test('SIGINT in the copy phase: exit 130, run interrupted, the printed command completes it', async () => {
    const args = ['migrate', '--database-url', db.url, ...vault.cliArgs('to'), '--concurrency', '2'];
    const r = await interruptDuring(args, env(), 'copy', 'SIGINT');
    assert.equal(r.code, 130, r.stderr);
    assert.match(r.stderr, /^Interrupted: run [0-9a-f-]{36} stopped after the items in flight/m);
    const runId = /Interrupted: run ([0-9a-f-]{36})/.exec(r.stderr)?.[1] ?? '';
    const run = await db.pool.query<{ state: string }>(
      'SELECT state FROM airbyte_secrets.migration_run WHERE id = $1',
      [runId],
    );
    assert.equal(run.rows[0]?.state, 'interrupted');
    const items = await db.pool.query<{ state: string; n: number }>(
      'SELECT state, count(*)::int AS n FROM airbyte_secrets.migration_item WHERE run_id = $1 GROUP BY 1',
      [runId],
    );
    const byState = Object.fromEntries(items.rows.map((x) => [x.state, x.n]));
    assert.ok((byState.verified ?? 0) >= 1, JSON.stringify(byState));
    assert.ok((byState.pending ?? 0) >= 1, `some items were left for the resume: ${JSON.stringify(byState)}`);
    assert.equal(byState.failed ?? 0, 0, 'no item was cut off half-way');

    const resume = resumeArgs(r.stderr);
    assert.deepEqual(resume.slice(-2), ['--resume', runId]);
    const again = await runCli([...resume, '--json'], { env: env() });
    assert.equal(again.code, 0, again.stderr);
    const result = parseJson<{ ok: boolean; runId: string; resumed: boolean }>(again);
    assert.equal(result.runId, runId);
    assert.equal(result.resumed, true);
    assert.equal(result.ok, true);
    const done = await db.pool.query<{ state: string }>(
      'SELECT state FROM airbyte_secrets.migration_run WHERE id = $1',
      [runId],
    );
    assert.equal(done.rows[0]?.state, 'completed');
    assert.deepEqual(
      leakedCanaries(r.stdout + r.stderr + again.stdout + again.stderr, db.manifest.canaries),
      [],
    );
  });

  test('an interrupted run is what a plain re-run resumes (SIGTERM in the extract phase)', async () => {
    const fresh = await seededDatabase('interrupt_term', {
      actors: 30,
      seed: 4,
      shapes: ['plaintext'],
      mix: { plaintext: 100 },
    });
    try {
      const args = ['migrate', '--database-url', fresh.url, ...vault.cliArgs('to'), '--concurrency', '1'];
      const r = await interruptDuring(args, env(), 'extract', 'SIGTERM');
      assert.equal(r.code, 130, r.stderr);
      const runId = /Interrupted: run ([0-9a-f-]{36})/.exec(r.stderr)?.[1] ?? '';
      const again = await runCli([...args, '--json'], { env: env() });
      assert.equal(again.code, 0, again.stderr);
      const result = parseJson<{ ok: boolean; runId: string; resumed: boolean }>(again);
      assert.deepEqual([result.runId, result.resumed, result.ok], [runId, true, true]);
    } finally {
      await fresh.close();
    }
  });
});
