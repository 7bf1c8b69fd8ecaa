import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { classifySecretNode } from '../../src/airbyte/classify.js';
import type { HolderRow } from '../../src/airbyte/types.js';
import {
  isWorkspaceMismatch,
  type Reference,
  referencesOf,
  selectReferences,
  sharedCoordinates,
} from '../../src/rekey/select.js';

const W1 = '11111111-1111-4111-8111-111111111111';
const W2 = '22222222-2222-4222-8222-222222222222';
const U = (n: number) => `aaaaaaaa-aaaa-4aaa-8aaa-${String(n).padStart(12, '0')}`;
const coordinate = (ws: string, n: number, v = 1) => `airbyte_workspace_${ws}_secret_${U(n)}_v${v}`;

function ref(rowId: string, workspaceId: string, c: string, path = '$.password'): Reference {
  return {
    holder: 'actor',
    rowId,
    workspaceId,
    organizationId: null,
    name: rowId,
    path,
    coordinate: c,
    node: { _secret: c },
  };
}

function row(config: Record<string, unknown>, paths: string[]): HolderRow {
  return {
    holder: 'actor',
    rowId: 'r1',
    workspaceId: W1,
    organizationId: null,
    name: 'pg',
    spec: 'ok',
    config,
    configText: JSON.stringify(config),
    records: paths.map((path) => ({ path, node: classifySecretNode(config[path.slice(2)]) })),
  };
}

describe('referencesOf', () => {
  test('keeps managed references in plain reference nodes only', () => {
    const config = {
      a: { _secret: coordinate(W1, 1) },
      b: { _secret: 'my_own_external_name' },
      c: 'plaintext-value',
      d: { _secret: coordinate(W1, 2), note: 'an unexpected key' },
      e: { _secret_reference_id: U(9), _secret: coordinate(W1, 3) },
    };
    const refs = referencesOf(row(config, ['$.a', '$.b', '$.c', '$.d', '$.e']));
    assert.deepEqual(
      refs.map((r) => [r.path, r.referenceId ?? null]),
      [
        ['$.a', null],
        ['$.e', U(9)],
      ],
    );
  });
});

describe('selection', () => {
  const shared = coordinate(W1, 1);
  const refs = [
    ref('b-row', W1, shared),
    ref('a-row', W1, shared),
    ref('c-row', W2, shared),
    ref('d-row', W2, coordinate(W1, 4)),
    ref('e-row', W2, coordinate(W2, 5, 3)),
  ];

  test('a shared coordinate is kept by the first row (by id) whose workspace matches', () => {
    assert.deepEqual([...sharedCoordinates(refs)], [[shared, { rows: 3, keeper: 'actor:a-row' }]]);
  });

  test('nobody keeps a shared coordinate that names another workspace than all its rows', () => {
    const s = sharedCoordinates([ref('x', W2, shared), ref('y', W2, shared)]);
    assert.equal(s.get(shared)?.keeper, undefined);
  });

  test('categories: shared, mismatch, legacy, and what each fix is', () => {
    const legacy = new Set([coordinate(W2, 5, 3)]);
    const picked = selectReferences(refs, {
      categories: ['shared-coordinate', 'workspace-mismatch', 'legacy-name'],
      legacy,
    });
    assert.deepEqual(
      picked.map((p) => [p.reference.rowId, p.categories, p.fix]),
      [
        ['b-row', ['shared-coordinate'], 'new-base'],
        ['c-row', ['shared-coordinate', 'workspace-mismatch'], 'new-base'],
        ['d-row', ['workspace-mismatch'], 'new-base'],
        ['e-row', ['legacy-name'], 'full-name'],
      ],
    );
  });

  test('one category at a time, and filters narrow without moving the keeper', () => {
    const mismatch = selectReferences(refs, { categories: ['workspace-mismatch'] });
    assert.deepEqual(
      mismatch.map((p) => p.reference.rowId),
      ['c-row', 'd-row'],
    );
    const onlyB = selectReferences(refs, {
      categories: ['shared-coordinate'],
      filter: { actors: ['b-row', 'a-row'] },
    });
    assert.deepEqual(
      onlyB.map((p) => p.reference.rowId),
      ['b-row'],
    );
  });

  test('without categories, filtered references rotate: next version when the base is right, else a new base', () => {
    const picked = selectReferences(refs, { filter: { workspaces: [W2] } });
    assert.deepEqual(
      picked.map((p) => [p.reference.rowId, p.fix]),
      [
        ['c-row', 'new-base'],
        ['d-row', 'new-base'],
        ['e-row', 'new-version'],
      ],
    );
  });

  test('workspace mismatch compares the coordinate’s workspace with the row’s', () => {
    assert.equal(
      isWorkspaceMismatch({ coordinate: coordinate(W1, 1), workspaceId: W1.toUpperCase() }),
      false,
    );
    assert.equal(isWorkspaceMismatch({ coordinate: coordinate(W1, 1), workspaceId: W2 }), true);
    assert.equal(
      isWorkspaceMismatch({ coordinate: `airbyte_organization_${W1}_secret_${U(1)}_v1`, workspaceId: W2 }),
      false,
    );
    assert.equal(isWorkspaceMismatch({ coordinate: coordinate(W1, 1), workspaceId: null }), false);
  });
});
