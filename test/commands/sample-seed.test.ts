import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { delimiter, dirname, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { SeedSampleResult } from '../../src/sample/seed-sample.js';
import { assertBuilt } from '../helpers/cli.js';
import { createTestDatabase, SKIP_EMBEDDED, type TestDatabase } from '../helpers/postgres.js';

// `airbyte-secrets sample seed` (hidden; the seed job of docker-compose.yml), built CLI, real PostgreSQL.
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../..');
const ENV = {
  ...process.env,
  PATH: `${join(ROOT, 'node_modules', '.bin')}${delimiter}${process.env.PATH ?? ''}`,
  NO_COLOR: '1',
};
const ANY_CANARY = /canary-[0-9a-f]{16}/;

function cli(...args: string[]) {
  const r = spawnSync(process.execPath, [join(ROOT, 'bin', 'run.js'), ...args], {
    cwd: ROOT,
    env: ENV,
    encoding: 'utf8',
  });
  assert.doesNotMatch(`${r.stdout}${r.stderr}`, ANY_CANARY, 'no sample value in the output');
  return r;
}

// The CLI runs through spawnSync, which would block the in-process embedded server.
describe('airbyte-secrets sample seed (built CLI, real PostgreSQL)', { skip: SKIP_EMBEDDED }, () => {
  let clean: TestDatabase;
  let full: TestDatabase;

  before(async () => {
    assertBuilt();
    clean = await createTestDatabase('seed_clean');
    full = await createTestDatabase('seed_full');
  });

  after(async () => {
    await clean?.drop();
    await full?.drop();
  });

  test('seeds an empty database with the clean sample, then leaves it alone', () => {
    const first = cli('sample', 'seed', '--database-url', clean.url, '--actors', '20', '--json');
    assert.equal(first.status, 0, first.stderr);
    const seeded = JSON.parse(first.stdout) as SeedSampleResult;
    assert.equal(seeded.seeded, true);
    assert.equal(seeded.actors, 20);
    assert.ok((seeded.byKind.plaintext ?? 0) > 0);
    assert.equal(seeded.byKind.dangling, undefined, 'the clean sample needs no human');

    const again = cli('sample', 'seed', '--database-url', clean.url);
    assert.equal(again.status, 0, again.stderr);
    assert.match(again.stdout, /^Nothing seeded: the database already has \d+ Airbyte actors/);
  });

  test('the clean sample audits without missing specs or dangling references', () => {
    const r = cli('audit', '--database-url', clean.url, '--json');
    assert.equal(r.status, 1, 'plaintext in configurations is critical: exit 1');
    const byCategory = (JSON.parse(r.stdout) as { summary: { byCategory: Record<string, number> } }).summary
      .byCategory;
    assert.ok(byCategory['plaintext-inline']! > 0);
    assert.equal(byCategory['dangling-reference'], undefined);
    assert.equal(byCategory['missing-spec'], undefined);
  });

  test('--sample full also plants what needs a human', () => {
    const r = cli('sample', 'seed', '--database-url', full.url, '--sample', 'full', '--actors', '40');
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^Seeded an Airbyte database \(current\): 3 workspaces, \d+ live actors of 40\./);
    assert.match(r.stdout, /\d+ dangling/);
  });

  test('it is hidden from help, and an unreachable database is exit 2', () => {
    assert.doesNotMatch(cli('--help').stdout, /sample seed/);
    const r = cli('sample', 'seed', '--database-url', 'postgres://nobody@127.0.0.1:1/none');
    assert.equal(r.status, 2);
    assert.match(r.stderr, /^Error: cannot connect to PostgreSQL at 127\.0\.0\.1:1\/none/);
  });
});
