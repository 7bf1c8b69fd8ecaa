import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { EPHEMERAL_BASE_ID, formatCoordinate } from '../../src/airbyte/coordinates.js';
import { classifyOrphan, EPHEMERAL_LIFETIME_MS, maskedNameFields } from '../../src/audit/index.js';

const WS = 'e0eb0554-ffe0-4e9c-9dc0-ed7f52023eb2';
const UUID = '9eba44d8-51e7-48f1-bde2-619af0e42c22';
const now = new Date('2025-03-15T02:00:00.000Z');
const ctx = { now, storeKind: 'vault' as const };

describe('classifyOrphan', () => {
  test('a lower version of a referenced base is superseded; an equal or higher one is just unreferenced', () => {
    const v1 = formatCoordinate({ baseId: WS, uuid: UUID, version: 1 });
    assert.equal(classifyOrphan({ coordinate: v1, referencedVersion: 2 }, ctx)?.reason, 'superseded');
    assert.match(classifyOrphan({ coordinate: v1, referencedVersion: 2 }, ctx)!.message, /_v2/);
    const v3 = formatCoordinate({ baseId: WS, uuid: UUID, version: 3 });
    assert.equal(classifyOrphan({ coordinate: v3, referencedVersion: 2 }, ctx)?.reason, 'unreferenced');
    assert.equal(classifyOrphan({ coordinate: v1 }, ctx)?.reason, 'unreferenced');
  });

  test('ephemeral secrets: kept under two hours, orphaned after, and an unknown age is said so', () => {
    const eph = formatCoordinate({ baseId: EPHEMERAL_BASE_ID, uuid: UUID });
    const young = new Date(now.getTime() - EPHEMERAL_LIFETIME_MS + 60_000);
    const old = new Date(now.getTime() - EPHEMERAL_LIFETIME_MS - 60_000);
    assert.equal(classifyOrphan({ coordinate: eph, createdAt: young }, ctx), null);
    const aged = classifyOrphan({ coordinate: eph, createdAt: old }, ctx)!;
    assert.equal(aged.reason, 'ephemeral');
    assert.match(aged.message, /older than the two hours/);
    const unknown = classifyOrphan({ coordinate: eph }, ctx)!;
    assert.equal(unknown.reason, 'ephemeral');
    assert.match(unknown.message, /vault does not say when it was created/);
  });

  test('names that are not Airbyte-managed coordinates are unreferenced', () => {
    assert.equal(
      classifyOrphan({ coordinate: `airbyte_workspace_${WS}_secret_${UUID}` }, ctx)?.reason,
      'unreferenced',
    );
  });
});

describe('maskedNameFields', () => {
  const config = {
    host: 'db.example.com',
    api_key: 'typed-in',
    password: { _secret: 'airbyte_workspace_x_secret_y_v1' },
    nested: { client_secret: 'also-typed', token: '' },
    headers: [
      { name: 'X-Key', value: 'header-value' },
      { name: 'X-Other', value: '**********' },
    ],
    oauth: { client_id: 'secret_coordinate::external_name', access_token: '******' },
    marked: { secret_key: 'from-spec' },
    coordinate_copy: { api_token: formatCoordinate({ baseId: WS, uuid: UUID }) },
  };

  test('strings at masked names outside secret paths, with concrete paths; markers and blanks skipped', () => {
    const found = maskedNameFields(config, new Set(['$.marked.secret_key', '$.password']));
    assert.deepEqual(found, [
      { path: '$.api_key', name: 'api_key' },
      { path: '$.nested.client_secret', name: 'client_secret' },
      { path: '$.headers[0].value', name: 'value' },
    ]);
  });

  test('a skipped path hides its whole subtree', () => {
    assert.deepEqual(
      maskedNameFields(config, new Set(['$.nested', '$.headers', '$.api_key', '$.marked'])),
      [],
    );
  });
});
