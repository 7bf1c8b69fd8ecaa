import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isMaskedFieldName, MASKED_FIELD_NAMES } from '../../src/airbyte/masked-field-names.js';

test('common secret field names are masked; ordinary ones and other cases are not', () => {
  for (const name of [
    'access_token',
    'api_key',
    'api_token',
    'client_secret',
    'password',
    'refresh_token',
    'secret_key',
    'private_key',
    'token',
  ]) {
    assert.ok(isMaskedFieldName(name), name);
  }
  for (const name of ['host', 'username', 'start_date', 'PASSWORD'])
    assert.ok(!isMaskedFieldName(name), name);
  assert.ok(MASKED_FIELD_NAMES.size >= 60);
});
