import assert from 'node:assert/strict';
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import {
  CreateSecretCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import vault from 'node-vault';

// Runs the BUILT CLI (bin/run.js → dist/commands) in a subprocess with the pinned Node on PATH.
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../..');
const BIN = join(ROOT, 'node_modules', '.bin');
const ENV = { ...process.env, PATH: `${BIN}${delimiter}${process.env.PATH ?? ''}`, NO_COLOR: '1' };
const SOURCES = [
  'commands/emulate.ts',
  'src/emulators/index.ts',
  'src/emulators/vault/index.ts',
  'src/emulators/vault/wire.ts',
  'src/emulators/vault/model.ts',
  'src/emulators/aws/index.ts',
  'src/emulators/aws/wire.ts',
  'src/emulators/aws/model.ts',
];

before(() => {
  // Build only when dist is older than our sources (npm test builds first anyway).
  const built = join(ROOT, 'dist', 'commands', 'emulate.js');
  const stale =
    !existsSync(built) || SOURCES.some((f) => statSync(join(ROOT, f)).mtimeMs > statSync(built).mtimeMs);
  if (!stale) return;
  const tsc = spawnSync(
    process.execPath,
    [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.json'],
    {
      cwd: ROOT,
      env: ENV,
      encoding: 'utf8',
    },
  );
  const ours = (tsc.stdout ?? '').split('\n').filter((l) => SOURCES.some((f) => l.startsWith(f)));
  assert.deepEqual(ours, [], 'our files compile');
});

interface Running {
  child: ChildProcess;
  /** Everything printed so far. */
  stdout(): string;
  exit: Promise<number | null>;
}

/** Starts `emulate …` and resolves once its output contains `ready`. */
async function startEmulate(args: string[], ready: RegExp): Promise<Running> {
  const child = spawn(process.execPath, [join(ROOT, 'bin', 'run.js'), 'emulate', ...args], {
    cwd: ROOT,
    env: ENV,
  });
  let out = '';
  let err = '';
  child.stdout?.on('data', (d: Buffer) => {
    out += d.toString('utf8');
  });
  child.stderr?.on('data', (d: Buffer) => {
    err += d.toString('utf8');
  });
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  await new Promise<void>((resolve, reject) => {
    const check = () => (ready.test(out) ? resolve() : undefined);
    child.stdout?.on('data', check);
    void exit.then((code) => reject(new Error(`emulate exited ${code} before it was ready: ${err}`)));
  });
  return { child, stdout: () => out, exit };
}

test('emulate vault --json prints one JSON line, serves Vault, and stops cleanly on SIGTERM', async () => {
  const run = await startEmulate(['vault', '--json'], /\n/);
  try {
    const info = JSON.parse(run.stdout().split('\n')[0] ?? '') as {
      kind: string;
      url: string;
      credentials: { token: string };
      env: Record<string, string>;
      flags: string[];
    };
    assert.equal(info.kind, 'vault');
    assert.match(info.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.deepEqual(info.env, {
      VAULT_ADDRESS: info.url,
      VAULT_AUTH_TOKEN: info.credentials.token,
      VAULT_PREFIX: 'secret/',
    });
    assert.ok(info.flags.includes('--vault-address'));
    const client = vault({ endpoint: info.url, token: info.credentials.token });
    await client.write('secret/data/cli', { data: { value: 'from the cli' } });
    assert.deepEqual((await client.read('secret/data/cli')).data.data, { value: 'from the cli' });
  } finally {
    run.child.kill('SIGTERM');
  }
  assert.equal(await run.exit, 0);
  assert.equal(run.stdout().trim().split('\n').length, 1, 'exactly one line under --json');
});

test('emulate aws prints address, dummy credentials and the env to use; honours --no-quota, --latency, --fault-rate 0', async () => {
  const run = await startEmulate(
    ['aws', '--no-quota', '--latency', '1', '--fault-rate', '0'],
    /Stop with Ctrl-C/,
  );
  try {
    const out = run.stdout();
    const url = /listening on (\S+)/.exec(out)?.[1] ?? '';
    const field = (name: string) => new RegExp(`${name}: (\\S+)`).exec(out)?.[1] ?? '';
    assert.match(out, new RegExp(`export AWS_ENDPOINT_URL_SECRETS_MANAGER=${url}`));
    assert.match(out, /export AWS_SECRET_MANAGER_REGION=us-east-1/);
    const client = new SecretsManagerClient({
      endpoint: url,
      region: field('region'),
      credentials: { accessKeyId: field('accessKeyId'), secretAccessKey: field('secretAccessKey') },
      maxAttempts: 1,
    });
    await client.send(new CreateSecretCommand({ Name: 'cli', SecretString: 'one' }));
    // No quota: a burst of writes is admitted.
    await Promise.all(
      Array.from({ length: 80 }, () =>
        client.send(new PutSecretValueCommand({ SecretId: 'cli', SecretString: 'two' })),
      ),
    );
    assert.equal((await client.send(new GetSecretValueCommand({ SecretId: 'cli' }))).SecretString, 'two');
    client.destroy();
  } finally {
    run.child.kill('SIGINT');
  }
  assert.equal(await run.exit, 0);
});

test('a bad --fault-rate or an unknown kind is a usage error (exit 2)', () => {
  const badRate = spawnSync(
    process.execPath,
    [join(ROOT, 'bin', 'run.js'), 'emulate', 'vault', '--fault-rate', '2'],
    {
      cwd: ROOT,
      env: ENV,
      encoding: 'utf8',
    },
  );
  assert.equal(badRate.status, 2);
  assert.match(badRate.stderr, /--fault-rate must be a number from 0 to 1/);
  const badKind = spawnSync(process.execPath, [join(ROOT, 'bin', 'run.js'), 'emulate', 'consul'], {
    cwd: ROOT,
    env: ENV,
    encoding: 'utf8',
  });
  assert.equal(badKind.status, 2);
  assert.match(badKind.stderr, /Expected consul to be one of/);
});
