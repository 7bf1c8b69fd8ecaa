import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  DescribeSecretCommand,
  GetSecretValueCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { type RunningAwsEmulator, startAwsSecretsManagerEmulator } from '../../src/emulators/aws/index.js';
import type { AwsStoreSettings } from '../../src/stores/aws/index.js';
import { createAwsSecretsManagerStore } from '../../src/stores/aws/store.js';
import { StoreError } from '../../src/stores/errors.js';
import { SecretValue } from '../../src/util/secret-value.js';
import { describeSecretStore, newCoordinate } from './conformance.js';

function settingsFor(aws: RunningAwsEmulator, extra: Partial<AwsStoreSettings> = {}): AwsStoreSettings {
  return {
    kind: 'aws',
    region: aws.region,
    endpoint: aws.url,
    accessKeyId: aws.accessKeyId,
    secretAccessKey: new SecretValue(aws.secretAccessKey),
    ...extra,
  };
}

describeSecretStore({
  name: 'aws secrets manager store',
  capabilities: { softDelete: true },
  create: async () => {
    const emulator = await startAwsSecretsManagerEmulator();
    const store = await createAwsSecretsManagerStore(settingsFor(emulator));
    return {
      store,
      emulator,
      denyAccess: (c) => emulator.denyName(c),
      plantForeign: (name, value) => emulator.plant(name, value),
      setPageSize: (size) => emulator.setMaxPageSize(size),
    };
  },
});

let aws: RunningAwsEmulator;
let raw: SecretsManagerClient;
before(async () => {
  aws = await startAwsSecretsManagerEmulator();
  raw = new SecretsManagerClient({
    endpoint: aws.url,
    region: aws.region,
    credentials: aws.credentials,
    maxAttempts: 1,
  });
});
after(async () => {
  raw.destroy();
  await aws.close();
});

test('exact wire: GetSecretValue(C).SecretString is the value; create sets description, tags and KMS key', async () => {
  const store = await createAwsSecretsManagerStore(
    settingsFor(aws, { kmsKeyId: 'alias/airbyte', tags: { team: 'data', env: 'prod' } }),
  );
  const c = newCoordinate();
  assert.equal(store.nameOf(c), c);
  assert.equal(await store.write(c, new SecretValue('wire ✓')), 'created');
  const got = await raw.send(new GetSecretValueCommand({ SecretId: c }));
  assert.equal(got.SecretString, 'wire ✓');
  const d = await raw.send(new DescribeSecretCommand({ SecretId: c }));
  assert.equal(d.Description, 'Airbyte secret.');
  assert.equal(d.KmsKeyId, 'alias/airbyte');
  assert.deepEqual((d.Tags ?? []).map((t) => `${t.Key}=${t.Value}`).sort(), ['env=prod', 'team=data']);
  const described = await store.describe(c);
  assert.equal(described.kmsKeyId, 'alias/airbyte');
  assert.deepEqual(described.tags, { team: 'data', env: 'prod' });
  await store.close();
});

test('without a KMS key or tags, create sends neither', async () => {
  const store = await createAwsSecretsManagerStore(settingsFor(aws));
  const c = newCoordinate();
  await store.write(c, new SecretValue('plain'));
  const d = await raw.send(new DescribeSecretCommand({ SecretId: c }));
  assert.equal(d.KmsKeyId, undefined);
  assert.equal(d.Tags, undefined);
  await store.close();
});

test('a new value on an existing name is PutSecretValue: one more version, AWSCURRENT moves', async () => {
  const store = await createAwsSecretsManagerStore(settingsFor(aws));
  const c = newCoordinate();
  await store.write(c, new SecretValue('one'));
  const from = aws.log.length;
  assert.equal(await store.write(c, new SecretValue('two')), 'updated');
  assert.deepEqual(
    aws.log
      .slice(from)
      .filter((e) => e.write)
      .map((e) => e.operation),
    ['PutSecretValue'],
  );
  assert.equal(aws.snapshot(c)?.versionCount, 2);
  const previous = await raw.send(new GetSecretValueCommand({ SecretId: c, VersionStage: 'AWSPREVIOUS' }));
  assert.equal(previous.SecretString, 'one');
  await store.close();
});

test('read as Airbyte falls back to the coordinate base (no _vN) when the full name is missing', async () => {
  const store = await createAwsSecretsManagerStore(settingsFor(aws));
  const c = newCoordinate(3);
  const base = c.slice(0, c.lastIndexOf('_v'));
  aws.plant(base, 'stored unversioned');
  assert.equal(await store.read(c), undefined, 'an exact read does not fall back');
  assert.equal((await store.read(c, { asAirbyte: true }))?.reveal(), 'stored unversioned');
  await store.write(c, new SecretValue('versioned'));
  assert.equal((await store.read(c, { asAirbyte: true }))?.reveal(), 'versioned', 'the full name wins');
  await store.close();
});

test('a name scheduled for deletion: describe reports it, write reports it by default, or restores it', async () => {
  const report = await createAwsSecretsManagerStore(settingsFor(aws));
  const c = newCoordinate();
  await report.write(c, new SecretValue('before'));
  assert.equal(await report.delete(c), 'scheduled');
  const d = await report.describe(c);
  assert.equal(d.state, 'deleted-recoverable');
  const days = (Date.parse(d.scheduledPurgeAt ?? '') - Date.now()) / 86_400_000;
  assert.ok(days > 6.9 && days <= 7, `purged in about 7 days (${days})`);
  assert.equal(await report.read(c), undefined);
  assert.equal(await report.delete(c), 'scheduled', 'deleting again is idempotent');
  await assert.rejects(report.write(c, new SecretValue('after')), (e: unknown) => {
    assert.ok(e instanceof StoreError);
    assert.equal(e.kind, 'deleted-recoverable');
    assert.equal(e.coordinate, c);
    return true;
  });
  const restore = await createAwsSecretsManagerStore(settingsFor(aws, { onScheduledDeletion: 'restore' }));
  assert.equal(await restore.write(c, new SecretValue('after')), 'updated');
  assert.equal((await restore.read(c))?.reveal(), 'after');
  assert.equal((await restore.describe(c)).state, 'active');
  await report.close();
  await restore.close();
});

test('unknown credentials are permission-denied, not absent', async () => {
  const store = await createAwsSecretsManagerStore(settingsFor(aws, { accessKeyId: 'AKIDUNKNOWN' }));
  await assert.rejects(store.read(newCoordinate()), (e: unknown) => {
    assert.ok(e instanceof StoreError);
    assert.equal(e.kind, 'permission-denied');
    assert.match(e.message, /UnrecognizedClientException/);
    return true;
  });
  await store.close();
});

test('throttling and server faults become retryable StoreErrors (the SDK makes one attempt)', async () => {
  const store = await createAwsSecretsManagerStore(settingsFor(aws));
  const cases = [
    ['throttle', 'throttled'],
    ['server-error', 'transient'],
    ['reset', 'transient'],
  ] as const;
  for (const [fault, kind] of cases) {
    aws.setFaults({ rate: 1, kinds: [fault] });
    const from = aws.log.length;
    try {
      await assert.rejects(
        store.read(newCoordinate()),
        (e: unknown) => e instanceof StoreError && e.kind === kind,
      );
    } finally {
      aws.setFaults(undefined);
    }
    assert.equal(aws.log.length - from, 1, `${fault}: exactly one request, no SDK retry`);
  }
  await store.close();
});
