import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { assertBuilt } from '../helpers/cli.js';

// Runs the BUILT CLI (bin/run.js → dist/commands) in a subprocess with the pinned Node on PATH.
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../..');
const BIN = join(ROOT, 'node_modules', '.bin');
const ENV = { ...process.env, PATH: `${BIN}${delimiter}${process.env.PATH ?? ''}`, NO_COLOR: '1' };
const CANARY = 'canary-7f3a9c1e-do-not-print';
const SPEC = join(ROOT, 'samples', 'specs', 'source-sample-postgres.json');
const MANAGED =
  'airbyte_workspace_e0eb0554-ffe0-4e9c-9dc0-ed7f52023eb2_secret_9eba44d8-51e7-48f1-bde2-619af0e42c22_v2';

function run(...args: string[]) {
  const r = spawnSync(process.execPath, [join(ROOT, 'bin', 'run.js'), ...args], {
    cwd: ROOT,
    env: ENV,
    encoding: 'utf8',
  });
  assert.ok(!`${r.stdout}${r.stderr}`.includes(CANARY), 'the canary value never appears in the output');
  return r;
}

describe('airbyte-secrets paths (built CLI)', () => {
  let dir: string;
  let config: string;

  before(async () => {
    assertBuilt();
    dir = await mkdtemp(join(tmpdir(), 'abs-paths-'));
    config = join(dir, 'config.json');
    await writeFile(
      config,
      JSON.stringify({
        host: 'db',
        password: CANARY,
        tunnel_method: { tunnel_method: 'SSH_KEY_AUTH', ssh_key: { _secret: MANAGED } },
        ssl_mode: { mode: 'verify-full', client_key: '**********' },
      }),
    );
  });

  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  test('--json prints templates and the kind at each concrete path', () => {
    const r = run('paths', '--spec', SPEC, '--config', config, '--json');
    assert.equal(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout) as { templates: string[]; paths: Array<{ path: string; kind: string }> };
    assert.deepEqual(out.templates, [
      '$.password',
      '$.ssl_mode.client_key',
      '$.ssl_mode.client_key_password',
      '$.tunnel_method.ssh_key',
      '$.tunnel_method.tunnel_user_password',
    ]);
    assert.deepEqual(
      out.paths.map((p) => [p.path, p.kind]),
      [
        ['$.password', 'plaintext'],
        ['$.ssl_mode.client_key', 'mask'],
        ['$.tunnel_method.ssh_key', 'managed-ref'],
      ],
    );
  });

  test('the table output names paths and kinds, not values', () => {
    const r = run('paths', '--spec', SPEC, '--config', config);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /\$\.password\s+plaintext/);
    assert.match(r.stdout, /\$\.tunnel_method\.ssh_key\s+managed-ref\s+airbyte_workspace_/);
  });

  test('without --config only the templates are printed', () => {
    const r = run('paths', '--spec', SPEC, '--json');
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout).paths, []);
  });

  test('a malformed config exits 2 with one line that does not quote the file', async () => {
    const bad = join(dir, 'bad.json');
    await writeFile(bad, `{"password": ${CANARY}`);
    const r = run('paths', '--spec', SPEC, '--config', bad);
    assert.equal(r.status, 2);
    assert.match(r.stderr.trim(), /^Error: .*bad\.json is not valid JSON/);
    assert.equal(r.stderr.trim().split('\n').length, 1);
  });

  test('malformed YAML spec and a missing file exit 2, also under --json', async () => {
    const bad = join(dir, 'spec.yaml');
    await writeFile(bad, `connectionSpecification: [${CANARY}\n`);
    const r = run('paths', '--spec', bad, '--json');
    assert.equal(r.status, 2);
    assert.match(JSON.parse(r.stdout).error.message, /spec\.yaml is not valid YAML/);
    const missing = run('paths', '--spec', join(dir, 'nope.json'));
    assert.equal(missing.status, 2);
    assert.match(missing.stderr, /Cannot read .*nope\.json: no such file/);
  });

  test('the built package finds samples/specs from dist/src', () => {
    const code = `import('./dist/src/sample/sample-specs.js').then(async (m) => console.log((await m.listSampleSpecs()).length))`;
    const r = spawnSync(process.execPath, ['-e', code], { cwd: ROOT, env: ENV, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.ok(Number(r.stdout.trim()) >= 5);
  });
});
