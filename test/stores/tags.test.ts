import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseTags } from '../../src/stores/tags.js';
import { UsageError } from '../../src/util/errors.js';

test("parses Airbyte's key=value,key2=value2 with pairs trimmed and split at the first =", () => {
  assert.deepEqual(parseTags('team=data, env=prod ,owner=a@b.c'), {
    team: 'data',
    env: 'prod',
    owner: 'a@b.c',
  });
  assert.deepEqual(parseTags('url=https://x/y=z'), { url: 'https://x/y=z' });
  assert.deepEqual(parseTags('path=/a/b:c+d-e_f.g'), { path: '/a/b:c+d-e_f.g' });
});

test('blank or absent text means no tags', () => {
  assert.deepEqual(parseTags(undefined), {});
  assert.deepEqual(parseTags('   '), {});
});

test('an invalid string is a UsageError naming the setting', () => {
  for (const bad of ['novalue', '=v', 'k=', 'a=b,', 'a=b;c=d', 'k=v!']) {
    assert.throws(
      () => parseTags(bad, 'AB_AZURE_KEY_VAULT_TAGS'),
      (e: unknown) =>
        e instanceof UsageError && e.message.startsWith('AB_AZURE_KEY_VAULT_TAGS does not match'),
      bad,
    );
  }
  assert.throws(() => parseTags('oops'), /AWS_SECRET_MANAGER_SECRET_TAGS/);
});
