import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createStore } from '../../src/stores/open.js';
import { SecretValue } from '../../src/util/secret-value.js';
import { type SeededDatabase, seededDatabase } from '../helpers/airbyte-db.js';
import { assertBuilt, parseJson, runCli } from '../helpers/cli.js';
import { startTestStore, type TestStore } from '../helpers/targets.js';

describe('transport and destinations', () => {
  let db: SeededDatabase;
  let vault: TestStore;
  let aws: TestStore;
  before(async () => {
    assertBuilt();
    db = await seededDatabase('transport', { actors: 6, seed: 9, shapes: ['plaintext', 'secret'] });
    vault = await startTestStore('vault');
    aws = await startTestStore('aws');
  });
  after(async () => {
    await vault.close();
    await aws.close();
    await db.close();
  });

  test('plain http to a Vault that is not loopback is refused unless --allow-insecure-http', async () => {
    await assert.rejects(
      createStore({
        kind: 'vault',
        address: 'http://vault.example.com:8200',
        token: new SecretValue('t'),
        prefix: 'secret/',
      }),
      /plain http.*--allow-insecure-http/,
    );
    // 0.0.0.0 reaches this machine but is not a loopback name: it stands in for a remote host.
    const remote = vault.emulator?.url.replace('127.0.0.1', '0.0.0.0') ?? '';
    const args = [
      'migrate',
      '--dry-run',
      '--database-url',
      db.url,
      '--to',
      'vault',
      '--vault-address',
      remote,
    ];
    const refused = await runCli(args, { env: vault.cliEnv });
    assert.equal(refused.code, 2, refused.stdout + refused.stderr);
    assert.equal(refused.stderr.trimEnd().split('\n').length, 1, refused.stderr);
    assert.match(refused.stderr, /plain http.*--allow-insecure-http/);
    const allowed = await runCli([...args, '--allow-insecure-http'], { env: vault.cliEnv });
    assert.equal(allowed.code, 0, allowed.stdout + allowed.stderr);
  });

  test('an AWS endpoint from the environment is named in the plan, the output and the journal', async () => {
    const url = aws.emulator?.url ?? '';
    const region = aws.settings.kind === 'aws' ? aws.settings.region : '';
    const env = { ...aws.cliEnv, AWS_ENDPOINT_URL_SECRETS_MANAGER: url };
    const args = ['migrate', '--database-url', db.url, '--to', 'aws', '--aws-region', region];
    const plan = await runCli([...args, '--dry-run'], { env });
    assert.equal(plan.code, 0, plan.stdout + plan.stderr);
    assert.ok(plan.stdout.includes(url), plan.stdout.slice(0, 500));
    const migrate = await runCli([...args, '--json'], { env });
    assert.equal(migrate.code, 0, migrate.stdout + migrate.stderr);
    const out = parseJson<{ target?: string; verification: { store: string } }>(migrate);
    assert.ok(out.verification.store.includes(url), out.verification.store);
    const human = await runCli(args, { env });
    assert.equal(human.code, 0, human.stdout + human.stderr);
    assert.ok(human.stdout.includes(url), human.stdout.slice(0, 800));
    const journal = await db.pool.query<{ target_store: string }>(
      'SELECT target_store FROM airbyte_secrets.migration_run',
    );
    assert.ok(journal.rows.length > 0);
    for (const r of journal.rows) assert.ok(r.target_store.includes(url), r.target_store);
  });
});
