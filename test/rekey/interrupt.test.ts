import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type SeededDatabase, seededDatabase } from '../helpers/airbyte-db.js';
import { interruptDuring, parseJson, resumeArgs, runCli } from '../helpers/cli.js';
import { startTestStore, type TestStore } from '../helpers/targets.js';

describe('SIGINT during rekey: interrupted, resumable, exit 130', () => {
  let db: SeededDatabase;
  let vault: TestStore;
  const env = () => ({ ...vault.cliEnv, AIRBYTE_SECRETS_HEARTBEAT_MS: '20' });

  before(async () => {
    db = await seededDatabase('rekey_interrupt', {
      actors: 30,
      seed: 8,
      shapes: ['secret'],
      mix: { secret: 100 },
    });
    vault = await startTestStore('vault', { emulator: { latencyMs: 30 } });
    const moved = await runCli(['migrate', '--database-url', db.url, ...vault.cliArgs('to'), '--json'], {
      env: env(),
    });
    assert.equal(moved.code, 0, moved.stderr);
  });
  after(async () => {
    await vault.close();
    await db.close();
  });

  test('the run stops after the rows in flight and the resume line completes it', async () => {
    const storeArgs = vault.cliArgs('to').map((a) => (a === '--to' ? '--store' : a));
    const workspaces = await db.pool.query<{ id: string }>('SELECT id::text FROM workspace');
    const selection = workspaces.rows.flatMap((w) => ['--workspace', w.id]);
    const args = ['rekey', '--database-url', db.url, ...storeArgs, ...selection, '--concurrency', '1'];
    const r = await interruptDuring(args, env(), 'rekey', 'SIGINT');
    assert.equal(r.code, 130, r.stderr);
    const runId = /Interrupted: run ([0-9a-f-]{36})/.exec(r.stderr)?.[1] ?? '';
    const state = await db.pool.query('SELECT state FROM airbyte_secrets.migration_run WHERE id = $1', [
      runId,
    ]);
    assert.equal(state.rows[0]?.state, 'interrupted');
    const resume = resumeArgs(r.stderr);
    assert.deepEqual([resume[0], ...resume.slice(-2)], ['rekey', '--resume', runId]);
    const again = await runCli([...resume, '--json'], { env: env() });
    assert.equal(again.code, 0, again.stderr);
    const result = parseJson<{ runId: string; ok: boolean }>(again);
    assert.deepEqual([result.runId, result.ok], [runId, true]);
  });
});
