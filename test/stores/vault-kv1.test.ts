/**
 * Vault where Airbyte reads it, whatever the mount version.
 *
 * Airbyte's SystemVaultClient (airbyte-platform: airbyte-config/config-secrets/src/main/kotlin/
 * secrets/persistence/VaultSecretPersistence.kt) builds its vault-java-driver client with
 * `engineVersion(2)`. The driver (BetterCloud vault-java-driver 5.1.0: LogicalUtilities
 * `adjustPathForReadOrWrite`, Logical `write`, LogicalResponse `parseResponseData`) then puts
 * `data` after the first segment of `VAULT_PREFIX + coordinate`, writes `{"data":{"value": …}}`
 * and reads `data.data.value`, even on a KV v1 mount. `createSecret` sends no `cas` and swallows
 * the 400 a `cas_required` mount answers, so there Airbyte loses every write.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startVaultEmulator } from '../../src/emulators/vault/index.js';
import { createVaultStore } from '../../src/stores/vault/store.js';
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
      denyAccess: (c) => emulator.denyName(`kv/data/airbyte/${c}`),
      plantForeign: (name, value) => emulator.plant(`kv/data/airbyte/${name}`, { data: { value } }),
      plantOutsidePrefix: (c, value) => emulator.plant(`kv/data/${c}`, { data: { value } }),
    };
  },
  extra: (fx) => {
    test('on KV v1 the secret sits where Airbyte reads it: GET /v1/<mount>/data/<rest> gives data.data.value', async () => {
      const { store, emulator } = fx();
      assert.equal(store.capabilities.versions, false);
      assert.equal(store.airbyteIncompatibility, undefined);
      const c = newCoordinate();
      await store.write(c, new SecretValue('flat'));
      const res = await fetch(`${emulator?.url}/v1/kv/data/airbyte/${c}`, {
        headers: { 'X-Vault-Token': 'root' },
      });
      assert.equal(res.status, 200);
      assert.deepEqual(((await res.json()) as { data: unknown }).data, { data: { value: 'flat' } });
      // Nothing at the v1-style path, where Airbyte would never look.
      const flat = await fetch(`${emulator?.url}/v1/kv/airbyte/${c}`, {
        headers: { 'X-Vault-Token': 'root' },
      });
      assert.equal(flat.status, 404);
    });

    test('as a source it reads what Airbyte wrote on the v1 mount', async () => {
      const { store, emulator } = fx();
      const c = newCoordinate();
      // Airbyte's write: POST /v1/kv/data/airbyte/<c> with the driver's v2 body.
      const res = await fetch(`${emulator?.url}/v1/kv/data/airbyte/${c}`, {
        method: 'POST',
        headers: { 'X-Vault-Token': 'root' },
        body: JSON.stringify({ data: { value: 'written by airbyte' } }),
      });
      assert.ok(res.ok);
      assert.equal((await store.read(c))?.reveal(), 'written by airbyte');
      assert.ok((await collect(store.list())).includes(c), 'listed under the v1 data/ folder');
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
    test('the mount refuses writes without cas (as Airbyte sends them); ours carry it', async () => {
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

    test('the store says Airbyte cannot use the mount', () => {
      const { store } = fx();
      assert.match(store.airbyteIncompatibility ?? '', /cas_required/);
    });
  },
});

async function collect(names: AsyncIterable<string>): Promise<string[]> {
  const out: string[] = [];
  for await (const n of names) out.push(n);
  return out;
}
