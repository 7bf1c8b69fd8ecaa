import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { parseCoordinate } from '../../src/airbyte/coordinates.js';
import { auditInventory, sharedCoordinateCheck, workspaceMismatchCheck } from '../../src/audit/index.js';
import { runMigration, verifyStore } from '../../src/migrate/index.js';
import { rollbackRun } from '../../src/migrate/rollback.js';
import { planRekey, runRekey } from '../../src/rekey/index.js';
import { probeLegacyNames } from '../../src/rekey/plan.js';
import {
  coordinateWorkspace,
  REKEY_CATEGORIES,
  type Reference,
  selectReferences,
  sharedCoordinates,
} from '../../src/rekey/select.js';
import type { SecretStore } from '../../src/stores/types.js';
import {
  dumpAirbyteTables,
  leakedCanaries,
  type SeededDatabase,
  seededDatabase,
} from '../helpers/airbyte-db.js';
import { startTestStore, type TestStore } from '../helpers/targets.js';
import { type PlantedProblems, plantProblems, references } from './plant.js';

const SHAPES = ['secret', 'secret-with-reference', 'reference-only', 'oauth-parameters', 'webhooks'] as const;
const ALL = [...REKEY_CATEGORIES];

const writes = (s: TestStore) => s.emulator?.log.filter((e) => e.write).length ?? 0;

/** The problems the selection still finds (the audit's definitions, from the select module). */
async function remaining(db: SeededDatabase, store: SecretStore) {
  const all = await references(db.pool);
  const legacy = await probeLegacyNames(
    store,
    all.map((r) => r.coordinate),
    4,
  );
  return selectReferences(all, { categories: ALL, legacy });
}

/** The audit's own shared-coordinate and workspace-mismatch findings. */
async function auditFindings(db: SeededDatabase, store: SecretStore) {
  const report = await auditInventory(db.pool, {
    checks: [sharedCoordinateCheck, workspaceMismatchCheck],
    store,
  });
  return report.findings.map((f) => [f.category, f.actorId, f.path]);
}

/** What each planted row resolves to now: the value Airbyte would read at that path. */
async function resolved(db: SeededDatabase, store: SecretStore, refs: Reference[]): Promise<string[]> {
  const now = await references(db.pool);
  const out: string[] = [];
  for (const r of refs) {
    const current = now.find((n) => n.holder === r.holder && n.rowId === r.rowId && n.path === r.path)!;
    out.push((await store.read(current.coordinate, { asAirbyte: true }))?.reveal() ?? '(missing)');
  }
  return out;
}

async function journalText(db: SeededDatabase): Promise<string> {
  const parts: string[] = [];
  for (const t of ['migration_run', 'migration_item', 'migration_pre_image']) {
    parts.push(JSON.stringify((await db.pool.query(`SELECT * FROM airbyte_secrets.${t}`)).rows));
  }
  return parts.join('\n');
}

describe('rekey on AWS Secrets Manager (the store Airbyte uses)', () => {
  let db: SeededDatabase;
  let aws: TestStore;
  let store: SecretStore;
  let planted: PlantedProblems;
  let plantedRefs: Reference[];
  let valuesBefore: string[];
  let beforeFix: Record<string, string[]>;
  let fixRun: string;

  before(async () => {
    db = await seededDatabase('rekey_aws', { actors: 30, workspaces: 3, shapes: SHAPES, seed: 21 });
    const source = await startTestStore('database', { databaseUrl: db.url });
    aws = await startTestStore('aws');
    store = await aws.open();
    const migrated = await runMigration({ pool: db.pool, source: await source.open(), target: store });
    assert.equal(migrated.ok, true, JSON.stringify(migrated.problems));
    await source.close();
    planted = await plantProblems(db.pool, store, { legacy: true });
    plantedRefs = [
      planted.keeper,
      planted.sharedSameWorkspace,
      planted.sharedOtherWorkspace,
      planted.mismatch,
      planted.legacy!,
      ...(planted.sharedByReference ? [planted.sharedByReference] : []),
    ];
    valuesBefore = await resolved(db, store, plantedRefs);
    beforeFix = await dumpAirbyteTables(db.pool);
  });
  after(async () => {
    await aws?.close();
    await db?.close();
  });

  test('verify passes and the selection finds every planted problem', async () => {
    const v = await verifyStore({ pool: db.pool, store });
    assert.deepEqual(v.failures, []);
    const found = await remaining(db, store);
    const at = (r: Reference) =>
      found.find((f) => f.reference.rowId === r.rowId && f.reference.path === r.path);
    assert.deepEqual(at(planted.sharedOtherWorkspace)?.categories, [
      'shared-coordinate',
      'workspace-mismatch',
    ]);
    assert.deepEqual(at(planted.mismatch)?.categories, ['workspace-mismatch']);
    assert.deepEqual(at(planted.legacy!)?.categories, ['legacy-name']);
    assert.equal(at(planted.keeper), undefined, 'the first row keeps the shared coordinate');
    assert.deepEqual(at(planted.sharedSameWorkspace)?.categories, ['shared-coordinate']);
    assert.ok(
      valuesBefore.every((v) => v.startsWith('canary-')),
      'every planted row resolves',
    );
    const audited = await auditFindings(db, store);
    assert.ok(audited.some(([c, actor]) => c === 'workspace-mismatch' && actor === planted.mismatch.rowId));
    assert.ok(audited.some(([c]) => c === 'shared-coordinate'));
  });

  test('the dry run plans every fix and writes nothing anywhere', async () => {
    const logBefore = aws.emulator!.log.length;
    const journalBefore = await journalText(db);
    const plan = await planRekey({ pool: db.pool, store, categories: ALL });
    const moves = plan.items.filter((i) => i.action === 'rekey');
    assert.ok(moves.some((i) => i.rowId === planted.mismatch.rowId && i.fix === 'new-base'));
    assert.ok(plan.items.some((i) => i.action === 'copy' && i.coordinate === planted.legacy!.coordinate));
    assert.equal(plan.items.filter((i) => i.action === 'conflict').length, 0, JSON.stringify(plan.items));
    const served = aws.emulator!.log.slice(logBefore);
    assert.ok(served.length > 0 && served.every((e) => !e.write), 'the store saw reads only');
    assert.deepEqual(await dumpAirbyteTables(db.pool), beforeFix);
    assert.equal(await journalText(db), journalBefore, 'nothing journaled');
  });

  test('the run fixes every planted problem and connectors keep resolving the same values', async () => {
    const result = await runRekey({ pool: db.pool, store, categories: ALL });
    fixRun = result.runId;
    assert.equal(result.ok, true, JSON.stringify(result.problems));
    assert.deepEqual(result.verification.failures, []);
    assert.deepEqual(await remaining(db, store), [], 'the selection finds none of them any more');
    assert.deepEqual(await auditFindings(db, store), [], 'nor does the audit');
    assert.equal(sharedCoordinates(await references(db.pool)).size, 0, 'one coordinate per row');
    assert.deepEqual(await resolved(db, store, plantedRefs), valuesBefore);

    const now = await references(db.pool);
    const current = (r: Reference) => now.find((n) => n.rowId === r.rowId && n.path === r.path)!;
    assert.equal(
      current(planted.keeper).coordinate,
      planted.keeper.coordinate,
      'the keeper keeps its coordinate',
    );
    for (const moved of [planted.sharedSameWorkspace, planted.sharedOtherWorkspace, planted.mismatch]) {
      const c = current(moved).coordinate;
      assert.notEqual(c, moved.coordinate);
      assert.equal(coordinateWorkspace(c), moved.workspaceId, 'a new base in the row’s own workspace');
      assert.equal(parseCoordinate(c).version, 1);
    }
    assert.equal(
      current(planted.legacy!).coordinate,
      planted.legacy!.coordinate,
      'a legacy reference keeps its text',
    );
    assert.equal(
      (await store.describe(planted.legacy!.coordinate)).state,
      'active',
      'its full name now exists',
    );
    if (planted.sharedByReference) {
      const row = await db.pool.query(
        'SELECT c.external_coordinate FROM secret_reference r JOIN secret_config c ON c.id = r.secret_config_id WHERE r.id = $1',
        [planted.sharedByReference.referenceId],
      );
      assert.equal(
        row.rows[0].external_coordinate,
        current(planted.sharedByReference).coordinate,
        'secret_reference follows the node',
      );
    }
    assert.deepEqual(
      leakedCanaries(JSON.stringify(result) + (await journalText(db)), db.manifest.canaries),
      [],
    );
  });

  test('a second run changes nothing', async () => {
    const w = writes(aws);
    const tables = await dumpAirbyteTables(db.pool);
    const again = await runRekey({ pool: db.pool, store, categories: ALL });
    assert.equal(again.ok, true);
    assert.equal(again.states.pending ?? 0, 0);
    assert.equal(writes(aws), w, 'no store write');
    assert.deepEqual(await dumpAirbyteTables(db.pool), tables, 'no row changed');
  });

  test('a new KMS key re-encrypts the selected secrets in place, and a second pass reports them as already using it', async () => {
    const key = 'arn:aws:kms:us-east-1:123456789012:key/11111111-2222-3333-4444-555555555555';
    const ws = planted.mismatch.workspaceId!;
    const tables = await dumpAirbyteTables(db.pool);
    const first = await runRekey({
      pool: db.pool,
      store,
      filter: { workspaces: [ws] },
      keys: { kmsKeyId: key, tags: { team: 'data' } },
    });
    assert.equal(first.ok, true, JSON.stringify(first.problems));
    assert.ok(first.keys && first.keys.changed > 0 && first.keys.failed === 0);
    for (const r of (await references(db.pool)).filter((x) => x.workspaceId === ws)) {
      const d = await store.describe(r.coordinate);
      assert.equal(d.kmsKeyId, key, `${r.coordinate} reports the new key`);
      assert.equal(d.tags?.team, 'data');
    }
    assert.deepEqual(await dumpAirbyteTables(db.pool), tables, 'a key change rewrites no row');
    const second = await runRekey({
      pool: db.pool,
      store,
      filter: { workspaces: [ws] },
      keys: { kmsKeyId: key },
    });
    assert.equal(second.keys?.changed, 0);
    assert.equal(second.keys?.already, first.keys!.changed + first.keys!.already);
  });

  test('rollback restores every row the fix changed, and verify still passes', async () => {
    const r = await rollbackRun({ pool: db.pool, runId: fixRun, source: store, target: store });
    assert.equal(r.ok, true, JSON.stringify(r.refused));
    assert.deepEqual(await dumpAirbyteTables(db.pool), beforeFix);
    const v = await verifyStore({ pool: db.pool, store });
    assert.deepEqual(v.failures, []);
  });
});

describe("rekey on the database table (Airbyte's default store)", () => {
  let db: SeededDatabase;
  let table: TestStore;
  let store: SecretStore;
  let planted: PlantedProblems;
  let beforeFix: Record<string, string[]>;

  before(async () => {
    db = await seededDatabase('rekey_db', { actors: 24, workspaces: 3, shapes: SHAPES, seed: 8 });
    table = await startTestStore('database', { databaseUrl: db.url });
    store = await table.open();
    planted = await plantProblems(db.pool, store, { legacy: false });
    beforeFix = await dumpAirbyteTables(db.pool);
  });
  after(async () => {
    await table?.close();
    await db?.close();
  });

  test('--delete-old removes the names no row uses any more, and keeps the shared one its keeper still uses', async () => {
    const result = await runRekey({ pool: db.pool, store, categories: ALL, deleteOld: true });
    assert.equal(result.ok, true, JSON.stringify(result.problems));
    assert.deepEqual(result.verification.failures, []);
    assert.deepEqual(await remaining(db, store), []);
    const deleted = result.deleted.map((d) => d.coordinate);
    assert.ok(deleted.includes(planted.mismatch.coordinate), 'the foreign coordinate is gone');
    assert.equal(await store.read(planted.mismatch.coordinate), undefined);
    assert.ok(!deleted.includes(planted.keeper.coordinate));
    assert.ok(
      result.keptOld.some(
        (k) => k.coordinate === planted.keeper.coordinate && k.reason === 'still referenced',
      ),
    );
    assert.ok(await store.read(planted.keeper.coordinate), 'the keeper still resolves');
  });

  test('rollback writes deleted old names back, restores the rows and (with deleteCreated) removes the new names', async () => {
    const runs = await db.pool.query<{ id: string }>(
      `SELECT id FROM airbyte_secrets.migration_run WHERE kind = 'rekey'`,
    );
    const r = await rollbackRun({
      pool: db.pool,
      runId: runs.rows[0]!.id,
      source: store,
      target: store,
      deleteCreated: true,
    });
    assert.equal(r.ok, true, JSON.stringify(r.refused));
    assert.ok(r.recreated?.some((x) => x.coordinate === planted.mismatch.coordinate));
    assert.deepEqual(
      await dumpAirbyteTables(db.pool),
      beforeFix,
      'rows, references and the secrets table as before',
    );
  });

  test('a filter alone rotates to the next version of the same base, as Airbyte does on an update', async () => {
    const actor = (await references(db.pool)).find(
      (r) => r.holder === 'actor' && !r.referenceId && coordinateWorkspace(r.coordinate) === r.workspaceId,
    )!;
    const before = parseCoordinate(actor.coordinate);
    const first = await runRekey({ pool: db.pool, store, filter: { coordinates: [actor.coordinate] } });
    assert.equal(first.ok, true, JSON.stringify(first.problems));
    const now = (await references(db.pool)).find((r) => r.rowId === actor.rowId && r.path === actor.path)!;
    const after = parseCoordinate(now.coordinate);
    assert.equal(after.base, before.base);
    assert.ok(after.version! > before.version!);
    assert.equal(
      (await store.read(now.coordinate))?.reveal(),
      (await store.read(actor.coordinate))?.reveal(),
    );
  });
});

describe('a crashed re-key run', () => {
  test('resumes with the coordinates it journaled before its first write', async () => {
    const db = await seededDatabase('rekey_crash', { actors: 24, workspaces: 3, shapes: SHAPES, seed: 13 });
    const table = await startTestStore('database', { databaseUrl: db.url });
    try {
      const real = await table.open();
      await plantProblems(db.pool, real, { legacy: false });
      let writesLeft = 1;
      // The store is real; this wrapper only stops the process-like run after its first write.
      const crashing: SecretStore = {
        kind: real.kind,
        description: real.description,
        capabilities: real.capabilities,
        nameOf: (c) => real.nameOf(c),
        read: (c, o) => real.read(c, o),
        write: async (c, v) => {
          if (writesLeft-- <= 0) throw new Error('simulated crash');
          return real.write(c, v);
        },
        delete: (c, o) => real.delete(c, o),
        list: () => real.list(),
        describe: (c) => real.describe(c),
        close: async () => undefined,
      };
      await assert.rejects(
        runRekey({ pool: db.pool, store: crashing, categories: ALL, concurrency: 1 }),
        /simulated crash/,
      );
      const journaled = await db.pool.query<{
        item_key: string;
        coordinate: string;
        state: string;
        run_id: string;
      }>(
        `SELECT run_id, item_key, coordinate, state FROM airbyte_secrets.migration_item WHERE action = 'rekey'`,
      );
      assert.ok(
        journaled.rows.length >= 3 && journaled.rows.every((r) => r.coordinate),
        'every move was journaled with its coordinate',
      );
      const pending = journaled.rows.filter((r) => r.state !== 'rewritten');
      assert.ok(pending.length > 0);

      const resumed = await runRekey({ pool: db.pool, store: real, categories: ALL });
      assert.equal(resumed.resumed, true);
      assert.equal(resumed.runId, journaled.rows[0]!.run_id);
      assert.equal(resumed.ok, true, JSON.stringify(resumed.problems));
      const now = await references(db.pool);
      for (const p of pending) {
        const [, holder, rowId, path] = /^rekey:([^:]+):([^:]+):(.*)$/.exec(p.item_key)!;
        const ref = now.find((r) => r.holder === holder && r.rowId === rowId && r.path === path)!;
        assert.equal(ref.coordinate, p.coordinate, 'the resumed run used the journaled coordinate');
      }
      assert.deepEqual(await remaining(db, real), []);
    } finally {
      await table.close();
      await db.close();
    }
  });
});
