import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { test } from 'node:test';
import { SecretManagerServiceClient } from '@google-cloud/secret-manager';
import * as grpc from '@grpc/grpc-js';
import {
  type RunningGoogleSecretManagerEmulator,
  startGoogleSecretManagerEmulator,
} from '../../src/emulators/gcp/index.js';
import { StoreError } from '../../src/stores/errors.js';
import type { GcpStoreSettings } from '../../src/stores/gcp/index.js';
import { createGoogleSecretManagerStore } from '../../src/stores/gcp/store.js';
import { withLimits } from '../../src/stores/limits.js';
import type { SecretStore } from '../../src/stores/types.js';
import { SecretValue } from '../../src/util/secret-value.js';
import { describeSecretStore, newCoordinate } from './conformance.js';

const PROJECT = 'airbyte-prod';

/** The raw SDK, to check what the store wrote without going through the store. */
function rawClient(emu: { port: number }): SecretManagerServiceClient {
  return new SecretManagerServiceClient({
    apiEndpoint: '127.0.0.1',
    port: emu.port,
    sslCreds: grpc.credentials.createInsecure(),
    universeDomain: 'googleapis.com',
  });
}

async function rawRead(raw: SecretManagerServiceClient, name: string): Promise<string> {
  const [res] = await raw.accessSecretVersion({ name: `${name}/versions/latest` });
  return Buffer.from(res.payload!.data as Uint8Array).toString('utf8');
}

function settingsFor(emu: { url: string }, extra: Partial<GcpStoreSettings> = {}): GcpStoreSettings {
  return { kind: 'gcp', projectId: PROJECT, endpoint: emu.url, ...extra };
}

/** A store and the raw client on their own emulator, for cases that change the emulator's setup. */
async function withStore(
  extra: Partial<GcpStoreSettings>,
  fn: (
    store: SecretStore,
    emu: RunningGoogleSecretManagerEmulator,
    raw: SecretManagerServiceClient,
  ) => Promise<void>,
  options: Parameters<typeof startGoogleSecretManagerEmulator>[0] = {},
): Promise<void> {
  const emu = await startGoogleSecretManagerEmulator({ projectId: PROJECT, ...options });
  const store = await createGoogleSecretManagerStore(settingsFor(emu, extra));
  const raw = rawClient(emu);
  try {
    await fn(store, emu, raw);
  } finally {
    await raw.close();
    await store.close();
    await emu.close();
  }
}

describeSecretStore({
  name: 'gcp store against the Google Secret Manager emulator',
  capabilities: { softDelete: false },
  async create() {
    const emulator = await startGoogleSecretManagerEmulator({ projectId: PROJECT });
    const store = await createGoogleSecretManagerStore(
      settingsFor(emulator, { labels: { owner: 'airbyte' } }),
    );
    const raw = rawClient(emulator);
    const plant = async (parent: string, id: string, value: string) => {
      await raw.createSecret({
        parent,
        secretId: id,
        secret: parent.includes('/locations/') ? {} : { replication: { automatic: {} } },
      });
      await raw.addSecretVersion({
        parent: `${parent}/secrets/${id}`,
        payload: { data: Buffer.from(value) },
      });
    };
    return {
      store,
      emulator,
      denyAccess: (c) => emulator.deny(c),
      plantForeign: (name, value) => plant(`projects/${PROJECT}`, name, value),
      // A regional secret of the same project is outside a global store's parent.
      plantOutsidePrefix: (c, value) => plant(`projects/${PROJECT}/locations/us-east1`, c, value),
      setPageSize: (size) => emulator.setPageSize(size),
      close: () => raw.close(),
    };
  },
  extra(fx) {
    test('names and payloads are Airbyte’s: secret id = coordinate under projects/<p>, UTF-8 latest version', async () => {
      const { store, emulator } = fx();
      const raw = rawClient(emulator!);
      try {
        const c = `airbyte_workspace_${randomUUID()}_secret_${randomUUID()}_v1`;
        assert.equal(store.nameOf(c), `projects/${PROJECT}/secrets/${c}`);
        await store.write(c, new SecretValue('pässwörd ✓'));
        assert.equal(await rawRead(raw, store.nameOf(c)), 'pässwörd ✓');
        const [secret] = await raw.getSecret({ name: store.nameOf(c) });
        assert.ok(secret.replication?.automatic, 'automatic replication, as Airbyte creates');
        assert.deepEqual(secret.labels, { owner: 'airbyte' });
        // Every version carries the client's CRC32C.
        assert.deepEqual(
          (emulator as RunningGoogleSecretManagerEmulator)
            .inspect(store.nameOf(c))
            ?.versions.map((v) => v.clientSpecifiedPayloadChecksum),
          [true],
        );
        const d = await store.describe(c);
        assert.deepEqual(
          { state: d.state, versionCount: d.versionCount, tags: d.tags },
          { state: 'active', versionCount: 1, tags: { owner: 'airbyte' } },
        );
      } finally {
        await raw.close();
      }
    });

    test('a secret without versions reads as absent and the next write repairs it', async () => {
      const { store, emulator } = fx();
      const raw = rawClient(emulator!);
      try {
        const c = newCoordinate();
        await raw.createSecret({
          parent: `projects/${PROJECT}`,
          secretId: c,
          secret: { replication: { automatic: {} } },
        });
        assert.equal(await store.read(c), undefined);
        assert.equal(await store.write(c, new SecretValue('repaired')), 'created');
        assert.equal(await rawRead(raw, store.nameOf(c)), 'repaired');
        const creates = emulator!.log.filter((e) => e.name === c && e.operation === 'CreateSecret');
        assert.deepEqual(
          creates.map((e) => e.outcome),
          ['OK', 'ALREADY_EXISTS'],
          'the store tried to create, got ALREADY_EXISTS and fell through to AddSecretVersion',
        );
      } finally {
        await raw.close();
      }
    });

    test('a disabled latest version is an error on read (not absent); a write adds a readable version', async () => {
      const { store, emulator } = fx();
      const raw = rawClient(emulator!);
      try {
        const c = newCoordinate();
        await store.write(c, new SecretValue('one'));
        await raw.disableSecretVersion({ name: `${store.nameOf(c)}/versions/1` });
        await assert.rejects(store.read(c), (err: unknown) => {
          assert.ok(err instanceof StoreError);
          assert.equal(err.kind, 'not-found');
          assert.match(err.message, /DISABLED state/);
          return true;
        });
        assert.equal(await store.write(c, new SecretValue('two')), 'updated');
        assert.equal((await store.read(c))?.reveal(), 'two');
      } finally {
        await raw.close();
      }
    });

    test('a coordinate that is not a secret id is refused before any call', async () => {
      const { store } = fx();
      for (const bad of ['airbyte_x/versions/1', '', 'a'.repeat(256)]) {
        await assert.rejects(
          store.read(bad),
          (err: unknown) => err instanceof StoreError && err.kind === 'invalid',
        );
      }
    });
  },
});

test('regional store: parent projects/<p>/locations/<r>, no replication block sent', async () => {
  await withStore({ region: 'europe-west1', labels: { env: 'prod' } }, async (store, emu, raw) => {
    const c = newCoordinate();
    assert.equal(store.nameOf(c), `projects/${PROJECT}/locations/europe-west1/secrets/${c}`);
    assert.equal(await store.write(c, new SecretValue('regional value')), 'created');
    const held = emu.inspect(store.nameOf(c));
    assert.equal(held?.replication, null, 'the create request carried no replication');
    assert.deepEqual(held?.labels, { env: 'prod' });
    assert.equal(await rawRead(raw, store.nameOf(c)), 'regional value');
    assert.equal((await store.read(c))?.reveal(), 'regional value');
    const listed: string[] = [];
    for await (const name of store.list()) listed.push(name);
    assert.deepEqual(listed, [c]);
    assert.equal(await store.delete(c), 'deleted');
    assert.equal(emu.inspect(store.nameOf(c)), undefined);
  });
});

test('user-managed replicas replace automatic replication', async () => {
  await withStore({ replicaLocations: ['us-east1', 'us-west1'] }, async (store, emu) => {
    const c = newCoordinate();
    await store.write(c, new SecretValue('x'));
    assert.deepEqual(emu.inspect(store.nameOf(c))?.replication, { userManaged: ['us-east1', 'us-west1'] });
  });
});

test('a region with user-managed replicas is refused up front', async () => {
  await assert.rejects(
    createGoogleSecretManagerStore({
      kind: 'gcp',
      projectId: PROJECT,
      region: 'europe-west1',
      replicaLocations: ['us-east1'],
    }),
    (err: unknown) => err instanceof StoreError && err.kind === 'invalid' && err.operation === 'connect',
  );
});

test('when the first version cannot be added, the new secret is deleted again (as Airbyte does)', async () => {
  await withStore({}, async (store, emu) => {
    const c = newCoordinate();
    emu.setFaults({ rate: 1, kinds: ['server-error'], operations: ['AddSecretVersion'] });
    await assert.rejects(store.write(c, new SecretValue('lost')), (err: unknown) => {
      assert.ok(err instanceof StoreError);
      assert.equal(err.kind, 'transient');
      assert.match(err.message, /UNAVAILABLE/);
      assert.match(err.message, /deleted again/);
      assert.ok(!err.message.includes('lost'));
      return true;
    });
    assert.equal(emu.inspect(store.nameOf(c)), undefined);
    emu.setFaults(undefined);
    assert.equal(await store.write(c, new SecretValue('second try')), 'created');
  });
});

test('the SDK does not retry: a throttled access is one request and a throttled StoreError', async () => {
  await withStore(
    {},
    async (store, emu) => {
      const c = newCoordinate();
      await store.write(c, new SecretValue('x'));
      const before = emu.log.length;
      await assert.rejects(store.read(c), (err: unknown) => {
        assert.ok(err instanceof StoreError);
        assert.equal(err.kind, 'throttled');
        assert.ok(err.retryable);
        assert.match(err.message, /RESOURCE_EXHAUSTED: Quota exceeded for quota metric 'Access requests'/);
        return true;
      });
      assert.equal(emu.log.length - before, 1);
    },
    // The write reads first (one access), so the bucket holds exactly that one.
    { quota: { access: { rate: 0.001, burst: 1 } } },
  );
});

test('the write quota is retried by the limits wrapper until the bucket refills', async () => {
  await withStore(
    {},
    async (store, emu) => {
      const limited = withLimits(store, { rate: 1000, maxAttempts: 20 });
      const written = [newCoordinate(), newCoordinate()];
      // Each new secret is two writes (create + add version): the second secret runs out of quota.
      for (const c of written) assert.equal(await limited.write(c, new SecretValue('v')), 'created');
      assert.ok(emu.log.some((e) => e.outcome === 'RESOURCE_EXHAUSTED'));
      assert.ok((limited.stats().throttles ?? 0) > 0);
      for (const c of written) assert.equal((await store.read(c))?.reveal(), 'v');
    },
    // Slow refill (one write per 2 s): the fourth write is throttled however slow the machine is.
    { quota: { write: { rate: 0.5, burst: 3 } } },
  );
});

test('credentials that are not JSON are refused without echoing them', async () => {
  await assert.rejects(
    createGoogleSecretManagerStore({
      kind: 'gcp',
      projectId: PROJECT,
      credentials: new SecretValue('not-json-canary-998877'),
    }),
    (err: unknown) => {
      assert.ok(err instanceof StoreError);
      assert.equal(err.kind, 'invalid');
      assert.ok(!err.message.includes('canary'));
      return true;
    },
  );
});
