import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Log } from 'sarif';
import type { ComparedAuditReport } from '../../src/audit/comparison.js';
import type { AuditRun } from '../../src/audit/history.js';
import { allChecks, auditInventory } from '../../src/audit/index.js';
import { FINDING_CATEGORIES } from '../../src/audit/types.js';
import { withLimits } from '../../src/stores/limits.js';
import { createStore } from '../../src/stores/open.js';
import type { SecretStore, StoreKind } from '../../src/stores/types.js';
import { SecretValue } from '../../src/util/secret-value.js';
import { leakedCanaries, type SeededDatabase, seededDatabase } from '../helpers/airbyte-db.js';
import { parseJson, runCli } from '../helpers/cli.js';
import { ADMIN_URL, EMBEDDED, SKIP_EMBEDDED } from '../helpers/postgres.js';
import { sarifValidator } from '../helpers/sarif-validator.js';
import { startTestStore, type TestStore } from '../helpers/targets.js';
import { findingKey, type PlantedCases, plantAuditCases } from './planted-cases.js';

/**
 * The audit against the store Airbyte uses, through the built CLI (`npm test` builds first), on a
 * seeded real PostgreSQL with one case of every category planted: each is found exactly once and
 * nothing else is reported, every report format is written, SARIF validates, nothing leaks.
 */

const FORMATS = ['sarif', 'html', 'markdown', 'json', 'table'] as const;
const validateSarif = sarifValidator();

/** The test store's flags with `--from` turned into audit's `--store`. */
const storeArgs = (s: TestStore) => ['--store', ...s.cliArgs('from').slice(1)];

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

interface Fixture {
  db: SeededDatabase;
  testStore: TestStore;
  store: SecretStore;
  planted: PlantedCases;
  dir: string;
  canaries: () => string[];
}

/** After each shape once, only plain `_secret` references: the clean connectors. */
const MIX = {
  secret: 1,
  plaintext: 0,
  'secret-with-reference': 0,
  'reference-only': 0,
  mask: 0,
  'oauth-mask': 0,
  'prefixed-external': 0,
  dangling: 0,
};

async function fixture(kind: StoreKind): Promise<Fixture> {
  const db = await seededDatabase(`sched_${kind}`, {
    actors: 24,
    workspaces: 3,
    seed: `scheduled-${kind}`,
    mix: MIX,
  });
  const dir = await mkdtemp(join(tmpdir(), `abs-audit-${kind}-`));
  let testStore: TestStore | undefined;
  try {
    // No emulator quota: the planting writes fast; the audit still paces itself by the real quotas.
    testStore = await startTestStore(kind, { databaseUrl: db.url, emulator: { quota: false } });
    const store = await testStore.open();
    const planted = await plantAuditCases(db, store);
    return {
      db,
      testStore,
      store,
      planted,
      dir,
      canaries: () => [...db.manifest.canaries, ...planted.canaries],
    };
  } catch (err) {
    await testStore?.close();
    await db.close();
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
}

async function release(f: Fixture | undefined): Promise<void> {
  if (!f) return;
  await f.testStore.close();
  await f.db.close();
  await rm(f.dir, { recursive: true, force: true });
}

function auditCli(f: Fixture, args: string[]) {
  return runCli(['audit', '--database-url', f.db.url, ...storeArgs(f.testStore), ...args], {
    env: f.testStore.cliEnv,
  });
}

async function assertNoLeak(f: Fixture, texts: string[]): Promise<void> {
  for (const t of texts)
    assert.deepEqual(leakedCanaries(t, f.canaries()), [], 'no secret value in any output');
}

for (const kind of ['database', 'vault', 'aws', 'gcp', 'azure'] as const) {
  describe(`audit against the ${kind} store`, () => {
    let f: Fixture;
    before(async () => {
      f = await fixture(kind);
    });
    after(() => release(f));

    test('each planted case is found exactly once, nothing else; every format is written and SARIF validates', async () => {
      const base = join(f.dir, 'nightly', 'audit');
      const r = await auditCli(f, ['--format', FORMATS.join(','), '--output', base, '--json']);
      assert.equal(r.code, 1, 'planted plaintext is critical');
      const report = parseJson<ComparedAuditReport>(r);
      // Every category is planted (the `secrets` table's only when it is the store in use)...
      const planted = new Set(f.planted.expected.map((k) => k.split('|')[0]));
      const categories = FINDING_CATEGORIES.filter(
        // Store-level findings are tested on their own (unreachable below; unusable in test/migrate/airbyte-unusable-target.test.ts).
        (c) =>
          c !== 'store-unreachable' &&
          c !== 'store-unusable-by-airbyte' &&
          (kind === 'database' || c !== 'plaintext-database-store'),
      );
      assert.deepEqual([...planted].sort(), [...categories].sort());
      // ...and each planted case is found exactly once, with nothing else.
      assert.deepEqual(report.findings.map(findingKey).sort(), f.planted.expected);
      assert.equal(new Set(report.findings.map((x) => x.id)).size, report.findings.length, 'ids are unique');
      assert.ok(!report.findings.some((x) => x.category === 'store-unreachable'));
      assert.equal(report.summary.store, kind === 'database' ? 'database' : f.store.description);

      const files = Object.fromEntries(
        await Promise.all(
          (['sarif', 'html', 'md', 'json', 'txt'] as const).map(async (ext) => [
            ext,
            await readFile(`${base}.${ext}`, 'utf8'),
          ]),
        ),
      ) as Record<string, string>;
      const sarif = JSON.parse(files.sarif!) as Log;
      assert.ok(validateSarif(sarif), JSON.stringify(validateSarif.errors, null, 2));
      assert.equal(sarif.runs[0]!.results!.length, report.findings.length);
      assert.deepEqual(JSON.parse(files.json!).findings.map(findingKey).sort(), f.planted.expected);
      assert.match(files.html!, /data-findings-of="orphaned-secret"/);
      await assertNoLeak(f, [r.stdout, r.stderr, ...Object.values(files)]);
    });

    test('--fail-on a present category exits 1, and the table names it', async () => {
      const r = await auditCli(f, ['--fail-on', 'orphaned-secret', '--no-history']);
      assert.equal(r.code, 1, r.stderr);
      assert.match(r.stdout, /orphaned-secret/);
      assert.match(r.stdout, /match --fail-on orphaned-secret: exit code 1$/m);
      await assertNoLeak(f, [r.stdout, r.stderr]);
    });
  });
}

describe('audit history, comparison and a read-only role (database store)', () => {
  let f: Fixture;
  const role = `abs_ro_${Math.random().toString(16).slice(2, 10)}`;
  before(async () => {
    f = await fixture('database');
  });
  after(async () => {
    await release(f);
    if (EMBEDDED) return;
    const admin = new (await import('pg')).default.Client({ connectionString: ADMIN_URL });
    await admin.connect();
    await admin.query(`DROP ROLE IF EXISTS ${role}`).catch(() => undefined);
    await admin.end();
  });

  test('run, fix, run again with --compare last: the fixed finding is resolved', async () => {
    const first = await auditCli(f, ['--compare', 'last', '--json']);
    assert.equal(first.code, 1, 'planted plaintext is critical');
    const one = parseJson<ComparedAuditReport>(first);
    assert.equal(one.comparison?.previousRun, null, 'nothing recorded before the first run');
    assert.ok(one.findings.every((x) => x.status === 'new'));

    // The fix: the real credential goes where the coordinate was stored as its own value.
    const fixed = f.planted.coordinateAsValue;
    const value = `canary-${'ab'.repeat(8)}`;
    f.planted.canaries.push(value);
    await f.store.write(fixed.coordinate, new SecretValue(value));

    const second = await auditCli(f, [
      '--compare',
      'last',
      '--json',
      '--format',
      'sarif,html,markdown,table',
      '--output',
      join(f.dir, 'second/'),
    ]);
    assert.equal(second.code, 1, 'planted plaintext is critical');
    const two = parseJson<ComparedAuditReport>(second);
    const cmp = two.comparison!;
    assert.equal(cmp.previousRun?.startedAt, one.summary.startedAt);
    assert.deepEqual(
      cmp.resolved.map((x) => [x.status, x.category, x.actorId, x.path]),
      [['resolved', 'coordinate-as-value', fixed.actorId, fixed.path]],
    );
    // The value now sits in the `secrets` table: that is new; everything else is still open.
    const fresh = two.findings.filter((x) => x.status === 'new');
    assert.deepEqual(
      fresh.map((x) => [x.category, x.actorId, x.path]),
      [['plaintext-database-store', fixed.actorId, fixed.path]],
    );
    assert.equal(two.findings.filter((x) => x.status === 'open').length, one.findings.length - 1);
    assert.deepEqual(cmp.counts, { new: 1, open: one.findings.length - 1, resolved: 1 });

    // Every format carries the statuses.
    const dir = join(f.dir, 'second');
    const sarif = JSON.parse(await readFile(join(dir, 'audit.sarif'), 'utf8')) as Log;
    assert.ok(validateSarif(sarif), JSON.stringify(validateSarif.errors, null, 2));
    const states = sarif.runs[0]!.results!.map((x) => x.baselineState);
    assert.equal(states.filter((s) => s === 'absent').length, 1);
    assert.equal(states.filter((s) => s === 'new').length, 1);
    assert.equal(states.filter((s) => s === 'unchanged').length, one.findings.length - 1);
    const html = await readFile(join(dir, 'audit.html'), 'utf8');
    assert.equal((html.match(/data-status="resolved"/g) ?? []).length, 1);
    assert.equal((html.match(/data-status="new"/g) ?? []).length, 1);
    const markdown = await readFile(join(dir, 'audit.md'), 'utf8');
    assert.match(markdown, /## Resolved since the previous run: 1/);
    assert.match(markdown, /\| new \| medium \|/);
    const table = await readFile(join(dir, 'audit.txt'), 'utf8');
    assert.match(table, /^resolved +high +coordinate-as-value/m);
    await assertNoLeak(f, [
      first.stdout,
      first.stderr,
      second.stdout,
      second.stderr,
      html,
      markdown,
      table,
      JSON.stringify(sarif),
    ]);

    const history = await runCli(['audit', 'history', '--database-url', f.db.url, '--json']);
    assert.equal(history.code, 0, history.stderr);
    const runs = parseJson<{ runs: AuditRun[] }>(history).runs;
    assert.ok(runs.length >= 2);
    assert.equal(runs[0]!.startedAt, two.summary.startedAt);
    assert.equal(runs[0]!.counts.total, two.findings.length);
    assert.equal(runs[0]!.counts.byCategory['coordinate-as-value'], undefined);
    assert.equal(runs[1]!.counts.byCategory['coordinate-as-value'], 1);
    const text = await runCli(['audit', 'history', '--database-url', f.db.url, '--limit', '1']);
    assert.equal(text.code, 0, text.stderr);
    assert.equal(text.stdout.trim().split('\n').length, 2, 'a header and one run');
  });

  test('a role with SELECT only audits with --no-history and writes nothing', {
    skip: SKIP_EMBEDDED,
  }, async () => {
    const pool = f.db.pool;
    await pool.query(`CREATE ROLE ${role} LOGIN`);
    await pool.query(`GRANT USAGE ON SCHEMA public TO ${role}`);
    await pool.query(`GRANT SELECT ON ALL TABLES IN SCHEMA public TO ${role}`);
    // It may read the history (to compare), never write it.
    await pool.query(`GRANT USAGE ON SCHEMA airbyte_secrets TO ${role}`);
    await pool.query(`GRANT SELECT ON ALL TABLES IN SCHEMA airbyte_secrets TO ${role}`);
    const url = new URL(f.db.url);
    url.username = role;
    const runsBefore = (await pool.query('SELECT count(*)::int AS n FROM airbyte_secrets.audit_run')).rows[0]
      .n;

    const reference = parseJson<ComparedAuditReport>(await auditCli(f, ['--no-history', '--json']));
    const ro = await runCli([
      'audit',
      '--database-url',
      url.toString(),
      '--store',
      'database',
      '--no-history',
      '--compare',
      'last',
      '--fail-on',
      'none',
      '--json',
    ]);
    assert.equal(ro.code, 0, ro.stderr);
    const report = parseJson<ComparedAuditReport>(ro);
    assert.deepEqual(report.findings.map(findingKey).sort(), reference.findings.map(findingKey).sort());
    assert.ok(report.comparison?.previousRun, 'compared with the last recorded run, read-only');
    assert.equal(report.comparison.counts.resolved, 0);

    const refused = await runCli(['audit', '--database-url', url.toString(), '--store', 'database']);
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /permission denied.*--no-history/);
    const runsAfter = (await pool.query('SELECT count(*)::int AS n FROM airbyte_secrets.audit_run')).rows[0]
      .n;
    assert.equal(runsAfter, runsBefore, 'nothing was recorded');
  });

  test('an unreachable store is one store-unreachable finding and exit 2; the rest is still reported', async () => {
    const port = await closedPort();
    const args = [
      'audit',
      '--database-url',
      f.db.url,
      '--store',
      'vault',
      '--vault-address',
      `http://127.0.0.1:${port}`,
      '--no-history',
    ];
    const env = { VAULT_AUTH_TOKEN: 'root' };
    const json = await runCli([...args, '--json'], { env });
    assert.equal(json.code, 2, json.stderr);
    const report = parseJson<ComparedAuditReport>(json);
    const unreachable = report.findings.filter((x) => x.category === 'store-unreachable');
    assert.equal(unreachable.length, 1);
    assert.match(unreachable[0]!.message, /could not be reached/);
    assert.ok(report.findings.some((x) => x.category === 'plaintext-inline'));
    assert.ok(
      !report.findings.some((x) => x.category === 'dangling-reference' || x.category === 'orphaned-secret'),
    );

    const table = await runCli(args, { env });
    assert.equal(table.code, 2);
    assert.match(table.stdout, /store-unreachable/);
    assert.match(table.stdout, /exit code 2$/m);
    await assertNoLeak(f, [json.stdout, json.stderr, table.stdout, table.stderr]);
  });

  test('a store that refuses its first read is unreachable too (library, no retries)', async () => {
    const port = await closedPort();
    const raw = await createStore(
      {
        kind: 'aws',
        region: 'us-east-1',
        endpoint: `http://127.0.0.1:${port}`,
        accessKeyId: 'AKIAEXAMPLE',
        secretAccessKey: new SecretValue('example'),
      },
      { limits: false },
    );
    const store = withLimits(raw, { maxAttempts: 1 });
    try {
      const report = await auditInventory(f.db.pool, { store, checks: allChecks() });
      const unreachable = report.findings.filter((x) => x.category === 'store-unreachable');
      assert.equal(unreachable.length, 1);
      assert.match(unreachable[0]!.message, /could not be reached .*aws read/);
      assert.ok(!report.findings.some((x) => x.category === 'dangling-reference'));
    } finally {
      await store.close();
    }
  });
});
