import assert from 'node:assert/strict';
import { test } from 'node:test';
import { retryAfterHeaderMs } from '../../src/stores/retry-after.js';

test('Retry-After in seconds or as an HTTP date, in milliseconds; anything else is no answer', () => {
  const now = Date.parse('2026-01-01T00:00:00Z');
  assert.equal(retryAfterHeaderMs('2', now), 2000);
  assert.equal(retryAfterHeaderMs('0', now), 0);
  assert.equal(retryAfterHeaderMs('Thu, 01 Jan 2026 00:00:30 GMT', now), 30_000);
  assert.equal(retryAfterHeaderMs('Wed, 31 Dec 2025 23:59:00 GMT', now), 0, 'a date gone by: no wait');
  assert.equal(retryAfterHeaderMs('-5', now), 0);
  for (const text of [undefined, null, '', ' ', 'soon'])
    assert.equal(retryAfterHeaderMs(text, now), undefined);
});
