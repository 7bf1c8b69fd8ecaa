import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PlanItems } from '../../src/migrate/plan-items.js';
import {
  checkSavedPlan,
  checkSavedStores,
  parseSavedPlan,
  type SavedPlan,
} from '../../src/migrate/saved-plan.js';
import type { MigrationPlan, PlanItem } from '../../src/migrate/types.js';
import type { SecretStore } from '../../src/stores/types.js';
import { UsageError } from '../../src/util/errors.js';

const store = (kind: string, description: string) => ({ kind, description }) as unknown as SecretStore;
const plan = (list: PlanItem[]): MigrationPlan => ({
  source: 'db',
  target: 'vault',
  items: PlanItems.of(list),
  summary: [],
  byWorkspace: [],
  estimate: {
    targetWrites: 0,
    sourceWrites: 0,
    reads: 0,
    targetWriteRate: 1,
    concurrency: 1,
    roundTripMs: 0,
    seconds: 0,
  },
});
const copy = (coordinate: string, action: 'copy' | 'skip' = 'copy') =>
  ({ key: `copy:${coordinate}`, action, coordinate, workspaceId: null, references: 1 }) as const;
const row = (rowId: string, sha256: string) => ({ holder: 'actor' as const, rowId, sha256 });

const saved: SavedPlan = {
  format: 'airbyte-secrets/migration-plan',
  version: 1,
  createdAt: '2026-12-03T00:00:00Z',
  stores: {
    source: { kind: 'database', description: 'db' },
    target: { kind: 'vault', description: 'vault' },
  },
  rows: [row('a', '1'), row('b', '2'), row('c', '3')],
  ...plan([copy('x'), copy('y')]),
  items: [copy('x'), copy('y')],
};

const refusal = (fn: () => void): string => {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof UsageError);
    assert.doesNotMatch(err.message, /\n/);
    return err.message;
  }
  assert.fail('not refused');
};

test('the same rows and verdicts pass', () => {
  checkSavedPlan(saved, {
    plan: plan([copy('y'), copy('x')]),
    rows: [row('c', '3'), row('a', '1'), row('b', '2')],
  });
});

test('a changed, an appeared and a disappeared row are each named', () => {
  const msg = refusal(() =>
    checkSavedPlan(saved, {
      plan: plan([copy('x'), copy('y')]),
      rows: [row('a', '9'), row('b', '2'), row('d', '4')],
    }),
  );
  assert.match(msg, /actor:a changed/);
  assert.match(msg, /actor:d appeared/);
  assert.match(msg, /actor:c disappeared/);
});

test('a verdict the stores changed is named (same rows)', () => {
  const msg = refusal(() =>
    checkSavedPlan(saved, { plan: plan([copy('x', 'skip'), copy('y')]), rows: saved.rows }),
  );
  assert.match(msg, /the stores changed .*copy:x was copy, now skip/);
});

test('other stores are refused; a file that is no saved plan is a usage error', () => {
  checkSavedStores(saved, store('database', 'db'), store('vault', 'vault'));
  assert.match(
    refusal(() => checkSavedStores(saved, store('database', 'db'), store('vault', 'vault2'))),
    /made for target vault, not vault2/,
  );
  assert.match(
    refusal(() => parseSavedPlan('{', 'p.json')),
    /not a saved plan/,
  );
  assert.match(
    refusal(() => parseSavedPlan('{"format":"x"}', 'p.json')),
    /not a saved plan of this tool/,
  );
});
