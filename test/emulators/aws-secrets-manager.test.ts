import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  CreateSecretCommand,
  DeleteSecretCommand,
  DescribeSecretCommand,
  GetSecretValueCommand,
  InvalidRequestException,
  ListSecretsCommand,
  PutSecretValueCommand,
  paginateListSecrets,
  ResourceExistsException,
  ResourceNotFoundException,
  RestoreSecretCommand,
  SecretsManagerClient,
  SecretsManagerServiceException,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateSecretCommand,
} from '@aws-sdk/client-secrets-manager';
import {
  type AwsEmulatorOptions,
  type RunningAwsEmulator,
  startAwsSecretsManagerEmulator,
} from '../../src/emulators/aws/index.js';

/** The real SDK, set up for tests: a local endpoint, static keys, one attempt. */
function clientFor(aws: RunningAwsEmulator, overrides: { accessKeyId?: string; maxAttempts?: number } = {}) {
  return new SecretsManagerClient({
    endpoint: aws.url,
    region: aws.region,
    credentials: {
      accessKeyId: overrides.accessKeyId ?? aws.accessKeyId,
      secretAccessKey: aws.secretAccessKey,
    },
    maxAttempts: overrides.maxAttempts ?? 1,
  });
}

interface SdkFailure {
  name: string;
  message: string;
  status?: number;
  fault?: string;
  code?: string;
  error: unknown;
}

async function failure(promise: Promise<unknown>): Promise<SdkFailure> {
  try {
    await promise;
  } catch (error) {
    const e = error as Error & { $metadata?: { httpStatusCode?: number }; $fault?: string; code?: string };
    return {
      name: e.name,
      message: e.message,
      ...(e.$metadata?.httpStatusCode !== undefined ? { status: e.$metadata.httpStatusCode } : {}),
      ...(e.$fault ? { fault: e.$fault } : {}),
      ...(e.code ? { code: e.code } : {}),
      error,
    };
  }
  assert.fail('expected the call to fail');
}

async function withAws(
  options: AwsEmulatorOptions,
  fn: (aws: RunningAwsEmulator, client: SecretsManagerClient) => Promise<void>,
): Promise<void> {
  const aws = await startAwsSecretsManagerEmulator(options);
  const client = clientFor(aws);
  try {
    await fn(aws, client);
  } finally {
    client.destroy();
    await aws.close();
  }
}

describe('aws secrets manager emulator through @aws-sdk/client-secrets-manager', () => {
  let aws: RunningAwsEmulator;
  let sm: SecretsManagerClient;
  before(async () => {
    aws = await startAwsSecretsManagerEmulator();
    sm = clientFor(aws);
  });
  after(async () => {
    sm.destroy();
    await aws.close();
  });

  test('create, get, put: AWSCURRENT moves and the old version becomes AWSPREVIOUS', async () => {
    const created = await sm.send(
      new CreateSecretCommand({ Name: 'stages', SecretString: 'one', Description: 'd', KmsKeyId: 'alias/k' }),
    );
    assert.match(created.ARN ?? '', /^arn:aws:secretsmanager:us-east-1:\d{12}:secret:stages-[A-Za-z0-9]{6}$/);
    await sm.send(new PutSecretValueCommand({ SecretId: 'stages', SecretString: 'two' }));
    await sm.send(new PutSecretValueCommand({ SecretId: 'stages', SecretString: 'three' }));
    assert.equal((await sm.send(new GetSecretValueCommand({ SecretId: 'stages' }))).SecretString, 'three');
    const previous = await sm.send(
      new GetSecretValueCommand({ SecretId: 'stages', VersionStage: 'AWSPREVIOUS' }),
    );
    assert.equal(previous.SecretString, 'two');
    const byArn = await sm.send(new GetSecretValueCommand({ SecretId: created.ARN }));
    assert.equal(byArn.SecretString, 'three');
    const d = await sm.send(new DescribeSecretCommand({ SecretId: 'stages' }));
    assert.ok(
      d.CreatedDate instanceof Date && d.LastChangedDate instanceof Date,
      'epoch seconds parse as dates',
    );
    assert.equal(d.Description, 'd');
    assert.equal(d.KmsKeyId, 'alias/k');
    assert.deepEqual(Object.values(d.VersionIdsToStages ?? {}).sort(), [['AWSCURRENT'], ['AWSPREVIOUS']]);
    assert.equal(aws.snapshot('stages')?.versionCount, 3, 'the deprecated version is kept');
  });

  test('ClientRequestToken: same token and value is a no-op, same token and another value is refused', async () => {
    await sm.send(new CreateSecretCommand({ Name: 'idem', SecretString: 'a' }));
    const token = 'a'.repeat(32);
    const first = await sm.send(
      new PutSecretValueCommand({ SecretId: 'idem', SecretString: 'b', ClientRequestToken: token }),
    );
    const again = await sm.send(
      new PutSecretValueCommand({ SecretId: 'idem', SecretString: 'b', ClientRequestToken: token }),
    );
    assert.equal(again.VersionId, first.VersionId);
    assert.equal(aws.snapshot('idem')?.versionCount, 2);
    const clash = await failure(
      sm.send(new PutSecretValueCommand({ SecretId: 'idem', SecretString: 'c', ClientRequestToken: token })),
    );
    assert.equal(clash.name, 'ResourceExistsException');
    assert.ok(clash.error instanceof ResourceExistsException);
  });

  test('creating an existing name is ResourceExistsException; a missing one is ResourceNotFoundException (HTTP 400)', async () => {
    await sm.send(new CreateSecretCommand({ Name: 'dup', SecretString: 'x' }));
    const dup = await failure(sm.send(new CreateSecretCommand({ Name: 'dup', SecretString: 'y' })));
    assert.ok(dup.error instanceof ResourceExistsException);
    assert.equal(dup.message, 'The operation failed because the secret dup already exists.');
    const missing = await failure(sm.send(new GetSecretValueCommand({ SecretId: 'missing' })));
    assert.ok(missing.error instanceof ResourceNotFoundException);
    assert.equal(missing.status, 400);
    assert.equal(missing.fault, 'client');
    assert.equal(missing.message, "Secrets Manager can't find the specified secret.");
    const badName = await failure(sm.send(new CreateSecretCommand({ Name: 'bad name!', SecretString: 'x' })));
    assert.equal(badName.name, 'ValidationException');
  });

  test('scheduled deletion: the real InvalidRequestException messages, DeletedDate, restore', async () => {
    await sm.send(new CreateSecretCommand({ Name: 'doomed', SecretString: 'x' }));
    const deleted = await sm.send(new DeleteSecretCommand({ SecretId: 'doomed', RecoveryWindowInDays: 7 }));
    const days = ((deleted.DeletionDate?.getTime() ?? 0) - Date.now()) / 86_400_000;
    assert.ok(days > 6.9 && days <= 7);
    const d = await sm.send(new DescribeSecretCommand({ SecretId: 'doomed' }));
    assert.equal(d.DeletedDate?.getTime(), deleted.DeletionDate?.getTime());
    const get = await failure(sm.send(new GetSecretValueCommand({ SecretId: 'doomed' })));
    assert.ok(get.error instanceof InvalidRequestException);
    assert.equal(
      get.message,
      "You can't perform this operation on the secret because it was marked for deletion.",
    );
    const put = await failure(sm.send(new PutSecretValueCommand({ SecretId: 'doomed', SecretString: 'y' })));
    assert.equal(put.name, 'InvalidRequestException');
    const create = await failure(sm.send(new CreateSecretCommand({ Name: 'doomed', SecretString: 'y' })));
    assert.equal(create.name, 'InvalidRequestException');
    assert.equal(
      create.message,
      "You can't create this secret because a secret with this name is already scheduled for deletion.",
    );
    const listed = async (IncludePlannedDeletion: boolean) =>
      (await sm.send(new ListSecretsCommand({ IncludePlannedDeletion }))).SecretList?.some(
        (s) => s.Name === 'doomed',
      );
    assert.equal(await listed(false), false);
    assert.equal(await listed(true), true);
    await sm.send(new RestoreSecretCommand({ SecretId: 'doomed' }));
    assert.equal((await sm.send(new GetSecretValueCommand({ SecretId: 'doomed' }))).SecretString, 'x');
  });

  test('DeleteSecret parameters: 7–30 days, not with ForceDeleteWithoutRecovery; force removes at once', async () => {
    await sm.send(new CreateSecretCommand({ Name: 'forced', SecretString: 'x' }));
    const both = await failure(
      sm.send(
        new DeleteSecretCommand({
          SecretId: 'forced',
          RecoveryWindowInDays: 7,
          ForceDeleteWithoutRecovery: true,
        }),
      ),
    );
    assert.equal(both.name, 'InvalidParameterException');
    const short = await failure(
      sm.send(new DeleteSecretCommand({ SecretId: 'forced', RecoveryWindowInDays: 3 })),
    );
    assert.equal(short.name, 'InvalidParameterException');
    await sm.send(new DeleteSecretCommand({ SecretId: 'forced', ForceDeleteWithoutRecovery: true }));
    assert.equal(aws.snapshot('forced'), undefined);
    await sm.send(new CreateSecretCommand({ Name: 'forced', SecretString: 'reborn' }));
    const gone = await failure(
      sm.send(new DeleteSecretCommand({ SecretId: 'never-was', ForceDeleteWithoutRecovery: true })),
    );
    assert.equal(gone.name, 'ResourceNotFoundException');
  });

  test('UpdateSecret, TagResource and UntagResource', async () => {
    await sm.send(
      new CreateSecretCommand({ Name: 'tagged', SecretString: 'x', Tags: [{ Key: 'a', Value: '1' }] }),
    );
    const noValue = await sm.send(new UpdateSecretCommand({ SecretId: 'tagged', Description: 'new' }));
    assert.equal(noValue.VersionId, undefined, 'no version without a value');
    const withValue = await sm.send(new UpdateSecretCommand({ SecretId: 'tagged', SecretString: 'y' }));
    assert.ok(withValue.VersionId);
    await sm.send(new TagResourceCommand({ SecretId: 'tagged', Tags: [{ Key: 'b', Value: '2' }] }));
    await sm.send(new UntagResourceCommand({ SecretId: 'tagged', TagKeys: ['a'] }));
    const d = await sm.send(new DescribeSecretCommand({ SecretId: 'tagged' }));
    assert.deepEqual(d.Tags, [{ Key: 'b', Value: '2' }]);
    assert.equal(d.Description, 'new');
  });

  test('ListSecrets: NextToken paging (short pages too) and name-prefix filters with negation', async () => {
    for (let i = 0; i < 7; i++) aws.plant(`airbyte_page_${i}`, 'x');
    aws.plant('other_page', 'x');
    const filters = [{ Key: 'name' as const, Values: ['airbyte_page_'] }];
    const pages: string[][] = [];
    for await (const page of paginateListSecrets({ client: sm, pageSize: 3 }, { Filters: filters })) {
      pages.push((page.SecretList ?? []).map((s) => s.Name ?? ''));
    }
    assert.deepEqual(
      pages.map((p) => p.length),
      [3, 3, 1],
    );
    aws.setMaxPageSize(2);
    try {
      const short = await sm.send(new ListSecretsCommand({ Filters: filters, MaxResults: 100 }));
      assert.equal(short.SecretList?.length, 2);
      assert.ok(short.NextToken, 'a short page still carries a token');
    } finally {
      aws.setMaxPageSize(undefined);
    }
    const negated = await sm.send(
      new ListSecretsCommand({ Filters: [{ Key: 'name', Values: ['!airbyte_'] }], MaxResults: 100 }),
    );
    assert.ok(negated.SecretList?.some((s) => s.Name === 'other_page'));
    assert.ok(!negated.SecretList?.some((s) => s.Name?.startsWith('airbyte_')));
    const bad = await failure(sm.send(new ListSecretsCommand({ NextToken: 'garbage!' })));
    assert.equal(bad.name, 'InvalidNextTokenException');
  });

  test('credentials: an unknown access key is UnrecognizedClientException; no signature at all is refused', async () => {
    const stranger = clientFor(aws, { accessKeyId: 'AKIDSTRANGER' });
    const f = await failure(stranger.send(new ListSecretsCommand({})));
    assert.equal(f.name, 'UnrecognizedClientException');
    assert.equal(f.status, 400);
    stranger.destroy();
    const res = await fetch(aws.url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'secretsmanager.ListSecrets' },
      body: '{}',
    });
    assert.equal(res.status, 400);
    assert.equal(res.headers.get('content-type'), 'application/x-amz-json-1.1');
    assert.equal(((await res.json()) as { __type: string }).__type, 'MissingAuthenticationTokenException');
  });

  test('denied names answer AccessDeniedException, which the SDK throws as a generic service exception', async () => {
    aws.plant('locked', 'x');
    aws.denyName('locked', ['GetSecretValue']);
    const f = await failure(sm.send(new GetSecretValueCommand({ SecretId: 'locked' })));
    assert.equal(f.name, 'AccessDeniedException');
    assert.ok(f.error instanceof SecretsManagerServiceException, 'not in the service model');
    assert.match(
      f.message,
      /is not authorized to perform: secretsmanager:GetSecretValue on resource: locked/,
    );
    assert.ok(
      (await sm.send(new DescribeSecretCommand({ SecretId: 'locked' }))).ARN,
      'other operations pass',
    );
  });

  test('the request log names operation, secret, write and outcome, and holds no values', async () => {
    const from = aws.log.length;
    await sm.send(new CreateSecretCommand({ Name: 'logged', SecretString: 'hush-value' }));
    await failure(sm.send(new GetSecretValueCommand({ SecretId: 'logged-missing' })));
    assert.deepEqual(
      aws.log.slice(from).map(({ operation, name, write, outcome }) => ({ operation, name, write, outcome })),
      [
        { operation: 'CreateSecret', name: 'logged', write: true, outcome: '200' },
        {
          operation: 'GetSecretValue',
          name: 'logged-missing',
          write: false,
          outcome: '400 ResourceNotFoundException',
        },
      ],
    );
    assert.ok(!JSON.stringify(aws.log).includes('hush-value'));
  });
});

test('the default quota is the published 50 writes/s: a burst gets ThrottlingException "Rate exceeded", HTTP 400', async () => {
  await withAws({}, async (aws, client) => {
    const results = await Promise.allSettled(
      Array.from({ length: 250 }, (_, i) =>
        client.send(new CreateSecretCommand({ Name: `burst-${i}`, SecretString: 'x' })),
      ),
    );
    const throttled = results.filter((r) => r.status === 'rejected');
    assert.ok(throttled.length > 0, 'some writes were throttled');
    assert.ok(results.filter((r) => r.status === 'fulfilled').length >= 50, 'a second of quota was admitted');
    const f = await failure(Promise.reject((throttled[0] as PromiseRejectedResult).reason));
    assert.equal(f.name, 'ThrottlingException');
    assert.equal(f.message, 'Rate exceeded');
    assert.equal(f.status, 400);
    // Reads have their own, much larger bucket: a read right after the burst is admitted.
    const created = aws.log.find((e) => e.operation === 'CreateSecret' && e.outcome === '200')?.name ?? '';
    assert.equal((await client.send(new GetSecretValueCommand({ SecretId: created }))).SecretString, 'x');
  });
});

test('with its own retries on, the SDK retries our ThrottlingException as throttling', async () => {
  // Seed 7 throttles the first draw and admits the second: no dependence on timing.
  const faults = { rate: 0.5, kinds: ['throttle' as const], seed: 7, operations: ['CreateSecret'] };
  await withAws({ quota: false, faults }, async (aws) => {
    const retrying = clientFor(aws, { maxAttempts: 3 });
    const out = await retrying.send(new CreateSecretCommand({ Name: 'r1', SecretString: 'x' }));
    assert.equal(out.$metadata.attempts, 2, 'throttled first, then admitted on the retry');
    assert.deepEqual(
      aws.log.map((e) => e.outcome),
      ['400 ThrottlingException', '200'],
    );
    retrying.destroy();
  });
});

test('deniedNames at start deny every operation on those names', async () => {
  await withAws({ deniedNames: ['sealed'] }, async (_aws, client) => {
    const f = await failure(client.send(new CreateSecretCommand({ Name: 'sealed', SecretString: 'x' })));
    assert.equal(f.name, 'AccessDeniedException');
  });
});

test('--no-quota (quota: false) admits any burst', async () => {
  await withAws({ quota: false }, async (_aws, client) => {
    await Promise.all(
      Array.from({ length: 150 }, (_, i) =>
        client.send(new CreateSecretCommand({ Name: `free-${i}`, SecretString: 'x' })),
      ),
    );
  });
});

test('faults: throttling, InternalServiceError (HTTP 500, server fault) and socket resets', async () => {
  await withAws({}, async (aws, client) => {
    aws.plant('f', 'x');
    aws.setFaults({ rate: 1, kinds: ['throttle'] });
    assert.equal(
      (await failure(client.send(new GetSecretValueCommand({ SecretId: 'f' })))).name,
      'ThrottlingException',
    );
    aws.setFaults({ rate: 1, kinds: ['server-error'] });
    const server = await failure(client.send(new GetSecretValueCommand({ SecretId: 'f' })));
    assert.equal(server.name, 'InternalServiceError');
    assert.equal(server.status, 500);
    assert.equal(server.fault, 'server');
    aws.setFaults({ rate: 1, kinds: ['reset'] });
    const reset = await failure(client.send(new GetSecretValueCommand({ SecretId: 'f' })));
    assert.equal(reset.code, 'ECONNRESET');
    aws.setFaults({ rate: 1, kinds: ['server-error'], operations: ['PutSecretValue'] });
    assert.equal((await client.send(new GetSecretValueCommand({ SecretId: 'f' }))).SecretString, 'x');
    aws.setFaults(undefined);
    assert.deepEqual(
      aws.log.map((e) => e.outcome),
      ['400 ThrottlingException', '500 InternalServiceError', 'reset', '200'],
    );
  });
});
