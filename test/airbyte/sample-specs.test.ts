import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { secretPathTemplates } from '../../src/airbyte/paths.js';
import { connectionSpecificationOf } from '../../src/airbyte/spec.js';
import { listSampleSpecs } from '../../src/sample/sample-specs.js';
import { packageRoot } from '../../src/util/package-root.js';

test('the package root is found from src/', () => {
  const root = packageRoot();
  assert.equal(JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).name, 'airbyte-secrets');
  assert.ok(existsSync(join(root, 'samples', 'specs')));
});

test('every sample spec is a ConnectorSpecification with an x-sample block and at least one secret', async () => {
  const samples = await listSampleSpecs();
  assert.ok(samples.length >= 5 && samples.length <= 7, `${samples.length} samples`);
  for (const s of samples) {
    assert.match(s.dockerRepository, /^airbyte\/(source|destination)-/, s.file);
    assert.ok(s.dockerRepository.startsWith(`airbyte/${s.actorType}-`), s.file);
    assert.equal(typeof s.spec.documentationUrl, 'string', s.file);
    assert.ok(!('x-sample' in s.spec), 'the sample block is not part of the spec');
    assert.ok(secretPathTemplates(connectionSpecificationOf(s.spec)).length >= 1, s.file);
  }
  assert.ok(samples.some((s) => s.actorType === 'source'));
  assert.ok(samples.some((s) => s.actorType === 'destination'));
});

test('together the samples cover nested objects, oneOf branches, arrays and the airbyte_secret:false rule', async () => {
  const all = (await listSampleSpecs()).flatMap((s) =>
    secretPathTemplates(connectionSpecificationOf(s.spec)),
  );
  for (const expected of [
    '$.password',
    '$.tunnel_method.ssh_key',
    '$.tunnel_method.tunnel_user_password',
    '$.credentials.client_secret',
    '$.credentials.refresh_token',
    '$.credentials.access_token',
    '$.secret_access_key',
    '$.api_keys[*]',
    '$.extra_headers[*].value',
    '$.loading_method.staging.encryption.key_encrypting_key',
    '$.webhook_signing_key',
    '$.auth.api_token',
  ]) {
    assert.ok(all.includes(expected), `some sample yields ${expected}`);
  }
  assert.ok(
    all.some((p) => p.split('.').length >= 5),
    'a secret at least three objects deep',
  );
});
