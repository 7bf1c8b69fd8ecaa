import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { stringify } from 'yaml';
import { cutoverEnv, cutoverValues, cutoverValuesYaml } from '../../src/config/cutover.js';
import { describeSettings } from '../../src/config/describe.js';
import { resolveStoreSettings } from '../../src/config/store-settings.js';
import { cutoverHelp } from '../../src/migrate/cutover.js';
import { renderCutover } from '../../src/report/cutover.js';
import type { StoreSettings } from '../../src/stores/registry.js';
import { SecretValue } from '../../src/util/secret-value.js';

const CANARY = 'canary-credential-7f3a';
const secret = () => new SecretValue(CANARY);

/** What the Secret holds under a key: the sample's ids for id keys, the canary for real credentials. */
const plainFor = (key: string) =>
  /client.?id/i.test(key) ? 'client' : /access.?key.?id/i.test(key) ? 'AKIAEXAMPLE00000001' : CANARY;

const SAMPLES: StoreSettings[] = [
  { kind: 'database', url: `postgres://airbyte:${CANARY}@db:5432/airbyte` },
  { kind: 'vault', address: 'http://vault:8200', token: secret(), prefix: 'secret/', namespace: 'team-a' },
  {
    kind: 'aws',
    region: 'eu-west-1',
    accessKeyId: 'AKIAEXAMPLE00000001',
    secretAccessKey: secret(),
    kmsKeyId: 'arn:aws:kms:eu-west-1:1:key/k',
    tags: { team: 'data', env: 'prod' },
    endpoint: 'http://127.0.0.1:4566',
  },
  { kind: 'aws', region: 'us-east-1' },
  { kind: 'gcp', projectId: 'my-project', region: 'us-central1', credentials: secret() },
  {
    kind: 'azure',
    vaultUrl: 'https://v.vault.azure.net/',
    tenantId: 'tenant',
    clientId: 'client',
    clientSecret: secret(),
    tags: { owner: 'airbyte' },
  },
];

describe('cutover output', () => {
  test('env: the variables Airbyte reads, credentials only by name', () => {
    assert.deepEqual(cutoverEnv(SAMPLES[0]!), {
      env: { SECRET_PERSISTENCE: 'TESTING_CONFIG_DB_TABLE' },
      credentials: [],
      notes: [],
    });
    const vault = cutoverEnv(SAMPLES[1]!);
    assert.deepEqual(vault.env, {
      SECRET_PERSISTENCE: 'VAULT',
      VAULT_ADDRESS: 'http://vault:8200',
      VAULT_PREFIX: 'secret/',
    });
    assert.deepEqual(vault.credentials, ['VAULT_AUTH_TOKEN']);
    assert.match(vault.notes.join(), /no Vault namespace/);
    const aws = cutoverEnv(SAMPLES[2]!);
    assert.deepEqual(aws.env, {
      SECRET_PERSISTENCE: 'AWS_SECRET_MANAGER',
      AWS_SECRET_MANAGER_REGION: 'eu-west-1',
      AWS_KMS_KEY_ARN: 'arn:aws:kms:eu-west-1:1:key/k',
      AWS_SECRET_MANAGER_SECRET_TAGS: 'team=data,env=prod',
    });
    assert.deepEqual(aws.credentials, [
      'AWS_SECRET_MANAGER_ACCESS_KEY_ID',
      'AWS_SECRET_MANAGER_SECRET_ACCESS_KEY',
    ]);
    assert.match(aws.notes.join(), /endpoint override/);
    assert.deepEqual(cutoverEnv(SAMPLES[4]!).env, {
      SECRET_PERSISTENCE: 'GOOGLE_SECRET_MANAGER',
      SECRET_STORE_GCP_PROJECT_ID: 'my-project',
      SECRET_STORE_GCP_REGION: 'us-central1',
    });
    const azure = cutoverEnv(SAMPLES[5]!);
    assert.equal(azure.env.AB_AZURE_KEY_VAULT_CLIENT_ID, 'client');
    assert.deepEqual(azure.credentials, ['AB_AZURE_KEY_VAULT_CLIENT_SECRET']);
  });

  test('values: chart v1 and v2 blocks that point at Secret keys', () => {
    const v1 = cutoverValues(SAMPLES[2]!, 'v1');
    assert.deepEqual(v1.values, {
      global: {
        secretsManager: {
          type: 'awsSecretManager',
          secretsManagerSecretName: 'airbyte-config-secrets',
          awsSecretManager: {
            region: 'eu-west-1',
            authenticationType: 'credentials',
            accessKeyIdSecretKey: 'aws-secret-manager-access-key-id',
            secretAccessKeySecretKey: 'aws-secret-manager-secret-access-key',
            kms: 'arn:aws:kms:eu-west-1:1:key/k',
            tags: [
              { key: 'team', value: 'data' },
              { key: 'env', value: 'prod' },
            ],
          },
        },
      },
    });
    assert.deepEqual(v1.secretKeys, [
      'aws-secret-manager-access-key-id',
      'aws-secret-manager-secret-access-key',
    ]);
    const v2 = cutoverValues(SAMPLES[1]!, 'v2', {
      secretName: 'mine',
      secretKeys: { authTokenSecretKey: 'tok' },
    });
    assert.deepEqual(v2.values.global.secretsManager, {
      type: 'VAULT',
      secretName: 'mine',
      vault: { address: 'http://vault:8200', prefix: 'secret/', authTokenSecretKey: 'tok' },
    });
    assert.equal(
      cutoverValues(SAMPLES[0]!, 'v2').values.global.secretsManager.type,
      'TESTING_CONFIG_DB_TABLE',
    );
    assert.equal(cutoverValues(SAMPLES[0]!, 'v1').values.global.secretsManager.type, 'testingConfigDbTable');
    const azure = cutoverValues(SAMPLES[5]!, 'v2').values.global.secretsManager.azureKeyVault as Record<
      string,
      unknown
    >;
    assert.equal(azure.tags, 'owner=airbyte', 'chart v2 takes Azure tags as a string');
    const profile = cutoverValues(SAMPLES[3]!, 'v2');
    assert.deepEqual(profile.secretKeys, []);
    assert.match(profile.notes.join(), /from their role/);
  });

  test('no output ever holds a credential', () => {
    for (const s of SAMPLES) {
      const text = JSON.stringify([
        cutoverEnv(s),
        cutoverValues(s, 'v1'),
        cutoverValues(s, 'v2'),
        cutoverValuesYaml(s, 'v2'),
        describeSettings(s),
      ]);
      assert.ok(!text.includes(CANARY), `${s.kind} leaks`);
    }
  });

  describe('the values block resolves back to the same settings', () => {
    let dir: string;
    before(async () => {
      dir = await mkdtemp(join(tmpdir(), 'abs-cutover-'));
    });
    after(async () => {
      await rm(dir, { recursive: true });
    });

    for (const shape of ['v1', 'v2'] as const) {
      for (const [i, s] of SAMPLES.entries()) {
        if (s.kind === 'database') continue;
        test(`${shape} ${s.kind} #${i}`, async () => {
          const out = cutoverValues(s, shape);
          const values = join(dir, `${shape}-${i}.values.yaml`);
          const manifest = join(dir, `${shape}-${i}.secret.yaml`);
          await writeFile(values, cutoverValuesYaml(s, shape));
          const stringData = Object.fromEntries(out.secretKeys.map((k) => [k, plainFor(k)]));
          await writeFile(
            manifest,
            stringify({ apiVersion: 'v1', kind: 'Secret', metadata: { name: out.secretName }, stringData }),
          );
          const back = await resolveStoreSettings({
            side: 'to',
            env: {},
            flags: {},
            valuesFile: values,
            ...(s.kind === 'gcp' ? {} : { secretFile: manifest }),
          });
          // Credentials come back from the Secret; endpoints and namespaces are not Airbyte settings.
          const strip = (x: StoreSettings) => {
            const {
              endpoint: _e,
              namespace: _n,
              credentials: _c,
              ...rest
            } = x as unknown as Record<string, unknown>;
            return JSON.parse(JSON.stringify(rest));
          };
          assert.deepEqual(strip(back), strip(s));
        });
      }
    }
  });
});

describe('describeSettings', () => {
  test('one line per store, no credentials, no user info', () => {
    assert.deepEqual(
      SAMPLES.map((s) => describeSettings(s)),
      [
        'database table secrets at postgres://db:5432/airbyte',
        'vault at http://vault:8200, prefix secret/, namespace team-a',
        'aws secrets manager in eu-west-1, endpoint http://127.0.0.1:4566, access key AKIA…0001, KMS key arn:aws:kms:eu-west-1:1:key/k',
        'aws secrets manager in us-east-1, default credential chain',
        'google secret manager project my-project, region us-central1, service-account credentials',
        'azure key vault https://v.vault.azure.net, client client in tenant tenant',
      ],
    );
    assert.equal(
      describeSettings({
        kind: 'vault',
        address: 'http://v:8200',
        token: secret(),
        prefix: 's/',
        limits: { concurrency: 4, rate: 10 },
      }),
      'vault at http://v:8200, prefix s/, concurrency 4, 10 req/s',
    );
  });
});

describe('cut-over steps for what chart v2 does not render for job pods', () => {
  // airbyte-workload-launcher/src/main/resources/application.yml reads the Secret name and key of
  // each store credential (`*-ref-name`, `*-ref-key`) and EnvVarConfigBeanFactory
  // .secretPersistenceSecretsEnvMap points job pods at them; charts/v2/airbyte/templates/config/
  // _secretsManager.tpl renders none for AWS (airbytehq/airbyte#43014) and misnamed ones for Azure.
  const aws = SAMPLES[2] as StoreSettings;
  const azure = SAMPLES[5] as StoreSettings;
  const database = SAMPLES[0] as StoreSettings;

  test('chart v2 with AWS access keys: the four launcher variables, in workloadLauncher.extraEnv', () => {
    const v2 = cutoverValues(aws, 'v2', { secretName: 'airbyte-config-secrets' });
    assert.deepEqual(v2.launcherEnv, [
      { name: 'AWS_SECRET_MANAGER_ACCESS_KEY_ID_REF_NAME', value: 'airbyte-config-secrets' },
      { name: 'AWS_SECRET_MANAGER_ACCESS_KEY_ID_REF_KEY', value: 'AWS_SECRET_MANAGER_ACCESS_KEY_ID' },
      { name: 'AWS_SECRET_MANAGER_SECRET_ACCESS_KEY_REF_NAME', value: 'airbyte-config-secrets' },
      { name: 'AWS_SECRET_MANAGER_SECRET_ACCESS_KEY_REF_KEY', value: 'AWS_SECRET_MANAGER_SECRET_ACCESS_KEY' },
    ]);
    assert.deepEqual(v2.values.workloadLauncher, { extraEnv: v2.launcherEnv });
    const block = v2.values.global.secretsManager.awsSecretManager as Record<string, unknown>;
    assert.equal(block.authenticationType, undefined, 'chart v2 reads no authenticationType');
    assert.equal(block.kmsArn, 'arn:aws:kms:eu-west-1:1:key/k');
    // Chart v1 renders them itself with authenticationType: credentials.
    assert.deepEqual(cutoverValues(aws, 'v1').launcherEnv, []);
    assert.equal(cutoverValues(aws, 'v1').values.workloadLauncher, undefined);
    // The default chain needs no keys, but chart v2 references them all the same.
    const profile = cutoverValues(SAMPLES[3] as StoreSettings, 'v2');
    assert.deepEqual(profile.launcherEnv, []);
    assert.match(
      profile.notes.join('\n'),
      /chart v2 always points AWS_SECRET_MANAGER_ACCESS_KEY_ID and AWS_SECRET_MANAGER_SECRET_ACCESS_KEY at the Secret: keep both keys in it, empty/,
    );
  });

  test('chart v2 with an Azure client secret: the names the launcher reads, typos and all', () => {
    const v2 = cutoverValues(azure, 'v2', {
      secretName: 'az',
      secretKeys: { clientSecretSecretKey: 'client-secret' },
    });
    assert.deepEqual(v2.launcherEnv, [
      { name: 'AB_AZURE_KEY_VAULT_CLIENT_ID_REF_NAME', value: 'az' },
      { name: 'AB_AZURE_KEY_VAULT_CLIENT_ID_REF_REF_KEY', value: 'AB_AZURE_KEY_VAULT_CLIENT_ID' },
      { name: 'AB_AZURE_KEY_VAULT_CLIENT_SECRET_REF_REF_NAME', value: 'az' },
      { name: 'AB_AZURE_KEY_VAULT_CLIENT_SECRET_REF_REF_KEY', value: 'client-secret' },
    ]);
    assert.deepEqual(cutoverValues(azure, 'v1').launcherEnv, []);
    assert.deepEqual(cutoverValues(database, 'v2').launcherEnv, []);
    assert.deepEqual(
      cutoverValues(SAMPLES[1] as StoreSettings, 'v2').launcherEnv,
      [],
      'chart v2 renders Vault’s',
    );
  });

  test('the printed steps name the variables and the Secret, never a value', () => {
    for (const [target, names] of [
      [
        aws,
        [
          'AWS_SECRET_MANAGER_ACCESS_KEY_ID_REF_NAME=airbyte-config-secrets',
          'AWS_SECRET_MANAGER_SECRET_ACCESS_KEY_REF_KEY=AWS_SECRET_MANAGER_SECRET_ACCESS_KEY',
        ],
      ],
      [
        azure,
        [
          'AB_AZURE_KEY_VAULT_CLIENT_SECRET_REF_REF_NAME=airbyte-config-secrets',
          'AB_AZURE_KEY_VAULT_CLIENT_ID_REF_REF_KEY=AB_AZURE_KEY_VAULT_CLIENT_ID',
        ],
      ],
    ] as const) {
      const help = cutoverHelp(target, database, 'v2');
      const text = renderCutover(help);
      assert.match(
        text,
        /Chart v2 does not give the workload launcher these, so check, discover and sync pods would start without the store's credentials/,
      );
      for (const line of names) assert.ok(text.includes(`\n  ${line}`), `${line} in:\n${text}`);
      assert.match(help.helmValues, /workloadLauncher:\n {2}extraEnv:\n {4}- name: /);
      assert.ok(!text.includes(CANARY) && !JSON.stringify(help).includes(CANARY));
      const v1 = renderCutover(cutoverHelp(target, database, 'v1'));
      assert.doesNotMatch(v1, /workload launcher|_REF_/);
    }
    const profile = renderCutover(cutoverHelp(SAMPLES[3] as StoreSettings, database, 'v2'));
    assert.match(profile, /Note \(chart v2\): chart v2 always points/);
  });
});
