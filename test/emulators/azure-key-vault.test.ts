import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { AccessToken, GetTokenOptions, TokenCredential } from '@azure/identity';
import { SecretClient, type SecretClientOptions } from '@azure/keyvault-secrets';
import {
  type AzureKeyVaultEmulatorOptions,
  type RunningAzureKeyVaultEmulator,
  startAzureKeyVaultEmulator,
} from '../../src/emulators/azure/index.js';
import { selfSignedCertificate } from '../helpers/self-signed.js';

/** A TokenCredential that hands out a fixed token and remembers what it was asked for. */
class FakeCredential implements TokenCredential {
  readonly requests: { scopes: string[]; tenantId?: string }[] = [];
  async getToken(scopes: string | string[], options?: GetTokenOptions): Promise<AccessToken> {
    this.requests.push({
      scopes: Array.isArray(scopes) ? scopes : [scopes],
      ...(options?.tenantId ? { tenantId: options.tenantId } : {}),
    });
    return { token: 'fake-token', expiresOnTimestamp: Date.now() + 3_600_000 };
  }
}

function clientFor(
  emu: { url: string },
  options: SecretClientOptions = {},
  credential = new FakeCredential(),
) {
  return new SecretClient(emu.url, credential, {
    allowInsecureConnection: true,
    disableChallengeResourceVerification: true,
    retryOptions: { maxRetries: 0 },
    ...options,
  });
}

interface RestFailure {
  statusCode?: number;
  code?: string;
  message: string;
  inner?: string;
  retryAfter?: string | undefined;
}

async function failure(promise: Promise<unknown>): Promise<RestFailure> {
  try {
    await promise;
  } catch (err) {
    const e = err as {
      statusCode?: number;
      code?: string;
      message: string;
      details?: { error?: { innerError?: { code?: string } } };
      response?: { headers: { get(name: string): string | undefined } };
    };
    return {
      ...(e.statusCode !== undefined ? { statusCode: e.statusCode } : {}),
      ...(e.code !== undefined ? { code: e.code } : {}),
      message: e.message,
      ...(e.details?.error?.innerError?.code ? { inner: e.details.error.innerError.code } : {}),
      retryAfter: e.response?.headers.get('retry-after'),
    };
  }
  assert.fail('expected the call to fail');
}

async function withEmulator(
  options: AzureKeyVaultEmulatorOptions,
  fn: (emu: RunningAzureKeyVaultEmulator, client: SecretClient) => Promise<void>,
): Promise<void> {
  const emu = await startAzureKeyVaultEmulator(options);
  try {
    await fn(emu, clientFor(emu));
  } finally {
    await emu.close();
  }
}

const POLL = { intervalInMs: 0 };

describe('Azure Key Vault emulator with @azure/keyvault-secrets', () => {
  let emu: RunningAzureKeyVaultEmulator;
  let client: SecretClient;
  const credential = new FakeCredential();

  before(async () => {
    emu = await startAzureKeyVaultEmulator({ deniedNames: ['Forbidden-One'] });
    client = clientFor(emu, {}, credential);
  });
  after(() => emu.close());

  test('the first request is challenged; the token is then sent for the challenged scope and tenant', async () => {
    const secret = await client.setSecret('first', 'value-1');
    assert.equal(secret.value, 'value-1');
    assert.deepEqual(
      emu.log.slice(0, 2).map((e) => [e.operation, e.outcome]),
      [
        ['SetSecret', '401'],
        ['SetSecret', '200'],
      ],
    );
    assert.deepEqual(credential.requests[0], {
      scopes: ['https://vault.azure.net/.default'],
      tenantId: emu.tenantId,
    });
  });

  test('every set is a new version with tags and content type; get latest, a version, and the versions list', async () => {
    const v1 = await client.setSecret('Versioned', 'one', {
      tags: { owner: 'airbyte' },
      contentType: 'text/plain',
    });
    const v2 = await client.setSecret('versioned', 'two');
    assert.match(v1.properties.version!, /^[0-9a-f]{32}$/);
    assert.notEqual(v1.properties.version, v2.properties.version);
    assert.equal(v1.properties.id, `${emu.url}/secrets/Versioned/${v1.properties.version}`);
    assert.equal(v1.properties.vaultUrl, emu.url);
    assert.deepEqual(v1.properties.tags, { owner: 'airbyte' });
    assert.equal(v1.properties.contentType, 'text/plain');
    assert.equal(v1.properties.recoveryLevel, 'Recoverable+Purgeable');
    assert.ok(v1.properties.createdOn instanceof Date);

    assert.equal((await client.getSecret('versioned')).value, 'two');
    assert.equal((await client.getSecret('VERSIONED', { version: v1.properties.version! })).value, 'one');
    const versions: string[] = [];
    for await (const p of client.listPropertiesOfSecretVersions('versioned')) versions.push(p.version!);
    assert.deepEqual(versions, [v1.properties.version, v2.properties.version]);
    assert.deepEqual(emu.inspect('versioned'), {
      name: 'Versioned',
      state: 'active',
      versions: 2,
      tags: {},
    });

    const missing = await failure(client.getSecret('versioned', { version: '0'.repeat(32) }));
    assert.equal(missing.statusCode, 404);
    assert.equal(missing.code, 'SecretNotFound');
  });

  test('updateSecretProperties changes tags of a version; a disabled secret is 403 SecretDisabled', async () => {
    const s = await client.setSecret('patched', 'x', { tags: { a: '1' } });
    const props = await client.updateSecretProperties('patched', s.properties.version!, { tags: { a: '2' } });
    assert.deepEqual(props.tags, { a: '2' });
    assert.deepEqual(emu.inspect('patched')?.tags, { a: '2' });
    await client.updateSecretProperties('patched', s.properties.version!, { enabled: false });
    const disabled = await failure(client.getSecret('patched'));
    assert.equal(disabled.statusCode, 403);
    assert.equal(disabled.inner, 'SecretDisabled');
  });

  test('names outside ^[0-9a-zA-Z-]{1,127}$ are 400 BadParameter', async () => {
    const bad = await failure(client.setSecret('my_secret', 'x'));
    assert.equal(bad.statusCode, 400);
    assert.equal(bad.code, 'BadParameter');
    assert.match(bad.message, /The request URI contains an invalid name: my_secret/);
    const tooLong = await failure(client.setSecret('a'.repeat(128), 'x'));
    assert.equal(tooLong.statusCode, 400);
  });

  test('a 404 for a missing secret is SecretNotFound', async () => {
    const missing = await failure(client.getSecret('never-written'));
    assert.equal(missing.statusCode, 404);
    assert.equal(missing.code, 'SecretNotFound');
  });

  test('RBAC deny is 403 ForbiddenByRbac', async () => {
    const denied = await failure(client.getSecret('forbidden-one'));
    assert.equal(denied.statusCode, 403);
    assert.equal(denied.code, 'Forbidden');
    assert.equal(denied.inner, 'ForbiddenByRbac');
    assert.match(denied.message, /Action: 'Microsoft\.KeyVault\/vaults\/secrets\/getSecret\/action'/);
  });
});

describe('soft delete, recover and purge', () => {
  test('delete polls until the deleted entry appears; the name is then reserved (409) until recovered', async () => {
    await withEmulator({ pendingPolls: 2 }, async (emu, client) => {
      await client.setSecret('soft', 'keep me', { tags: { t: 'v' } });
      const poller = await client.beginDeleteSecret('soft', POLL);
      const deleted = await poller.pollUntilDone();
      assert.equal(deleted.name, 'soft');
      assert.equal(deleted.recoveryId, `${emu.url}/deletedsecrets/soft`);
      assert.ok(deleted.scheduledPurgeDate instanceof Date);
      assert.ok(deleted.deletedOn instanceof Date);
      assert.equal(
        deleted.scheduledPurgeDate.getTime() - deleted.deletedOn.getTime(),
        90 * 86_400_000,
        'scheduled purge is recoverableDays after deletion',
      );
      // The poller saw the entry missing twice before it appeared.
      assert.deepEqual(
        emu.log.filter((e) => e.operation === 'GetDeletedSecret').map((e) => e.outcome),
        ['404', '404', '200'],
      );

      const gone = await failure(client.getSecret('soft'));
      assert.equal(gone.statusCode, 404);
      const reserved = await failure(client.setSecret('soft', 'new'));
      assert.equal(reserved.statusCode, 409);
      assert.equal(reserved.code, 'Conflict');
      assert.equal(reserved.inner, 'ObjectIsDeletedButRecoverable');
      assert.match(reserved.message, /currently in a deleted but recoverable state/);

      const listed: string[] = [];
      for await (const d of client.listDeletedSecrets()) listed.push(d.name);
      assert.deepEqual(listed, ['soft']);
      assert.equal((await client.getDeletedSecret('soft')).properties.tags?.t, 'v');

      const recover = await client.beginRecoverDeletedSecret('soft', POLL);
      const recovered = await recover.pollUntilDone();
      assert.equal(recovered.name, 'soft');
      assert.equal((await client.getSecret('soft')).value, 'keep me');
      assert.equal(emu.inspect('soft')?.state, 'active');
    });
  });

  test('purge removes the name for good; purging again is 404', async () => {
    await withEmulator({ pendingPolls: 0 }, async (emu, client) => {
      await client.setSecret('gone', 'x');
      await (await client.beginDeleteSecret('gone', POLL)).pollUntilDone();
      await client.purgeDeletedSecret('gone');
      assert.equal(emu.inspect('gone'), undefined);
      const again = await failure(client.purgeDeletedSecret('gone'));
      assert.equal(again.statusCode, 404);
      await client.setSecret('gone', 'reborn');
      assert.equal((await client.getSecret('gone')).value, 'reborn');
    });
  });

  test('purge protection: recoveryLevel says Recoverable and purge is 403 with the service message', async () => {
    await withEmulator({ purgeProtection: true, pendingPolls: 0 }, async (emu, client) => {
      const s = await client.setSecret('protected', 'x');
      assert.equal(s.properties.recoveryLevel, 'Recoverable');
      await (await client.beginDeleteSecret('protected', POLL)).pollUntilDone();
      const refused = await failure(client.purgeDeletedSecret('protected'));
      assert.equal(refused.statusCode, 403);
      assert.equal(refused.code, 'Forbidden');
      assert.match(refused.message, /Operation "purge" is not allowed because purge protection is enabled/);
      assert.equal(emu.inspect('protected')?.state, 'deleted');
    });
  });
});

describe('listing', () => {
  test('pages follow absolute nextLink URLs, at most 25 a page', async () => {
    await withEmulator({}, async (emu, client) => {
      for (let i = 0; i < 30; i++) await client.setSecret(`list-${String(i).padStart(2, '0')}`, String(i));
      const pages: string[][] = [];
      for await (const page of client.listPropertiesOfSecrets().byPage({ maxPageSize: 12 })) {
        pages.push(page.map((p) => p.name));
      }
      assert.deepEqual(
        pages.map((p) => p.length),
        [12, 12, 6],
      );
      assert.equal(pages.flat().length, new Set(pages.flat()).size);
      assert.equal(pages.flat()[0], 'list-00');
      const all: string[] = [];
      for await (const p of client.listPropertiesOfSecrets()) all.push(p.name);
      assert.equal(all.length, 30);
      assert.equal(emu.log.filter((e) => e.operation === 'GetSecrets' && e.outcome === '200').length, 3 + 2);

      const res = await fetch(`${emu.url}/secrets?api-version=7.6&maxresults=26`, {
        headers: { authorization: 'Bearer x' },
      });
      assert.equal(res.status, 400);
      const first = (await (
        await fetch(`${emu.url}/secrets?api-version=7.6&maxresults=25`, {
          headers: { authorization: 'Bearer x' },
        })
      ).json()) as { nextLink: string };
      assert.match(first.nextLink, new RegExp(`^${emu.url}/secrets\\?api-version=7\\.6&\\$skiptoken=`));
    });
  });
});

describe('api-version, quota and faults', () => {
  test('api-version is required and must be known; older service versions work', async () => {
    await withEmulator({}, async (emu) => {
      const auth = { authorization: 'Bearer x' };
      assert.equal((await fetch(`${emu.url}/secrets`, { headers: auth })).status, 400);
      const unknown = await fetch(`${emu.url}/secrets?api-version=1.0`, { headers: auth });
      assert.equal(unknown.status, 400);
      assert.equal(((await unknown.json()) as { error: { code: string } }).error.code, 'BadParameter');
      const old = clientFor(emu, { serviceVersion: '7.4' });
      await old.setSecret('old-api', 'x');
      assert.equal((await old.getSecret('old-api')).value, 'x');
    });
  });

  test('the create quota answers 429 Throttled with Retry-After in seconds', async () => {
    await withEmulator({ quota: { create: { rate: 0.001, burst: 1 } } }, async (emu, client) => {
      await client.setSecret('q1', 'x');
      const refused = await failure(client.setSecret('q2', 'x'));
      assert.equal(refused.statusCode, 429);
      assert.equal(refused.code, 'Throttled');
      assert.match(refused.message, /Reason: VaultRequestTypeLimitReached/);
      assert.match(refused.retryAfter ?? '', /^[1-9][0-9]*$/);
      // Reads count against the other bucket.
      assert.equal((await client.getSecret('q1')).value, 'x');
      assert.equal(emu.log.filter((e) => e.outcome === '429').length, 1);
    });
  });

  test('injected faults: 500 and 503 for server errors, a dropped socket for resets', async () => {
    await withEmulator({}, async (emu, client) => {
      await client.setSecret('f', 'x');
      emu.setFaults({ rate: 1, kinds: ['server-error'] });
      const first = await failure(client.getSecret('f'));
      const second = await failure(client.getSecret('f'));
      assert.deepEqual([first.statusCode, second.statusCode].sort(), [500, 503]);
      emu.setFaults({ rate: 1, kinds: ['reset'] });
      const reset = await failure(client.getSecret('f'));
      assert.equal(reset.statusCode, undefined);
      assert.ok(reset.code, 'a reset surfaces as a transport error code');
      emu.setFaults(undefined);
      assert.equal((await client.getSecret('f')).value, 'x');
    });
  });
});

const certificate = selfSignedCertificate();

test('HTTPS: the real client trusts a test CA and works against the TLS emulator', {
  skip: !certificate && 'openssl not found',
}, async () => {
  const emu = await startAzureKeyVaultEmulator({ tls: certificate! });
  try {
    assert.match(emu.url, /^https:\/\//);
    const client = new SecretClient(emu.url, new FakeCredential(), {
      disableChallengeResourceVerification: true,
      retryOptions: { maxRetries: 0 },
      tlsOptions: { ca: certificate!.cert },
    });
    await client.setSecret('tls', 'over-https');
    assert.equal((await client.getSecret('tls')).value, 'over-https');
  } finally {
    await emu.close();
  }
});
