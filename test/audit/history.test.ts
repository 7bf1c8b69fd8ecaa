import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import {
  auditHistoryExists,
  compareWithLastRun,
  identityOf,
  listAuditRuns,
  recordAuditRun,
} from '../../src/audit/history.js';
import type { AuditReport, Finding } from '../../src/audit/types.js';
import { ensureJournalSchema } from '../../src/journal/schema.js';
import { createTestDatabase, type TestDatabase } from '../helpers/postgres.js';
import { finding, sampleReport, WS_A } from '../report/fixture.js';

const SCHEMA = 'audit_hist';
const MIGRATION = new URL('../../migrations/0002.do.audit-history.sql', import.meta.url);

/** The same report a night later: `fixed` gone, `added` new, everything else unchanged. */
function nextNight(report: AuditReport, fixed: Finding, added: Finding): AuditReport {
  const findings = [...report.findings.filter((f) => f.id !== fixed.id), added];
  return {
    summary: {
      ...report.summary,
      startedAt: '2025-03-15T02:00:00.000Z',
      finishedAt: '2025-03-15T02:00:39.000Z',
    },
    findings,
  };
}

describe('audit history', () => {
  let db: TestDatabase;
  let pool: pg.Pool;

  before(async () => {
    db = await createTestDatabase('audit_history');
    pool = new pg.Pool({ connectionString: db.url, max: 3 });
    // The migration file alone, in a schema of our own, as the runner would apply it.
    const client = await pool.connect();
    try {
      await client.query(`CREATE SCHEMA ${SCHEMA}`);
      await client.query(`SET search_path TO ${SCHEMA}`);
      await client.query(await readFile(MIGRATION, 'utf8'));
      await client.query('RESET search_path');
    } finally {
      client.release();
    }
  });

  after(async () => {
    await pool?.end();
    await db?.drop();
  });

  test('no runs yet: the tables exist, nothing listed, every finding is new', async () => {
    assert.equal(await auditHistoryExists(pool, { schema: SCHEMA }), true);
    assert.equal(await auditHistoryExists(pool, { schema: 'no_such_schema' }), false);
    assert.deepEqual(await listAuditRuns(pool, { schema: SCHEMA }), []);
    const report = sampleReport();
    const cmp = await compareWithLastRun(pool, report, { schema: SCHEMA });
    assert.equal(cmp.previousRun, null);
    assert.equal(cmp.new.length, report.findings.length);
    assert.deepEqual(cmp.open, []);
    assert.deepEqual(cmp.resolved, []);
  });

  test('two runs with a fix in between: resolved, new and open', async () => {
    const first = sampleReport();
    const run1 = await recordAuditRun(
      pool,
      first,
      { formats: ['sarif', 'html'], failOn: 'high' },
      { schema: SCHEMA },
    );
    assert.equal(run1.counts.total, first.findings.length);
    assert.equal(run1.counts.byCategory['plaintext-inline'], 3);
    assert.equal(run1.startedAt, first.summary.startedAt);
    assert.deepEqual(run1.options, { formats: ['sarif', 'html'], failOn: 'high' });

    const fixed = first.findings.find((f) => f.category === 'dangling-reference')!;
    const added = finding({
      category: 'orphaned-secret',
      holder: 'vault',
      workspaceId: WS_A,
      coordinate: `airbyte_workspace_${WS_A}_secret_11111111-2222-4333-8444-555555555555_v1`,
      message: 'The store holds this secret but no configuration references it.',
    });
    const second = nextNight(first, fixed, added);

    // Before the second run is recorded...
    const cmp = await compareWithLastRun(pool, second, { schema: SCHEMA });
    assert.equal(cmp.previousRun?.id, run1.id);
    assert.deepEqual(
      cmp.new.map((f) => f.id),
      [added.id],
    );
    assert.deepEqual(cmp.resolved, [identityOf(fixed)]);
    assert.equal(cmp.open.length, first.findings.length - 1);
    assert.ok(!cmp.open.some((f) => f.id === fixed.id));

    // ...and after: the current run is never its own baseline.
    const run2 = await recordAuditRun(pool, second, {}, { schema: SCHEMA });
    const again = await compareWithLastRun(pool, second, { schema: SCHEMA });
    assert.equal(again.previousRun?.id, run1.id);
    assert.deepEqual(again.resolved, cmp.resolved);
    assert.deepEqual(
      again.new.map((f) => f.id),
      [added.id],
    );

    const runs = await listAuditRuns(pool, { schema: SCHEMA });
    assert.deepEqual(
      runs.map((r) => r.id),
      [run2.id, run1.id],
    );
    assert.equal(runs[0]!.holdersScanned, 412);
    assert.equal(runs[0]!.counts.byCategory['orphaned-secret'], 2);
    assert.deepEqual(
      (await listAuditRuns(pool, { schema: SCHEMA, limit: 1 })).map((r) => r.id),
      [run2.id],
    );
  });

  test('history holds identities only: no actor name or message reaches the tables', async () => {
    const { rows } = await pool.query(`SELECT * FROM ${SCHEMA}.audit_finding`);
    assert.ok(rows.length > 0);
    const dump = JSON.stringify(rows);
    assert.ok(!dump.includes('<script>'));
    assert.ok(!dump.includes('Postgres (prod)'));
    assert.ok(!dump.includes('holds a plaintext value'));
    assert.deepEqual(Object.keys(rows[0]).sort(), [
      'actor_id',
      'category',
      'coordinate',
      'finding_id',
      'holder',
      'path',
      'run_id',
      'severity',
      'workspace_id',
    ]);
  });

  test('a repeated finding in one report is recorded once', async () => {
    const report = sampleReport();
    report.summary.startedAt = '2025-03-16T02:00:00.000Z';
    report.findings.push({ ...report.findings[0]! });
    const run = await recordAuditRun(pool, report, {}, { schema: SCHEMA });
    assert.equal(run.counts.total, report.findings.length - 1);
    const { rows } = await pool.query(
      `SELECT count(*)::int AS n FROM ${SCHEMA}.audit_finding WHERE run_id = $1`,
      [run.id],
    );
    assert.equal(rows[0].n, report.findings.length - 1);
  });

  test('a failed insert leaves no half-recorded run', async () => {
    const report = sampleReport();
    report.summary.startedAt = 'not a timestamp';
    await assert.rejects(recordAuditRun(pool, report, {}, { schema: SCHEMA }));
    const client = await pool.connect();
    try {
      // The same client works afterwards (the transaction was rolled back).
      const { rows } = await client.query(`SELECT count(*)::int AS n FROM ${SCHEMA}.audit_run`);
      assert.equal(rows[0].n, 3);
      const run = await recordAuditRun(client, { ...sampleReport(), findings: [] }, {}, { schema: SCHEMA });
      assert.equal(run.counts.total, 0);
    } finally {
      client.release();
    }
  });

  test('--compare last takes the last audit of the same store, with two stores interleaved', async () => {
    const schema = { schema: SCHEMA };
    const at = (store: string, startedAt: string, findings: Finding[]): AuditReport => ({
      summary: { ...sampleReport().summary, store, startedAt, finishedAt: startedAt },
      findings,
    });
    const [one, two] = sampleReport().findings;
    const vault = 'vault at http://vault-a:8200';
    const aws = 'aws in eu-west-1';
    const v1 = await recordAuditRun(pool, at(vault, '2025-04-01T01:00:00.000Z', [one!]), {}, schema);
    const a1 = await recordAuditRun(pool, at(aws, '2025-04-01T02:00:00.000Z', [two!]), {}, schema);
    const v2 = at(vault, '2025-04-01T03:00:00.000Z', [one!]);
    const cmp = await compareWithLastRun(pool, v2, schema);
    assert.equal(cmp.previousRun?.id, v1.id, 'not the later audit of the other store');
    assert.deepEqual(cmp.resolved, []);
    assert.deepEqual(
      cmp.open.map((f) => f.id),
      [one!.id],
    );
    await recordAuditRun(pool, v2, {}, schema);
    const a2 = await compareWithLastRun(pool, at(aws, '2025-04-01T04:00:00.000Z', [two!]), schema);
    assert.equal(a2.previousRun?.id, a1.id);
    assert.deepEqual(a2.new, []);
    const fresh = await compareWithLastRun(
      pool,
      at('gcp project p', '2025-04-01T05:00:00.000Z', [one!]),
      schema,
    );
    assert.equal(fresh.previousRun, null, 'a store never audited has no baseline');
  });

  test('the schema runner applies the migration in the tool schema', async () => {
    await ensureJournalSchema(pool, 'airbyte_secrets', { requireAirbyte: false });
    assert.equal(await auditHistoryExists(pool), true);
    const run = await recordAuditRun(pool, sampleReport());
    assert.deepEqual(
      (await listAuditRuns(pool)).map((r) => r.id),
      [run.id],
    );
  });
});
