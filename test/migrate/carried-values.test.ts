import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CarriedValues } from '../../src/migrate/carried-values.js';
import { SecretValue } from '../../src/util/secret-value.js';

/** The values the plan read for the copy: bounded by what they really cost, handed over once. */
test('the budget counts each entry whole, so many short values cannot outgrow it', () => {
  const carried = new CarriedValues(10_000);
  const coordinate = (i: number) =>
    `airbyte_workspace_${'0'.repeat(36)}_secret_${String(i).padStart(36, '0')}_v1`;
  for (let i = 0; i < 1_000; i++) carried.keep(coordinate(i), new SecretValue('x'));
  // 1,000 one-byte values are 1,000 bytes of values but far more in memory.
  assert.ok(carried.size > 0 && carried.size < 100, `kept ${carried.size}`);
  const first = carried.take(coordinate(0));
  assert.equal(first?.reveal(), 'x');
  assert.equal(carried.take(coordinate(0)), undefined);
  // What was taken frees its share of the budget for the next.
  const before = carried.size;
  carried.keep(coordinate(5_000), new SecretValue('y'));
  assert.equal(carried.size, before + 1);
});
