import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { parseAllDocuments } from 'yaml';
import { parseFailOn } from '../../src/audit/severity.js';
import { parseReportFormats } from '../../src/report/index.js';

const root = new URL('../../', import.meta.url);
const read = (path: string) => readFileSync(new URL(path, root), 'utf8');

interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: { secretKeyRef?: { name: string; key: string; optional?: boolean } };
}
interface Container {
  image: string;
  args: string[];
  envFrom: Array<{ configMapRef?: { name: string } }>;
  env: EnvVar[];
  securityContext: Record<string, unknown>;
  volumeMounts: Array<{ name: string; mountPath: string }>;
}
interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace: string };
  spec: Record<string, unknown>;
}

function manifests(): Manifest[] {
  const docs = parseAllDocuments(read('deploy/cronjob.yaml'));
  for (const d of docs) assert.deepEqual(d.errors, [], 'YAML parses');
  return docs.map((d) => d.toJS() as Manifest).filter(Boolean);
}

describe('deploy/cronjob.yaml', () => {
  const all = manifests();
  const cron = all.find((m) => m.kind === 'CronJob')!;
  const spec = cron.spec as {
    schedule: string;
    concurrencyPolicy: string;
    jobTemplate: {
      spec: {
        backoffLimit: number;
        template: {
          spec: {
            restartPolicy: string;
            securityContext: Record<string, unknown>;
            containers: Container[];
            volumes: Array<{
              name: string;
              persistentVolumeClaim?: { claimName: string };
              emptyDir?: object;
            }>;
          };
        };
      };
    };
  };
  const job = spec.jobTemplate.spec;
  const pod = job.template.spec;
  const container = pod.containers[0]!;

  test('a nightly batch/v1 CronJob that fails on the first failed audit', () => {
    assert.equal(cron.apiVersion, 'batch/v1');
    assert.match(spec.schedule, /^\S+ \S+ \* \* \*$/);
    assert.equal(spec.concurrencyPolicy, 'Forbid');
    assert.equal(job.backoffLimit, 0);
    assert.equal(pod.restartPolicy, 'Never');
  });

  test('runs the audit command with formats and fail-on the CLI accepts', () => {
    assert.equal(pod.containers.length, 1);
    assert.deepEqual(container.args, [
      'audit',
      '--format',
      'sarif,html,json',
      '--output',
      '/reports/audit',
      '--fail-on',
      'high',
      '--compare',
      'last',
    ]);
    const arg = (flag: string) => container.args[container.args.indexOf(flag) + 1]!;
    assert.deepEqual(parseReportFormats(arg('--format')), ['sarif', 'html', 'json']);
    assert.equal(parseFailOn(arg('--fail-on')).minSeverity, 'high');
    assert.ok(container.volumeMounts.some((m) => arg('--output').startsWith(`${m.mountPath}/`)));
  });

  test("takes Airbyte's ConfigMap and credentials from Secrets, never inline", () => {
    assert.match(container.envFrom[0]?.configMapRef?.name ?? '', /-airbyte-env$/);
    const byName = new Map(container.env.map((e) => [e.name, e]));
    for (const name of [
      'DATABASE_PASSWORD',
      'VAULT_AUTH_TOKEN',
      'AWS_SECRET_MANAGER_ACCESS_KEY_ID',
      'AWS_SECRET_MANAGER_SECRET_ACCESS_KEY',
      'SECRET_STORE_GCP_CREDENTIALS',
      'AB_AZURE_KEY_VAULT_CLIENT_SECRET',
    ]) {
      const ref = byName.get(name)?.valueFrom?.secretKeyRef;
      assert.ok(ref?.name && ref.key, `${name} comes from a Secret`);
    }
    assert.notEqual(byName.get('DATABASE_PASSWORD')!.valueFrom!.secretKeyRef!.optional, true);
    for (const e of container.env) {
      if (e.value !== undefined) assert.match(e.name, /^XDG_/, `${e.name} must not be set inline`);
    }
  });

  test('non-root, read-only root filesystem, reports on a volume', () => {
    assert.equal(pod.securityContext.runAsNonRoot, true);
    assert.equal(container.securityContext.readOnlyRootFilesystem, true);
    assert.equal(container.securityContext.allowPrivilegeEscalation, false);
    const reports = pod.volumes.find((v) => v.name === 'reports')!;
    const claim = all.find((m) => m.kind === 'PersistentVolumeClaim')!;
    assert.equal(reports.persistentVolumeClaim?.claimName, claim.metadata.name);
    assert.equal(claim.metadata.namespace, cron.metadata.namespace);
    assert.ok(container.volumeMounts.some((m) => m.mountPath === '/tmp'));
  });
});

describe('Dockerfile', () => {
  const dockerfile = read('Dockerfile');
  const lines = dockerfile.split('\n').filter((l) => l.trim() && !l.trim().startsWith('#'));

  test('multi-stage on Node 22: packs, installs production dependencies only, runs as non-root', () => {
    const froms = lines.filter((l) => l.startsWith('FROM '));
    assert.ok(froms.length >= 3);
    assert.match(dockerfile, /^ARG NODE_IMAGE=node:22-bookworm-slim$/m);
    assert.match(lines.find((l) => l.startsWith('USER ')) ?? '', /^USER node$/);
    assert.equal(
      lines.find((l) => l.startsWith('ENTRYPOINT ')),
      'ENTRYPOINT ["node", "/app/bin/run.js"]',
    );
    assert.equal(
      lines.find((l) => l.startsWith('CMD ')),
      'CMD ["--help"]',
    );
    assert.match(dockerfile, /npm pack/);
    assert.match(dockerfile, /install-runtime\.sh/);
    assert.match(read('scripts/install-runtime.sh'), /npm ci --omit=dev/);
    // The runtime stage holds only what the install stage produced.
    const runtime = dockerfile.slice(dockerfile.lastIndexOf('FROM '));
    const copies = runtime.split('\n').filter((l) => l.startsWith('COPY '));
    assert.deepEqual(copies, ['COPY --from=install /app /app']);
  });

  test('.dockerignore is an allow-list holding what npm pack needs', () => {
    const rules = read('.dockerignore')
      .split('\n')
      .filter((l) => l.trim() && !l.startsWith('#'));
    assert.equal(rules[0], '*', 'everything else stays out of the build context');
    const allowed = rules.filter((l) => l.startsWith('!')).map((l) => l.slice(1).replace(/\/$/, ''));
    const pkg = JSON.parse(read('package.json')) as { files: string[] };
    const needed = [
      'package.json',
      'package-lock.json',
      'tsconfig.json',
      'commands',
      'src',
      'scripts/install-runtime.sh',
    ];
    for (const f of [...pkg.files.filter((x) => x !== 'dist'), ...needed]) {
      assert.ok(
        allowed.some((a) => f === a || f.startsWith(`${a}/`)),
        `${f} reaches the build context`,
      );
    }
  });
});
