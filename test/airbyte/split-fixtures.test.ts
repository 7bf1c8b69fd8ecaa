import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { secretPathTemplates } from '../../src/airbyte/paths.js';
import { combineConfig, SecretNodeError, splitConfig, updateConfig } from '../../src/airbyte/split.js';
import { hasShared, SHARED_DIR, SKIP_SHARED } from '../helpers/shared.js';

// Airbyte's own split/update/combine fixtures (airbyte-config/config-secrets/src/test/resources),
// driven the way SecretsHelpersTest drives them: fixed workspace id, fixed UUID sequence
// (airbyte-config/config-secrets/src/testFixtures/kotlin/secrets/SecretsTestCase.kt).
const FIXTURES = join(SHARED_DIR, 'airbyte', 'split-secrets-fixtures');
const WORKSPACE_ID = 'e0eb0554-ffe0-4e9c-9dc0-ed7f52023eb2';
const UUIDS = [
  '9eba44d8-51e7-48f1-bde2-619af0e42c22',
  '2c2ef2b3-259a-4e73-96d1-f56dacee2e5e',
  '1206db5b-b968-4df1-9a76-f3fcdae7e307',
  'c03ef566-79a7-4e77-b6f3-d23d2528f25a',
  '35f08b15-bfd9-44fe-a8c7-5aa9e156c0f5',
  '159c0b6f-f9ae-48b4-b7f3-bcac4ba15743',
  '71af9b74-4e61-4cff-830e-3bf1ec18fbc0',
  '067a62fc-d007-44dd-a8f6-0fd10823713d',
  'c4967ac9-0856-4733-a21e-1d51ca8f254d',
];

function uuidSequence(): () => string {
  let i = 0;
  return () => {
    const next = UUIDS[i++];
    assert.ok(next, 'the fixture UUID sequence ran out');
    return next;
  };
}

function freeze<T>(v: T): T {
  if (v && typeof v === 'object') {
    for (const x of Object.values(v)) freeze(x);
    Object.freeze(v);
  }
  return v;
}

const folders = hasShared && existsSync(FIXTURES) ? readdirSync(FIXTURES).sort() : [];

test('the fixture corpus is there', { skip: SKIP_SHARED }, () => {
  assert.ok(folders.length >= 10, `expected Airbyte's fixture folders in ${FIXTURES}`);
});

for (const name of folders) {
  const dir = join(FIXTURES, name);
  const has = (f: string) => existsSync(join(dir, f));
  // Frozen inputs: Airbyte's testSplit asserts its inputs are not mutated; a write to a frozen object throws.
  const json = (f: string): unknown => freeze(JSON.parse(readFileSync(join(dir, f), 'utf8')));
  const templates = secretPathTemplates(json('spec.json'));

  describe(`fixture ${name}`, () => {
    if (has('expectedPaths')) {
      test('secret path templates match expectedPaths', () => {
        const expected = readFileSync(join(dir, 'expectedPaths'), 'utf8')
          .trim()
          .split(';')
          .filter((p) => p !== '')
          .sort();
        assert.deepEqual(templates, expected);
      });
    }

    if (name === 'array2') {
      test("array2: splitting throws, as Airbyte's algorithm does ($.cred holds an array; no Airbyte test uses this folder)", () => {
        assert.deepEqual(templates, ['$.cred', '$.cred[*]']);
        assert.throws(
          () =>
            splitConfig(json('full_config.json'), templates, {
              baseId: WORKSPACE_ID,
              newUuid: uuidSequence(),
            }),
          (err: unknown) =>
            err instanceof SecretNodeError &&
            err.path === '$.cred' &&
            /Cannot process node that is an array, missing, or null/.test(err.message),
        );
      });
      return;
    }

    if (!has('partial_config.json')) {
      test('a config holding only an external reference splits to itself with nothing to write', () => {
        const full = json('full_config.json');
        const r = splitConfig(full, templates, { baseId: WORKSPACE_ID, newUuid: uuidSequence() });
        assert.deepEqual(r.partial, full);
        assert.equal(r.secrets.length, 0);
      });
      return;
    }

    test('split, combine and update reproduce the expected configs', () => {
      const store = new Map<string, string>();
      const write = (secrets: Array<{ coordinate: string; value: { reveal(): string } }>) => {
        for (const s of secrets) store.set(s.coordinate, s.value.reveal());
      };
      const full = json('full_config.json');
      const split = splitConfig(full, templates, { baseId: WORKSPACE_ID, newUuid: uuidSequence() });
      assert.deepEqual(split.partial, json('partial_config.json'));
      for (const s of split.secrets) {
        assert.match(s.coordinate, /^[a-zA-Z0-9_-]+$/);
        assert.ok(s.coordinate.length <= 255);
        assert.ok(s.coordinate.endsWith('_v1'));
      }
      write(split.secrets);
      assert.deepEqual(
        combineConfig(json('partial_config.json'), (c) => store.get(c)),
        full,
      );

      if (has('update_config.json')) {
        const updated = updateConfig(json('partial_config.json'), json('update_config.json'), templates, {
          baseId: WORKSPACE_ID,
          newUuid: uuidSequence(),
          readOld: (c) => store.get(c),
        });
        assert.deepEqual(updated.partial, json('updated_partial_config.json'));
        write(updated.secrets);
        assert.deepEqual(
          combineConfig(updated.partial, (c) => store.get(c)),
          json('update_config.json'),
        );
      }
    });

    if (has('full_config_update1.json')) {
      test('sequential updates: every raw value is rewritten, so both paths go to _v2 and then _v3', () => {
        const store = new Map<string, string>();
        const opts = { baseId: WORKSPACE_ID, newUuid: uuidSequence(), readOld: (c: string) => store.get(c) };
        const split = splitConfig(json('full_config.json'), templates, opts);
        for (const s of split.secrets) store.set(s.coordinate, s.value.reveal());
        const u1 = updateConfig(split.partial, json('full_config_update1.json'), templates, opts);
        assert.deepEqual(u1.partial, json('updated_partial_config_update1.json'));
        for (const s of u1.secrets) store.set(s.coordinate, s.value.reveal());
        const u2 = updateConfig(u1.partial, json('full_config_update2.json'), templates, opts);
        assert.deepEqual(u2.partial, json('updated_partial_config_update2.json'));
        for (const s of u2.secrets) store.set(s.coordinate, s.value.reveal());
        assert.deepEqual(
          combineConfig(u2.partial, (c) => store.get(c)),
          json('full_config_update2.json'),
        );
      });
    }
  });
}
