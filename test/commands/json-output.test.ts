import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Config } from '@oclif/core';
import { leakedCanaries, type SeededDatabase, seededDatabase } from '../helpers/airbyte-db.js';
import { assertBuilt, BIN, type CliResult, ROOT, runCli } from '../helpers/cli.js';
import { jsonSchemaValidator } from '../helpers/json-schema.js';
import { createTestDatabase, type TestDatabase } from '../helpers/postgres.js';
import { startTestStore, type TestStore } from '../helpers/targets.js';

/**
 * The shape of every command's `--json` output, pinned by a schema per command in json-schemas/
 * (named by command id, `audit:history` → audit-history.json), so a changed shape is seen in review.
 * The commands come from the oclif manifest of the built CLI: a new command without a schema, or
 * without a run here, fails.
 */
const SCHEMAS = join(ROOT, 'test', 'commands', 'json-schemas');
const schemaName = (commandId: string) => commandId.replaceAll(':', '-');

assertBuilt();
const commandIds = (await Config.load(ROOT)).commands
  .filter((c) => c.pluginName === 'airbyte-secrets')
  .map((c) => c.id)
  .sort();

interface Fixture {
  db: SeededDatabase;
  empty: TestDatabase;
  vault: TestStore;
  config: string;
  /** The migration run, for `runs show` and `rollback`. */
  migrateRunId?: string;
}

/**
 * `emulate` serves until stopped: its one JSON line; then one request (so it is past start-up and
 * listens for signals) and SIGTERM, on which it exits 0.
 */
function emulateJsonLine(args: string[]): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let asked = false;
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      const line = stdout.split('\n')[0];
      if (asked || line === undefined || !stdout.includes('\n')) return;
      asked = true;
      const { url } = JSON.parse(line) as { url: string };
      void fetch(`${url}/v1/sys/health`)
        .catch(() => undefined)
        .finally(() => child.kill('SIGTERM'));
    });
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout: stdout.split('\n')[0] ?? '', stderr });
    });
  });
}

function migrateRun(f: Fixture): string {
  assert.ok(f.migrateRunId, 'migrate ran first and printed its run id');
  return f.migrateRunId;
}

/**
 * How each command is run, in this order (later ones use what earlier ones made): on a seeded
 * database whose store in use is its `secrets` table, with a Vault emulator as the target.
 */
const RUNS: Array<[commandId: string, run: (f: Fixture) => Promise<CliResult>]> = [
  [
    'paths',
    (f) =>
      runCli([
        'paths',
        '--spec',
        'samples/specs/source-sample-postgres.json',
        '--config',
        f.config,
        '--json',
      ]),
  ],
  [
    'sample:seed',
    (f) => runCli(['sample', 'seed', '--database-url', f.empty.url, '--actors', '10', '--json']),
  ],
  ['emulate', () => emulateJsonLine(['emulate', 'vault', '--json'])],
  [
    'audit',
    async (f) => {
      const first = await runCli(['audit', '--database-url', f.db.url, '--fail-on', 'none', '--json']);
      assert.equal(first.code, 0, first.stderr);
      return runCli([
        'audit',
        '--database-url',
        f.db.url,
        '--compare',
        'last',
        '--fail-on',
        'none',
        '--json',
      ]);
    },
  ],
  ['audit:history', (f) => runCli(['audit', 'history', '--database-url', f.db.url, '--json'])],
  [
    'rekey',
    (f) => {
      const workspace = f.db.manifest.planted.find((p) => p.workspaceId)?.workspaceId;
      assert.ok(workspace);
      return runCli(['rekey', '--database-url', f.db.url, '--workspace', workspace, '--json']);
    },
  ],
  [
    'plan',
    (f) =>
      runCli(['plan', '--database-url', f.db.url, ...f.vault.cliArgs('to'), '--json'], {
        env: f.vault.cliEnv,
      }),
  ],
  [
    'migrate',
    async (f) => {
      const r = await runCli(['migrate', '--database-url', f.db.url, ...f.vault.cliArgs('to'), '--json'], {
        env: f.vault.cliEnv,
      });
      const { runId } = JSON.parse(r.stdout) as { runId?: string };
      if (runId !== undefined) f.migrateRunId = runId;
      return r;
    },
  ],
  [
    'verify',
    (f) =>
      runCli(['verify', '--database-url', f.db.url, '--store', ...f.vault.cliArgs('to').slice(1), '--json'], {
        env: f.vault.cliEnv,
      }),
  ],
  [
    'sync',
    (f) =>
      runCli(['sync', '--database-url', f.db.url, '--from', 'database', ...f.vault.cliArgs('to'), '--json'], {
        env: f.vault.cliEnv,
      }),
  ],
  [
    'cutover',
    (f) =>
      runCli(['cutover', '--from', 'database', ...f.vault.cliArgs('to'), '--json'], { env: f.vault.cliEnv }),
  ],
  ['runs', (f) => runCli(['runs', '--database-url', f.db.url, '--json'])],
  ['runs:show', (f) => runCli(['runs', 'show', migrateRun(f), '--database-url', f.db.url, '--json'])],
  [
    'cleanup',
    (f) =>
      runCli(
        [
          'cleanup',
          '--database-url',
          f.db.url,
          '--store',
          'database',
          '--verified-in',
          ...f.vault.cliArgs('to').slice(1),
          '--json',
        ],
        { env: f.vault.cliEnv },
      ),
  ],
  [
    'rollback',
    (f) =>
      runCli(['rollback', migrateRun(f), '--database-url', f.db.url, ...f.vault.cliArgs('to'), '--json'], {
        env: f.vault.cliEnv,
      }),
  ],
  ['demo', () => runCli(['demo', '--json'])],
];

describe('the --json output of every command matches its schema', () => {
  let fixture: Fixture | undefined;
  let dir: string;
  const outputs = new Map<string, CliResult>();

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'abs-json-output-'));
    const config = join(dir, 'config.json');
    await writeFile(
      config,
      JSON.stringify({ host: 'h', password: 'p', tunnel_method: { tunnel_method: 'NO_TUNNEL' } }),
    );
    fixture = {
      // Shapes a workspace re-key and a migration to Vault take without a human.
      db: await seededDatabase('json_output', {
        actors: 24,
        workspaces: 3,
        seed: 5,
        shapes: ['secret', 'secret-with-reference', 'reference-only', 'plaintext', 'oauth-parameters'],
      }),
      empty: await createTestDatabase('json_output_empty'),
      vault: await startTestStore('vault'),
      config,
    };
    for (const [id, run] of RUNS) outputs.set(id, await run(fixture));
  });

  after(async () => {
    await fixture?.vault.close();
    await fixture?.db.close();
    await fixture?.empty.drop();
    await rm(dir, { recursive: true, force: true });
  });

  test('every command of the manifest has a schema and a run here, and nothing else does', async () => {
    const schemas = (await readdir(SCHEMAS)).filter((f) => f.endsWith('.json')).map((f) => f.slice(0, -5));
    assert.deepEqual(schemas.sort(), commandIds.map(schemaName).sort());
    assert.deepEqual(RUNS.map(([id]) => id).sort(), commandIds);
  });

  for (const id of commandIds) {
    test(`${id} --json`, async () => {
      const r = outputs.get(id);
      assert.ok(r, `no run of ${id} in this test`);
      assert.equal(r.code, 0, `${id} exited ${r.code}: ${r.stdout.slice(0, 500)} ${r.stderr.slice(0, 500)}`);
      assert.deepEqual(leakedCanaries(r.stdout + r.stderr, fixture?.db.manifest.canaries ?? []), []);
      const schema = JSON.parse(await readFile(join(SCHEMAS, `${schemaName(id)}.json`), 'utf8')) as object;
      assert.deepEqual(jsonSchemaValidator(schema)(JSON.parse(r.stdout)), [], `${id} --json output`);
    });
  }
});
