/**
 * The checks a store makes on itself (`SecretStore.preflight`), through the limits wrapper, over
 * the real SDKs: node-vault against the Vault emulator, pg against the real PostgreSQL.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type RunningVaultEmulator, startVaultEmulator } from '../../src/emulators/vault/index.js';
import { createStore } from '../../src/stores/open.js';
import type { SecretStore } from '../../src/stores/types.js';
import { SecretValue } from '../../src/util/secret-value.js';
import { createTestDatabase, type TestDatabase } from '../helpers/postgres.js';

describe('Vault preflight (node-vault, emulator)', () => {
  let vault: RunningVaultEmulator;
  const opened: SecretStore[] = [];
  before(async () => {
    vault = await startVaultEmulator({
      mounts: [
        { path: 'secret', version: 2 },
        { path: 'kv1', version: 1 },
      ],
    });
  });
  after(async () => {
    for (const s of opened) await s.close();
    await vault?.close();
  });
  async function open(prefix: string, options: { token?: string; kvVersion?: 1 | 2 | 'auto' } = {}) {
    const store = await createStore({
      kind: 'vault',
      address: vault.url,
      token: new SecretValue(options.token ?? vault.token),
      prefix,
      kvVersion: options.kvVersion ?? 'auto',
    });
    opened.push(store);
    assert.ok(store.preflight, 'the limits wrapper passes preflight through');
    return store.preflight({ writes: true });
  }

  test('a good token on a KV v2 mount: reachable, token, mount, all ✓', async () => {
    const checks = await open('secret/');
    assert.deepEqual(
      checks.map((c) => [c.name, c.ok]),
      [
        ['reachable', true],
        ['token', true],
        ['mount secret/', true],
      ],
    );
    assert.match(checks[2]!.detail, /exists, KV v2/);
  });

  test('a KV v1 mount is detected as such', async () => {
    const checks = await open('kv1/airbyte/');
    assert.match(checks.find((c) => c.name === 'mount kv1/')!.detail, /exists, KV v1/);
  });

  test('a KV version forced against the mount is a ✗ (not blocking) with the fix', async () => {
    const mount = (await open('kv1/', { kvVersion: 2 })).find((c) => c.name === 'mount kv1/')!;
    assert.equal(mount.ok, false);
    assert.notEqual(mount.blocking, true);
    assert.match(mount.detail, /is KV v1, but the store was opened as KV v2/);
  });

  test('a wrong token: the list ends at the token, blocking, with the fix', async () => {
    const checks = await open('secret/', { token: 'hvs.nope' });
    assert.deepEqual(
      checks.map((c) => [c.name, c.ok, c.blocking ?? false]),
      [
        ['reachable', true, false],
        ['token', false, true],
      ],
    );
    assert.match(checks[1]!.fix ?? '', /VAULT_AUTH_TOKEN/);
    assert.doesNotMatch(JSON.stringify(checks), /hvs\.nope/);
  });

  test('a mount that does not exist: blocking, naming the mount and how to enable it', async () => {
    const mount = (await open('nope/airbyte/')).at(-1)!;
    assert.equal(mount.name, 'mount nope/');
    assert.equal(mount.ok, false);
    assert.equal(mount.blocking, true);
    assert.match(mount.fix ?? '', /vault secrets enable -path=nope kv-v2/);
  });

  test('an address nothing listens on: reachable ✗, blocking, and nothing after it', async () => {
    const store = await createStore(
      {
        kind: 'vault',
        address: vault.url,
        token: new SecretValue(vault.token),
        prefix: 'secret/',
        kvVersion: 2,
      },
      {},
    );
    opened.push(store);
    await vault.close();
    const checks = await store.preflight!({ writes: false });
    assert.deepEqual(
      checks.map((c) => [c.name, c.ok, c.blocking]),
      [['reachable', false, true]],
    );
    vault = await startVaultEmulator();
  });
});

describe('database table preflight (pg, real PostgreSQL)', () => {
  let db: TestDatabase;
  before(async () => {
    db = await createTestDatabase('store_preflight');
  });
  after(async () => {
    await db?.drop();
  });

  test('no secrets table yet: fine to read; to write, the role may create it', async () => {
    const store = await createStore({ kind: 'database', url: db.url });
    try {
      const [read] = await store.preflight!({ writes: false });
      assert.equal(read?.ok, true);
      assert.match(read!.detail, /not there yet/);
      const [write] = await store.preflight!({ writes: true });
      assert.equal(write?.ok, true);
      assert.match(write!.detail, /may create it in public/);
      await store.write('airbyte_workspace_x_secret_y_v1', new SecretValue('v'));
      const [after] = await store.preflight!({ writes: true });
      assert.match(after!.detail, /has SELECT, INSERT, UPDATE, DELETE/);
    } finally {
      await store.close();
    }
  });
});
