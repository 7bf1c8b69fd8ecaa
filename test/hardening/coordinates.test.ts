import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { coordinateProblem } from '../../src/airbyte/coordinates.js';
import { getAt, setAt } from '../../src/airbyte/json-path.js';
import type { AuditReport } from '../../src/audit/types.js';
import { createStore } from '../../src/stores/open.js';
import { SecretValue } from '../../src/util/secret-value.js';
import { leakedCanaries, type SeededDatabase, seededDatabase } from '../helpers/airbyte-db.js';
import { assertBuilt, parseJson, runCli } from '../helpers/cli.js';
import { startTestStore, type TestStore } from '../helpers/targets.js';

const ESCAPING = [
  '../other-team/prod-db',
  '../../sys/mounts',
  'a/b',
  '..',
  'x\nEverything verified.',
  'x\u001b[2Ky',
];

describe('coordinates outside Airbyte’s grammar', () => {
  test('are named as a problem; Airbyte’s own and ordinary external names are not', () => {
    for (const c of ESCAPING) assert.ok(coordinateProblem(c), JSON.stringify(c));
    assert.ok(coordinateProblem(''));
    for (const c of [
      'airbyte_workspace_9b7ab1c2-1d8e-4e05-8f3a-6a3b6b2c1d11_secret_0f0e0d0c-0b0a-4909-8807-060504030201_v1',
      'airbyte_workspace_00000000-0000-0000-0000-000000000000_secret_1_v-3',
      'my-external.secret_01',
      'team+db=prod@x',
    ]) {
      assert.equal(coordinateProblem(c), undefined, c);
    }
  });

  describe('Vault never leaves VAULT_PREFIX', () => {
    let vault: TestStore;
    before(async () => {
      vault = await startTestStore('vault');
    });
    after(async () => {
      await vault.close();
    });

    test('read, write, describe and delete of an escaping coordinate are refused before any request', async () => {
      if (vault.settings.kind !== 'vault') throw new Error('vault settings');
      const otherTeam = await createStore({ ...vault.settings, prefix: 'secret/other-team/' });
      await otherTeam.write('prod-db', new SecretValue('other-team-value'));
      const ours = await vault.open();
      const requests = vault.emulator?.log.length ?? 0;
      for (const c of ESCAPING) {
        await assert.rejects(ours.read(c), /invalid|no store is asked/, c);
        await assert.rejects(ours.write(c, new SecretValue('overwritten')), /no store is asked/, c);
        await assert.rejects(ours.describe(c), /no store is asked/, c);
        await assert.rejects(ours.delete(c), /no store is asked/, c);
      }
      assert.equal(vault.emulator?.log.length ?? 0, requests, 'no request reached Vault');
      assert.equal((await otherTeam.read('prod-db'))?.reveal(), 'other-team-value');
      await otherTeam.close();
    });
  });

  describe('migrate and audit with a hostile coordinate in the database', () => {
    let db: SeededDatabase;
    let vault: TestStore;
    let hostileRow = '';
    const HOSTILE = '../other-team/prod-db';
    before(async () => {
      assertBuilt();
      db = await seededDatabase('hostile_coord', { actors: 10, seed: 5, shapes: ['plaintext', 'secret'] });
      vault = await startTestStore('vault');
      // One reference now names a coordinate that escapes the prefix; the `secrets` row follows it.
      const p = db.manifest.planted.find((x) => x.kind === 'secret' && x.holder === 'actor' && x.coordinate);
      if (!p?.coordinate) throw new Error('the seed planted no stored secret');
      hostileRow = p.rowId;
      const row = await db.pool.query<{ c: unknown }>('SELECT configuration AS c FROM actor WHERE id = $1', [
        p.rowId,
      ]);
      const node = getAt(row.rows[0]?.c, p.path) as Record<string, unknown>;
      const config = setAt(row.rows[0]?.c, p.path, { ...node, _secret: HOSTILE });
      await db.pool.query('UPDATE actor SET configuration = $2::jsonb WHERE id = $1', [
        p.rowId,
        JSON.stringify(config),
      ]);
      await db.pool.query('UPDATE secrets SET coordinate = $2 WHERE coordinate = $1', [
        p.coordinate,
        HOSTILE,
      ]);
    });
    after(async () => {
      await vault.close();
      await db.close();
    });

    test('audit reports invalid-coordinate for the row, not a dangling reference', async () => {
      const r = await runCli(['audit', '--database-url', db.url, '--no-history', '--json']);
      assert.ok(r.code === 0 || r.code === 1, r.stderr);
      const report = parseJson<AuditReport>(r);
      const invalid = report.findings.filter((f) => f.category === 'invalid-coordinate');
      assert.equal(invalid.length, 1, JSON.stringify(invalid));
      assert.equal(invalid[0]?.actorId, hostileRow);
      assert.equal(invalid[0]?.coordinate, HOSTILE);
      assert.ok(
        !report.findings.some((f) => f.category === 'dangling-reference' && f.coordinate === HOSTILE),
      );
    });

    test('migrate refuses that item in one problem and migrates the rest; nothing outside the prefix is written', async () => {
      const r = await runCli(['migrate', '--database-url', db.url, ...vault.cliArgs('to'), '--json'], {
        env: vault.cliEnv,
      });
      assert.equal(r.code, 1, r.stdout + r.stderr);
      assert.ok(!/\n\s+at /.test(r.stderr), 'no stack trace');
      const out = parseJson<{ problems?: Array<{ coordinate?: string; key?: string; reason?: string }> }>(r);
      const mentions = JSON.stringify(out).split(HOSTILE).length - 1;
      assert.ok(mentions >= 1, 'the refused item is named');
      assert.deepEqual(leakedCanaries(r.stdout + r.stderr, db.manifest.canaries), []);
      const paths = (vault.emulator?.log ?? []).map((e) => JSON.stringify(e));
      assert.ok(!paths.some((p) => p.includes('other-team') || p.includes('..')), 'Vault saw no such path');
    });
  });
});
