/**
 * The manifests under deploy/ are valid Kubernetes objects, checked offline against validators
 * generated from the Kubernetes OpenAPI schemas (the kubernetes-models package), and the README's
 * Job example is deploy/migrate-job.yaml itself.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { CronJob } from 'kubernetes-models/batch/v1/CronJob';
import { Job } from 'kubernetes-models/batch/v1/Job';
import { PersistentVolumeClaim } from 'kubernetes-models/v1/PersistentVolumeClaim';
import { parseAllDocuments } from 'yaml';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

interface Validating {
  validate(): void;
}
// Parsed YAML has no static type: the models take it as their input type and validate() checks it.
type Input<M extends abstract new (data: never) => unknown> = ConstructorParameters<M>[0];
const MODELS: Record<string, (data: Record<string, unknown>) => Validating> = {
  'batch/v1 CronJob': (data) => new CronJob(data as Input<typeof CronJob>),
  'batch/v1 Job': (data) => new Job(data as Input<typeof Job>),
  'v1 PersistentVolumeClaim': (data) =>
    new PersistentVolumeClaim(data as Input<typeof PersistentVolumeClaim>),
};

function manifests(file: string): Array<Record<string, unknown>> {
  return parseAllDocuments(readFileSync(join(ROOT, 'deploy', file), 'utf8')).map((doc) => {
    assert.deepEqual(doc.errors, [], `${file}: YAML errors`);
    const value: unknown = doc.toJS();
    assert.ok(typeof value === 'object' && value !== null && !Array.isArray(value), `${file}: not an object`);
    return value as Record<string, unknown>;
  });
}

function validate(file: string): string[] {
  return manifests(file).map((data) => {
    const kind = `${String(data.apiVersion)} ${String(data.kind)}`;
    const model = MODELS[kind];
    assert.ok(model, `${file}: no schema for ${kind}`);
    model(data).validate();
    return kind;
  });
}

test('deploy/cronjob.yaml: a PersistentVolumeClaim and a CronJob valid against the Kubernetes schemas', () => {
  assert.deepEqual(validate('cronjob.yaml'), ['v1 PersistentVolumeClaim', 'batch/v1 CronJob']);
});

test('deploy/migrate-job.yaml: a Job valid against the Kubernetes schemas', () => {
  assert.deepEqual(validate('migrate-job.yaml'), ['batch/v1 Job']);
});

test('the schemas reject what Kubernetes would: a wrong type, a container without a name', () => {
  const [job] = manifests('migrate-job.yaml');
  assert.ok(job);
  const wrongType = structuredClone(job);
  (wrongType.spec as Record<string, unknown>).backoffLimit = 'none';
  assert.throws(() => new Job(wrongType as Input<typeof Job>).validate(), /backoffLimit must be integer/);
  const text = JSON.stringify(job).replace('"name":"migrate",', '');
  assert.throws(
    () => new Job(JSON.parse(text)).validate(),
    /must have required property 'name'|required property name/,
  );
});

test("README.md's Job example is deploy/migrate-job.yaml, byte for byte", () => {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const file = readFileSync(join(ROOT, 'deploy', 'migrate-job.yaml'), 'utf8');
  const start = '<!-- deploy/migrate-job.yaml -->\n```yaml\n';
  const stop = '```\n<!-- /deploy/migrate-job.yaml -->';
  const from = readme.indexOf(start);
  const to = readme.indexOf(stop, from);
  assert.ok(from !== -1 && to !== -1, 'README.md lacks the deploy/migrate-job.yaml markers');
  assert.equal(
    readme.slice(from + start.length, to),
    file,
    'README.md: copy deploy/migrate-job.yaml between its markers',
  );
});
