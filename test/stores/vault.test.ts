import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { inspect } from 'node:util';
import { type RunningVaultEmulator, startVaultEmulator } from '../../src/emulators/vault/index.js';
import { StoreError } from '../../src/stores/errors.js';
import { withLimits } from '../../src/stores/limits.js';
import { createVaultStore } from '../../src/stores/vault/store.js';
import { SecretValue } from '../../src/util/secret-value.js';
import { describeSecretStore, newCoordinate } from './conformance.js';

describeSecretStore({
  name: 'vault store, KV v2 at secret/',
  capabilities: { softDelete: false },
  create: async () => {
    const emulator = await startVaultEmulator();
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
      plantOutsidePrefix: (c, value) => emulator.plant(`secret/elsewhere/${c}`, { value }),
    };
  },
});

/** Vault's own answer for a path, read with a raw fetch, not with our store or node-vault. */
async function rawGet(vault: RunningVaultEmulator, path: string, headers: Record<string, string> = {}) {
  const res = await fetch(`${vault.url}/v1/${path}`, {
    headers: { 'X-Vault-Token': vault.token, ...headers },
  });
  return {
    status: res.status,
    body: (await res.json()) as {
      data?: { data?: Record<string, unknown> | null; metadata?: { deletion_time?: string } };
    },
  };
}

let vault: RunningVaultEmulator;
before(async () => {
  vault = await startVaultEmulator({ namespaces: ['team-a'] });
});
after(() => vault.close());

function settings(prefix = 'secret/') {
  return { kind: 'vault' as const, address: vault.url, token: new SecretValue(vault.token), prefix };
}

test('exact wire: a coordinate written with prefix secret/ is at GET /v1/secret/data/<C> as data.data.value', async () => {
  const store = await createVaultStore(settings());
  const c = newCoordinate();
  assert.equal(store.nameOf(c), `secret/${c}`);
  assert.equal(await store.write(c, new SecretValue('wire value ✓')), 'created');
  const { status, body } = await rawGet(vault, `secret/data/${c}`);
  assert.equal(status, 200);
  assert.deepEqual(body.data?.data, { value: 'wire value ✓' }, 'one key, value, as Airbyte writes it');
  await store.close();
});

test('a prefix with a folder (kv-style secret/airbyte/) writes under data/airbyte/ and lists only that folder', async () => {
  const store = await createVaultStore(settings('secret/airbyte/'));
  const c = newCoordinate();
  await store.write(c, new SecretValue('in a folder'));
  assert.equal((await rawGet(vault, `secret/data/airbyte/${c}`)).body.data?.data?.value, 'in a folder');
  const top = await createVaultStore(settings());
  const listedTop: string[] = [];
  for await (const x of top.list()) listedTop.push(x);
  assert.ok(!listedTop.includes(c), 'the top-level store does not list the folder');
  const listed: string[] = [];
  for await (const x of store.list()) listed.push(x);
  assert.ok(listed.includes(c));
  await store.close();
  await top.close();
});

test('soft delete leaves a recoverable version; writing again adds a version; hard delete destroys all', async () => {
  const store = await createVaultStore(settings());
  const c = newCoordinate();
  await store.write(c, new SecretValue('v1'));
  assert.equal(await store.delete(c), 'scheduled');
  const deleted = await rawGet(vault, `secret/data/${c}`);
  assert.equal(deleted.status, 404);
  assert.notEqual(deleted.body.data?.metadata?.deletion_time, '', 'the 404 carries the deleted version');
  assert.equal((await store.describe(c)).state, 'deleted-recoverable');
  assert.equal(await store.write(c, new SecretValue('v2')), 'updated');
  assert.equal(vault.snapshot(`secret/${c}`)?.version, 2);
  assert.equal(await store.delete(c, { hard: true }), 'deleted');
  assert.equal(vault.snapshot(`secret/${c}`), undefined);
  assert.equal((await rawGet(vault, `secret/metadata/${c}`)).status, 404);
  await store.close();
});

test('a namespace is sent as X-Vault-Namespace and kept apart from the root namespace', async () => {
  const store = await createVaultStore({ ...settings(), namespace: 'team-a' });
  const c = newCoordinate();
  await store.write(c, new SecretValue('namespaced'));
  assert.equal(vault.snapshot(`secret/${c}`, 'team-a')?.data?.value, 'namespaced');
  assert.equal(vault.snapshot(`secret/${c}`), undefined);
  const raw = await rawGet(vault, `secret/data/${c}`, { 'X-Vault-Namespace': 'team-a' });
  assert.equal(raw.body.data?.data?.value, 'namespaced');
  await store.close();
  const wrong = await createVaultStore({ ...settings(), namespace: 'no-such-ns', kvVersion: 2 });
  await assert.rejects(
    wrong.read(c),
    (e: unknown) => e instanceof StoreError && e.kind === 'permission-denied',
  );
  await wrong.close();
});

test('KV version detection falls back to v2 when sys/internal/ui/mounts is denied', async () => {
  const denied = await startVaultEmulator();
  denied.denyPath('sys/internal/ui/mounts');
  const store = await createVaultStore({
    ...settings(),
    address: denied.url,
    token: new SecretValue(denied.token),
  });
  assert.match(store.description, /KV v2/);
  const c = newCoordinate();
  await store.write(c, new SecretValue('v2 anyway'));
  assert.equal(denied.snapshot(`secret/${c}`)?.data?.value, 'v2 anyway');
  await store.close();
  await denied.close();
});

test("node-vault's VAULT_PREFIX / VAULT_NAMESPACE / VAULT_TOKEN env fallbacks do not leak into our paths", async () => {
  const saved = { ...process.env };
  Object.assign(process.env, { VAULT_PREFIX: 'bogus/', VAULT_NAMESPACE: 'team-a', VAULT_TOKEN: 'wrong' });
  try {
    const store = await createVaultStore(settings());
    const c = newCoordinate();
    await store.write(c, new SecretValue('env-proof'));
    assert.equal(vault.snapshot(`secret/${c}`)?.data?.value, 'env-proof');
    await store.close();
  } finally {
    for (const k of ['VAULT_PREFIX', 'VAULT_NAMESPACE', 'VAULT_TOKEN']) {
      if (saved[k] === undefined) delete process.env[k];
      else process.env[k] = saved[k];
    }
  }
});

test('a bad token is permission-denied; an unknown mount is invalid; neither reads as absent', async () => {
  const bad = await createVaultStore({
    ...settings(),
    token: new SecretValue('not-the-token'),
    kvVersion: 2,
  });
  await assert.rejects(bad.read(newCoordinate()), (e: unknown) => {
    assert.ok(e instanceof StoreError);
    assert.equal(e.kind, 'permission-denied');
    assert.ok(!inspect(e).includes('not-the-token'), 'the token never appears in the error');
    return true;
  });
  await bad.close();
  const noMount = await createVaultStore(settings('nomount/'));
  await assert.rejects(noMount.read(newCoordinate()), (e: unknown) => {
    assert.ok(e instanceof StoreError);
    assert.equal(e.kind, 'invalid');
    assert.match(e.message, /no handler for route/);
    return true;
  });
  await noMount.close();
});

test('server errors and connection resets are transient StoreErrors', async () => {
  const store = await createVaultStore(settings());
  for (const kind of ['server-error', 'reset'] as const) {
    vault.setFaults({ rate: 1, kinds: [kind] });
    try {
      await assert.rejects(
        store.read(newCoordinate()),
        (e: unknown) => e instanceof StoreError && e.kind === 'transient',
      );
    } finally {
      vault.setFaults(undefined);
    }
  }
  await store.close();
});

test("a 429's Retry-After reaches the StoreError though node-vault drops headers, and the limits wrapper waits exactly that", async () => {
  const store = await createVaultStore(settings());
  try {
    // The emulator's throttle answers as a Vault rate-limit quota does: 429, Retry-After: 1.
    vault.setFaults({ rate: 1, kinds: ['throttle'], operations: ['kv-read'] });
    await assert.rejects(store.read(newCoordinate()), (e: unknown) => {
      assert.ok(e instanceof StoreError);
      assert.equal(e.kind, 'throttled');
      assert.equal(e.retryAfterMs, 1000);
      return true;
    });
    // Refused once, then served: the wrapper's first wait is the header's, not its own backoff
    // (which this jitter source makes 0).
    vault.setFaults({ rate: 1, kinds: ['throttle'], operations: ['kv-read'], maxInARow: 1 });
    const waits: number[] = [];
    const limited = withLimits(store, {
      random: () => 0,
      sleep: async (ms) => {
        waits.push(ms);
      },
    });
    assert.equal(await limited.read(newCoordinate()), undefined);
    assert.equal(waits[0], 1000);
    const { throttles, retries, failures } = limited.stats();
    assert.deepEqual({ throttles, retries, failures }, { throttles: 1, retries: 1, failures: 0 });
  } finally {
    vault.setFaults(undefined);
    await store.close();
  }
});

test('calls in flight together each keep their own answer: a 500 beside a 429 gets no Retry-After', async () => {
  const store = await createVaultStore(settings());
  try {
    vault.setFaults({ rate: 1, kinds: ['throttle', 'server-error'], operations: ['kv-read'], seed: 7 });
    const settled = await Promise.allSettled(Array.from({ length: 24 }, () => store.read(newCoordinate())));
    const errors = settled.map((r) => (r.status === 'rejected' ? r.reason : r.value));
    for (const e of errors) {
      assert.ok(e instanceof StoreError);
      assert.equal(e.retryAfterMs, e.kind === 'throttled' ? 1000 : undefined, e.message);
    }
    const kinds = new Set(errors.map((e) => (e as StoreError).kind));
    assert.deepEqual([...kinds].sort(), ['throttled', 'transient'], 'both answers were drawn');
  } finally {
    vault.setFaults(undefined);
    await store.close();
  }
});

test('a secret without a "value" key is an invalid StoreError, not absent', async () => {
  const store = await createVaultStore(settings());
  const c = newCoordinate();
  vault.plant(`secret/${c}`, { password: 'x' });
  await assert.rejects(store.read(c), (e: unknown) => e instanceof StoreError && e.kind === 'invalid');
  await store.close();
});

test('a prefix without a mount is refused at creation', async () => {
  await assert.rejects(
    createVaultStore(settings('')),
    (e: unknown) => e instanceof StoreError && e.kind === 'invalid',
  );
});
