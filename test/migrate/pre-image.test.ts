import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { setAt } from '../../src/airbyte/json-path.js';
import {
  expectedAfterRewrite,
  makePreImage,
  markersOf,
  mergePreImages,
  restoreOriginal,
} from '../../src/engine/pre-image.js';

const OLD_A =
  'airbyte_workspace_11111111-1111-4111-8111-111111111111_secret_aaaaaaaa-aaaa-4aaa-8aaa-000000000001_v1';
const NEW_A =
  'airbyte_workspace_22222222-2222-4222-8222-222222222222_secret_aaaaaaaa-aaaa-4aaa-8aaa-000000000002_v1';
const OLD_B =
  'airbyte_workspace_11111111-1111-4111-8111-111111111111_secret_aaaaaaaa-aaaa-4aaa-8aaa-000000000003_v2';
const NEW_B =
  'airbyte_workspace_11111111-1111-4111-8111-111111111111_secret_aaaaaaaa-aaaa-4aaa-8aaa-000000000003_v3';

describe('pre-images of re-keyed rows', () => {
  const original = {
    host: 'db.example',
    a: { _secret: OLD_A },
    b: { _secret_reference_id: 'ref-b', _secret: OLD_B },
    token: 'plaintext-the-run-did-not-move',
  };

  test('hold the old reference node, never plaintext, and restore the row exactly', () => {
    const written = { _secret: NEW_A };
    const image = makePreImage(
      original,
      [{ path: '$.a', coordinate: NEW_A, written, restoreNode: { node: original.a, coordinate: OLD_A } }],
      ['$.token'],
    );
    assert.doesNotMatch(JSON.stringify(image), /plaintext-the-run-did-not-move/);
    assert.deepEqual(
      markersOf(image).map((m) => m.path),
      ['$.a', '$.token'],
    );
    const after = setAt(original, '$.a', written);
    assert.deepEqual(expectedAfterRewrite(image, after), after);
    assert.deepEqual(restoreOriginal(image, after, new Map()), original);
  });

  test('a row rewritten twice in one run keeps the state before the first rewrite', () => {
    const first = makePreImage(
      original,
      [
        {
          path: '$.a',
          coordinate: NEW_A,
          written: { _secret: NEW_A },
          restoreNode: { node: original.a, coordinate: OLD_A },
        },
      ],
      ['$.token'],
    );
    const between = setAt(original, '$.a', { _secret: NEW_A });
    const writtenB = { ...original.b, _secret: NEW_B };
    const later = makePreImage(
      between,
      [
        {
          path: '$.b',
          coordinate: NEW_B,
          written: writtenB,
          restoreNode: { node: original.b, coordinate: OLD_B },
        },
      ],
      ['$.token'],
    );
    const merged = mergePreImages(first, later);
    const now = setAt(between, '$.b', writtenB);
    assert.deepEqual(expectedAfterRewrite(merged, now), now);
    assert.deepEqual(restoreOriginal(merged, now, new Map()), original);
  });
});
