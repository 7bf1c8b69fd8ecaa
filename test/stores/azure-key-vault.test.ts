import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { test } from 'node:test';
import type { AccessToken, GetTokenOptions, TokenCredential } from '@azure/identity';
import { SecretClient } from '@azure/keyvault-secrets';
import {
  type AzureKeyVaultEmulatorOptions,
  type RunningAzureKeyVaultEmulator,
  startAzureKeyVaultEmulator,
} from '../../src/emulators/azure/index.js';
import type { AzureStoreSettings } from '../../src/stores/azure/index.js';
import { coordinateOf, createAzureKeyVaultStore } from '../../src/stores/azure/store.js';
import { StoreError } from '../../src/stores/errors.js';
import { withLimits } from '../../src/stores/limits.js';
import type { SecretStore } from '../../src/stores/types.js';
import { SecretValue } from '../../src/util/secret-value.js';
import { describeSecretStore, newCoordinate } from './conformance.js';

class FakeCredential implements TokenCredential {
  readonly scopes: string[] = [];
  async getToken(scopes: string | string[], _options?: GetTokenOptions): Promise<AccessToken> {
    this.scopes.push(...(Array.isArray(scopes) ? scopes : [scopes]));
    return { token: 'fake', expiresOnTimestamp: Date.now() + 3_600_000 };
  }
}

/** The raw SDK, to check what the store wrote without going through the store. */
function rawClient(emu: { url: string }): SecretClient {
  return new SecretClient(emu.url, new FakeCredential(), {
    allowInsecureConnection: true,
    disableChallengeResourceVerification: true,
    retryOptions: { maxRetries: 0 },
  });
}

function settingsFor(emu: { url: string }, extra: Partial<AzureStoreSettings> = {}): AzureStoreSettings {
  return { kind: 'azure', vaultUrl: emu.url, allowInsecureConnection: true, ...extra };
}

async function withStore(
  extra: Partial<AzureStoreSettings>,
  options: AzureKeyVaultEmulatorOptions,
  fn: (store: SecretStore, emu: RunningAzureKeyVaultEmulator, raw: SecretClient) => Promise<void>,
): Promise<void> {
  const emu = await startAzureKeyVaultEmulator(options);
  const store = await createAzureKeyVaultStore(settingsFor(emu, extra), { pollIntervalMs: 0 });
  try {
    await fn(store, emu, rawClient(emu));
  } finally {
    await store.close();
    await emu.close();
  }
}

const UUID_A = '5bb1a1b2-0000-4000-8000-00000000000a';
const UUID_B = '9eba44d8-51e7-48f1-bde2-619af0e42c22';

describeSecretStore({
  name: 'azure store against the Key Vault emulator',
  capabilities: { softDelete: true },
  async create() {
    const emulator = await startAzureKeyVaultEmulator();
    const store = await createAzureKeyVaultStore(settingsFor(emulator, { tags: { team: 'data' } }), {
      pollIntervalMs: 0,
    });
    const raw = rawClient(emulator);
    return {
      store,
      emulator,
      denyAccess: (c) => emulator.deny(store.nameOf(c)),
      // Key Vault names cannot hold `_`: a foreign name is planted in its `-` form.
      plantForeign: async (name, value) => {
        await raw.setSecret(name.replaceAll('_', '-'), value);
      },
      setPageSize: (size) => emulator.setPageSize(size),
    };
  },
  extra(fx) {
    test('names and payloads are Airbyte’s: every _ becomes -, the value as is, tags from the settings', async () => {
      const { store, emulator } = fx();
      const raw = rawClient(emulator!);
      const c = `airbyte_workspace_${UUID_A}_secret_${randomUUID()}_v1`;
      const name = c.replaceAll('_', '-');
      assert.equal(store.nameOf(c), name);
      assert.equal(await store.write(c, new SecretValue('p@ss wörd')), 'created');
      const secret = await raw.getSecret(name);
      assert.equal(secret.value, 'p@ss wörd');
      assert.deepEqual(secret.properties.tags, { team: 'data' });
      assert.equal(secret.properties.contentType, undefined);
      const d = await store.describe(c);
      assert.deepEqual(
        { name: d.name, state: d.state, versionCount: d.versionCount, tags: d.tags },
        { name, state: 'active', versionCount: 1, tags: { team: 'data' } },
      );
    });

    test('list gives Airbyte’s coordinates back from the lossy names', async () => {
      const { store } = fx();
      const coordinates = [
        `airbyte_workspace_${UUID_A}_secret_${UUID_B}_v3`,
        `airbyte_organization_${UUID_A}_secret_${UUID_B}_v1`,
        `airbyte_oauth_workspace_${UUID_A}_secret_${UUID_B}_v1`,
        `airbyte_rsm_ORGANIZATION_${UUID_A}_secret_${UUID_B}_v1`,
        `airbyte_storage_organization${UUID_A}_secret_${UUID_B}_v1`,
        `airbyte_workspace_00000000-0000-0000-0000-000000000000_secret_${UUID_B}_v1`,
      ];
      for (const c of coordinates) await store.write(c, new SecretValue(c));
      const listed: string[] = [];
      for await (const c of store.list()) listed.push(c);
      for (const c of coordinates) assert.ok(listed.includes(c), `${c} comes back`);
      for (const c of listed)
        assert.equal(coordinateOf(store.nameOf(c)), c, 'name and coordinate map both ways');
      for (const c of coordinates) assert.equal((await store.read(c))?.reveal(), c);
    });

    test('an unknown layout maps - to _ outside UUIDs; its name maps back to itself', () => {
      const { store } = fx();
      assert.equal(coordinateOf(`airbyte-my-team-${UUID_A}-v2`), `airbyte_my_team_${UUID_A}_v2`);
      assert.equal(
        store.nameOf(coordinateOf(`airbyte-my-team-${UUID_A}-v2`)),
        `airbyte-my-team-${UUID_A}-v2`,
      );
      assert.equal(coordinateOf('airbyte-Plain-name'), 'airbyte_Plain_name');
    });

    test('a name that cannot be a Key Vault name is refused before any call', async () => {
      const { store } = fx();
      await assert.rejects(
        store.read('airbyte_workspace_x/secret'),
        (err: unknown) => err instanceof StoreError && err.kind === 'invalid',
      );
    });

    test('a disabled secret is an error on read (not absent); a write adds an enabled version', async () => {
      const { store, emulator } = fx();
      const raw = rawClient(emulator!);
      const c = newCoordinate();
      await store.write(c, new SecretValue('one'));
      const version = (await raw.getSecret(store.nameOf(c))).properties.version!;
      await raw.updateSecretProperties(store.nameOf(c), version, { enabled: false });
      await assert.rejects(store.read(c), (err: unknown) => {
        assert.ok(err instanceof StoreError);
        assert.equal(err.kind, 'not-found');
        assert.match(err.message, /SecretDisabled/);
        return true;
      });
      assert.equal(await store.write(c, new SecretValue('two')), 'updated');
      assert.equal((await store.read(c))?.reveal(), 'two');
    });

    test('hard delete of an already soft-deleted name purges it', async () => {
      const { store, emulator } = fx();
      const c = newCoordinate();
      await store.write(c, new SecretValue('x'));
      assert.equal(await store.delete(c), 'scheduled');
      assert.equal(await store.delete(c, { hard: true }), 'deleted');
      assert.equal((emulator as RunningAzureKeyVaultEmulator).inspect(store.nameOf(c)), undefined);
    });
  },
});

test('a deleted-but-recoverable name is reported by default', async () => {
  await withStore({}, {}, async (store, emu) => {
    const c = newCoordinate();
    await store.write(c, new SecretValue('old'));
    assert.equal(await store.delete(c), 'scheduled');
    await assert.rejects(store.write(c, new SecretValue('new-canary')), (err: unknown) => {
      assert.ok(err instanceof StoreError);
      assert.equal(err.kind, 'deleted-recoverable');
      assert.match(err.message, /ObjectIsDeletedButRecoverable/);
      assert.ok(!err.message.includes('canary'));
      return true;
    });
    assert.equal(emu.inspect(store.nameOf(c))?.state, 'deleted');
    assert.ok(!emu.log.some((e) => e.operation === 'RecoverDeletedSecret'));
  });
});

test('onDeletedRecoverable: recover brings the name back (polling) and then writes', async () => {
  await withStore({ onDeletedRecoverable: 'recover' }, { pendingPolls: 2 }, async (store, emu, raw) => {
    const c = newCoordinate();
    await store.write(c, new SecretValue('old'));
    await store.delete(c);
    assert.equal(await store.write(c, new SecretValue('new')), 'updated');
    assert.equal((await raw.getSecret(store.nameOf(c))).value, 'new');
    assert.deepEqual(
      emu.log.filter((e) => e.operation === 'RecoverDeletedSecret').map((e) => e.outcome),
      ['200'],
    );
    assert.equal(emu.inspect(store.nameOf(c))?.versions, 2);

    // Recovering a name that already holds the value writes nothing more.
    const same = newCoordinate();
    await store.write(same, new SecretValue('same'));
    await store.delete(same);
    assert.equal(await store.write(same, new SecretValue('same')), 'unchanged');
    assert.equal(emu.inspect(store.nameOf(same))?.versions, 1);
  });
});

test('purge protection is detected before a hard delete; nothing is deleted', async () => {
  await withStore({}, { purgeProtection: true }, async (store, emu) => {
    const c = newCoordinate();
    await store.write(c, new SecretValue('protected'));
    await assert.rejects(store.delete(c, { hard: true }), (err: unknown) => {
      assert.ok(err instanceof StoreError);
      assert.equal(err.kind, 'permission-denied');
      assert.match(err.message, /purge protection is on for this vault \(recoveryLevel Recoverable\)/);
      assert.match(err.message, /nothing was deleted/);
      return true;
    });
    assert.equal(emu.inspect(store.nameOf(c))?.state, 'active');
    assert.ok(!emu.log.some((e) => e.operation === 'DeleteSecret' || e.operation === 'PurgeDeletedSecret'));
    // The safe delete still works.
    assert.equal(await store.delete(c), 'scheduled');
    const d = await store.describe(c);
    assert.equal(d.state, 'deleted-recoverable');
    assert.ok(d.scheduledPurgeAt && !Number.isNaN(Date.parse(d.scheduledPurgeAt)));
  });
});

test('429 is a throttled StoreError with Retry-After, and the limits wrapper waits it out', async () => {
  // One create per two seconds: the limited write below lands inside the same empty window.
  await withStore({}, { quota: { create: { rate: 0.5, burst: 1 } } }, async (store, emu) => {
    await store.write(newCoordinate(), new SecretValue('first'));
    await assert.rejects(store.write(newCoordinate(), new SecretValue('second')), (err: unknown) => {
      assert.ok(err instanceof StoreError);
      assert.equal(err.kind, 'throttled');
      assert.equal(err.retryAfterMs, 2000);
      assert.match(err.message, /429 Throttled/);
      return true;
    });
    // No SDK retry: exactly one refused request.
    assert.equal(emu.log.filter((e) => e.outcome === '429').length, 1);
    const limited = withLimits(store, { maxAttempts: 5 });
    const c = newCoordinate();
    assert.equal(await limited.write(c, new SecretValue('after waiting')), 'created');
    assert.ok(limited.stats().throttles >= 1, 'the limited write was throttled first');
    assert.equal((await store.read(c))?.reveal(), 'after waiting');
  });
});

test('a given credential is asked for the challenged scope', async () => {
  const emu = await startAzureKeyVaultEmulator();
  const credential = new FakeCredential();
  const store = await createAzureKeyVaultStore(settingsFor(emu), { credential, pollIntervalMs: 0 });
  try {
    assert.equal(await store.read(newCoordinate()), undefined);
    assert.deepEqual(credential.scopes, ['https://vault.azure.net/.default']);
    assert.equal(emu.log[0]?.outcome, '401');
  } finally {
    await store.close();
    await emu.close();
  }
});

test('plain http without allowInsecureConnection is refused up front', async () => {
  await assert.rejects(
    createAzureKeyVaultStore({ kind: 'azure', vaultUrl: 'http://127.0.0.1:1' }),
    (err: unknown) => err instanceof StoreError && err.operation === 'connect' && err.kind === 'invalid',
  );
});
