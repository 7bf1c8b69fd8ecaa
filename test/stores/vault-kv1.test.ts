import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startVaultEmulator } from '../../src/emulators/vault/index.js';
import { createVaultStore } from '../../src/stores/vault.js';
import { SecretValue } from '../../src/util/secret-value.js';
import { describeSecretStore, newCoordinate } from './conformance.js';

describeSecretStore({
  name: 'vault store, KV v1 mount (detected)',
  capabilities: { softDelete: false },
  create: async () => {
    const emulator = await startVaultEmulator({ mounts: [{ path: 'kv', version: 1 }] });
    const store = await createVaultStore({
      kind: 'vault',
      address: emulator.url,
      token: new SecretValue(emulator.token),
      prefix: 'kv/airbyte/',
    });
    return {
      store,
      emulator,
      denyAccess: (c) => emulator.denyName(store.nameOf(c)),
      plantForeign: (name, value) => emulator.plant(`kv/airbyte/${name}`, { value }),
      plantOutsidePrefix: (c, value) => emulator.plant(`kv/${c}`, { value }),
    };
  },
  extra: (fx) => {
    test('KV v1 holds {"value": payload} at /v1/<mount>/<rest>, with no versions', async () => {
      const { store, emulator } = fx();
      assert.equal(store.capabilities.versions, false);
      const c = newCoordinate();
      await store.write(c, new SecretValue('flat'));
      const res = await fetch(`${emulator?.url}/v1/kv/airbyte/${c}`, {
        headers: { 'X-Vault-Token': 'root' },
      });
      assert.deepEqual(((await res.json()) as { data: unknown }).data, { value: 'flat' });
    });
  },
});

describeSecretStore({
  name: 'vault store, KV v2 mount with cas_required',
  capabilities: { softDelete: false },
  create: async () => {
    const emulator = await startVaultEmulator({
      mounts: [{ path: 'secret', version: 2, casRequired: true }],
    });
    const store = await createVaultStore({
      kind: 'vault',
      address: emulator.url,
      token: new SecretValue(emulator.token),
      prefix: 'secret/',
    });
    return {
      store,
      emulator,
      denyAccess: (c) => emulator.denyName(store.nameOf(c)),
      plantForeign: (name, value) => emulator.plant(`secret/${name}`, { value }),
    };
  },
  extra: (fx) => {
    test('the mount refuses writes without cas, and ours carry it', async () => {
      const { store, emulator } = fx();
      const c = newCoordinate();
      const raw = await fetch(`${emulator?.url}/v1/secret/data/${c}`, {
        method: 'POST',
        headers: { 'X-Vault-Token': 'root' },
        body: JSON.stringify({ data: { value: 'no cas' } }),
      });
      assert.equal(raw.status, 400);
      assert.equal(await store.write(c, new SecretValue('one')), 'created');
      assert.equal(await store.write(c, new SecretValue('two')), 'updated');
      assert.equal((await store.read(c))?.reveal(), 'two');
    });
  },
});
