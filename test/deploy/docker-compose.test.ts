import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { type Command, Config } from '@oclif/core';
import { parse } from 'yaml';
import { assertBuilt } from '../helpers/cli.js';

// docker-compose.yml is checked structurally here (the Docker CLI has no compose plugin in CI
// and no engine); `docker compose config` runs too where the plugin exists.
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../..');
const COMPOSE = join(ROOT, 'docker-compose.yml');
const COMPOSE_README = join(ROOT, 'deploy', 'compose', 'README.md');
const CERT_SCRIPT = join(ROOT, 'deploy', 'compose', 'make-lowkey-cert.sh');

interface Service {
  image?: string;
  build?: { context: string };
  command?: string[];
  entrypoint?: string[];
  environment?: Record<string, string>;
  ports?: string[];
  volumes?: string[];
  healthcheck?: { test: string[] };
  depends_on?: Record<string, { condition: string }>;
  restart?: string;
}

const ONE_SHOT = new Set(['certs', 'seed']);

function composePluginWorks(): boolean {
  return spawnSync('docker', ['compose', 'version'], { encoding: 'utf8' }).status === 0;
}

/** The `node bin/run.js …` lines of a text, as argument lists. */
function cliLines(text: string): string[][] {
  return [...text.matchAll(/node bin\/run\.js ([^\n#]+)/g)].map((m) => m[1]!.trim().split(/\s+/));
}

describe('docker-compose.yml (the local rehearsal)', () => {
  let services: Record<string, Service>;
  let text: string;

  before(async () => {
    text = await readFile(COMPOSE, 'utf8');
    services = (parse(text, { merge: true }) as { services: Record<string, Service> }).services;
  });

  test('has the real services, pinned images, and our image for the Google emulator and the seed job', () => {
    assert.deepEqual(Object.keys(services).sort(), [
      'certs',
      'gcp',
      'localstack',
      'lowkey-vault',
      'postgres',
      'seed',
      'vault',
    ]);
    assert.equal(services.postgres!.image, 'postgres:16');
    assert.match(services.vault!.image ?? '', /^hashicorp\/vault:\d/);
    assert.ok(services.vault!.environment?.VAULT_DEV_ROOT_TOKEN_ID);
    assert.match(services.localstack!.image ?? '', /^localstack\/localstack:\d/);
    assert.equal(services.localstack!.environment?.SERVICES, 'secretsmanager');
    assert.match(services['lowkey-vault']!.image ?? '', /^nagyesta\/lowkey-vault:\d/);
    for (const name of ['gcp', 'seed']) {
      assert.equal(services[name]!.build?.context, '.', `${name} is built from the project's Dockerfile`);
    }
    assert.deepEqual(services.gcp!.command, ['emulate', 'gcp', '--port', '8085', '--host', '0.0.0.0']);
    assert.deepEqual(services.seed!.command?.slice(0, 2), ['sample', 'seed']);
    for (const [name, s] of Object.entries(services)) {
      for (const p of s.ports ?? [])
        assert.match(p, /^127\.0\.0\.1:\d+:\d+$/, `${name} publishes on loopback only`);
    }
  });

  test('every long-running service has a health check; one-shot jobs do not restart', () => {
    for (const [name, s] of Object.entries(services)) {
      if (ONE_SHOT.has(name)) assert.equal(s.restart, 'no', name);
      else
        assert.ok(
          Array.isArray(s.healthcheck?.test) && s.healthcheck.test.length > 1,
          `${name} has a health check`,
        );
    }
  });

  test('every dependency waits for health (or for a one-shot job to succeed)', () => {
    let edges = 0;
    for (const [name, s] of Object.entries(services)) {
      for (const [dep, { condition }] of Object.entries(s.depends_on ?? {})) {
        edges++;
        assert.ok(services[dep], `${name} depends on an existing service ${dep}`);
        const expected = ONE_SHOT.has(dep) ? 'service_completed_successfully' : 'service_healthy';
        assert.equal(condition, expected, `${name} → ${dep}`);
      }
    }
    assert.ok(edges >= 2);
    assert.ok(services.seed!.depends_on?.postgres);
    assert.ok(services['lowkey-vault']!.depends_on?.certs);
  });

  test('the certificate job script exists and is the one mounted', async () => {
    const mounted = services.certs!.volumes?.find((v) => v.includes('make-lowkey-cert.sh'));
    assert.ok(mounted?.startsWith('./deploy/compose/make-lowkey-cert.sh:'));
    assert.match(await readFile(CERT_SCRIPT, 'utf8'), /keytool -genkeypair/);
  });

  test('the certificate job makes a key store and a certificate for localhost and lowkey-vault', {
    skip: spawnSync('keytool', ['-help']).status === 0 ? false : 'keytool (a JRE) is not installed here',
  }, async () => {
    const dir = await mkdtemp(join(tmpdir(), 'abs-certs-'));
    try {
      const r = spawnSync('sh', [CERT_SCRIPT], { env: { ...process.env, CERTS_DIR: dir }, encoding: 'utf8' });
      assert.equal(r.status, 0, r.stderr);
      const pem = await readFile(join(dir, 'lowkey-vault.crt'), 'utf8');
      const { X509Certificate } = await import('node:crypto');
      const cert = new X509Certificate(pem);
      assert.match(cert.subjectAltName ?? '', /DNS:localhost/);
      assert.match(cert.subjectAltName ?? '', /DNS:lowkey-vault/);
      assert.ok(cert.checkHost('localhost'));
      const again = spawnSync('sh', [CERT_SCRIPT], {
        env: { ...process.env, CERTS_DIR: dir },
        encoding: 'utf8',
      });
      assert.match(again.stdout, /already/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test('`docker compose config` accepts it', {
    skip: composePluginWorks()
      ? false
      : 'the docker compose plugin is not installed here: checked structurally above',
  }, () => {
    const r = spawnSync('docker', ['compose', '-f', COMPOSE, 'config', '--quiet'], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    assert.equal(r.status, 0, r.stderr);
  });

  describe('the commands it documents', () => {
    let commands: Command.Loadable[];

    before(async () => {
      assertBuilt();
      commands = (await Config.load(ROOT)).commands;
    });

    test('the compose file header and deploy/compose/README.md list the same commands', async () => {
      const inCompose = cliLines(text).map((a) => a.join(' '));
      const inReadme = cliLines(await readFile(COMPOSE_README, 'utf8')).map((a) => a.join(' '));
      assert.ok(inCompose.length >= 12);
      assert.deepEqual([...new Set(inCompose)].sort(), [...new Set(inReadme)].sort());
    });

    test('each, and each service running our image, names a real command and only flags it has', async () => {
      const lines = [
        ...cliLines(text),
        ...cliLines(await readFile(COMPOSE_README, 'utf8')),
        services.gcp!.command!,
        services.seed!.command!,
      ];
      for (const args of lines) {
        const words = args.filter((a) => !a.startsWith('-'));
        const command = commands
          .filter((c) => c.id.split(':').every((part, i) => words[i] === part))
          .sort((a, b) => b.id.length - a.id.length)[0];
        assert.ok(command, `a command for: ${args.join(' ')}`);
        const flags = new Set(['json', ...Object.keys(command.flags)]);
        for (const a of args.filter((x) => x.startsWith('--'))) {
          assert.ok(flags.has(a.slice(2).split('=')[0]!), `${command.id} has ${a}`);
        }
      }
    });
  });
});
