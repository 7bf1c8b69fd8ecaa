import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { delimiter, dirname, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import type { AuditReport } from '../../src/audit/types.js';
import { type SeedManifest, seedAirbyteDatabase } from '../../src/sample/seed.js';
import { assertBuilt } from '../helpers/cli.js';
import { expectedFindings, findingKeys } from '../helpers/expected-findings.js';
import { createTestDatabase, SKIP_EMBEDDED, type TestDatabase } from '../helpers/postgres.js';

// Runs the BUILT CLI (bin/run.js → dist/commands) in a subprocess with the pinned Node on PATH.
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../..');
const BIN = join(ROOT, 'node_modules', '.bin');
const BASE_ENV: NodeJS.ProcessEnv = {
  ...process.env,
  PATH: `${BIN}${delimiter}${process.env.PATH ?? ''}`,
  NO_COLOR: '1',
};
for (const k of ['DATABASE_URL', 'DATABASE_USER', 'DATABASE_PASSWORD']) delete BASE_ENV[k];
const PASSWORD_CANARY = 'canary-ffffeeeeddddcccc';

// The CLI runs through spawnSync, which would block the in-process embedded server.
describe('airbyte-secrets audit (built CLI)', { skip: SKIP_EMBEDDED }, () => {
  let db: TestDatabase;
  let manifest: SeedManifest;

  function run(args: string[], env: NodeJS.ProcessEnv = {}) {
    const r = spawnSync(process.execPath, [join(ROOT, 'bin', 'run.js'), 'audit', ...args], {
      cwd: ROOT,
      env: { ...BASE_ENV, ...env },
      encoding: 'utf8',
    });
    const out = `${r.stdout}${r.stderr}`;
    for (const c of [...manifest.canaries, PASSWORD_CANARY])
      assert.ok(!out.includes(c), 'no secret value in the output');
    return r;
  }

  before(async () => {
    assertBuilt();
    db = await createTestDatabase('cmd_audit');
    const pool = new pg.Pool({ connectionString: db.url });
    try {
      manifest = await seedAirbyteDatabase(pool, { actors: 40, workspaces: 3, seed: 'audit-command' });
      // The sample Postgres spec leaves its SSL certificates unmarked, and Airbyte masks those names:
      // genuine suspicious-plaintext findings, but not planted ones. test/audit covers that category.
      await pool.query(
        "UPDATE actor SET configuration = configuration #- '{ssl_mode,ca_certificate}' #- '{ssl_mode,client_certificate}' WHERE jsonb_typeof(configuration) = 'object'",
      );
    } finally {
      await pool.end();
    }
  });
  after(async () => {
    await db?.drop();
  });

  test('--json reports every planted problem exactly once, without a value', () => {
    const r = run(['--database-url', db.url, '--json']);
    assert.equal(r.status, 1, 'critical findings fail by default');
    const report = JSON.parse(r.stdout) as AuditReport;
    assert.deepEqual(Object.keys(report), ['summary', 'findings']);
    // The secrets of the deleted actors are still in the `secrets` table: orphaned.
    const orphans = manifest.orphanCoordinates.map(() => 'orphaned-secret|store||null');
    assert.deepEqual(findingKeys(report.findings), [...expectedFindings(manifest), ...orphans].sort());
    assert.deepEqual(
      report.findings
        .filter((f) => f.category === 'orphaned-secret')
        .map((f) => f.coordinate)
        .sort(),
      [...manifest.orphanCoordinates].sort(),
    );
    assert.equal(report.summary.store, 'database');
    assert.equal(report.summary.byCategory['plaintext-inline'], manifest.counts.plaintext);
  });

  test('a table on a terminal; DATABASE_URL and a jdbc URL work too', () => {
    const url = new URL(db.url);
    const jdbc = `jdbc:postgresql://${url.hostname}:${url.port || 5432}${url.pathname}`;
    const r = run(['--fail-on', 'none'], { DATABASE_URL: jdbc, DATABASE_USER: url.username || 'postgres' });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^Audit of database: \d+ holders scanned/);
    assert.match(r.stdout, /CATEGORY\s+COUNT/);
    assert.match(r.stdout, /plaintext-inline/);
  });

  test('--fail-on a present category exits 1; an absent one exits 0', () => {
    const fail = run(['--database-url', db.url, '--fail-on', 'plaintext-inline']);
    assert.equal(fail.status, 1, fail.stderr);
    assert.match(fail.stdout, /match --fail-on plaintext-inline: exit code 1/);
    const json = run(['--database-url', db.url, '--fail-on', 'plaintext-inline', '--json']);
    assert.equal(json.status, 1);
    assert.ok(JSON.parse(json.stdout).findings.length > 0);
    const pass = run(['--database-url', db.url, '--fail-on', 'store-unreachable']);
    assert.equal(pass.status, 0, pass.stderr);
  });

  test('critical findings exit 1 by default (--fail-on critical); --fail-on none never fails', () => {
    const r = run(['--database-url', db.url, '--no-history']);
    assert.equal(r.status, 1, r.stderr);
    assert.match(
      r.stdout,
      new RegExp(`^${manifest.counts.plaintext} findings? match --fail-on critical: exit code 1$`, 'm'),
    );
    const none = run(['--database-url', db.url, '--no-history', '--fail-on', 'none']);
    assert.equal(none.status, 0, none.stderr);
    assert.doesNotMatch(none.stdout, /exit code 1/);
  });

  test('--severity, --category and --limit narrow the table, not the exit code or --json', () => {
    const all = JSON.parse(run(['--database-url', db.url, '--no-history', '--json']).stdout) as AuditReport;
    const lines = (out: string) =>
      out.split('\n').filter((l) => /^(critical|high|medium|low|info) {2}/.test(l));
    const high = run(['--database-url', db.url, '--no-history', '--severity', 'high']);
    assert.equal(high.status, 1);
    const highCount = all.findings.filter((f) => f.severity === 'critical' || f.severity === 'high').length;
    assert.equal(lines(high.stdout).length, highCount);
    assert.match(high.stdout, new RegExp(`^Showing ${highCount} of ${all.findings.length} findings`, 'm'));
    const orphans = run([
      '--database-url',
      db.url,
      '--no-history',
      '--category',
      'orphaned-secret',
      '--fail-on',
      'none',
    ]);
    assert.equal(orphans.status, 0);
    assert.ok(lines(orphans.stdout).every((l) => l.includes('orphaned-secret')));
    assert.equal(lines(orphans.stdout).length, manifest.orphanCoordinates.length);
    const three = run(['--database-url', db.url, '--no-history', '--limit', '3']);
    assert.equal(three.status, 1, 'the exit code still counts every finding');
    assert.equal(lines(three.stdout).length, 3);
    assert.match(three.stdout, new RegExp(`^… and ${all.findings.length - 3} more \\(use --limit\\)$`, 'm'));
    assert.match(
      three.stdout,
      /^SEVERITY +CATEGORY +WORKSPACE +WHERE +PATH +MESSAGE$/m,
      'piped: the flat list',
    );
    const json = JSON.parse(run(['--database-url', db.url, '--no-history', '--limit', '3', '--json']).stdout);
    assert.equal(json.findings.length, all.findings.length, '--json has every finding');
    const md = run([
      '--database-url',
      db.url,
      '--no-history',
      '--format',
      'markdown',
      '--category',
      'orphaned-secret',
    ]);
    assert.doesNotMatch(md.stdout, /plaintext-inline/);
    for (const bad of [
      ['--severity', 'hgh'],
      ['--category', 'orphan-secret'],
    ]) {
      const r = run(['--database-url', db.url, '--no-history', ...bad]);
      assert.equal(r.status, 2);
      assert.match(r.stderr, /^Error: --\w+: unknown \w+ "[\w-]+"\. Did you mean '[\w-]+'\? /);
      assert.equal(r.stderr.trim().split('\n').length, 1);
    }
  });

  test('on a terminal (a pseudo-terminal via script): grouped per connector, fitted to 80 columns, coloured unless NO_COLOR', {
    skip: spawnSync('script', ['--version']).status !== 0 ? 'no script(1)' : false,
  }, () => {
    const onTty = (args: string, env: NodeJS.ProcessEnv = {}) => {
      const command = `stty cols 80; '${process.execPath}' '${join(ROOT, 'bin', 'run.js')}' audit --database-url '${db.url}' --no-history ${args}`;
      const r = spawnSync('script', ['-qec', command, '/dev/null'], {
        cwd: ROOT,
        env: { ...BASE_ENV, NO_COLOR: '', ...env },
        encoding: 'utf8',
      });
      for (const c of manifest.canaries) assert.ok(!r.stdout.includes(c), 'no secret value in the output');
      // What follows the progress display: the report.
      return r.stdout.slice(r.stdout.indexOf('Audit of')).replace(/\r/g, '');
    };
    // biome-ignore lint/suspicious/noControlCharactersInRegex: colours are the point
    const ansi = /\u001b\[[0-9;]*m/g;
    const coloured = onTty('--limit 5');
    assert.match(coloured, ansi);
    const plain = coloured.replace(ansi, '');
    assert.match(plain, /^workspace [0-9a-f-]+.*: \d+ findings?$/m);
    assert.doesNotMatch(plain, /^SEVERITY +CATEGORY +WORKSPACE +WHERE/m);
    for (const line of plain.split('\n').slice(1)) assert.ok(line.length <= 80, `${line.length}: ${line}`);
    assert.doesNotMatch(onTty('--limit 5', { NO_COLOR: '1' }), ansi);
    assert.doesNotMatch(onTty('--limit 5 --no-color'), ansi);
    const wide = onTty('--limit 5 -o wide --no-color');
    assert.ok(
      wide.split('\n').some((l) => l.length > 80),
      'full width with -o wide',
    );
  });

  test('--format to standard output prints that one report instead of the table', () => {
    const md = run(['--database-url', db.url, '--format', 'markdown', '--no-history']);
    assert.equal(md.status, 1, md.stderr);
    assert.match(md.stdout, /^# Airbyte secrets audit\n/);
    const sarif = run(['--database-url', db.url, '--format', 'sarif', '--no-history']);
    assert.equal(JSON.parse(sarif.stdout).version, '2.1.0');
  });

  test('an unreachable database exits 2 with one line naming where, never the password', () => {
    const r = run(['--database-url', 'postgres://airbyte@127.0.0.1:1/db-airbyte'], {
      DATABASE_PASSWORD: PASSWORD_CANARY,
    });
    assert.equal(r.status, 2);
    assert.equal(r.stdout, '');
    const lines = r.stderr.trim().split('\n');
    assert.equal(lines.length, 1, r.stderr);
    assert.match(
      lines[0]!,
      /^Error: cannot connect to PostgreSQL at 127\.0\.0\.1:1\/db-airbyte: connection refused/,
    );
  });

  test('a malformed URL, a missing URL and a bad --fail-on exit 2 with one line', () => {
    for (const args of [
      ['--database-url', `mysql://root:${PASSWORD_CANARY}@db/airbyte`],
      ['--database-url', 'postgres://h:notaport/d'],
      [],
      ['--database-url', db.url, '--fail-on', 'everything'],
      ['--database-url', db.url, '--format', 'pdf'],
      ['--database-url', db.url, '--output', '/tmp/audit-report'],
      ['--database-url', db.url, '--format', 'sarif,html'],
      ['--database-url', db.url, '--compare', 'yesterday'],
    ]) {
      const r = run(args);
      assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
      const lines = r.stderr.trim().split('\n');
      assert.equal(lines.length, 1, r.stderr);
      assert.match(lines[0]!, /^Error: /);
    }
    const json = run(['--database-url', 'not-a-url', '--json']);
    assert.equal(json.status, 2);
    assert.equal(JSON.parse(json.stdout).error.exitCode, 2);
  });
});
