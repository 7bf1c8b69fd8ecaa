import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { inspect } from 'node:util';
import type { ResolveStoreInput } from '../../src/config/store-settings.js';
import {
  chooseStoreKind,
  DEFAULT_SOURCE_NOTE,
  resolveStoreSettings,
} from '../../src/config/store-settings.js';
import type { AwsStoreSettings } from '../../src/stores/aws/index.js';
import type { AzureStoreSettings } from '../../src/stores/azure/index.js';
import type { GcpStoreSettings } from '../../src/stores/gcp/index.js';
import type { StoreSettings } from '../../src/stores/registry.js';
import type { VaultStoreSettings } from '../../src/stores/vault/index.js';
import { UsageError } from '../../src/util/errors.js';

const fx = (name: string) => fileURLToPath(new URL(`../fixtures/values/${name}`, import.meta.url));
const DB = { url: 'postgres://airbyte:pw-canary@db.internal:5432/airbyte' };

/** Warnings of the last `resolve`, instead of on stderr. */
let warnings: string[] = [];

function resolve(input: Partial<ResolveStoreInput>): Promise<StoreSettings> {
  warnings = [];
  return resolveStoreSettings({
    side: 'from',
    env: {},
    flags: {},
    databaseConnection: DB,
    onWarning: (w) => warnings.push(w),
    ...input,
  });
}

async function as<T extends StoreSettings>(input: Partial<ResolveStoreInput>): Promise<T> {
  return (await resolve(input)) as T;
}

/** Asserts a `UsageError` whose message is one line and matches. */
async function rejectsWith(p: Promise<unknown>, pattern: RegExp): Promise<string> {
  let caught: unknown;
  try {
    await p;
  } catch (err) {
    caught = err;
  }
  assert.ok(caught instanceof UsageError, `expected a UsageError, got ${inspect(caught)}`);
  assert.match(caught.message, pattern);
  assert.ok(!caught.message.includes('\n'), `one line: ${caught.message}`);
  return caught.message;
}

describe('choosing the store', () => {
  test('no SECRET_PERSISTENCE means the database table, and says so', async () => {
    assert.deepEqual(await chooseStoreKind({ side: 'from', env: {}, flags: {} }), {
      kind: 'database',
      origin: 'default',
      note: DEFAULT_SOURCE_NOTE,
    });
    const empty = await chooseStoreKind({ side: 'from', env: { SECRET_PERSISTENCE: ' ' }, flags: {} });
    assert.equal(empty.kind, 'database');
    const s = await resolve({});
    assert.equal(s.kind, 'database');
  });

  test("Airbyte's spellings from env, values and flags", async () => {
    // SECRET_PERSISTENCE takes Airbyte's names in any case (chart v1's camelCase is refused: see
    // test/config/chart-settings.test.ts).
    for (const [text, kind] of [
      ['TESTING_CONFIG_DB_TABLE', 'database'],
      ['testing_config_db_table', 'database'],
      ['VAULT', 'vault'],
      ['aws_secret_manager', 'aws'],
      ['GOOGLE_SECRET_MANAGER', 'gcp'],
      ['Azure_Key_Vault', 'azure'],
    ] as const) {
      const choice = await chooseStoreKind({ side: 'from', env: { SECRET_PERSISTENCE: text }, flags: {} });
      assert.equal(choice.kind, kind, text);
      assert.equal(choice.origin, 'SECRET_PERSISTENCE');
    }
    const flag = await chooseStoreKind({
      side: 'from',
      env: { SECRET_PERSISTENCE: 'VAULT' },
      flags: { from: 'gcp' },
    });
    assert.deepEqual(flag, { kind: 'gcp', origin: '--from' });
  });

  test('NO_OP and unknown names are refused in one line naming the source', async () => {
    await rejectsWith(
      resolve({ env: { SECRET_PERSISTENCE: 'NO_OP' } }),
      /^SECRET_PERSISTENCE: NO_OP .*no-op store/,
    );
    await rejectsWith(
      resolve({ store: 'S3' }),
      /^--from: unknown store "S3": use one of database, vault, aws, gcp, azure/,
    );
  });

  test('the target must be named', async () => {
    await rejectsWith(resolve({ side: 'to' }), /^no target store: set --to/);
    // SECRET_PERSISTENCE describes the source only.
    await rejectsWith(resolve({ side: 'to', env: { SECRET_PERSISTENCE: 'VAULT' } }), /^no target store/);
  });

  test('the database needs a connection', async () => {
    await rejectsWith(
      resolveStoreSettings({ side: 'from', env: {}, flags: {} }),
      /^database: no connection .*--database-url or DATABASE_URL$/,
    );
  });
});

describe('settings from the env (Airbyte names)', () => {
  test('vault', async () => {
    const s = await as<VaultStoreSettings>({
      env: { SECRET_PERSISTENCE: 'VAULT', VAULT_ADDRESS: 'http://vault:8200/', VAULT_AUTH_TOKEN: 'hvs.env' },
    });
    assert.equal(s.address, 'http://vault:8200');
    assert.equal(s.prefix, 'secret/', "chart v2's default prefix");
    assert.equal(s.token.reveal(), 'hvs.env');
  });

  test('aws with static keys, KMS and tags', async () => {
    const s = await as<AwsStoreSettings>({
      env: {
        SECRET_PERSISTENCE: 'AWS_SECRET_MANAGER',
        AWS_SECRET_MANAGER_REGION: 'eu-central-1',
        AWS_SECRET_MANAGER_ACCESS_KEY_ID: 'AKIAENV',
        AWS_SECRET_MANAGER_SECRET_ACCESS_KEY: 'env-secret',
        AWS_KMS_KEY_ARN: 'arn:aws:kms:eu-central-1:1:key/k',
        AWS_SECRET_MANAGER_SECRET_TAGS: 'team=data, env=prod',
      },
    });
    assert.equal(s.region, 'eu-central-1');
    assert.equal(s.accessKeyId, 'AKIAENV');
    assert.equal(s.secretAccessKey?.reveal(), 'env-secret');
    assert.equal(s.kmsKeyId, 'arn:aws:kms:eu-central-1:1:key/k');
    assert.deepEqual(s.tags, { team: 'data', env: 'prod' });
  });

  test('aws without keys uses the default chain; empty env values count as unset', async () => {
    const s = await as<AwsStoreSettings>({
      env: {
        SECRET_PERSISTENCE: 'aws_secret_manager',
        AWS_SECRET_MANAGER_REGION: 'us-east-1',
        AWS_SECRET_MANAGER_ACCESS_KEY_ID: '',
        AWS_KMS_KEY_ARN: '',
      },
    });
    assert.deepEqual(Object.keys(s).sort(), ['kind', 'region']);
  });

  test('gcp with credentials content and region', async () => {
    const s = await as<GcpStoreSettings>({
      env: {
        SECRET_PERSISTENCE: 'GOOGLE_SECRET_MANAGER',
        SECRET_STORE_GCP_PROJECT_ID: 'env-project',
        SECRET_STORE_GCP_REGION: 'us-central1',
        SECRET_STORE_GCP_CREDENTIALS: '{"type":"service_account","project_id":"other-project"}',
      },
    });
    assert.equal(s.projectId, 'env-project');
    assert.equal(s.region, 'us-central1');
    assert.match(s.credentials?.reveal() ?? '', /service_account/);
  });

  test('azure with a client secret', async () => {
    const s = await as<AzureStoreSettings>({
      env: {
        SECRET_PERSISTENCE: 'AZURE_KEY_VAULT',
        AB_AZURE_KEY_VAULT_VAULT_URL: 'https://env.vault.azure.net/',
        AB_AZURE_KEY_VAULT_TENANT_ID: 'tenant',
        AB_AZURE_KEY_VAULT_CLIENT_ID: 'client',
        AB_AZURE_KEY_VAULT_CLIENT_SECRET: 'env-client-secret',
        AB_AZURE_KEY_VAULT_TAGS: 'a=b',
      },
    });
    assert.equal(s.vaultUrl, 'https://env.vault.azure.net/');
    assert.equal(s.clientId, 'client');
    assert.equal(s.clientSecret?.reveal(), 'env-client-secret');
    assert.deepEqual(s.tags, { a: 'b' });
    assert.equal(s.allowInsecureConnection, undefined);
  });
});

describe('settings from Helm values and the Secret manifest', () => {
  const cases: [string, string, (s: StoreSettings) => void][] = [
    [
      'chart-v1/aws',
      'stringData, v1 key names, kms, tags list',
      (s) => {
        const a = s as AwsStoreSettings;
        assert.equal(a.region, 'eu-west-1');
        assert.equal(a.accessKeyId, 'AKIAFIXTUREV1KEY0001');
        assert.equal(a.secretAccessKey?.reveal(), 'fixture-v1-aws-secret-key');
        assert.equal(a.kmsKeyId, 'arn:aws:kms:eu-west-1:111122223333:key/fixture-v1');
        assert.deepEqual(a.tags, { team: 'data-platform', env: 'prod' });
      },
    ],
    [
      'chart-v1/gcp',
      'base64 data under gcp.json',
      (s) => {
        const g = s as GcpStoreSettings;
        assert.equal(g.projectId, 'fixture-project');
        assert.equal(g.region, 'europe-west4');
        assert.equal(JSON.parse(g.credentials?.reveal() ?? '{}').project_id, 'fixture-project');
      },
    ],
    [
      'chart-v1/azure',
      'v1 default key names',
      (s) => {
        const z = s as AzureStoreSettings;
        assert.equal(z.vaultUrl, 'https://fixture-v1.vault.azure.net/');
        assert.equal(z.tenantId, '3f0c0000-0000-4000-8000-00000000a1a1');
        assert.equal(z.clientId, '0b1e0000-0000-4000-8000-00000000c1d1');
        assert.equal(z.clientSecret?.reveal(), 'fixture-v1-azure-client-secret');
        assert.deepEqual(z.tags, { owner: 'airbyte' });
      },
    ],
    [
      'chart-v1/vault',
      'base64 vault-auth-token',
      (s) => {
        const v = s as VaultStoreSettings;
        assert.equal(v.address, 'http://airbyte-vault-svc.airbyte:8200');
        assert.equal(v.prefix, 'secret/');
        assert.equal(v.token.reveal(), 'hvs.fixture-v1-vault-token');
      },
    ],
    [
      'chart-v2/aws',
      'base64 data, env-name keys, kmsArn, global.secretName',
      (s) => {
        const a = s as AwsStoreSettings;
        assert.equal(a.region, 'us-west-2');
        assert.equal(a.accessKeyId, 'AKIAFIXTUREV2KEY0002');
        assert.equal(a.secretAccessKey?.reveal(), 'fixture-v2-aws-secret-key');
        assert.equal(a.kmsKeyId, 'arn:aws:kms:us-west-2:111122223333:key/fixture-v2');
        assert.deepEqual(a.tags, { team: 'data' });
      },
    ],
    [
      'chart-v2/gcp',
      'the Secret named by secretName among two documents',
      (s) => {
        const g = s as GcpStoreSettings;
        assert.equal(g.projectId, 'fixture-project-v2');
        assert.equal(JSON.parse(g.credentials?.reveal() ?? '{}').project_id, 'fixture-project-v2');
      },
    ],
    [
      'chart-v2/azure',
      'tags as a string',
      (s) => {
        const z = s as AzureStoreSettings;
        assert.equal(z.clientId, '0b1e0000-0000-4000-8000-00000000c2d2');
        assert.equal(z.clientSecret?.reveal(), 'fixture-v2-azure-client-secret');
        assert.deepEqual(z.tags, { owner: 'airbyte', 'cost-center': '42' });
      },
    ],
    [
      'chart-v2/vault',
      'prefix with a folder',
      (s) => {
        const v = s as VaultStoreSettings;
        assert.equal(v.address, 'https://vault.fixture.internal:8200');
        assert.equal(v.prefix, 'kv/airbyte/');
        assert.equal(v.token.reveal(), 'hvs.fixture-v2-vault-token');
      },
    ],
    [
      'chart-v2/vault-custom-key',
      'a custom authTokenSecretKey wins over the default key',
      (s) => assert.equal((s as VaultStoreSettings).token.reveal(), 'hvs.fixture-custom-key-token'),
    ],
  ];
  for (const [name, what, check] of cases) {
    test(`${name}: ${what}`, async () => {
      check(await resolve({ valuesFile: fx(`${name}.values.yaml`), secretFile: fx(`${name}.secret.yaml`) }));
    });
  }

  test('chart v2 inline token, without a Secret manifest', async () => {
    const s = await as<VaultStoreSettings>({ valuesFile: fx('chart-v2/vault-inline.values.yaml') });
    assert.equal(s.token.reveal(), 'hvs.fixture-inline-token');
  });

  test('authenticationType instanceProfile drops static keys from the env', async () => {
    const s = await as<AwsStoreSettings>({
      valuesFile: fx('chart-v1/aws-instance-profile.values.yaml'),
      env: { AWS_SECRET_MANAGER_ACCESS_KEY_ID: 'AKIAENV', AWS_SECRET_MANAGER_SECRET_ACCESS_KEY: 'x' },
    });
    assert.equal(s.region, 'us-east-2');
    assert.equal(s.accessKeyId, undefined);
    assert.equal(s.secretAccessKey, undefined);
  });

  test("a Secret manifest alone, keys looked up under both charts' default names", async () => {
    const s = await as<VaultStoreSettings>({
      store: 'vault',
      env: { VAULT_ADDRESS: 'http://vault:8200' },
      secretFile: fx('chart-v1/vault.secret.yaml'),
    });
    assert.equal(s.token.reveal(), 'hvs.fixture-v1-vault-token');
  });

  test('the side flags name the files: --to-values / --to-secret', async () => {
    const s = await resolveStoreSettings({
      side: 'to',
      env: {},
      flags: { 'to-values': fx('chart-v2/aws.values.yaml'), 'to-secret': fx('chart-v2/aws.secret.yaml') },
    });
    assert.equal(s.kind, 'aws');
  });
});

describe("Airbyte's documentation examples", () => {
  for (const kind of ['aws', 'gcp', 'azure', 'vault'] as const) {
    test(`${kind} values and Secret as documented parse into settings`, async () => {
      const s = await resolve({
        valuesFile: fx(`docs/${kind}.values.yaml`),
        secretFile: fx(`docs/${kind}.secret.yaml`),
      });
      assert.equal(s.kind, kind);
      if (s.kind === 'aws') {
        assert.equal(s.accessKeyId, 'AKIADOCSEXAMPLE00001');
        // The example names its Secret with chart v2's secretName, and chart v2 reads kmsArn only.
        assert.equal(s.kmsKeyId, undefined, 'kms is ignored in a v2 layout (and warned about)');
        assert.deepEqual(s.tags, { team: 'deployments', 'business-unit': 'engineering' });
      }
      if (s.kind === 'gcp') {
        assert.equal(s.region, undefined, 'region "" is unset');
        assert.match(s.credentials?.reveal() ?? '', /docs-example-project/);
      }
      if (s.kind === 'azure') {
        assert.equal(
          s.clientId,
          '3fc80000-0000-4000-8000-0000000000c1',
          'empty clientIdSecretKey means the default key',
        );
        assert.equal(s.clientSecret?.reveal(), 'docs-example-client-secret');
      }
      if (s.kind === 'vault') assert.equal(s.token.reveal(), 'hvs.docs-example-token');
    });
  }

  test('the Azure example with its placeholders still in parses and names the missing setting', async () => {
    await rejectsWith(
      resolve({ valuesFile: fx('docs/unfilled-azure.values.yaml') }),
      /^azure: no vault URL: set --azure-vault-url, AB_AZURE_KEY_VAULT_VAULT_URL, or global\.secretsManager\.azureKeyVault\.vaultUrl in values\.yaml$/,
    );
    const s = await as<AzureStoreSettings>({
      valuesFile: fx('docs/unfilled-azure.values.yaml'),
      env: { AB_AZURE_KEY_VAULT_VAULT_URL: 'https://x.vault.azure.net' },
    });
    assert.deepEqual(s.tags, { 'business-unit': 'engineering' }, 'the placeholder tag is skipped');
  });
});

describe('precedence: env < values < flags', () => {
  test('vault address, prefix and token', async () => {
    const env = { VAULT_ADDRESS: 'http://env:8200', VAULT_PREFIX: 'env/', VAULT_AUTH_TOKEN: 'env-token' };
    const fromEnv = await as<VaultStoreSettings>({ store: 'vault', env });
    assert.equal(fromEnv.address, 'http://env:8200');
    const fromValues = await as<VaultStoreSettings>({
      env,
      valuesFile: fx('chart-v2/vault.values.yaml'),
      secretFile: fx('chart-v2/vault.secret.yaml'),
    });
    assert.equal(fromValues.address, 'https://vault.fixture.internal:8200');
    assert.equal(fromValues.prefix, 'kv/airbyte/');
    assert.equal(fromValues.token.reveal(), 'hvs.fixture-v2-vault-token');
    const fromFlags = await as<VaultStoreSettings>({
      env,
      valuesFile: fx('chart-v2/vault.values.yaml'),
      secretFile: fx('chart-v2/vault.secret.yaml'),
      flags: {
        'vault-address': 'http://flag:8200',
        'vault-token': 'flag-token',
        'vault-namespace': 'team-a',
      },
    });
    assert.equal(fromFlags.address, 'http://flag:8200');
    assert.equal(fromFlags.prefix, 'kv/airbyte/');
    assert.equal(fromFlags.token.reveal(), 'flag-token');
    assert.equal(fromFlags.namespace, 'team-a');
  });

  test('store kind: env < values < flag', async () => {
    const env = { SECRET_PERSISTENCE: 'VAULT' };
    const values = fx('chart-v2/gcp.values.yaml');
    assert.equal((await chooseStoreKind({ side: 'from', env, flags: {} })).kind, 'vault');
    assert.equal((await chooseStoreKind({ side: 'from', env, flags: {}, valuesFile: values })).kind, 'gcp');
    assert.equal(
      (await chooseStoreKind({ side: 'from', env, flags: {}, valuesFile: values, store: 'aws' })).kind,
      'aws',
    );
  });

  test('gcp credentials flag: a file path or the JSON itself', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'abs-gcp-'));
    try {
      const file = join(dir, 'sa.json');
      await writeFile(file, '{"type":"service_account","project_id":"from-file"}');
      const byPath = await as<GcpStoreSettings>({ store: 'gcp', flags: { 'gcp-credentials': file } });
      assert.equal(byPath.projectId, 'from-file', "the service account's project when none is set");
      const inline = await as<GcpStoreSettings>({
        store: 'gcp',
        flags: { 'gcp-credentials': ' {"type":"service_account"}', 'gcp-project': 'flag-project' },
      });
      assert.equal(inline.projectId, 'flag-project');
    } finally {
      await rm(dir, { recursive: true });
    }
  });

  test('store flags go to the target when both sides are the same kind', async () => {
    const flags = {
      to: 'vault',
      'vault-address': 'http://target:8200',
      'vault-token': 'target-token',
      concurrency: 4,
    };
    const env = { SECRET_PERSISTENCE: 'VAULT', VAULT_ADDRESS: 'http://source:8200', VAULT_AUTH_TOKEN: 'src' };
    const from = await as<VaultStoreSettings>({ side: 'from', env, flags });
    const to = await as<VaultStoreSettings>({ side: 'to', env, flags });
    assert.equal(from.address, 'http://source:8200');
    assert.equal(from.limits, undefined, 'limit flags pace the target');
    assert.equal(to.address, 'http://target:8200');
    assert.deepEqual(to.limits, { concurrency: 4 });
  });

  test('store flags configure the source when the kinds differ, and limits the source without a target', async () => {
    const env = { SECRET_PERSISTENCE: 'VAULT', VAULT_AUTH_TOKEN: 'src' };
    const withTarget = await as<VaultStoreSettings>({
      env,
      flags: { to: 'aws', 'vault-address': 'http://source:8200', rate: 5 },
    });
    assert.equal(withTarget.address, 'http://source:8200');
    assert.equal(withTarget.limits, undefined);
    const audit = await as<VaultStoreSettings>({
      env,
      flags: { 'vault-address': 'http://v:8200', rate: 2.5 },
    });
    assert.deepEqual(audit.limits, { rate: 2.5 });
  });
});

describe('bad input: one line naming the key or the file', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'abs-config-'));
  });
  after(async () => {
    await rm(dir, { recursive: true });
  });
  const file = async (name: string, text: string) => {
    const path = join(dir, name);
    await writeFile(path, text);
    return path;
  };

  test('missing settings name every place they could be', async () => {
    await rejectsWith(
      resolve({ store: 'vault' }),
      /^vault: no address: set --vault-address, VAULT_ADDRESS, or global\.secretsManager\.vault\.address in values\.yaml$/,
    );
    await rejectsWith(
      resolve({ store: 'vault', env: { VAULT_ADDRESS: 'http://v:8200' } }),
      /^vault: no auth token: set --vault-token, VAULT_AUTH_TOKEN, global\.secretsManager\.vault\.authToken in values\.yaml, or key VAULT_AUTH_TOKEN or vault-auth-token in the Secret manifest$/,
    );
    await rejectsWith(
      resolve({ store: 'aws' }),
      /^aws: no region: set --aws-region, AWS_SECRET_MANAGER_REGION, or/,
    );
    await rejectsWith(
      resolve({ store: 'gcp' }),
      /^gcp: no project id: set --gcp-project, SECRET_STORE_GCP_PROJECT_ID/,
    );
    await rejectsWith(resolve({ store: 'azure' }), /^azure: no vault URL: set --azure-vault-url/);
  });

  test('half-given credentials', async () => {
    await rejectsWith(
      resolve({
        store: 'aws',
        env: { AWS_SECRET_MANAGER_REGION: 'us-east-1', AWS_SECRET_MANAGER_ACCESS_KEY_ID: 'AKIA' },
      }),
      /^aws: no secret access key: set AWS_SECRET_MANAGER_SECRET_ACCESS_KEY/,
    );
    await rejectsWith(
      resolve({
        store: 'azure',
        env: {
          AB_AZURE_KEY_VAULT_VAULT_URL: 'https://x.vault.azure.net',
          AB_AZURE_KEY_VAULT_CLIENT_SECRET: 's',
        },
      }),
      /^azure: no client id: /,
    );
    await rejectsWith(
      resolve({ valuesFile: fx('chart-v1/aws.values.yaml') }),
      /^aws: no access key id: .*key aws-secret-manager-access-key-id or AWS_SECRET_MANAGER_ACCESS_KEY_ID in the Secret manifest$/,
    );
  });

  test('wrong values name the setting and where it came from', async () => {
    await rejectsWith(
      resolve({ store: 'vault', env: { VAULT_ADDRESS: 'vault:8200', VAULT_AUTH_TOKEN: 't' } }),
      /^vault: address "vault:8200" from VAULT_ADDRESS is not an http\(s\) URL$/,
    );
    await rejectsWith(
      resolve({ store: 'aws', flags: { 'aws-region': 'Frankfurt' } }),
      /^aws: region "Frankfurt" from --aws-region is not an AWS region/,
    );
    await rejectsWith(
      resolve({
        store: 'aws',
        env: { AWS_SECRET_MANAGER_REGION: 'us-east-1', AWS_SECRET_MANAGER_SECRET_TAGS: 'novalue' },
      }),
      /^aws: AWS_SECRET_MANAGER_SECRET_TAGS does not match/,
    );
    await rejectsWith(
      resolve({ store: 'azure', flags: { 'azure-vault-url': 'http://vault.example.com' } }),
      /^azure: vault URL "http:\/\/vault\.example\.com" from --azure-vault-url must use https/,
    );
    await rejectsWith(
      resolve({ store: 'gcp', flags: { 'gcp-project': '<project-id>' } }),
      /^gcp: project id "<project-id>"/,
    );
    await rejectsWith(resolve({ flags: { concurrency: 0 } }), /^--concurrency must be/);
    await rejectsWith(resolve({ flags: { rate: -1 } }), /^--rate must be/);
  });

  test('credentials never appear in messages', async () => {
    const canary = 'canary-d0d0-not-json';
    const message = await rejectsWith(
      resolve({
        store: 'gcp',
        env: { SECRET_STORE_GCP_PROJECT_ID: 'proj-ect', SECRET_STORE_GCP_CREDENTIALS: `{${canary}` },
      }),
      /^gcp: credentials from SECRET_STORE_GCP_CREDENTIALS are not a service-account JSON object$/,
    );
    assert.ok(!message.includes(canary));
    await rejectsWith(
      resolve({
        store: 'gcp',
        flags: { 'gcp-credentials': join(dir, 'absent.json'), 'gcp-project': 'proj-ect' },
      }),
      /^gcp: credentials file ".*absent\.json" from --gcp-credentials cannot be read \(ENOENT\)$/,
    );
    const secret = await file(
      'broken.secret.yaml',
      `kind: Secret\nstringData:\n  VAULT_AUTH_TOKEN: "${canary}\n  bad: [\n`,
    );
    const broken = await rejectsWith(
      resolve({ store: 'vault', secretFile: secret }),
      /broken\.secret\.yaml: Secret manifest is not valid YAML at line \d+, column \d+ \(\w+\)$/,
    );
    assert.ok(!broken.includes(canary));
  });

  test('bad values files name the file', async () => {
    await rejectsWith(
      resolve({ valuesFile: join(dir, 'nope.yaml') }),
      /nope\.yaml: cannot read values file \(ENOENT\)$/,
    );
    const malformed = await file(
      'malformed.yaml',
      'global:\n  secretsManager:\n    type: VAULT\n   vault: {\n',
    );
    await rejectsWith(
      resolve({ valuesFile: malformed }),
      /malformed\.yaml: values file is not valid YAML at line \d+, column \d+/,
    );
    const list = await file('list.yaml', '- global\n- secretsManager\n');
    await rejectsWith(resolve({ valuesFile: list }), /list\.yaml: a values file must be a YAML mapping$/);
    const scalarSm = await file('scalar.yaml', 'global:\n  secretsManager: vault\n');
    await rejectsWith(
      resolve({ valuesFile: scalarSm }),
      /scalar\.yaml: global\.secretsManager must be a mapping$/,
    );
    const badType = await file('type.yaml', 'global:\n  secretsManager:\n    type: S3\n');
    await rejectsWith(
      resolve({ valuesFile: badType }),
      /^global\.secretsManager\.type in .*type\.yaml: "S3" is not a store Airbyte knows: write one of TESTING_CONFIG_DB_TABLE, VAULT,/,
    );
    const badField = await file(
      'field.yaml',
      'global:\n  secretsManager:\n    type: VAULT\n    vault:\n      address: [a, b]\n',
    );
    await rejectsWith(
      resolve({ valuesFile: badField }),
      /field\.yaml: global\.secretsManager\.vault\.address must be a string$/,
    );
    const badTags = await file(
      'tags.yaml',
      'global:\n  secretsManager:\n    awsSecretManager:\n      tags: 3\n',
    );
    await rejectsWith(
      resolve({ store: 'aws', valuesFile: badTags, env: { AWS_SECRET_MANAGER_REGION: 'us-east-1' } }),
      /tags\.yaml: global\.secretsManager\.awsSecretManager\.tags must be a list of \{key, value\} or a k=v,k2=v2 string$/,
    );
  });

  test('bad Secret manifests name the file', async () => {
    const noSecret = await file('cm.yaml', 'kind: ConfigMap\ndata:\n  a: b\n');
    await rejectsWith(
      resolve({ store: 'vault', secretFile: noSecret }),
      /cm\.yaml: no Kubernetes Secret \(kind: Secret\) in the file$/,
    );
    const b64 = await file('b64.yaml', 'kind: Secret\ndata:\n  VAULT_AUTH_TOKEN: not base64!\n');
    await rejectsWith(
      resolve({ store: 'vault', secretFile: b64 }),
      /b64\.yaml: data\.VAULT_AUTH_TOKEN is not base64/,
    );
    const two = await file(
      'two.yaml',
      'kind: List\nitems:\n  - kind: Secret\n    metadata: {name: a}\n  - kind: Secret\n    metadata: {name: b}\n',
    );
    await rejectsWith(
      resolve({ store: 'vault', secretFile: two }),
      /two\.yaml: holds Secrets a, b; pass a values file/,
    );
    await rejectsWith(
      resolve({ valuesFile: fx('chart-v2/vault-custom-key.values.yaml'), secretFile: two }),
      /two\.yaml: holds Secrets a, b, none named team-vault$/,
    );
  });
});
