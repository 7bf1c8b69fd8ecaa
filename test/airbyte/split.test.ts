import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { inspect } from 'node:util';
import {
  combineConfig,
  SecretNodeError,
  SecretNotFoundError,
  splitConfig,
  updateConfig,
} from '../../src/airbyte/split.js';

const WS = 'e0eb0554-ffe0-4e9c-9dc0-ed7f52023eb2';
const STORAGE = '4b1c8a58-4c4e-4a7a-9d8c-2f1e0f3b9a11';
const coord = (uuid: string, v = 1, prefix = 'workspace_') => `airbyte_${prefix}${WS}_secret_${uuid}_v${v}`;

function uuids(...list: string[]): () => string {
  let i = 0;
  return () => list[i++] ?? assert.fail('too many UUIDs drawn');
}

const U1 = '11111111-1111-4111-8111-111111111111';
const U2 = '22222222-2222-4222-8222-222222222222';
const U3 = '33333333-3333-4333-8333-333333333333';

describe('splitConfig', () => {
  test('raw values get new _v1 coordinates; references and masks are handled by kind', () => {
    const managed = coord('aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa', 4);
    const full = {
      a: 'canary-a',
      b: 'secret_coordinate::vault/path/b',
      c: { _secret: 'external-c', extra: 'dropped' },
      d: { _secret: managed },
      e: { _secret_reference_id: 'ref-e' },
      f: 42,
    };
    const r = splitConfig(full, ['$.a', '$.b', '$.c', '$.d', '$.e', '$.f', '$.missing'], {
      baseId: WS,
      newUuid: uuids(U1, U2),
    });
    assert.deepEqual(r.partial, {
      a: { _secret: coord(U1) },
      b: { _secret: 'vault/path/b' },
      c: { _secret: 'external-c' },
      d: { _secret: managed },
      e: { _secret_reference_id: 'ref-e' },
      f: { _secret: coord(U2) },
    });
    assert.deepEqual(
      r.secrets.map((s) => [s.path, s.coordinate, s.value.reveal()]),
      [
        ['$.a', coord(U1), 'canary-a'],
        ['$.f', coord(U2), '42'],
      ],
    );
    assert.ok(!inspect(r).includes('canary'), 'values stay inside SecretValue');
    assert.deepEqual(r.superseded, []);
  });

  test('a storage id is written next to every new node, and the prefix is configurable', () => {
    const r = splitConfig({ a: 'x', b: 'secret_coordinate::ext' }, ['$.a', '$.b'], {
      baseId: WS,
      prefix: 'organization_',
      newUuid: uuids(U1),
      storageId: STORAGE,
    });
    assert.deepEqual(r.partial, {
      a: { _secret: coord(U1, 1, 'organization_'), _secret_storage_id: STORAGE },
      b: { _secret: 'ext', _secret_storage_id: STORAGE },
    });
  });

  test('arrays and nulls at a secret path throw with the path, never the value', () => {
    for (const bad of [{ a: null }, { a: ['canary'] }]) {
      assert.throws(
        () => splitConfig(bad, ['$.a'], { baseId: WS, newUuid: uuids(U1) }),
        (err: unknown) =>
          err instanceof SecretNodeError && err.path === '$.a' && !err.message.includes('canary'),
      );
    }
  });

  test('masks and empty strings are raw values to the split (the handler restores masks before it)', () => {
    const r = splitConfig({ a: '**********', b: '', c: {} }, ['$.a', '$.b', '$.c'], {
      baseId: WS,
      newUuid: uuids(U1, U2, U3),
    });
    assert.deepEqual(
      r.secrets.map((s) => s.value.reveal()),
      ['**********', '', ''],
    );
  });

  test('a secret object holding a nested secret: both get coordinates, only the outer node is replaced', () => {
    const r = splitConfig({ a: { b: 'inner' } }, ['$.a', '$.a.b'], { baseId: WS, newUuid: uuids(U1, U2) });
    assert.deepEqual(r.partial, { a: { _secret: coord(U1) } });
    assert.deepEqual(
      r.secrets.map((s) => [s.path, s.value.reveal()]),
      [
        ['$.a', ''],
        ['$.a.b', 'inner'],
      ],
    );
  });

  test("the root as a secret path: a coordinate is drawn but the root is not replaced (Jayway can't set $)", () => {
    const r = splitConfig('root-value', ['$'], { baseId: WS, newUuid: uuids(U1) });
    assert.equal(r.partial, 'root-value');
    assert.equal(r.secrets[0]?.coordinate, coord(U1));
  });

  test('inputs are never modified', () => {
    const full = Object.freeze({ a: 'x', n: Object.freeze({ b: 'y' }) });
    const r = splitConfig(full, ['$.a', '$.n.b'], { baseId: WS, newUuid: uuids(U1, U2) });
    assert.deepEqual(full, { a: 'x', n: { b: 'y' } });
    assert.notEqual(r.partial, full);
  });
});

describe('updateConfig (SecretsHelpers.kt updateConfig)', () => {
  const old = {
    a: { _secret: coord(U1, 3) },
    b: { _secret: coord(U2, 1), _secret_storage_id: STORAGE },
    c: { _secret: 'ext' },
  };

  test('same path, managed old coordinate, non-empty read: same base, version + 1', () => {
    const r = updateConfig(old, { a: 'new-a', b: 'new-b' }, ['$.a', '$.b'], {
      baseId: WS,
      newUuid: uuids(),
      readOld: () => 'stored',
    });
    assert.deepEqual(r.partial, { a: { _secret: coord(U1, 4) }, b: { _secret: coord(U2, 2) } });
    assert.deepEqual(
      r.superseded,
      [{ path: '$.a', coordinate: coord(U1, 3) }],
      'storage-backed old nodes are not deleted',
    );
  });

  test('an old coordinate missing from the current store (or empty) gets a new base at _v1', () => {
    const reads: string[] = [];
    const r = updateConfig(old, { a: 'new-a', b: 'new-b' }, ['$.a', '$.b'], {
      baseId: WS,
      newUuid: uuids(U3, U1),
      readOld: (c) => {
        reads.push(c);
        return c === coord(U1, 3) ? undefined : '';
      },
    });
    assert.deepEqual(reads, [coord(U1, 3), coord(U2, 1)]);
    assert.deepEqual(r.partial, { a: { _secret: coord(U3) }, b: { _secret: coord(U1) } });
    assert.deepEqual(r.superseded, []);
  });

  test('whitespace counts as present for versioning (isNotEmpty), external old nodes never version', () => {
    const r = updateConfig(old, { a: 'x', c: 'y' }, ['$.a', '$.c'], {
      baseId: WS,
      newUuid: uuids(U3),
      readOld: () => ' ',
    });
    assert.deepEqual(r.partial, { a: { _secret: coord(U1, 4) }, c: { _secret: coord(U3) } });
  });

  test('unchanged reference nodes keep their coordinate', () => {
    const r = updateConfig(old, { a: { _secret: coord(U1, 3) } }, ['$.a'], {
      baseId: WS,
      newUuid: uuids(),
      readOld: () => 'v',
    });
    assert.deepEqual(r.partial, { a: { _secret: coord(U1, 3) } });
    assert.equal(r.secrets.length, 0);
  });
});

describe('combineConfig (hydration)', () => {
  test('replaces every _secret object, found without a spec, with the stored string', () => {
    const store = new Map([
      [coord(U1), 'v1'],
      ['ext', 'v-ext'],
    ]);
    const partial = {
      a: { _secret: coord(U1) },
      list: [{ x: { _secret: 'ext', _secret_storage_id: STORAGE } }],
      r: { _secret_reference_id: 'id' },
    };
    assert.deepEqual(
      combineConfig(partial, (c) => store.get(c)),
      { a: 'v1', list: [{ x: 'v-ext' }], r: { _secret_reference_id: 'id' } },
    );
    assert.equal(
      combineConfig({ _secret: coord(U1) }, (c) => store.get(c)),
      'v1',
    );
  });

  test('reads the coordinate as Airbyte re-renders it', () => {
    const seen: string[] = [];
    combineConfig({ a: { _secret: `airbyte_workspace_${WS}_secret_${U1}_v01` } }, (c) => {
      seen.push(c);
      return 'x';
    });
    assert.deepEqual(seen, [coord(U1)]);
  });

  test('a blank value throws with the coordinate and nothing else', () => {
    for (const value of [undefined, '', '  \n']) {
      assert.throws(
        () => combineConfig({ a: { _secret: coord(U1) } }, () => value),
        (err: unknown) =>
          err instanceof SecretNotFoundError &&
          err.coordinate === coord(U1) &&
          err.message === `That secret was not found in the store! Coordinate: ${coord(U1)}`,
      );
    }
  });
});
