import assert from 'node:assert/strict';
import { test } from 'node:test';
import { inspect } from 'node:util';
import { SecretValue } from '../../src/util/secret-value.js';

test('a SecretValue never prints its text', () => {
  const v = new SecretValue('canary-123');
  assert.equal(`${v}`, '[redacted]');
  assert.equal(JSON.stringify({ v }), '{"v":"[redacted]"}');
  assert.ok(!inspect({ v }).includes('canary'));
  assert.equal(v.reveal(), 'canary-123');
  assert.ok(v.equals(new SecretValue('canary-123')));
  assert.ok(!v.equals(new SecretValue('canary-124')));
});
