import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import { auditInventory, findingId, type InventoryCheck, rowFinding } from '../../src/audit/index.js';
import type { AuditReport } from '../../src/audit/types.js';
import { type SeedManifest, seedAirbyteDatabase } from '../../src/sample/seed.js';
import { expectedFindings, findingKeys } from '../helpers/expected-findings.js';
import { createTestDatabase, type TestDatabase } from '../helpers/postgres.js';

for (const variant of ['current', 'legacy'] as const) {
  describe(`auditInventory on a ${variant} Airbyte`, () => {
    let db: TestDatabase;
    let pool: pg.Pool;
    let manifest: SeedManifest;
    let report: AuditReport;

    before(async () => {
      db = await createTestDatabase(`audit_${variant}`);
      pool = new pg.Pool({ connectionString: db.url });
      manifest = await seedAirbyteDatabase(pool, { variant, actors: 50, seed: `audit-${variant}` });
      report = await auditInventory(pool, { batchSize: 7 });
    });
    after(async () => {
      await pool.end();
      await db.drop();
    });

    test('reports every planted problem exactly once, and nothing else', () => {
      assert.deepEqual(findingKeys(report.findings), expectedFindings(manifest));
      if (variant === 'legacy') {
        // No `secrets` table: the database store is not in use, so its two checks are skipped.
        assert.match(report.summary.store, /no `secrets` table/);
        assert.ok(!report.findings.some((f) => f.category === 'dangling-reference'));
      }
    });

    test('findings name coordinates and never a value', () => {
      const text = JSON.stringify(report);
      for (const c of manifest.canaries) assert.ok(!text.includes(c), 'no canary in the report');
      for (const f of report.findings) {
        if (f.category === 'plaintext-database-store' || f.category === 'dangling-reference')
          assert.ok(f.coordinate);
        if (f.category === 'plaintext-inline') assert.equal(f.coordinate, null);
      }
    });

    test('the summary counts holders, secrets and findings', () => {
      const s = report.summary;
      assert.equal(
        s.holdersScanned,
        manifest.liveActors +
          manifest.oauthParameters.length +
          manifest.webhookWorkspaces.length +
          manifest.connections.length +
          manifest.builderProjects.length,
      );
      assert.equal(s.secretsFound, manifest.planted.length);
      const total = Object.values(s.byCategory).reduce((a, b) => a + (b ?? 0), 0);
      assert.equal(total, report.findings.length);
      assert.equal(
        Object.values(s.bySeverity).reduce((a, b) => a + (b ?? 0), 0),
        total,
      );
      assert.ok(s.startedAt <= s.finishedAt);
    });

    test('ids are stable across runs and unique', async () => {
      const again = await auditInventory(pool);
      assert.deepEqual(again.findings.map((f) => f.id).sort(), report.findings.map((f) => f.id).sort());
      assert.equal(new Set(report.findings.map((f) => f.id)).size, report.findings.length);
    });
  });
}

describe('auditInventory composition', () => {
  let db: TestDatabase;
  let pool: pg.Pool;
  before(async () => {
    db = await createTestDatabase('audit_compose');
    pool = new pg.Pool({ connectionString: db.url });
    await seedAirbyteDatabase(pool, { actors: 12, seed: 'compose' });
  });
  after(async () => {
    await pool.end();
    await db.drop();
  });

  test('another store: the database-table checks are off, the others stay', async () => {
    const r = await auditInventory(pool, { store: { label: 'vault at http://vault:8200' } });
    assert.equal(r.summary.store, 'vault at http://vault:8200');
    assert.ok(
      !r.findings.some(
        (f) => f.category === 'plaintext-database-store' || f.category === 'dangling-reference',
      ),
    );
    assert.ok(r.findings.some((f) => f.category === 'plaintext-inline'));
  });

  test('checks are a list: a custom one sees every row in batches and can add findings at the end', async () => {
    let seen = 0;
    let batches = 0;
    const custom: InventoryCheck = {
      name: 'count',
      check(rows) {
        seen += rows.length;
        batches++;
        return [];
      },
      finish() {
        const f = rowFinding(
          {
            holder: 'actor',
            rowId: 'x',
            workspaceId: null,
            organizationId: null,
            name: 'n',
            spec: 'ok',
            config: {},
            configText: '{}',
            records: [],
          },
          'orphaned-secret',
          'test',
          { coordinate: 'c' },
        );
        return [f];
      },
    };
    const r = await auditInventory(pool, { checks: [custom], batchSize: 5 });
    assert.equal(seen, r.summary.holdersScanned);
    assert.equal(batches, Math.ceil(seen / 5));
    assert.equal(r.findings.length, 1);
    assert.equal(r.findings[0]!.id, findingId('orphaned-secret', 'actor', 'x', null, 'c'));
    assert.equal(r.findings[0]!.severity, 'low');
  });
});
