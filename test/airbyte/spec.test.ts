import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { connectionSpecificationOf, loadJsonOrYamlFile, loadSpecFile } from '../../src/airbyte/spec.js';
import { UsageError } from '../../src/util/errors.js';

const schema = { type: 'object', properties: { password: { type: 'string', airbyte_secret: true } } };

describe('connectionSpecificationOf', () => {
  test('accepts a ConnectorSpecification, a manifest spec, a wrapper with spec, or a bare schema', () => {
    assert.equal(
      connectionSpecificationOf({ documentationUrl: 'x', connectionSpecification: schema }),
      schema,
    );
    assert.equal(connectionSpecificationOf({ connection_specification: schema }), schema);
    assert.equal(
      connectionSpecificationOf({ name: 'source-x', spec: { connectionSpecification: schema } }),
      schema,
    );
    assert.equal(connectionSpecificationOf(schema), schema);
  });

  test('rejects what cannot be a spec', () => {
    assert.throws(() => connectionSpecificationOf([schema]), /must be a JSON object/);
    assert.throws(
      () => connectionSpecificationOf({ connectionSpecification: 'x' }),
      /connectionSpecification must be a JSON object/,
    );
  });
});

describe('loadSpecFile and loadJsonOrYamlFile', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'abs-spec-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const write = async (name: string, text: string) => {
    const file = join(dir, name);
    await writeFile(file, text);
    return file;
  };

  test('reads JSON and YAML specs', async () => {
    assert.deepEqual(
      await loadSpecFile(await write('a.json', JSON.stringify({ connectionSpecification: schema }))),
      schema,
    );
    const yaml =
      'connectionSpecification:\n  type: object\n  properties:\n    password:\n      type: string\n      airbyte_secret: true\n';
    assert.deepEqual(await loadSpecFile(await write('a.yaml', yaml)), schema);
    assert.deepEqual(
      await loadSpecFile(await write('spec.txt', yaml)),
      schema,
      'unknown extensions try JSON, then YAML',
    );
  });

  test('malformed files give one-line UsageErrors naming the file and never quoting it', async () => {
    const cases: Array<[string, string, RegExp]> = [
      ['bad.json', '{"password": canary-123', /bad\.json is not valid JSON/],
      ['bad.yaml', 'a: [canary-123\n', /bad\.yaml is not valid YAML \(\w+( at line \d+ column \d+)?\)/],
      ['bad.txt', '{ "a": canary-123 ]', /bad\.txt is not valid YAML/],
    ];
    for (const [name, text, expected] of cases) {
      const file = await write(name, text);
      await assert.rejects(loadJsonOrYamlFile(file), (err: unknown) => {
        assert.ok(err instanceof UsageError);
        assert.match(err.message, expected);
        assert.ok(!err.message.includes('canary'), err.message);
        assert.ok(!err.message.includes('\n'));
        return true;
      });
    }
    await assert.rejects(loadSpecFile(join(dir, 'nope.json')), /Cannot read .*nope\.json: no such file/);
    await assert.rejects(loadSpecFile(await write('list.json', '[1]')), (err: unknown) => {
      return (
        err instanceof UsageError && /list\.json: a connector spec must be a JSON object/.test(err.message)
      );
    });
  });
});
