import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import vault from 'node-vault';
import {
  type RunningVaultEmulator,
  startVaultEmulator,
  type VaultEmulatorOptions,
} from '../../src/emulators/vault/index.js';
import { selfSignedCertificate } from '../helpers/self-signed.js';

/** What node-vault rejects with: `message` is errors[0] or "Status <code>", `response` the raw answer. */
interface VaultFailure {
  message: string;
  status: number;
  body: {
    errors?: string[];
    warnings?: string[];
    data?: { data: unknown; metadata: { deletion_time: string; destroyed: boolean; version: number } };
  };
  code?: string;
}

async function failure(promise: Promise<unknown>): Promise<VaultFailure> {
  try {
    await promise;
  } catch (err) {
    const e = err as {
      message: string;
      code?: string;
      response?: { statusCode: number; body: VaultFailure['body'] };
    };
    return {
      message: e.message,
      status: e.response?.statusCode ?? 0,
      body: e.response?.body ?? {},
      ...(e.code ? { code: e.code } : {}),
    };
  }
  assert.fail('expected the call to fail');
}

async function withVault(
  options: VaultEmulatorOptions,
  fn: (emu: RunningVaultEmulator, client: vault.client) => Promise<void>,
): Promise<void> {
  const emu = await startVaultEmulator(options);
  try {
    await fn(emu, vault({ endpoint: emu.url, token: emu.token }));
  } finally {
    await emu.close();
  }
}

describe('vault emulator, KV v2 through node-vault', () => {
  let emu: RunningVaultEmulator;
  let client: vault.client;
  before(async () => {
    emu = await startVaultEmulator();
    client = vault({ endpoint: emu.url, token: emu.token });
  });
  after(() => emu.close());

  test('writes versions under data/, reads the latest or a given version, metadata keeps count', async () => {
    const w1 = await client.write('secret/data/app/db', { data: { value: 'one' } });
    assert.equal(w1.data.version, 1);
    assert.equal(w1.data.deletion_time, '');
    await client.write('secret/data/app/db', { data: { value: 'two' } });
    const latest = await client.read('secret/data/app/db');
    assert.deepEqual(latest.data.data, { value: 'two' });
    assert.equal(latest.data.metadata.version, 2);
    assert.deepEqual((await client.read('secret/data/app/db?version=1')).data.data, { value: 'one' });
    const meta = await client.read('secret/metadata/app/db');
    assert.equal(meta.data.current_version, 2);
    assert.deepEqual(Object.keys(meta.data.versions), ['1', '2']);
  });

  test('a missing key is 404 {"errors":[]}, read by node-vault as "Status 404"', async () => {
    const f = await failure(client.read('secret/data/nope'));
    assert.equal(f.status, 404);
    assert.equal(f.message, 'Status 404');
    assert.deepEqual(f.body, { errors: [] });
  });

  test('options.cas: must match current_version, 0 means create-only', async () => {
    await client.write('secret/data/cas', { data: { value: 'a' }, options: { cas: 0 } });
    const stale = await failure(
      client.write('secret/data/cas', { data: { value: 'b' }, options: { cas: 0 } }),
    );
    assert.equal(stale.status, 400);
    assert.equal(stale.message, 'check-and-set parameter did not match the current version');
    await client.write('secret/data/cas', { data: { value: 'b' }, options: { cas: 1 } });
    const noData = await failure(client.write('secret/data/cas', { options: { cas: 2 } }));
    assert.equal(noData.message, 'no data provided');
  });

  test('cas_required on the mount (set through M/config) refuses writes without cas', async () => {
    await client.write('secret/config', { cas_required: true });
    try {
      const f = await failure(client.write('secret/data/needs-cas', { data: { value: 'x' } }));
      assert.equal(f.status, 400);
      assert.equal(f.message, 'check-and-set parameter required for this call');
      await client.write('secret/data/needs-cas', { data: { value: 'x' }, options: { cas: 0 } });
      assert.equal((await client.read('secret/config')).data.cas_required, true);
    } finally {
      await client.write('secret/config', { cas_required: false });
    }
  });

  test('soft delete: 404 whose body carries the deleted version; undelete brings it back; destroy and metadata delete', async () => {
    await client.write('secret/data/soft', { data: { value: 'kept' } });
    await client.delete('secret/data/soft');
    const deleted = await failure(client.read('secret/data/soft'));
    assert.equal(deleted.status, 404);
    assert.equal(deleted.body.errors, undefined, 'no errors key: the key exists');
    assert.equal(deleted.body.data?.data, null);
    assert.notEqual(deleted.body.data?.metadata.deletion_time, '');
    await client.write('secret/undelete/soft', { versions: [1] });
    assert.deepEqual((await client.read('secret/data/soft')).data.data, { value: 'kept' });
    await client.write('secret/destroy/soft', { versions: [1] });
    const destroyed = await failure(client.read('secret/data/soft'));
    assert.equal(destroyed.body.data?.metadata.destroyed, true);
    await client.delete('secret/metadata/soft');
    assert.deepEqual((await failure(client.read('secret/data/soft'))).body, { errors: [] });
  });

  test('LIST (custom verb) and GET ?list=true list one folder; an empty folder is 404', async () => {
    await client.write('secret/data/tree/a', { data: { value: '1' } });
    await client.write('secret/data/tree/sub/b', { data: { value: '2' } });
    assert.deepEqual((await client.list('secret/metadata/tree')).data.keys, ['a', 'sub/']);
    const plain = vault({ endpoint: emu.url, token: emu.token, noCustomHTTPVerbs: true });
    assert.deepEqual((await plain.list('secret/metadata/tree/sub')).data.keys, ['b']);
    const empty = await failure(client.list('secret/metadata/no-such-folder'));
    assert.equal(empty.status, 404);
    assert.deepEqual(empty.body, { errors: [] });
    const log = emu.log.filter((e) => e.operation === 'kv-list');
    assert.deepEqual(
      log.map((e) => e.outcome),
      ['200', '200', '404'],
    );
  });

  test('a KV v1-style path on a v2 mount is a 404 with a warning', async () => {
    const f = await failure(client.write('secret/app', { value: 'x' }));
    assert.equal(f.status, 404);
    assert.match(f.body.warnings?.[0] ?? '', /Invalid path for a versioned K\/V secrets engine/);
  });

  test('engine detection: sys/internal/ui/mounts/<path> and sys/mounts', async () => {
    const ui = await client.read('sys/internal/ui/mounts/secret/data/x');
    assert.equal(ui.data.type, 'kv');
    assert.equal(ui.data.path, 'secret/');
    assert.equal(ui.data.options.version, '2');
    const denied = await failure(client.read('sys/internal/ui/mounts/nomount/x'));
    assert.equal(denied.status, 403);
    const mounts = await client.mounts();
    assert.equal(mounts['secret/'].options.version, '2');
    assert.equal(mounts.data['secret/'].type, 'kv');
  });

  test('unknown mounts have no handler', async () => {
    const f = await failure(client.read('nomount/data/x'));
    assert.equal(f.status, 404);
    assert.match(f.message, /no handler for route/);
  });

  test('a wrong or missing token is 403 permission denied; sys/health needs none', async () => {
    const bad = vault({ endpoint: emu.url, token: 'wrong' });
    const f = await failure(bad.read('secret/data/app/db'));
    assert.equal(f.status, 403);
    assert.equal(f.message, 'permission denied');
    assert.deepEqual(f.body, { errors: ['permission denied'] });
    assert.equal((await bad.health()).sealed, false);
  });

  test('the request log names operation, secret and outcome', async () => {
    const from = emu.log.length;
    await client.write('secret/data/logged', { data: { value: 'v' } });
    await client.read('secret/data/logged');
    assert.deepEqual(
      emu.log.slice(from).map(({ operation, name, write, outcome }) => ({ operation, name, write, outcome })),
      [
        { operation: 'kv-write', name: 'secret/logged', write: true, outcome: '200' },
        { operation: 'kv-read', name: 'secret/logged', write: false, outcome: '200' },
      ],
    );
    assert.ok(!JSON.stringify(emu.log).includes('"v"'), 'the log holds no values');
  });
});

test('KV v1 mount: flat map, no versions, hard delete, LIST', async () => {
  await withVault({ mounts: [{ path: 'kv', version: 1 }] }, async (emu, client) => {
    assert.equal(await client.write('kv/team/x', { value: 'flat' }), '', '204 No Content');
    const read = await client.read('kv/team/x');
    assert.deepEqual(read.data, { value: 'flat' });
    assert.equal(read.lease_duration, 2_764_800);
    assert.deepEqual((await client.list('kv/team')).data.keys, ['x']);
    assert.equal((await client.read('sys/internal/ui/mounts/kv')).data.options.version, '1');
    await client.delete('kv/team/x');
    assert.equal((await failure(client.read('kv/team/x'))).status, 404);
    assert.equal(emu.snapshot('kv/team/x'), undefined);
  });
});

test('namespaces: X-Vault-Namespace selects separate mounts; an unknown one grants nothing', async () => {
  await withVault({ namespaces: ['team-a'] }, async (emu, root) => {
    const ns = vault({ endpoint: emu.url, token: emu.token, namespace: 'team-a' });
    await ns.write('secret/data/x', { data: { value: 'in team-a' } });
    assert.equal((await failure(root.read('secret/data/x'))).status, 404);
    assert.deepEqual((await ns.read('secret/data/x')).data.data, { value: 'in team-a' });
    const other = vault({ endpoint: emu.url, token: emu.token, namespace: 'nope' });
    assert.equal((await failure(other.read('secret/data/x'))).status, 403);
  });
});

test('a rate-limit quota answers 429 "rate limit quota exceeded" with Retry-After', async () => {
  // Two requests banked and almost no refill, so the third is refused however slow the machine.
  await withVault({ quota: { request: { rate: 0.001, burst: 2 } } }, async (emu, client) => {
    await client.write('secret/data/q', { data: { value: '1' } });
    await client.read('secret/data/q');
    const f = await failure(client.read('secret/data/q'));
    assert.equal(f.status, 429);
    assert.equal(f.message, 'request path "secret/data/q": rate limit quota exceeded');
    const res = await fetch(`${emu.url}/v1/secret/data/q`, { headers: { 'X-Vault-Token': emu.token } });
    assert.equal(res.status, 429);
    assert.ok(Number(res.headers.get('retry-after')) >= 1);
  });
});

test('no quota by default: Vault has none unless an operator adds one', async () => {
  await withVault({}, async (_emu, client) => {
    await Promise.all(
      Array.from({ length: 200 }, (_, i) => client.write(`secret/data/burst${i}`, { data: { value: 'x' } })),
    );
  });
});

test('faults: 500/503, throttling as 429, and socket resets, replayed by seed and filtered by operation', async () => {
  await withVault({}, async (emu, client) => {
    await client.write('secret/data/f', { data: { value: 'x' } });
    emu.setFaults({ rate: 1, kinds: ['server-error'] });
    const statuses = [
      (await failure(client.read('secret/data/f'))).status,
      (await failure(client.read('secret/data/f'))).status,
    ];
    assert.deepEqual(statuses.sort(), [500, 503]);
    emu.setFaults({ rate: 1, kinds: ['throttle'] });
    assert.equal((await failure(client.read('secret/data/f'))).status, 429);
    emu.setFaults({ rate: 1, kinds: ['reset'] });
    const reset = await failure(client.read('secret/data/f'));
    assert.equal(reset.code, 'ECONNRESET');
    assert.equal(emu.log.at(-1)?.outcome, 'reset');
    emu.setFaults({ rate: 1, kinds: ['server-error'], operations: ['kv-write'] });
    assert.deepEqual((await client.read('secret/data/f')).data.data, { value: 'x' }, 'reads are not faulted');
    const draw = async () => {
      emu.setFaults({ rate: 0.5, kinds: ['server-error', 'throttle'], seed: 7 });
      const from = emu.log.length;
      for (let i = 0; i < 12; i++) await client.read('secret/data/f').catch(() => undefined);
      return emu.log.slice(from).map((e) => e.outcome);
    };
    const first = await draw();
    assert.ok(first.includes('200') && first.some((o) => o !== '200'), first.join());
    assert.deepEqual(await draw(), first, 'the same seed replays the same faults');
    emu.setFaults(undefined);
    await client.write('secret/data/f', { data: { value: 'y' } });
  });
});

test('LIST works over TLS too (answered from the clientError hook)', async (t) => {
  const tls = selfSignedCertificate();
  if (!tls) return t.skip('openssl is not installed');
  await withVault({ tls }, async (emu) => {
    assert.match(emu.url, /^https:/);
    const client = vault({ endpoint: emu.url, token: emu.token, requestOptions: { ca: tls.cert } });
    await client.write('secret/data/tls/a', { data: { value: 'x' } });
    assert.deepEqual((await client.list('secret/metadata/tls')).data.keys, ['a']);
  });
});
