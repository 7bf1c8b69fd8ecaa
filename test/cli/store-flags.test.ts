import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fromStoreFlags, limitFlags, targetStoreFlags, toStoreFlags } from '../../src/cli/store-flags.js';

test('the store flags commands spread, each in a help group', () => {
  assert.deepEqual(Object.keys(fromStoreFlags), ['from', 'from-values', 'from-secret']);
  assert.deepEqual(Object.keys(toStoreFlags), ['to', 'to-values', 'to-secret']);
  assert.deepEqual(Object.keys(targetStoreFlags), [
    'vault-address',
    'vault-token',
    'vault-prefix',
    'vault-namespace',
    'allow-insecure-http',
    'aws-region',
    'aws-endpoint',
    'aws-kms-key-id',
    'aws-tags',
    'gcp-project',
    'gcp-region',
    'gcp-credentials',
    'gcp-endpoint',
    'allow-gcp-regional',
    'azure-vault-url',
    'azure-tenant-id',
    'azure-client-id',
    'azure-client-secret',
  ]);
  assert.deepEqual(Object.keys(limitFlags), ['concurrency', 'rate']);
  for (const flag of Object.values({
    ...fromStoreFlags,
    ...toStoreFlags,
    ...targetStoreFlags,
    ...limitFlags,
  })) {
    assert.ok(flag.helpGroup, `${flag.name ?? '?'} has a help group`);
    assert.ok(!('env' in flag && flag.env), 'env fallbacks live in src/config, not in flags');
  }
});

test('--rate takes fractions and refuses nonsense', async () => {
  const parse = limitFlags.rate.parse as (input: string, ctx: unknown, opts: unknown) => Promise<number>;
  assert.equal(await parse('2.5', {}, {}), 2.5);
  await assert.rejects(parse('0', {}, {}), /above 0/);
  await assert.rejects(parse('fast', {}, {}), /above 0/);
});
