import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { after, before, describe, test } from 'node:test';
import { type SeededDatabase, seededDatabase } from '../helpers/airbyte-db.js';
import { BIN, parseJson, ROOT, runCli } from '../helpers/cli.js';
import { startTestStore, type TestStore } from '../helpers/targets.js';

describe('SIGINT during a single sync pass: interrupted, resumable, exit 130', () => {
  let db: SeededDatabase;
  let vault: TestStore;
  const env = () => ({ ...vault.cliEnv, AIRBYTE_SECRETS_HEARTBEAT_MS: '20' });

  before(async () => {
    db = await seededDatabase('sync_interrupt', {
      actors: 30,
      seed: 9,
      shapes: ['secret'],
      mix: { secret: 100 },
    });
    vault = await startTestStore('vault', { emulator: { latencyMs: 30 } });
  });
  after(async () => {
    await vault.close();
    await db.close();
  });

  test('the copies in flight finish, the run is interrupted, the printed command completes it', async () => {
    const args = [
      'sync',
      '--database-url',
      db.url,
      '--from',
      'database',
      ...vault.cliArgs('to'),
      '--concurrency',
      '1',
    ];
    const r = await new Promise<{ code: number | null; stderr: string }>((resolve, reject) => {
      const child = spawn(process.execPath, [BIN, ...args], {
        cwd: ROOT,
        env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env() },
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      let stderr = '';
      let sent = false;
      child.stderr.on('data', (d: Buffer) => {
        stderr += d.toString();
        if (!sent && /phase=copy state=running done=[1-9]/.test(stderr)) {
          sent = true;
          child.kill('SIGINT');
        }
      });
      child.on('error', reject);
      child.on('close', (code) => resolve({ code, stderr }));
    });
    assert.equal(r.code, 130, r.stderr);
    const runId = /Interrupted: run ([0-9a-f-]{36})/.exec(r.stderr)?.[1] ?? '';
    const state = await db.pool.query('SELECT state FROM airbyte_secrets.migration_run WHERE id = $1', [
      runId,
    ]);
    assert.equal(state.rows[0]?.state, 'interrupted');
    const line = /^Resume with: airbyte-secrets (.*)$/m.exec(r.stderr)?.[1] ?? '';
    assert.match(line, new RegExp(`^sync .* --resume ${runId}$`));
    const again = await runCli([...line.split(' '), '--json'], { env: env() });
    assert.equal(again.code, 0, again.stderr);
    const result = parseJson<{ runId: string; ok: boolean }>(again);
    assert.deepEqual([result.runId, result.ok], [runId, true]);
  });
});
