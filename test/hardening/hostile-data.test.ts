import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { parsePath } from '../../src/airbyte/json-path.js';
import type { AuditReport } from '../../src/audit/types.js';
import { type SeededDatabase, seededDatabase } from '../helpers/airbyte-db.js';
import { assertBuilt, parseJson, runCli } from '../helpers/cli.js';
import { startTestStore, type TestStore } from '../helpers/targets.js';

const DEPTH = 10_000;
const FORGED = 'x\n\u001b[2K\u001b[1GEverything verified.';
const EVIL_NAME = 'evil\n\u001b[31mred\u0007';
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding them is the point
const RAW_CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;

type Migrated = {
  ok: boolean;
  problems?: Array<{ key: string; reason?: string; state: string; coordinate?: string }>;
};

describe('hostile data', () => {
  let db: SeededDatabase;
  let vault: TestStore;
  let reports: string;
  const rows = { deep: '', ref: '', propertiesArray: '', forged: '', large: '' };

  async function versionOf(actorId: string): Promise<string> {
    const r = await db.pool.query<{ v: string }>(
      `SELECT d.default_version_id::text AS v FROM actor a JOIN actor_definition d ON d.id = a.actor_definition_id WHERE a.id = $1`,
      [actorId],
    );
    const v = r.rows[0]?.v;
    if (!v) throw new Error('no version');
    return v;
  }

  before(async () => {
    assertBuilt();
    db = await seededDatabase('hostile', { actors: 30, seed: 17, shapes: ['plaintext', 'secret'] });
    vault = await startTestStore('vault');
    reports = await mkdtemp(join(tmpdir(), 'hostile-reports-'));
    // Actors with a plaintext secret, one per definition version, so each attack has its own spec.
    const byVersion = new Map<string, { rowId: string; path: string }>();
    for (const p of db.manifest.planted) {
      if (p.holder !== 'actor' || p.kind !== 'plaintext') continue;
      const v = await versionOf(p.rowId);
      if (!byVersion.has(v)) byVersion.set(v, { rowId: p.rowId, path: p.path });
    }
    const [deep, ref, arr, large] = [...byVersion.entries()];
    if (!deep || !ref || !arr || !large)
      throw new Error(`the seed has ${byVersion.size} versions with plaintext`);

    // 10,000 levels deep (Airbyte's Jackson reads 1,000), next to the row's own fields.
    rows.deep = deep[1].rowId;
    const nested = `${'{"a":'.repeat(DEPTH)}1${'}'.repeat(DEPTH)}`;
    await db.pool.query(
      `UPDATE actor SET configuration = configuration || jsonb_build_object('nested', $2::jsonb) WHERE id = $1`,
      [rows.deep, nested],
    );
    // A spec whose secret field is behind $ref, and one whose `properties` is an array.
    rows.ref = ref[1].rowId;
    const refField = parsePath(ref[1].path)[0];
    if (refField?.type !== 'key') throw new Error('path');
    await db.pool.query(
      `UPDATE actor_definition_version SET spec = jsonb_set(jsonb_set(spec, '{connectionSpecification,definitions}', '{"pw": {"type": "string", "airbyte_secret": true}}'),
         ARRAY['connectionSpecification', 'properties', $2], '{"$ref": "#/definitions/pw"}') WHERE id = $1::uuid`,
      [ref[0], refField.key],
    );
    rows.propertiesArray = arr[1].rowId;
    await db.pool.query(
      `UPDATE actor_definition_version SET spec = jsonb_set(spec, '{connectionSpecification,properties}',
         (SELECT coalesce(jsonb_agg(value), '[]') FROM jsonb_each(spec->'connectionSpecification'->'properties'))) WHERE id = $1::uuid`,
      [arr[0]],
    );
    // A value over Vault's 512 KiB.
    rows.large = large[1].rowId;
    const largePath = parsePath(large[1].path).map((s) =>
      s.type === 'key' ? s.key : String(s.type === 'index' ? s.index : '*'),
    );
    await db.pool.query(
      `UPDATE actor SET configuration = jsonb_set(configuration, $2::text[], to_jsonb($3::text)) WHERE id = $1`,
      [rows.large, largePath, 'v'.repeat(600 * 1024)],
    );
    // A reference whose coordinate and row name try to forge output lines and move the cursor.
    const forged = db.manifest.planted.find(
      (p) =>
        p.holder === 'actor' && ![rows.deep, rows.ref, rows.propertiesArray, rows.large].includes(p.rowId),
    );
    if (!forged) throw new Error('no other actor');
    rows.forged = forged.rowId;
    await db.pool.query(
      `UPDATE actor SET name = $3, configuration = configuration || jsonb_build_object('extra', jsonb_build_object('_secret', $2::text)) WHERE id = $1`,
      [rows.forged, FORGED, EVIL_NAME],
    );
  });
  after(async () => {
    await vault.close();
    await db.close();
    await rm(reports, { recursive: true, force: true });
  });

  test('audit reads past every hostile row and names each; its reports are 0600 and escape control characters', async () => {
    const r = await runCli([
      'audit',
      '--database-url',
      db.url,
      '--format',
      'json,markdown,html,sarif',
      '--output',
      reports,
    ]);
    assert.ok(r.code === 0 || r.code === 1, r.stdout + r.stderr.slice(0, 2000));
    assert.ok(!/Maximum call stack/.test(r.stdout + r.stderr));
    const files = await readdir(reports);
    assert.equal(files.length, 4, files.join(', '));
    for (const f of files) {
      const mode = (await stat(join(reports, f))).mode & 0o777;
      assert.equal(mode, 0o600, `${f} is ${mode.toString(8)}`);
      const text = await readFile(join(reports, f), 'utf8');
      assert.ok(!RAW_CONTROL.test(text), `${f} holds a raw control character`);
    }
    const json = files.find((f) => f.endsWith('.json'));
    const report = JSON.parse(await readFile(join(reports, json ?? ''), 'utf8')) as AuditReport;
    const about = (id: string) =>
      report.findings.filter((f) => f.actorId === id && f.category === 'missing-spec');
    assert.match(about(rows.deep)[0]?.message ?? '', /nests deeper than 1000/);
    assert.match(about(rows.ref)[0]?.message ?? '', /\$ref/);
    assert.match(about(rows.propertiesArray)[0]?.message ?? '', /"properties"/);
    assert.ok(report.findings.some((f) => f.actorId === rows.forged && f.category === 'invalid-coordinate'));

    const table = await runCli(['audit', '--database-url', db.url, '--no-history']);
    assert.ok(!RAW_CONTROL.test(table.stdout), 'the text table escapes control characters');
    const md = await runCli(['audit', '--database-url', db.url, '--no-history', '--format', 'markdown']);
    assert.ok(!RAW_CONTROL.test(md.stdout), 'Markdown escapes control characters');
  });

  test('verify cannot be made to print a forged line', async () => {
    const r = await runCli(['verify', '--database-url', db.url, '--store', 'database']);
    assert.ok(!RAW_CONTROL.test(r.stdout + r.stderr), JSON.stringify(r.stdout.slice(0, 500)));
    assert.ok(!r.stdout.split('\n').some((l) => l.trim() === 'Everything verified.'), r.stdout);
  });

  test('migrate goes on past every hostile row, refuses each as a problem and exits non-zero', async () => {
    const r = await runCli(['migrate', '--database-url', db.url, ...vault.cliArgs('to'), '--json'], {
      env: vault.cliEnv,
    });
    assert.equal(r.code, 1, r.stdout.slice(0, 2000) + r.stderr.slice(0, 2000));
    const out = parseJson<Migrated>(r);
    assert.equal(out.ok, false);
    const keys = (out.problems ?? []).map((p) => `${p.key} ${p.reason ?? ''}`);
    for (const id of [rows.deep, rows.ref, rows.propertiesArray]) {
      assert.ok(
        keys.some((k) => k.includes(id)),
        `${id} is a problem: ${keys.join('; ')}`,
      );
    }
    assert.ok(
      keys.some((k) => k.includes(rows.large) && /at most 524288/.test(k)),
      `the 600 KiB value is refused before writing: ${keys.join('; ')}`,
    );
    const largeWrites = (vault.emulator?.log ?? []).filter(
      (e) => e.write && JSON.stringify(e).length > 500_000,
    );
    assert.equal(largeWrites.length, 0);
    const human = await runCli(['migrate', '--database-url', db.url, ...vault.cliArgs('to')], {
      env: vault.cliEnv,
    });
    assert.ok(!RAW_CONTROL.test(human.stdout + human.stderr), 'migrate output escapes control characters');
  });
});
