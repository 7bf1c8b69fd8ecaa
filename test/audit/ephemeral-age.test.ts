import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { EPHEMERAL_BASE_ID, formatCoordinate } from '../../src/airbyte/coordinates.js';
import { auditInventory, orphanedSecretCheck } from '../../src/audit/index.js';
import type { SecretStore } from '../../src/stores/types.js';
import { SecretValue } from '../../src/util/secret-value.js';
import { type SeededDatabase, seededDatabase } from '../helpers/airbyte-db.js';
import { ago, atTime } from '../helpers/clock.js';
import { startTestStore, type TestStore } from '../helpers/targets.js';

/**
 * Airbyte's ephemeral secrets (check/discover before a save) live under the all-zero workspace
 * and are written to expire two hours later: EPHEMERAL_SECRET_LIFE_DURATION and
 * createEphemeralFromConfig in
 * airbyte-config/config-secrets/src/main/kotlin/secrets/SecretsRepositoryWriter.kt. One younger
 * than that may still be in use by a running check, so the orphan check leaves it out; an older
 * one is reported. Each store reports its creation time through `describe().createdAt`.
 */

const HOUR = 60 * 60 * 1000;
const ephemeral = () => formatCoordinate({ baseId: EPHEMERAL_BASE_ID, uuid: randomUUID() });

for (const kind of ['vault', 'aws', 'gcp', 'azure'] as const) {
  describe(`ephemeral secrets on ${kind}: only those past their two hours are orphans`, () => {
    let db: SeededDatabase;
    let testStore: TestStore;
    let store: SecretStore;
    const fresh = ephemeral();
    const old = ephemeral();
    let startedAt: number;

    before(async () => {
      db = await seededDatabase(`eph_${kind}`, { actors: 2, workspaces: 1, shapes: ['secret'], seed: 3 });
      testStore = await startTestStore(kind, { emulator: { quota: false } });
      store = await testStore.open();
      startedAt = Date.now();
      await store.write(fresh, new SecretValue('fresh-ephemeral-value'));
      await atTime(ago(3 * HOUR), () => store.write(old, new SecretValue('old-ephemeral-value')));
    });
    after(async () => {
      await testStore?.close();
      await db?.close();
    });

    test('describe() reports when each was created', async () => {
      const freshAt = Date.parse((await store.describe(fresh)).createdAt ?? '');
      const oldAt = Date.parse((await store.describe(old)).createdAt ?? '');
      assert.ok(Math.abs(freshAt - startedAt) < 60_000, `fresh created about now (${freshAt})`);
      assert.ok(Math.abs(oldAt - (startedAt - 3 * HOUR)) < 60_000, `old created three hours ago (${oldAt})`);
    });

    test('the audit reports the old one and not the fresh one', async () => {
      const report = await auditInventory(db.pool, { store, checks: [orphanedSecretCheck] });
      const orphans = report.findings.filter((f) => f.category === 'orphaned-secret');
      assert.deepEqual(
        orphans.map((f) => f.coordinate),
        [old],
      );
      assert.match(orphans[0]?.message ?? '', /older than the two hours/);
    });

    test('past its two hours the fresh one is reported too', async () => {
      const report = await auditInventory(db.pool, {
        store,
        checks: [orphanedSecretCheck],
        now: new Date(startedAt + 2 * HOUR + 60_000),
      });
      assert.deepEqual(report.findings.map((f) => f.coordinate).sort(), [fresh, old].sort());
    });
  });
}
