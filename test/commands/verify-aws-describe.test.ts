/**
 * `verify --store aws` reads as Airbyte does: Airbyte's AWS persistence reads through
 * aws-secretsmanager-caching-java's SecretCache (airbyte-platform airbyte-config/config-secrets/
 * src/main/kotlin/secrets/persistence/AwsSecretManagerPersistence.kt `getSecret`), whose
 * SecretCacheItem calls DescribeSecret before GetSecretValue. A role without
 * secretsmanager:DescribeSecret therefore fails verification before the switch, not after it.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { RunningAwsEmulator } from '../../src/emulators/aws/index.js';
import { type SeededDatabase, seededDatabase } from '../helpers/airbyte-db.js';
import { parseJson, runCli } from '../helpers/cli.js';
import { startTestStore, type TestStore } from '../helpers/targets.js';

describe('verify --store aws without secretsmanager:DescribeSecret', () => {
  let db: SeededDatabase;
  let aws: TestStore;
  let storeArgs: string[];
  before(async () => {
    db = await seededDatabase('aws_describe_denied', { actors: 4, shapes: ['plaintext', 'secret'], seed: 5 });
    aws = await startTestStore('aws');
    const migrated = await runCli(['migrate', '--database-url', db.url, ...aws.cliArgs('to'), '--json'], {
      env: aws.cliEnv,
    });
    assert.equal(migrated.code, 0, migrated.stdout + migrated.stderr);
    storeArgs = ['verify', '--database-url', db.url, '--store', ...aws.cliArgs('to').slice(1)];
  });
  after(async () => {
    await aws?.close();
    await db?.close();
  });

  test('with the permission every coordinate resolves, each read described first', async () => {
    const emulator = aws.emulator as RunningAwsEmulator;
    const from = emulator.log.length;
    const r = await runCli([...storeArgs, '--json'], { env: aws.cliEnv });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const result = parseJson<{ coordinates: number; resolved: number }>(r);
    assert.equal(result.resolved, result.coordinates);
    const calls = emulator.log.slice(from);
    const described = calls.filter((e) => e.operation === 'DescribeSecret').length;
    const read = calls.filter((e) => e.operation === 'GetSecretValue').length;
    assert.equal(described, result.coordinates);
    assert.equal(read, result.coordinates);
  });

  test('denied DescribeSecret: one failure per coordinate saying which permission, exit 1', async () => {
    const emulator = aws.emulator as RunningAwsEmulator;
    emulator.denyOperations(['DescribeSecret']);
    try {
      const r = await runCli([...storeArgs, '--json'], { env: aws.cliEnv });
      assert.equal(r.code, 1, r.stdout + r.stderr);
      const result = parseJson<{
        coordinates: number;
        resolved: number;
        failures: Array<{ coordinate: string; problem: string; detail?: string }>;
      }>(r);
      assert.ok(result.coordinates > 0);
      assert.equal(result.resolved, 0);
      assert.equal(result.failures.length, result.coordinates, 'one failure per coordinate');
      assert.equal(new Set(result.failures.map((f) => f.coordinate)).size, result.coordinates);
      for (const f of result.failures) {
        assert.equal(f.problem, 'error');
        assert.match(
          f.detail ?? '',
          new RegExp(
            `^aws read ${f.coordinate}: permission denied \\(Airbyte reads with DescribeSecret before GetSecretValue, so it needs secretsmanager:DescribeSecret: 400 AccessDeniedException`,
          ),
        );
      }
      // GetSecretValue alone would still succeed: the failure is the one Airbyte would hit.
      const human = await runCli(storeArgs, { env: aws.cliEnv });
      assert.equal(human.code, 1);
      const lines = (human.stdout + human.stderr)
        .split('\n')
        .filter((l) => l.includes('secretsmanager:DescribeSecret'));
      assert.equal(lines.length, result.coordinates, human.stdout + human.stderr);
    } finally {
      emulator.denyOperations([]);
    }
  });
});
