/**
 * Every usage and configuration error is one complete line on stderr naming what to fix, and exit
 * 2 (run through the built CLI). oclif's own messages end in a colon with the rest on other
 * lines ("Missing 1 required arg:", "The following error occurred:"): the first line alone said nothing.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { assertBuilt, parseJson, runCli } from '../helpers/cli.js';
import { createTestDatabase, type TestDatabase } from '../helpers/postgres.js';

async function oneLine(args: string[], env: Record<string, string> = {}): Promise<string> {
  const r = await runCli(args, { env: { NO_COLOR: '1', ...env } });
  assert.equal(r.code, 2, `${args.join(' ')}: exit ${r.code}\n${r.stdout}${r.stderr}`);
  const lines = r.stderr.split('\n').filter((l) => l.trim() !== '');
  assert.equal(lines.length, 1, `${args.join(' ')}: one line on stderr, got:\n${r.stderr}`);
  const line = lines[0]!;
  assert.match(line, /^Error: /);
  assert.doesNotMatch(line, /:\s*$/, 'nothing is cut off after a colon');
  assert.doesNotMatch(line, /The following errors? occurred|See more help/);
  return line;
}

describe('usage errors: one complete line, exit 2', () => {
  before(() => assertBuilt());

  test('a missing argument names it, with the usage and what it is', async () => {
    const line = await oneLine(['runs', 'show']);
    assert.match(line, /missing argument RUN: airbyte-secrets runs show RUN — Run id/);
    const kind = await oneLine(['emulate']);
    assert.match(kind, /missing argument KIND: airbyte-secrets emulate KIND — .*vault, aws, gcp, azure/);
  });

  test('an unknown flag gets "Did you mean" from the command\'s own flags', async () => {
    assert.match(
      await oneLine(['migrate', '--dryrun']),
      /unknown flag --dryrun for migrate\. Did you mean --dry-run\?/,
    );
    assert.match(await oneLine(['audit', '--severty', 'high']), /unknown flag --severty for audit/);
    const two = await oneLine(['plan', '--dryrun', '--to-secrt', 'x.yaml']);
    assert.match(two, /--dryrun \(did you mean --dry-run\?\), --to-secrt \(did you mean --to-secret\?\)/);
    const none = await oneLine(['migrate', '--frobnicate']);
    assert.doesNotMatch(none, /Did you mean/);
  });

  test('an unknown command gets "Did you mean" too', async () => {
    assert.match(
      await oneLine(['migrat']),
      /'migrat' is not an airbyte-secrets command\. Did you mean 'migrate'\?/,
    );
  });

  test('flag constraints ("The following error occurred:") become the reason itself', async () => {
    assert.match(
      await oneLine(['verify', '--compare', 'x', '--baseline', 'y']),
      /^Error: --compare=x cannot also be provided when using --baseline$/,
    );
    assert.match(
      await oneLine(['cutover', '--to', 'vault', '--from-env']),
      /must be provided when using --from-env: --output/,
    );
  });

  test('a flag value that does not parse names the flag and the problem', async () => {
    assert.match(
      await oneLine(['audit', '--concurrency', 'abc']),
      /--concurrency: Expected an integer but received: abc/,
    );
  });

  test('under --json the same message is a JSON error', async () => {
    const r = await runCli(['migrate', '--dryrun', '--json']);
    assert.equal(r.code, 2, r.stdout + r.stderr);
    const body = parseJson<{ error: { message: string; exitCode: number } }>(r);
    assert.match(body.error.message, /Did you mean --dry-run\?/);
    assert.equal(body.error.exitCode, 2);
  });
});

describe('configuration errors: one line naming what to fix, exit 2', () => {
  let db: TestDatabase;
  let dir: string;
  before(async () => {
    assertBuilt();
    db = await createTestDatabase('config_errors');
    dir = await mkdtemp(join(tmpdir(), 'abs-config-errors-'));
  });
  after(async () => {
    await db?.drop();
    await rm(dir, { recursive: true, force: true });
  });

  test('a jdbc DATABASE_URL without DATABASE_USER says to set DATABASE_USER (not pg_hba.conf)', async () => {
    const url = new URL(db.url);
    const jdbc = `jdbc:postgresql://${url.hostname}:${url.port || 5432}${url.pathname}`;
    const line = await oneLine(['audit'], { DATABASE_URL: jdbc });
    assert.match(line, /DATABASE_URL is a jdbc: URL, which names no user: set DATABASE_USER/);
    assert.doesNotMatch(line, /pg_hba/);
  });

  test('a Secret manifest whose data: is not base64 is refused, naming the key and stringData', async () => {
    const manifest = join(dir, 'secret.yaml');
    // "root" is made of base64 characters but decodes to bytes that are not text.
    await writeFile(
      manifest,
      'apiVersion: v1\nkind: Secret\nmetadata: { name: s }\ndata:\n  vault-auth-token: root\n',
    );
    const args = [
      'plan',
      '--database-url',
      db.url,
      '--to',
      'vault',
      '--vault-address',
      'http://127.0.0.1:1',
      '--to-secret',
      manifest,
    ];
    const line = await oneLine(args);
    assert.match(
      line,
      /secret\.yaml: data\.vault-auth-token does not decode from base64 to text: .*stringData/,
    );
    await writeFile(manifest, 'apiVersion: v1\nkind: Secret\ndata:\n  vault-auth-token: hvs.plain-token\n');
    assert.match(await oneLine(args), /data\.vault-auth-token is not base64: .*stringData/);
  });

  test('a values file without secretsManager given as --to-values says so (not "set --to or --to-values")', async () => {
    const values = join(dir, 'values.yaml');
    await writeFile(values, 'global:\n  edition: community\n');
    const line = await oneLine(['plan', '--database-url', db.url, '--to-values', values]);
    assert.match(line, /values\.yaml has no secretsManager section \(global\.secretsManager\)/);
    assert.doesNotMatch(line, /set --to \(/);
  });
});
