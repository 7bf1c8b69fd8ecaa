import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { leakedCanaries, type SeededDatabase, seededDatabase } from '../helpers/airbyte-db.js';
import { assertBuilt, runCli } from '../helpers/cli.js';
import { CLOUD_KINDS, startTestStore, type TestStore } from '../helpers/targets.js';

/** Every debug switch of Node.js and of the SDKs the stores use, each at its loudest. */
const LOUDEST_DEBUG = {
  DEBUG: '*',
  NODE_DEBUG: 'http,net,tls,http2,fetch,undici',
  GOOGLE_SDK_NODE_LOGGING: '*',
  GRPC_TRACE: 'all',
  GRPC_VERBOSITY: 'DEBUG',
  GRPC_NODE_TRACE: 'all',
  GRPC_NODE_VERBOSITY: 'DEBUG',
  AZURE_LOG_LEVEL: 'verbose',
  TYPESPEC_RUNTIME_LOG_LEVEL: 'verbose',
};

async function journalText(db: SeededDatabase): Promise<string> {
  const parts: string[] = [];
  for (const t of ['migration_run', 'migration_item', 'migration_pre_image', 'audit_run', 'audit_finding']) {
    const exists = await db.pool.query<{ ok: boolean }>(`SELECT to_regclass($1) IS NOT NULL AS ok`, [
      `airbyte_secrets.${t}`,
    ]);
    if (exists.rows[0]?.ok)
      parts.push(JSON.stringify((await db.pool.query(`SELECT * FROM airbyte_secrets.${t}`)).rows));
  }
  return parts.join('\n');
}

for (const kind of CLOUD_KINDS) {
  describe(`no value through debug logging: database → ${kind}`, () => {
    let db: SeededDatabase;
    let store: TestStore;
    let reports: string;
    const outputs: string[] = [];

    const run = async (args: string[]) => {
      const r = await runCli(args, { env: { ...store.cliEnv, ...LOUDEST_DEBUG } });
      outputs.push(r.stdout, r.stderr);
      return r;
    };

    before(async () => {
      assertBuilt();
      db = await seededDatabase(`debug_${kind}`, {
        actors: 8,
        seed: 18,
        shapes: ['plaintext', 'secret', 'secret-with-reference', 'oauth-parameters', 'webhooks'],
      });
      store = await startTestStore(kind);
      reports = await mkdtemp(join(tmpdir(), 'debug-reports-'));
    });
    after(async () => {
      await store.close();
      await db.close();
      await rm(reports, { recursive: true, force: true });
    });

    test('plan, migrate, verify and audit print no canary, and say once that the switches are ignored', async () => {
      const plan = await run(['migrate', '--dry-run', '--database-url', db.url, ...store.cliArgs('to')]);
      assert.equal(plan.code, 0, plan.stderr);
      const migrate = await run(['migrate', '--database-url', db.url, ...store.cliArgs('to'), '--json']);
      assert.equal(migrate.code, 0, migrate.stderr.slice(0, 2000));
      const verify = await run([
        'verify',
        '--database-url',
        db.url,
        '--store',
        kind,
        ...store.cliArgs('to').slice(2),
      ]);
      assert.equal(verify.code, 0, verify.stdout + verify.stderr.slice(0, 2000));
      const audit = await run([
        'audit',
        '--database-url',
        db.url,
        '--store',
        kind,
        ...store.cliArgs('to').slice(2),
        '--format',
        'json,markdown,sarif,html',
        '--output',
        reports,
      ]);
      assert.ok(audit.code === 0 || audit.code === 1, audit.stderr.slice(0, 2000));

      const files = await readdir(reports);
      assert.ok(files.length >= 4, files.join(', '));
      for (const f of files) outputs.push(await readFile(join(reports, f), 'utf8'));
      outputs.push(await journalText(db));
      assert.deepEqual(leakedCanaries(outputs.join('\n'), db.manifest.canaries), []);
      const notice = plan.stderr.split('\n').filter((l) => l.includes('ignoring'));
      assert.equal(notice.length, 1, plan.stderr.slice(0, 2000));
      for (const name of Object.keys(LOUDEST_DEBUG)) assert.ok(notice[0]?.includes(name), name);
      for (const value of ['http,net', 'verbose'])
        assert.ok(!notice[0]?.includes(value), 'names, not values');
    });
  });
}
