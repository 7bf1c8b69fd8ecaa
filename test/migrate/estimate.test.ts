import assert from 'node:assert/strict';
import { test } from 'node:test';
import { estimateDuration } from '../../src/migrate/estimate.js';

/**
 * The plan's estimate counts what the copy and extract phases still send (issue 14): the plan
 * has read the source and checked the target, so a copy is its write and a read-back.
 */
const args = { sourceKind: 'database', concurrency: 1, roundTripMs: 10, writeSource: true } as const;

test('a copy costs its write and a read-back; a new Google secret writes twice', () => {
  const vault = estimateDuration({ copies: 100, extracts: 0 }, { ...args, targetKind: 'vault' });
  assert.equal(vault.targetWrites, 100);
  assert.equal(vault.reads, 100);
  // 200 requests one after another at 10 ms.
  assert.equal(vault.seconds, 2);
  const gcp = estimateDuration({ copies: 100, extracts: 0 }, { ...args, targetKind: 'gcp' });
  assert.equal(gcp.targetWrites, 200);
  assert.equal(gcp.reads, 100);
});

test('an extract also writes and reads back in the source when it is written there', () => {
  const both = estimateDuration({ copies: 0, extracts: 10 }, { ...args, targetKind: 'vault' });
  assert.deepEqual([both.targetWrites, both.sourceWrites, both.reads], [10, 10, 20]);
  const targetOnly = estimateDuration(
    { copies: 0, extracts: 10 },
    { ...args, targetKind: 'vault', writeSource: false },
  );
  assert.deepEqual([targetOnly.targetWrites, targetOnly.sourceWrites, targetOnly.reads], [10, 0, 10]);
});
