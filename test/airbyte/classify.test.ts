import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { inspect } from 'node:util';
import { asText, classifySecretNode, findSecretReferences, isBlank } from '../../src/airbyte/classify.js';

const MANAGED =
  'airbyte_workspace_e0eb0554-ffe0-4e9c-9dc0-ed7f52023eb2_secret_9eba44d8-51e7-48f1-bde2-619af0e42c22_v1';
const REF_ID = '7b9cc3b5-52a4-4c8e-a1a6-1b2a3c4d5e6f';
const STORAGE = '00000000-0000-0000-0000-000000000000';

describe('classifySecretNode: every kind', () => {
  test('plaintext keeps the text in a SecretValue that never prints', () => {
    const node = classifySecretNode('canary-hunter2');
    assert.equal(node.kind, 'plaintext');
    assert.equal(node.value?.reveal(), 'canary-hunter2');
    assert.ok(!inspect(node).includes('canary'));
    assert.ok(!JSON.stringify(node).includes('canary'));
  });

  test('numbers and booleans are plaintext, as asText() prints them', () => {
    assert.equal(classifySecretNode(1234).value?.reveal(), '1234');
    assert.equal(classifySecretNode(false).value?.reveal(), 'false');
  });

  test('managed-ref and external-ref depend on whether the coordinate parses', () => {
    assert.deepEqual(classifySecretNode({ _secret: MANAGED }), { kind: 'managed-ref', coordinate: MANAGED });
    assert.deepEqual(classifySecretNode({ _secret: 'it-s-hidden' }), {
      kind: 'external-ref',
      coordinate: 'it-s-hidden',
    });
    assert.deepEqual(classifySecretNode({ _secret: MANAGED, _secret_storage_id: STORAGE }), {
      kind: 'managed-ref',
      coordinate: MANAGED,
      storageId: STORAGE,
    });
  });

  test('a reference id wins over _secret (determineSecretNodeType order)', () => {
    assert.deepEqual(classifySecretNode({ _secret_reference_id: REF_ID, _secret: MANAGED }), {
      kind: 'reference-id',
      referenceId: REF_ID,
      coordinate: MANAGED,
    });
    assert.deepEqual(classifySecretNode({ _secret_reference_id: REF_ID }), {
      kind: 'reference-id',
      referenceId: REF_ID,
    });
  });

  test('secret_coordinate:: is a prefixed external reference', () => {
    assert.deepEqual(classifySecretNode('secret_coordinate::my/vault/path'), {
      kind: 'prefixed-external',
      coordinate: 'my/vault/path',
    });
  });

  test('the two masks', () => {
    assert.deepEqual(classifySecretNode('**********'), { kind: 'mask' });
    assert.deepEqual(classifySecretNode('******'), { kind: 'oauth-mask' });
    assert.equal(classifySecretNode('********').kind, 'plaintext', 'only the exact sentinels are masks');
  });

  test('empty: blank strings, objects without reference keys, arrays', () => {
    assert.deepEqual(classifySecretNode(''), { kind: 'empty' });
    assert.deepEqual(classifySecretNode(' \t\n\u00a0'), { kind: 'empty' });
    assert.deepEqual(classifySecretNode({ password: 'x' }), { kind: 'empty' });
    assert.deepEqual(classifySecretNode(['x']), { kind: 'empty' });
  });

  test('missing: null and undefined', () => {
    assert.deepEqual(classifySecretNode(null), { kind: 'missing' });
    assert.deepEqual(classifySecretNode(undefined), { kind: 'missing' });
  });
});

describe('asText and isBlank follow Jackson and Kotlin', () => {
  test('asText', () => {
    assert.equal(asText('a'), 'a');
    assert.equal(asText(null), 'null');
    assert.equal(asText(13), '13');
    assert.equal(asText(true), 'true');
    assert.equal(asText({ a: 1 }), '');
    assert.equal(asText([1]), '');
  });

  test("isBlank uses Kotlin's whitespace (no BOM, but the ASCII separators)", () => {
    assert.equal(isBlank(''), true);
    assert.equal(isBlank(' \u2003\u2028'), true);
    assert.equal(isBlank('\u001f'), true);
    assert.equal(isBlank('\ufeff'), false);
    assert.equal(isBlank(' x '), false);
  });
});

describe('findSecretReferences (the hydration scan, no spec)', () => {
  const config = {
    a: { _secret: MANAGED },
    b: { c: [{ _secret: 'external' }, 'plain', { d: { _secret_reference_id: REF_ID } }] },
    e: [[{ _secret: 'in-nested-array' }]],
    f: { _secret: MANAGED, inner: { _secret: 'not looked into' } },
    password: 'plaintext is not a reference',
  };

  test('finds every reference object at its concrete path', () => {
    assert.deepEqual(
      findSecretReferences(config).map((r) => [r.path, r.node.kind]),
      [
        ['$.a', 'managed-ref'],
        ['$.b.c[0]', 'external-ref'],
        ['$.b.c[2].d', 'reference-id'],
        ['$.f', 'managed-ref'],
      ],
    );
  });

  test("like Airbyte's scan, skips arrays nested directly in arrays unless asked", () => {
    assert.deepEqual(
      findSecretReferences(config, { nestedArrays: true }).map((r) => r.path),
      ['$.a', '$.b.c[0]', '$.b.c[2].d', '$.e[0][0]', '$.f'],
    );
  });

  test("match 'coordinate' keeps only objects with _secret (what hydration replaces)", () => {
    assert.deepEqual(
      findSecretReferences(config, { match: 'coordinate' }).map((r) => r.path),
      ['$.a', '$.b.c[0]', '$.f'],
    );
  });

  test('the root itself can be a reference; odd keys get bracket paths', () => {
    assert.deepEqual(
      findSecretReferences({ _secret: MANAGED }).map((r) => r.path),
      ['$'],
    );
    assert.deepEqual(
      findSecretReferences({ 'X.Api Key': { _secret: 'x' } }).map((r) => r.path),
      ["$['X.Api Key']"],
    );
    assert.deepEqual(
      findSecretReferences([{ _secret: 'x' }]),
      [],
      'a root array is not scanned, as in Airbyte',
    );
  });
});
