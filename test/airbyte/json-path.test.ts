import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { cloneJson, formatPath, getAt, parsePath, setAt } from '../../src/airbyte/json-path.js';

describe('parsePath and formatPath', () => {
  test('dot notation as Airbyte renders it', () => {
    assert.deepEqual(parsePath('$.a[0].b[*]'), [
      { type: 'key', key: 'a' },
      { type: 'index', index: 0 },
      { type: 'key', key: 'b' },
      { type: 'wildcard' },
    ]);
    assert.equal(formatPath(parsePath('$.a[0].b[*]')), '$.a[0].b[*]');
    assert.equal(formatPath([]), '$');
    assert.deepEqual(parsePath('$'), []);
    assert.equal(formatPath(parsePath('$.X-Postmark-Account-Token')), '$.X-Postmark-Account-Token');
  });

  test("bracket input is normalised to dot notation, like Jayway's AS_PATH_LIST after Airbyte's rewrite", () => {
    assert.equal(formatPath(parsePath("$['rotating_keys'][0]['key1']")), '$.rotating_keys[0].key1');
    assert.equal(formatPath(parsePath('$["a"].*')), '$.a[*]');
  });

  test('keys Airbyte cannot render unambiguously are bracketed so that they round-trip (Jayway reads `$.a.b` for a key `a.b` otherwise)', () => {
    for (const k of ['odd.key', 'with space', "it's", 'a[0]', 'star*', 'back\\slash', '', 'fn()']) {
      const path = formatPath([{ type: 'key', key: k }]);
      assert.ok(path.startsWith("$['"), `${k} -> ${path}`);
      assert.deepEqual(parsePath(path), [{ type: 'key', key: k }], `${k} round-trips through ${path}`);
    }
    assert.equal(formatPath([{ type: 'key', key: 'odd.key' }]), "$['odd.key']");
    assert.equal(formatPath([{ type: 'key', key: "it's" }]), "$['it\\'s']");
  });

  test('malformed paths throw', () => {
    for (const bad of ['a.b', '$.', '$..a', '$[', "$['a", '$[x]', '$a']) {
      assert.throws(() => parsePath(bad), /Malformed JSONPath/, bad);
    }
  });
});

describe('getAt and setAt', () => {
  const json: Record<string, unknown> = { a: [] };
  const parsed = JSON.parse(
    '{"a":[{"b":1},{"b":null}],"odd.key":"x","__proto__":{"polluted":true}}',
  ) as unknown;

  test('getAt tells a present null from an absent value', () => {
    assert.equal(getAt(parsed, '$.a[0].b'), 1);
    assert.equal(getAt(parsed, '$.a[1].b'), null);
    assert.equal(getAt(parsed, '$.a[2].b'), undefined);
    assert.equal(getAt(parsed, '$.a.b'), undefined, 'a key on an array is absent');
    assert.equal(getAt(parsed, "$['odd.key']"), 'x');
    assert.equal(getAt(parsed, '$'), parsed);
    assert.deepEqual(getAt(parsed, '$.__proto__'), { polluted: true }, 'own data key, not the prototype');
    assert.equal(getAt(json, '$.toString'), undefined, 'inherited properties are not JSON');
    assert.throws(() => getAt(parsed, '$.a[*]'), /wildcard/);
  });

  test('setAt returns a deep copy and never touches the input', () => {
    const input = Object.freeze({ a: Object.freeze([Object.freeze({ b: 1 })]), c: Object.freeze({ d: 2 }) });
    const out = setAt(input, '$.a[0].b', { _secret: 'x' }) as typeof input;
    assert.deepEqual(out, { a: [{ b: { _secret: 'x' } }], c: { d: 2 } });
    assert.notEqual(out.c, input.c, 'untouched branches are copied too');
    assert.equal(input.a[0]!.b, 1);
    assert.deepEqual(setAt({ a: {} }, '$.a.new', 1), { a: { new: 1 } }, 'a missing last key is added');
    assert.equal(setAt({ a: 1 }, '$', 'root'), 'root');
    assert.throws(() => setAt({ a: {} }, '$.x.y', 1), /parent does not exist/);
    assert.throws(() => setAt({ a: [] }, '$.a[3]', 1), /no such location/);
  });

  test('cloneJson keeps an own __proto__ key as data without polluting prototypes', () => {
    const copy = cloneJson(parsed) as Record<string, unknown>;
    assert.deepEqual(copy, parsed);
    assert.ok(Object.hasOwn(copy, '__proto__'));
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
    const set = setAt(parsed, '$.__proto__', 'replaced') as Record<string, unknown>;
    assert.equal(Object.getOwnPropertyDescriptor(set, '__proto__')?.value, 'replaced');
    assert.equal(Object.getPrototypeOf(set), Object.prototype);
  });
});
