import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { SecretManagerServiceClient } from '@google-cloud/secret-manager';
import * as grpc from '@grpc/grpc-js';
import {
  type GoogleSecretManagerEmulatorOptions,
  type RunningGoogleSecretManagerEmulator,
  startGoogleSecretManagerEmulator,
} from '../../src/emulators/gcp/index.js';
import { crc32c } from '../../src/util/crc32c.js';
import { selfSignedCertificate } from '../helpers/self-signed.js';

/** The real client, set up for a plaintext local server (insecure gRPC credentials, fixed universe domain). */
function clientFor(emu: { port: number }, sslCreds = grpc.credentials.createInsecure()) {
  return new SecretManagerServiceClient({
    apiEndpoint: '127.0.0.1',
    port: emu.port,
    sslCreds,
    universeDomain: 'googleapis.com',
  });
}

/** No client-side retries, so a refused call shows its status at once. */
const NO_RETRY = { retry: { retryCodes: [] } };

interface GrpcFailure {
  code: number;
  details: string;
}

async function failure(promise: Promise<unknown>): Promise<GrpcFailure> {
  try {
    await promise;
  } catch (err) {
    const e = err as GrpcFailure;
    return { code: e.code, details: e.details };
  }
  assert.fail('expected the call to fail');
}

async function withEmulator(
  options: GoogleSecretManagerEmulatorOptions,
  fn: (emu: RunningGoogleSecretManagerEmulator, client: SecretManagerServiceClient) => Promise<void>,
): Promise<void> {
  const emu = await startGoogleSecretManagerEmulator(options);
  const client = clientFor(emu);
  try {
    await fn(emu, client);
  } finally {
    await client.close();
    await emu.close();
  }
}

describe('Google Secret Manager emulator with @google-cloud/secret-manager', () => {
  let emu: RunningGoogleSecretManagerEmulator;
  let client: SecretManagerServiceClient;
  const parent = 'projects/proj-a';

  before(async () => {
    emu = await startGoogleSecretManagerEmulator({ projectId: 'proj-a', deniedNames: ['forbidden'] });
    client = clientFor(emu);
  });
  after(async () => {
    await client.close();
    await emu.close();
  });

  test('create, add a version and access latest; names carry the project number and a CRC32C', async () => {
    const [secret] = await client.createSecret({
      parent,
      secretId: 'airbyte_workspace_a_secret_b_v1',
      secret: { replication: { automatic: {} }, labels: { team: 'data' } },
    });
    assert.equal(secret.name, `projects/${emu.projectNumber}/secrets/airbyte_workspace_a_secret_b_v1`);
    assert.deepEqual(secret.labels, { team: 'data' });
    assert.ok(secret.replication?.automatic);

    const [version] = await client.addSecretVersion({
      parent: `${parent}/secrets/airbyte_workspace_a_secret_b_v1`,
      payload: { data: Buffer.from('héllo ✓', 'utf8') },
    });
    assert.equal(version.name, `${secret.name}/versions/1`);
    assert.equal(version.state, 'ENABLED');
    assert.equal(version.clientSpecifiedPayloadChecksum, false);

    const [access] = await client.accessSecretVersion({
      name: `${parent}/secrets/airbyte_workspace_a_secret_b_v1/versions/latest`,
    });
    assert.equal(access.name, `${secret.name}/versions/1`);
    assert.equal(Buffer.from(access.payload!.data as Uint8Array).toString('utf8'), 'héllo ✓');
    assert.equal(String(access.payload!.dataCrc32c), String(crc32c(Buffer.from('héllo ✓', 'utf8'))));
    // The number addresses the same project as the id.
    const [byNumber] = await client.getSecret({ name: secret.name! });
    assert.equal(byNumber.name, secret.name);
  });

  test('a client CRC32C is checked: right one accepted, wrong one INVALID_ARGUMENT', async () => {
    await client.createSecret({ parent, secretId: 'crc', secret: { replication: { automatic: {} } } });
    const data = Buffer.from('payload');
    const [ok] = await client.addSecretVersion({
      parent: `${parent}/secrets/crc`,
      payload: { data, dataCrc32c: crc32c(data) },
    });
    assert.equal(ok.clientSpecifiedPayloadChecksum, true);
    const bad = await failure(
      client.addSecretVersion({
        parent: `${parent}/secrets/crc`,
        payload: { data, dataCrc32c: crc32c(data) + 1 },
      }),
    );
    assert.equal(bad.code, grpc.status.INVALID_ARGUMENT);
    assert.equal(emu.inspect(`${parent}/secrets/crc`)?.versions.length, 1);
  });

  test('a secret without versions is NOT_FOUND "… or has no versions"; a second create is ALREADY_EXISTS', async () => {
    await client.createSecret({ parent, secretId: 'empty', secret: { replication: { automatic: {} } } });
    const missing = await failure(
      client.accessSecretVersion({ name: `${parent}/secrets/empty/versions/latest` }, NO_RETRY),
    );
    assert.equal(missing.code, grpc.status.NOT_FOUND);
    assert.equal(
      missing.details,
      `Secret [projects/${emu.projectNumber}/secrets/empty] not found or has no versions.`,
    );
    const again = await failure(
      client.createSecret({ parent, secretId: 'empty', secret: { replication: { automatic: {} } } }),
    );
    assert.equal(again.code, grpc.status.ALREADY_EXISTS);
    assert.equal(again.details, `Secret [projects/${emu.projectNumber}/secrets/empty] already exists.`);
    const absent = await failure(client.getSecret({ name: `${parent}/secrets/nope` }));
    assert.equal(absent.code, grpc.status.NOT_FOUND);
  });

  test('regional parents take no replication block; global ones need one', async () => {
    const regional = 'projects/proj-a/locations/europe-west1';
    const [created] = await client.createSecret({ parent: regional, secretId: 'reg', secret: {} });
    assert.equal(created.name, `projects/${emu.projectNumber}/locations/europe-west1/secrets/reg`);
    assert.equal(created.replication, null);
    assert.equal(emu.inspect(`${regional}/secrets/reg`)?.replication, null);

    const withReplication = await failure(
      client.createSecret({ parent: regional, secretId: 'reg2', secret: { replication: { automatic: {} } } }),
    );
    assert.equal(withReplication.code, grpc.status.INVALID_ARGUMENT);
    const globalWithout = await failure(
      client.createSecret({ parent, secretId: 'noreplication', secret: {} }),
    );
    assert.equal(globalWithout.code, grpc.status.INVALID_ARGUMENT);

    // Regional and global ids are separate namespaces.
    await client.addSecretVersion({ parent: `${regional}/secrets/reg`, payload: { data: Buffer.from('r') } });
    const [read] = await client.accessSecretVersion({ name: `${regional}/secrets/reg/versions/latest` });
    assert.equal(Buffer.from(read.payload!.data as Uint8Array).toString(), 'r');
    const global = await failure(client.getSecret({ name: `${parent}/secrets/reg` }));
    assert.equal(global.code, grpc.status.NOT_FOUND);
  });

  test('user-managed replication keeps its locations', async () => {
    const [s] = await client.createSecret({
      parent,
      secretId: 'replicated',
      secret: {
        replication: { userManaged: { replicas: [{ location: 'us-east1' }, { location: 'europe-west4' }] } },
      },
    });
    assert.deepEqual(
      s.replication?.userManaged?.replicas?.map((r) => r.location),
      ['us-east1', 'europe-west4'],
    );
    assert.deepEqual(emu.inspect(`${parent}/secrets/replicated`)?.replication, {
      userManaged: ['us-east1', 'europe-west4'],
    });
  });

  test('latest is the newest version in any state; disable, enable and destroy', async () => {
    await client.createSecret({ parent, secretId: 'states', secret: { replication: { automatic: {} } } });
    const name = `${parent}/secrets/states`;
    await client.addSecretVersion({ parent: name, payload: { data: Buffer.from('one') } });
    await client.addSecretVersion({ parent: name, payload: { data: Buffer.from('two') } });
    await client.disableSecretVersion({ name: `${name}/versions/2` });
    const disabled = await failure(client.accessSecretVersion({ name: `${name}/versions/latest` }, NO_RETRY));
    assert.equal(disabled.code, grpc.status.FAILED_PRECONDITION);
    assert.match(disabled.details, /versions\/2\] is in DISABLED state\.$/);
    const [one] = await client.accessSecretVersion({ name: `${name}/versions/1` });
    assert.equal(Buffer.from(one.payload!.data as Uint8Array).toString(), 'one');

    await client.enableSecretVersion({ name: `${name}/versions/2` });
    const [destroyed] = await client.destroySecretVersion({ name: `${name}/versions/1` });
    assert.equal(destroyed.state, 'DESTROYED');
    assert.ok(destroyed.destroyTime);
    const gone = await failure(client.accessSecretVersion({ name: `${name}/versions/1` }, NO_RETRY));
    assert.equal(gone.code, grpc.status.FAILED_PRECONDITION);
    const again = await failure(client.destroySecretVersion({ name: `${name}/versions/1` }));
    assert.equal(again.code, grpc.status.FAILED_PRECONDITION);
    const [latest] = await client.getSecretVersion({ name: `${name}/versions/latest` });
    assert.equal(latest.name, `projects/${emu.projectNumber}/secrets/states/versions/2`);
    const missing = await failure(client.accessSecretVersion({ name: `${name}/versions/9` }, NO_RETRY));
    assert.equal(missing.code, grpc.status.NOT_FOUND);
  });

  test('labels are validated and updated with an update mask', async () => {
    const bad = await failure(
      client.createSecret({
        parent,
        secretId: 'badlabels',
        secret: { replication: { automatic: {} }, labels: { Team: 'x' } },
      }),
    );
    assert.equal(bad.code, grpc.status.INVALID_ARGUMENT);
    await client.createSecret({
      parent,
      secretId: 'labelled',
      secret: { replication: { automatic: {} }, labels: { a: '1' } },
    });
    const [updated] = await client.updateSecret({
      secret: { name: `${parent}/secrets/labelled`, labels: { a: '2', b: '' } },
      updateMask: { paths: ['labels'] },
    });
    assert.deepEqual(updated.labels, { a: '2', b: '' });
    const other = await failure(
      client.updateSecret({
        secret: { name: `${parent}/secrets/labelled`, replication: { automatic: {} } },
        updateMask: { paths: ['replication'] },
      }),
    );
    assert.equal(other.code, grpc.status.INVALID_ARGUMENT);
  });

  test('delete removes every version at once and the id can be reused', async () => {
    await client.createSecret({ parent, secretId: 'doomed', secret: { replication: { automatic: {} } } });
    await client.addSecretVersion({
      parent: `${parent}/secrets/doomed`,
      payload: { data: Buffer.from('x') },
    });
    await client.deleteSecret({ name: `${parent}/secrets/doomed` });
    const gone = await failure(client.getSecret({ name: `${parent}/secrets/doomed` }));
    assert.equal(gone.code, grpc.status.NOT_FOUND);
    const twice = await failure(client.deleteSecret({ name: `${parent}/secrets/doomed` }));
    assert.equal(twice.code, grpc.status.NOT_FOUND);
    await client.createSecret({ parent, secretId: 'doomed', secret: { replication: { automatic: {} } } });
    assert.equal(emu.inspect(`${parent}/secrets/doomed`)?.versions.length, 0);
  });

  test('IAM deny and a foreign project are PERMISSION_DENIED with Google’s message', async () => {
    const denied = await failure(
      client.createSecret({ parent, secretId: 'forbidden', secret: { replication: { automatic: {} } } }),
    );
    assert.equal(denied.code, grpc.status.PERMISSION_DENIED);
    assert.equal(
      denied.details,
      "Permission 'secretmanager.secrets.create' denied for resource 'projects/proj-a/secrets/forbidden' (or it may not exist).",
    );
    const foreign = await failure(client.getSecret({ name: 'projects/other/secrets/x' }));
    assert.equal(foreign.code, grpc.status.PERMISSION_DENIED);
    const logged = emu.log.find((e) => e.name === 'forbidden');
    assert.deepEqual(
      { operation: logged?.operation, write: logged?.write, outcome: logged?.outcome },
      { operation: 'CreateSecret', write: true, outcome: 'PERMISSION_DENIED' },
    );
  });
});

describe('listing', () => {
  test('ListSecrets pages newest first with stable tokens, filters by name and label', async () => {
    await withEmulator({ projectId: 'p' }, async (emu, client) => {
      for (let i = 0; i < 5; i++) {
        await client.createSecret({
          parent: 'projects/p',
          secretId: `airbyte_s${i}`,
          secret: { replication: { automatic: {} }, labels: { n: String(i % 2) } },
        });
      }
      await client.createSecret({
        parent: 'projects/p',
        secretId: 'other',
        secret: { replication: { automatic: {} } },
      });

      const [first, next, raw] = await client.listSecrets(
        { parent: 'projects/p', pageSize: 2, filter: 'name:airbyte_' },
        { autoPaginate: false },
      );
      assert.deepEqual(
        first.map((s) => s.name),
        [
          `projects/${emu.projectNumber}/secrets/airbyte_s4`,
          `projects/${emu.projectNumber}/secrets/airbyte_s3`,
        ],
      );
      assert.equal(raw?.totalSize, 5);
      assert.ok(next?.pageToken);
      // A secret created between pages does not shift the next page.
      await client.createSecret({
        parent: 'projects/p',
        secretId: 'airbyte_new',
        secret: { replication: { automatic: {} } },
      });
      const [second] = await client.listSecrets(next!, { autoPaginate: false });
      assert.deepEqual(
        second.map((s) => s.name?.split('/').pop()),
        ['airbyte_s2', 'airbyte_s1'],
      );

      const all: string[] = [];
      for await (const s of client.listSecretsAsync({ parent: 'projects/p', pageSize: 2 })) {
        all.push(s.name!.split('/').pop()!);
      }
      assert.equal(all.length, 7);
      const odd: string[] = [];
      for await (const s of client.listSecretsAsync({ parent: 'projects/p', filter: 'labels.n=1' })) {
        odd.push(s.name!.split('/').pop()!);
      }
      assert.deepEqual(odd, ['airbyte_s3', 'airbyte_s1']);
      const bad = await failure(client.listSecrets({ parent: 'projects/p', filter: 'create_time>1' }));
      assert.equal(bad.code, grpc.status.INVALID_ARGUMENT);
    });
  });

  test('ListSecretVersions is newest first', async () => {
    await withEmulator({ projectId: 'p' }, async (_emu, client) => {
      await client.createSecret({
        parent: 'projects/p',
        secretId: 'v',
        secret: { replication: { automatic: {} } },
      });
      for (const text of ['a', 'b', 'c']) {
        await client.addSecretVersion({
          parent: 'projects/p/secrets/v',
          payload: { data: Buffer.from(text) },
        });
      }
      const [versions] = await client.listSecretVersions(
        { parent: 'projects/p/secrets/v', pageSize: 10 },
        { autoPaginate: false },
      );
      assert.deepEqual(
        versions.map((v) => v.name?.split('/').pop()),
        ['3', '2', '1'],
      );
    });
  });
});

describe('quota and faults', () => {
  test('the write quota answers RESOURCE_EXHAUSTED with Google’s quota message', async () => {
    await withEmulator(
      { projectId: 'p', quota: { write: { rate: 0.001, burst: 2 } } },
      async (emu, client) => {
        const create = (id: string) =>
          client.createSecret({
            parent: 'projects/p',
            secretId: id,
            secret: { replication: { automatic: {} } },
          });
        await create('q1');
        await create('q2');
        const refused = await failure(create('q3'));
        assert.equal(refused.code, grpc.status.RESOURCE_EXHAUSTED);
        assert.equal(
          refused.details,
          "Quota exceeded for quota metric 'Write requests' and limit 'Write requests per minute per project' " +
            `of service 'secretmanager.googleapis.com' for consumer 'project_number:${emu.projectNumber}'.`,
        );
        // Reads have their own bucket.
        await client.getSecret({ name: 'projects/p/secrets/q1' });
        assert.equal(emu.log.at(-2)?.outcome, 'RESOURCE_EXHAUSTED');
      },
    );
  });

  test('the access quota is separate from the write quota', async () => {
    await withEmulator(
      { projectId: 'p', quota: { access: { rate: 0.001, burst: 1 } } },
      async (_emu, client) => {
        await client.createSecret({
          parent: 'projects/p',
          secretId: 'a',
          secret: { replication: { automatic: {} } },
        });
        await client.addSecretVersion({
          parent: 'projects/p/secrets/a',
          payload: { data: Buffer.from('x') },
        });
        await client.accessSecretVersion({ name: 'projects/p/secrets/a/versions/latest' }, NO_RETRY);
        const refused = await failure(
          client.accessSecretVersion({ name: 'projects/p/secrets/a/versions/latest' }, NO_RETRY),
        );
        assert.equal(refused.code, grpc.status.RESOURCE_EXHAUSTED);
        assert.match(refused.details, /quota metric 'Access requests'/);
      },
    );
  });

  test('injected faults: UNAVAILABLE for server errors, a dropped connection for resets', async () => {
    await withEmulator({ projectId: 'p' }, async (emu, client) => {
      emu.setFaults({ rate: 1, kinds: ['server-error'] });
      const unavailable = await failure(client.getSecret({ name: 'projects/p/secrets/x' }));
      assert.equal(unavailable.code, grpc.status.UNAVAILABLE);

      emu.setFaults({ rate: 1, kinds: ['reset'], operations: ['GetSecret'] });
      const reset = await failure(client.getSecret({ name: 'projects/p/secrets/x' }));
      assert.ok(
        [grpc.status.UNAVAILABLE, grpc.status.INTERNAL, grpc.status.CANCELLED].includes(reset.code),
        `a reset surfaces as a transport failure, got ${reset.code} ${reset.details}`,
      );
      assert.equal(emu.log.at(-1)?.outcome, 'RESET');

      emu.setFaults(undefined);
      const fine = await failure(client.getSecret({ name: 'projects/p/secrets/x' }));
      assert.equal(fine.code, grpc.status.NOT_FOUND);
    });
  });
});

const certificate = selfSignedCertificate();

test('TLS: the real client reaches the emulator over gRPC with TLS', {
  skip: !certificate && 'openssl not found',
}, async () => {
  const emu = await startGoogleSecretManagerEmulator({ projectId: 'p', tls: certificate! });
  const client = clientFor(emu, grpc.credentials.createSsl(Buffer.from(certificate!.cert)));
  try {
    await client.createSecret({
      parent: 'projects/p',
      secretId: 'tls',
      secret: { replication: { automatic: {} } },
    });
    const [s] = await client.getSecret({ name: 'projects/p/secrets/tls' });
    assert.equal(s.name, `projects/${emu.projectNumber}/secrets/tls`);
  } finally {
    await client.close();
    await emu.close();
  }
});
