import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { EXIT } from '../../src/cli/exit-codes.js';
import { SecretValue } from '../../src/util/secret-value.js';
import { type SeededDatabase, seededDatabase } from '../helpers/airbyte-db.js';
import { runCli } from '../helpers/cli.js';
import { startTestStore, type TestStore } from '../helpers/targets.js';

/**
 * The exit-code table (src/cli/exit-codes.ts) as audit, verify, migrate, sync and cleanup follow
 * it: 0 when there is nothing to act on, 1 when there is, 2 for a usage error. One database,
 * migrated to a Vault emulator (clean), then broken on purpose (findings).
 */
describe('exit codes: 0 clean, 1 findings, 2 usage (every command alike)', () => {
  let db: SeededDatabase;
  let source: TestStore;
  let vault: TestStore;
  const cli = (args: string[]) => runCli([...args, '--database-url', db.url], { env: vault.cliEnv });
  const vaultFlags = (side: 'from' | 'to') => vault.cliArgs(side);
  const storeFlags = () => ['--store', 'vault', ...vaultFlags('to').slice(2)];

  before(async () => {
    db = await seededDatabase('exit_codes', { actors: 12, shapes: ['secret', 'plaintext'], seed: 7 });
    source = await startTestStore('database', { databaseUrl: db.url });
    vault = await startTestStore('vault');
  });
  after(async () => {
    await vault?.close();
    await source?.close();
    await db?.close();
  });

  test('before the migration: audit finds critical plaintext (1), --fail-on none (0); usage errors (2)', async () => {
    assert.equal((await cli(['audit', '--no-history'])).code, EXIT.findings);
    assert.equal((await cli(['audit', '--no-history', '--fail-on', 'none'])).code, EXIT.ok);
    for (const args of [
      ['audit', '--severity', 'nope'],
      ['verify', '--store', 'nowhere'],
      ['migrate', '--to', 'vault', '--resume', 'zz'],
      ['sync', '--from', 'database'],
      ['cleanup', '--store', 'database', '--undo', 'ffffffff'],
    ]) {
      const r = await cli(args);
      assert.equal(r.code, EXIT.usage, `${args.join(' ')}: ${r.stdout}${r.stderr}`);
    }
  });

  test('a clean migration: migrate, verify, sync and audit of the target exit 0', async () => {
    const migrate = await cli(['migrate', '--from', 'database', ...vaultFlags('to')]);
    assert.equal(migrate.code, EXIT.ok, migrate.stdout + migrate.stderr);
    const verify = await cli(['verify', ...storeFlags()]);
    assert.equal(verify.code, EXIT.ok, verify.stdout + verify.stderr);
    const sync = await cli(['sync', '--from', 'database', ...vaultFlags('to')]);
    assert.equal(sync.code, EXIT.ok, sync.stdout + sync.stderr);
    const audit = await cli(['audit', '--no-history', ...storeFlags()]);
    assert.equal(audit.code, EXIT.ok, audit.stdout + audit.stderr);
  });

  test('findings: a changed value (sync, cleanup) and a missing one (verify) exit 1', async () => {
    const target = await vault.open();
    const { rows } = await db.pool.query<{ coordinate: string }>('SELECT coordinate FROM secrets ORDER BY 1');
    const [changed, missing] = rows.map((r) => r.coordinate);
    await target.write(changed!, new SecretValue('changed-in-vault'));
    const cleanup = await cli([
      'cleanup',
      '--store',
      'database',
      '--verified-in',
      'vault',
      ...vaultFlags('to').slice(2),
      '--dry-run',
    ]);
    assert.equal(cleanup.code, EXIT.findings, cleanup.stdout + cleanup.stderr);
    const sync = await cli(['sync', '--from', 'database', ...vaultFlags('to')]);
    assert.equal(sync.code, EXIT.findings, sync.stdout + sync.stderr);
    await target.delete(missing!);
    const verify = await cli(['verify', ...storeFlags()]);
    assert.equal(verify.code, EXIT.findings, verify.stdout + verify.stderr);
    const audit = await cli(['audit', '--no-history', ...storeFlags(), '--fail-on', 'high']);
    assert.equal(audit.code, EXIT.findings, audit.stdout + audit.stderr);
  });
});
