import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  describeSecretPaths,
  expandPath,
  expandTemplates,
  secretPathTemplates,
} from '../../src/airbyte/paths.js';

const secret = { type: 'string', airbyte_secret: true };

describe("secretPathTemplates follows Airbyte's getSortedSecretPaths", () => {
  test('key presence counts: airbyte_secret false is still a secret path', () => {
    const spec = {
      type: 'object',
      properties: { a: { type: 'string', airbyte_secret: false }, b: { type: 'string' } },
    };
    assert.deepEqual(secretPathTemplates(spec), ['$.a']);
  });

  test('no type: enum means string, otherwise object (whose properties are walked)', () => {
    const spec = {
      properties: {
        e: { enum: ['x'], airbyte_secret: true, properties: { hidden: secret } },
        o: { properties: { p: secret } },
      },
    };
    assert.deepEqual(secretPathTemplates(spec), ['$.e', '$.o.p']);
  });

  test('arrays: [*] then items; a missing items stops; tuple items throw', () => {
    assert.deepEqual(
      secretPathTemplates({
        properties: { a: { type: 'array', items: secret }, b: { type: 'array', airbyte_secret: true } },
      }),
      ['$.a[*]', '$.b'],
    );
    assert.throws(
      () => secretPathTemplates({ properties: { t: { type: 'array', items: [secret] } } }),
      /must be objects: \$\.t\[\*\] is an array/,
    );
  });

  test('type lists are each walked', () => {
    const spec = {
      properties: { x: { type: ['array', 'object'], items: secret, properties: { y: secret } } },
    };
    assert.deepEqual(secretPathTemplates(spec), ['$.x.y', '$.x[*]']);
  });

  test('properties win over oneOf; otherwise the first of oneOf, allOf, anyOf is walked on the same path', () => {
    const both = {
      properties: {
        c: { type: 'object', properties: { p: secret }, oneOf: [{ properties: { q: secret } }] },
      },
    };
    assert.deepEqual(secretPathTemplates(both), ['$.c.p']);
    const order = {
      properties: {
        c: {
          anyOf: [{ properties: { fromAnyOf: secret } }],
          allOf: [{ properties: { fromAllOf: secret } }],
          oneOf: [
            { properties: { fromOneOf: secret } },
            { properties: { fromOneOf: secret, other: secret } },
          ],
        },
      },
    };
    assert.deepEqual(secretPathTemplates(order), ['$.c.fromOneOf', '$.c.other']);
    const allOf = {
      properties: { c: { allOf: [{ properties: { a: secret } }], anyOf: [{ properties: { b: secret } }] } },
    };
    assert.deepEqual(secretPathTemplates(allOf), ['$.c.a']);
  });

  test('$ref, additionalProperties and patternProperties are not followed', () => {
    const spec = {
      definitions: { d: { properties: { x: secret } } },
      properties: {
        r: { $ref: '#/definitions/d' },
        m: { type: 'object', additionalProperties: secret },
        n: { type: 'object', patternProperties: { '.*': secret } },
      },
    };
    assert.deepEqual(secretPathTemplates(spec), []);
  });

  test('the root can match, and non-object schema nodes throw', () => {
    assert.deepEqual(secretPathTemplates({ type: 'string', airbyte_secret: true }), ['$']);
    assert.throws(() => secretPathTemplates(null), /JSON schema nodes must be objects: \$ is null/);
    assert.throws(() => secretPathTemplates({ properties: { a: true } }), /\$\.a is boolean/);
    assert.throws(() => secretPathTemplates({ properties: { a: { oneOf: ['x'] } } }), /\$\.a is string/);
  });

  test('distinct and sorted in Java String order (UTF-16 code units)', () => {
    const spec = { properties: { b: secret, a: secret, B: secret, é: secret, a_b: secret, 'a.b': secret } };
    // Our bracketed form of an odd key sorts after every dot path ('[' > '.'); Airbyte's `$.a.b`
    // would sort between `$.a` and `$.a_b`, so UUIDs are drawn in another order for such specs.
    assert.deepEqual(secretPathTemplates(spec), ['$.B', '$.a', '$.a_b', '$.b', '$.é', "$['a.b']"]);
  });
});

describe('expandPath follows Jayway AS_PATH_LIST as Airbyte uses it', () => {
  test('sorted as strings, so [10] comes before [2]', () => {
    const config = { keys: Array.from({ length: 12 }, (_, i) => ({ a: `k${i}` })) };
    const paths = expandPath(config, '$.keys[*].a');
    assert.equal(paths.length, 12);
    assert.deepEqual(paths.slice(0, 4), ['$.keys[0].a', '$.keys[10].a', '$.keys[11].a', '$.keys[1].a']);
  });

  test('missing paths yield nothing; a present null is returned; elements without the key are skipped', () => {
    assert.deepEqual(expandPath({}, '$.password'), []);
    assert.deepEqual(expandPath({ password: null }, '$.password'), ['$.password']);
    assert.deepEqual(expandPath({ k: [{ key1: 'x' }, { key2: 'y' }, 'str'] }, '$.k[*].key2'), [
      '$.k[1].key2',
    ]);
    assert.deepEqual(expandPath({ a: null }, '$.a.b'), []);
    assert.deepEqual(expandPath({ a: 'text' }, '$.a[*]'), []);
  });

  test('[*] over an object iterates its values, as Jayway does', () => {
    assert.deepEqual(expandPath({ a: { y: 1, x: 2 } }, '$.a[*]'), ['$.a.x', '$.a.y']);
  });

  test('expandTemplates keeps template order and drops repeats', () => {
    const config = { a: { x: 's' }, b: 's', list: ['1', '2'] };
    assert.deepEqual(expandTemplates(config, ['$.list[*]', '$.b', '$.a[*]', '$.a.x']), [
      '$.list[0]',
      '$.list[1]',
      '$.b',
      '$.a.x',
    ]);
  });
});

describe('describeSecretPaths', () => {
  test('kinds per concrete path, plus references the spec does not mark; never values', () => {
    const spec = { properties: { password: secret, keys: { type: 'array', items: secret }, gone: secret } };
    const config = {
      password: 'canary-123',
      keys: ['**********', { _secret: 'ext' }],
      other: { _secret: 'orphan' },
    };
    const report = describeSecretPaths(spec, config);
    assert.deepEqual(report.templates, ['$.gone', '$.keys[*]', '$.password']);
    assert.deepEqual(report.paths, [
      { path: '$.keys[0]', kind: 'mask', template: '$.keys[*]' },
      { path: '$.keys[1]', kind: 'external-ref', template: '$.keys[*]', coordinate: 'ext' },
      { path: '$.password', kind: 'plaintext', template: '$.password' },
      { path: '$.other', kind: 'external-ref', template: null, coordinate: 'orphan' },
    ]);
    assert.ok(!JSON.stringify(report).includes('canary'));
    assert.deepEqual(describeSecretPaths(spec).paths, []);
  });
});
