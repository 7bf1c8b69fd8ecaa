/**
 * A target Airbyte's own client cannot use is refused before any write.
 *
 * Vault: Airbyte's `VaultClient.createSecret` (airbyte-platform: airbyte-config/config-secrets/
 * src/main/kotlin/secrets/persistence/VaultSecretPersistence.kt) writes without `cas` and only
 * logs the failure, so on a mount with `cas_required` Airbyte silently stores nothing: a migration
 * there would verify (our writes carry cas) and then every connector edited after the switch
 * would lose its secrets.
 *
 * Google regional: `GoogleSecretManagerClient.getSecret` (airbyte-config/config-secrets/src/main/
 * kotlin/secrets/persistence/GoogleSecretManagerPersistence.kt) parses
 * `projects/<p>/locations/<r>/secrets/<c>` with `SecretVersionName.parse`, which throws; the catch
 * returns "". `createSecret` always sends automatic replication, which regional secrets reject
 * (airbytehq/airbyte#73660). Only a patched Airbyte can use them: `--allow-gcp-regional`.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type RunningVaultEmulator, startVaultEmulator } from '../../src/emulators/vault/index.js';
import { dumpAirbyteTables, type SeededDatabase, seededDatabase } from '../helpers/airbyte-db.js';
import { parseJson, runCli } from '../helpers/cli.js';
import { startTestStore, type TestStore } from '../helpers/targets.js';

describe('a Vault mount with cas_required as the target', () => {
  let db: SeededDatabase;
  let vault: RunningVaultEmulator;
  let args: string[];
  let env: Record<string, string>;
  before(async () => {
    db = await seededDatabase('cas_required', { actors: 6, shapes: ['plaintext', 'secret'], seed: 3 });
    vault = await startVaultEmulator({ mounts: [{ path: 'secret', version: 2, casRequired: true }] });
    args = [
      '--database-url',
      db.url,
      '--to',
      'vault',
      '--vault-address',
      vault.url,
      '--vault-prefix',
      'secret/',
    ];
    env = { VAULT_AUTH_TOKEN: vault.token };
  });
  after(async () => {
    await vault?.close();
    await db?.close();
  });

  for (const command of [['plan'], ['migrate']]) {
    test(`${command[0]} stops with one line and exit 2, writing nothing`, async () => {
      const before = await dumpAirbyteTables(db.pool);
      const r = await runCli([...command, ...args], { env });
      assert.equal(r.code, 2, r.stdout + r.stderr);
      const lines = r.stderr.trim().split('\n');
      assert.equal(lines.length, 1, r.stderr);
      assert.match(lines[0] ?? '', /cas_required/);
      assert.deepEqual(await dumpAirbyteTables(db.pool), before);
      assert.equal(
        vault.log.filter((e) => e.write && e.name !== undefined).length,
        0,
        'nothing written to Vault',
      );
    });
  }

  test('audit reports it as critical', async () => {
    const r = await runCli(
      [
        'audit',
        '--database-url',
        db.url,
        '--store',
        'vault',
        '--vault-address',
        vault.url,
        '--vault-prefix',
        'secret/',
        '--json',
      ],
      { env },
    );
    const report = parseJson<{ findings: Array<{ category: string; severity: string }> }>(r);
    const found = report.findings.filter((f) => f.category === 'store-unusable-by-airbyte');
    assert.equal(found.length, 1, r.stdout.slice(0, 2000));
    assert.equal(found[0]?.severity, 'critical');
  });
});

describe('a regional Google Secret Manager target', () => {
  let db: SeededDatabase;
  let gcp: TestStore;
  let args: string[];
  before(async () => {
    db = await seededDatabase('gcp_regional', { actors: 4, shapes: ['plaintext', 'secret'], seed: 4 });
    gcp = await startTestStore('gcp');
    args = ['--database-url', db.url, ...gcp.cliArgs('to'), '--gcp-region', 'europe-west1'];
  });
  after(async () => {
    await gcp?.close();
    await db?.close();
  });

  test('plan refuses it with one line naming airbytehq/airbyte#73660, exit 2', async () => {
    const r = await runCli(['plan', ...args]);
    assert.equal(r.code, 2, r.stdout + r.stderr);
    const lines = r.stderr.trim().split('\n');
    assert.equal(lines.length, 1, r.stderr);
    assert.match(lines[0] ?? '', /73660/);
    assert.match(lines[0] ?? '', /--allow-gcp-regional/);
  });

  test('--allow-gcp-regional (a patched Airbyte) plans it', async () => {
    const r = await runCli(['plan', ...args, '--allow-gcp-regional', '--json']);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(parseJson<{ target: string }>(r).target, /locations\/europe-west1/);
  });

  test("verify reads as today's Airbyte does: nothing resolves, each failure says why", async () => {
    const migrated = await runCli(['migrate', ...args, '--allow-gcp-regional', '--json']);
    assert.equal(migrated.code, 0, migrated.stdout + migrated.stderr);
    const storeArgs = ['--store', ...gcp.cliArgs('to').slice(1), '--gcp-region', 'europe-west1'];
    const asToday = await runCli(['verify', '--database-url', db.url, ...storeArgs, '--json']);
    assert.equal(asToday.code, 1, asToday.stdout + asToday.stderr);
    const result = parseJson<{ resolved: number; failures: Array<{ problem: string; detail?: string }> }>(
      asToday,
    );
    assert.equal(result.resolved, 0);
    assert.ok(result.failures.length > 0);
    assert.ok(result.failures.every((f) => f.problem === 'error' && /73660/.test(f.detail ?? '')));
    const patched = await runCli([
      'verify',
      '--database-url',
      db.url,
      ...storeArgs,
      '--allow-gcp-regional',
      '--json',
    ]);
    assert.equal(patched.code, 0, patched.stdout + patched.stderr);
  });
});
