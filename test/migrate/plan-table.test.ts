import assert from 'node:assert/strict';
import { createHash, randomUUID } from 'node:crypto';
import { describe, it } from 'node:test';
import { PlanItems } from '../../src/migrate/plan-items.js';
import { PackedStrings, ReferencedCoordinates, RowDigests } from '../../src/migrate/plan-table.js';

/**
 * The packed tables a plan keeps (issue 14's million actors): whatever goes in comes out exactly,
 * coordinates Airbyte minted and any other name alike, so the copy writes the very names the
 * configurations refer to.
 */
const minted = (form = 'workspace', base = randomUUID(), version = 1) =>
  `airbyte_${form}_${base}_secret_${randomUUID()}_v${version}`;

describe('ReferencedCoordinates', () => {
  it('gives back every coordinate exactly, minted or not, in the order first seen', () => {
    const names = [
      minted(),
      minted('organization'),
      minted('workspace', randomUUID(), 123456789),
      // Not in the minted form: kept as text, byte for byte.
      minted().toUpperCase(),
      'airbyte_workspace_00000000-0000-0000-0000-000000000000_secret_x_v1',
      `airbyte_workspace_${randomUUID()}_secret_${randomUUID()}_v01`,
      `airbyte_workspace_${randomUUID()}_secret_${randomUUID()}_v0`,
      'projects/p/secrets/external-name',
      'prefix_airbyte_workspace_ñ_secret_é_v1',
      '',
    ];
    const table = new ReferencedCoordinates();
    for (const c of names) table.refer(c, null, undefined);
    assert.equal(table.size, names.length);
    assert.deepEqual(
      [...table.coordinates()].map((e) => e.coordinate),
      names,
    );
  });

  it('counts references, keeps the first workspace and name, and dedups across 20,000 entries (many slot-table growths)', () => {
    const table = new ReferencedCoordinates();
    const ws = randomUUID();
    const coordinates = Array.from({ length: 20_000 }, () => minted('workspace', ws));
    coordinates.forEach((c, i) => {
      table.refer(c, ws, `actor ${i}`);
    });
    // Every one again, from another row: counted, not added.
    for (const c of coordinates) table.refer(c, randomUUID(), 'other');
    assert.equal(table.size, coordinates.length);
    for (const i of [0, 1, 9_999, 19_999]) {
      assert.deepEqual(table.entry(i), {
        coordinate: coordinates[i],
        workspaceId: ws,
        references: 2,
        name: `actor ${i}`,
        verdict: 'unknown',
      });
    }
  });

  it('records verdicts and details per entry', () => {
    const table = new ReferencedCoordinates();
    const [a, b] = [minted(), minted()];
    table.refer(a, null, undefined);
    table.refer(b, null, 'x');
    table.setVerdict(0, 'same');
    table.setVerdict(1, 'unreadable', 'vault read: permission denied');
    assert.equal(table.entry(0).verdict, 'same');
    assert.equal(table.entry(0).name, undefined);
    assert.equal(table.entry(1).detail, 'vault read: permission denied');
  });
});

describe('RowDigests', () => {
  it('gives back holder, row id (uuid or not) and the sha256 hex', () => {
    const rows = new RowDigests();
    const input = [
      { holder: 'actor' as const, rowId: randomUUID(), text: '{"a":1}' },
      { holder: 'workspace_webhook' as const, rowId: 'not-a-uuid', text: '{}' },
      { holder: 'actor_oauth_parameter' as const, rowId: randomUUID().toUpperCase(), text: '[]' },
    ];
    for (const r of input) rows.add(r.holder, r.rowId, createHash('sha256').update(r.text).digest());
    assert.equal(rows.length, 3);
    assert.deepEqual(
      rows.toJSON(),
      input.map((r) => ({
        holder: r.holder,
        rowId: r.rowId,
        sha256: createHash('sha256').update(r.text).digest('hex'),
      })),
    );
  });
});

describe('PackedStrings', () => {
  it('takes an empty string first (an actor named "") and text UTF-8 cannot hold, exactly', () => {
    const packed = new PackedStrings();
    const lone = 'a\ud800b';
    const ids = ['', lone, 'x'].map((t) => packed.add(t));
    assert.deepEqual(
      ids.map((i) => packed.get(i)),
      ['', lone, 'x'],
    );
    const table = new ReferencedCoordinates();
    table.refer(minted(), 'ws', '');
    table.refer(lone, null, undefined);
    table.refer(lone, null, undefined);
    assert.equal(table.entry(0).name, '');
    assert.equal(table.size, 2);
    assert.equal(table.entry(1).coordinate, lone);
    assert.equal(table.entry(1).references, 2);
  });

  it('keeps UTF-8 text across chunk boundaries', () => {
    const packed = new PackedStrings();
    const long = 'é'.repeat(PackedStrings.CHUNK); // longer than a chunk
    const texts = ['a', '', 'ü→€', long, 'z'.repeat(1000)];
    const ids = texts.map((t) => packed.add(t));
    assert.deepEqual(
      ids.map((i) => packed.get(i)),
      texts,
    );
  });
});

describe('PlanItems', () => {
  it('unpacks one item per referenced coordinate, then the others, as the plan had them', () => {
    const table = new ReferencedCoordinates();
    const [a, b, c] = [minted(), minted(), minted()];
    table.refer(a, 'ws', 'one');
    table.refer(b, 'ws', 'two');
    table.refer(c, null, undefined);
    table.setVerdict(0, 'copy');
    table.setVerdict(1, 'same');
    table.setVerdict(2, 'differs');
    const extract = {
      key: 'extract:actor:r:p',
      action: 'extract' as const,
      holder: 'actor' as const,
      rowId: 'r',
      path: 'p',
      workspaceId: 'ws',
      name: 'three',
      newCoordinateBase: { prefix: 'workspace_', baseId: 'ws' },
    };
    const items = new PlanItems(table, [extract]);
    assert.equal(items.length, 4);
    assert.deepEqual(JSON.parse(JSON.stringify(items)), [
      { key: `copy:${a}`, coordinate: a, workspaceId: 'ws', references: 1, name: 'one', action: 'copy' },
      { key: `copy:${b}`, coordinate: b, workspaceId: 'ws', references: 1, name: 'two', action: 'skip' },
      {
        key: `copy:${c}`,
        coordinate: c,
        workspaceId: null,
        references: 1,
        action: 'conflict',
        reason: 'target-differs',
      },
      extract,
    ]);
    // The others are the plan's own objects: giving an extract its coordinate sticks.
    const [found] = items.filter((i) => i.action === 'extract');
    assert.equal(found, extract);
    assert.equal(items.filter((i) => i.action === 'copy').length, 1);
    assert.ok(items.some((i) => i.action === 'conflict'));
  });
});
