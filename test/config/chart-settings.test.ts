/**
 * Settings read exactly as Airbyte's charts pass them to Airbyte, and names and tags accepted or
 * refused as Airbyte's own parsers accept or refuse them. Each test names the airbyte-platform file
 * it follows; chart v1 was removed in 802b7fc947 and is read at its parent.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { inspect } from 'node:util';
import { snakecase } from '../../src/config/persistence-name.js';
import {
  chooseStoreKind,
  type ResolveStoreInput,
  resolveStoreSettings,
} from '../../src/config/store-settings.js';
import type { AwsStoreSettings } from '../../src/stores/aws/index.js';
import type { AzureStoreSettings } from '../../src/stores/azure/index.js';
import type { StoreSettings } from '../../src/stores/registry.js';
import { UsageError } from '../../src/util/errors.js';

const fx = (name: string) => fileURLToPath(new URL(`../fixtures/values/${name}`, import.meta.url));

async function resolveWithWarnings(
  input: Partial<ResolveStoreInput>,
): Promise<{ settings: StoreSettings; warnings: string[] }> {
  const warnings: string[] = [];
  const settings = await resolveStoreSettings({
    side: 'from',
    env: {},
    flags: {},
    onWarning: (w) => warnings.push(w),
    ...input,
  });
  return { settings, warnings };
}

/** A `UsageError` of one line matching `pattern`. */
async function refused(p: Promise<unknown>, pattern: RegExp): Promise<string> {
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

describe('SECRET_PERSISTENCE as Airbyte matches it', () => {
  // airbyte-config/config-secrets/src/main/kotlin/secrets/persistence/*Persistence.kt:
  // @Requires(property = SECRET_PERSISTENCE, pattern = "(?i)^$SECRET_MANAGER_*$"), the names in
  // airbyte-commons-micronaut/.../runtime/AirbyteConfig.kt.
  const choose = (value: string) =>
    chooseStoreKind({ side: 'from', env: { SECRET_PERSISTENCE: value }, flags: {} });

  test('each name Airbyte knows, in any case', async () => {
    for (const [value, kind] of [
      ['VAULT', 'vault'],
      ['vault', 'vault'],
      ['AWS_SECRET_MANAGER', 'aws'],
      ['aws_secret_manager', 'aws'],
      ['Google_Secret_Manager', 'gcp'],
      ['azure_key_vault', 'azure'],
      ['TESTING_CONFIG_DB_TABLE', 'database'],
    ] as const) {
      assert.equal((await choose(value)).kind, kind, value);
    }
  });

  test('what the pattern refuses is refused in one line naming the setting and what to write', async () => {
    for (const [value, write] of [
      ['HASHICORP_VAULT', 'VAULT'],
      ['awsSecretManager', 'AWS_SECRET_MANAGER'],
      ['aws-secret-manager', 'AWS_SECRET_MANAGER'],
      ['AWS_SECRETS_MANAGER', 'AWS_SECRET_MANAGER'],
      ['LOCAL_TESTING', 'TESTING_CONFIG_DB_TABLE'],
      ['gcp', 'GOOGLE_SECRET_MANAGER'],
    ] as const) {
      const message = await refused(
        choose(value),
        new RegExp(`^SECRET_PERSISTENCE: "${value}" is not a store name Airbyte accepts`),
      );
      assert.ok(message.endsWith(`: write ${write}`), message);
    }
    await refused(choose('s3'), /^SECRET_PERSISTENCE: "s3" is not a store Airbyte knows: write one of /);
  });

  test('NO_OP, which Airbyte accepts, is refused with its reason', async () => {
    await refused(choose('no_op'), /^SECRET_PERSISTENCE: NO_OP is Airbyte's no-op store/);
  });

  test('our own short names stay for --from/--to', async () => {
    for (const name of ['vault', 'aws', 'gcp', 'azure', 'database', 'hashicorp-vault']) {
      const choice = await chooseStoreKind({ side: 'from', env: {}, flags: { from: name } });
      assert.equal(choice.origin, '--from');
    }
  });
});

describe('global.secretsManager.type as each chart renders it', () => {
  test('chart v2 compares upper-case literals: a lower-case type in a v2 file is refused', async () => {
    // charts/v2/airbyte/templates/config/_secretsManager.tpl: {{- if eq $opt "VAULT" }} and the like.
    await refused(
      resolveWithWarnings({ valuesFile: fx('chart-v2/vault-lowercase-type.values.yaml') }),
      /^global\.secretsManager\.type in .*vault-lowercase-type\.values\.yaml: "vault" is not a store name Airbyte accepts \(chart v2 compares type with upper-case names.*\): write VAULT$/,
    );
  });

  test('chart v1 renders snakecase(type): camelCase and upper-case both work, other words do not', async () => {
    // charts/airbyte-server/templates/_helpers.tpl at 802b7fc947^: `snakecase .Values.global.secretsManager.type`.
    assert.equal(snakecase('awsSecretManager'), 'aws_secret_manager');
    assert.equal(snakecase('AWS_SECRET_MANAGER'), 'aws_secret_manager');
    assert.equal(snakecase('testingConfigDbTable'), 'testing_config_db_table');
    assert.equal(snakecase('AWSSecretManager'), 'aws_secret_manager');
    assert.equal(snakecase('hashicorpVault'), 'hashicorp_vault');
    await refused(
      resolveWithWarnings({ valuesFile: fx('chart-v1/hashicorp-type.values.yaml') }),
      /^global\.secretsManager\.type in .*hashicorp-type\.values\.yaml: "hashicorpVault" is not a store name Airbyte accepts \(chart v1 passes snakecase\(type\).*\): write VAULT$/,
    );
    // The documentation's mix: chart v1's secretsManagerSecretName with an upper-case type.
    const docs = await chooseStoreKind({
      side: 'from',
      env: {},
      flags: {},
      valuesFile: fx('docs/vault.values.yaml'),
    });
    assert.equal(docs.kind, 'vault');
  });
});

describe('AWS: the KMS key and authenticationType as each chart applies them', () => {
  test('chart v2 reads kmsArn only: kms (as its values.yaml comment shows it) is warned about and not used', async () => {
    // charts/v2/airbyte/templates/config/_secretsManager.tpl: AWS_KMS_KEY_ARN from
    // .Values.global.secretsManager.awsSecretManager.kmsArn; charts/v2/airbyte/values.yaml shows `kms:`.
    const { settings, warnings } = await resolveWithWarnings({
      valuesFile: fx('chart-v2/aws-kms-as-commented.values.yaml'),
      secretFile: fx('chart-v2/aws.secret.yaml'),
    });
    const aws = settings as AwsStoreSettings;
    assert.equal(aws.kmsKeyId, undefined);
    const kms = warnings.filter((w) => /awsSecretManager\.kms in /.test(w));
    assert.equal(kms.length, 1, warnings.join('\n'));
    assert.match(
      kms[0] ?? '',
      /is ignored: chart v2 reads the KMS key from kmsArn \(Airbyte then creates secrets with the default key aws\/secretsmanager\); write kmsArn$/,
    );
  });

  test('chart v2 renders no authenticationType: the Secret keys reach Airbyte even with instanceProfile', async () => {
    // No template under charts/v2/airbyte reads awsSecretManager.authenticationType; the
    // secretKeyRef env for AWS_SECRET_MANAGER_ACCESS_KEY_ID/_SECRET_ACCESS_KEY is always rendered,
    // and SystemAwsSecretsManagerClient (AwsSecretManagerPersistence.kt) uses the keys when both are non-empty.
    const { settings, warnings } = await resolveWithWarnings({
      valuesFile: fx('chart-v2/aws-kms-as-commented.values.yaml'),
      secretFile: fx('chart-v2/aws.secret.yaml'),
    });
    const aws = settings as AwsStoreSettings;
    assert.equal(aws.accessKeyId, 'AKIAFIXTUREV2KEY0002');
    assert.equal(aws.secretAccessKey?.reveal(), 'fixture-v2-aws-secret-key');
    const auth = warnings.filter((w) => /authenticationType/.test(w));
    assert.equal(auth.length, 1, warnings.join('\n'));
    assert.match(
      auth[0] ?? '',
      /authenticationType in .* is ignored: chart v2 renders no authenticationType/,
    );
    assert.ok(warnings.every((w) => !w.includes('fixture-v2-aws-secret-key')));
  });

  test('chart v1 reads kms and passes the keys only with authenticationType: credentials', async () => {
    // charts/airbyte-workload-launcher/templates/deployment.yaml at 802b7fc947^:
    // {{- if eq (...awsSecretManager.authenticationType) "credentials" }} around the key env, and
    // AWS_KMS_KEY_ARN from awsSecretManager.kms.
    const { settings, warnings } = await resolveWithWarnings({
      valuesFile: fx('chart-v1/aws-kmsarn.values.yaml'),
      secretFile: fx('chart-v1/aws.secret.yaml'),
    });
    const aws = settings as AwsStoreSettings;
    assert.equal(aws.kmsKeyId, 'arn:aws:kms:eu-west-1:111122223333:key/v1-kms');
    assert.equal(aws.accessKeyId, undefined, 'no authenticationType: the chart passes no keys');
    assert.equal(aws.secretAccessKey, undefined);
    assert.equal(warnings.length, 2, warnings.join('\n'));
    assert.match(
      warnings[0] ?? '',
      /awsSecretManager\.kmsArn in .* is ignored: chart v1 reads the KMS key from kms \(the KMS key comes from .*\.kms in .*\); write kms$/,
    );
    assert.match(
      warnings[1] ?? '',
      /^aws: the access key from key aws-secret-manager-access-key-id of Secret airbyte-config-secrets .* is not used: chart v1 passes the access keys only with authenticationType: credentials/,
    );
  });

  test('AWS tags written as text in a values file are refused: tagsToString ranges over a list', async () => {
    // charts/v2/airbyte/templates/_helpers.tpl `airbyte.tagsToString`: {{- range . -}} ... .key ... .value.
    await refused(
      resolveWithWarnings({
        valuesFile: fx('chart-v2/aws-tags-text.values.yaml'),
        secretFile: fx('chart-v2/aws.secret.yaml'),
      }),
      /^aws: tags "team=data" from global\.secretsManager\.awsSecretManager\.tags in .* is text, but both charts render awsSecretManager\.tags from a list: write it as a list of \{key, value\}$/,
    );
  });
});

describe("Azure tags as Airbyte's Azure client parses them", () => {
  // airbyte-config/config-secrets/src/main/kotlin/secrets/persistence/AzureKeyVaultPersistence.kt
  // `AzureKeyVaultClient.parseTags`: pattern, then split(",") and `val (key, value) = part.trim().split("=")`.
  const azureEnv = (tags: string) => ({
    store: 'azure',
    env: {
      AB_AZURE_KEY_VAULT_VAULT_URL: 'https://x.vault.azure.net/',
      AB_AZURE_KEY_VAULT_TAGS: tags,
    },
  });

  test('k=a=b keeps only a, with a warning (AWS keeps a=b: split("=", limit = 2))', async () => {
    const { settings, warnings } = await resolveWithWarnings({
      valuesFile: fx('chart-v2/azure-tags-equals.values.yaml'),
      secretFile: fx('chart-v2/azure.secret.yaml'),
    });
    assert.deepEqual((settings as AzureStoreSettings).tags, { query: 'a', owner: 'airbyte' });
    assert.equal(warnings.length, 1, warnings.join('\n'));
    assert.match(
      warnings[0] ?? '',
      /^azure: tag query from .*: Airbyte's Azure client splits at every "=" and keeps "a" only/,
    );
    // AwsSecretManagerPersistence.kt parseTags splits each pair with limit = 2.
    const aws = await resolveWithWarnings({
      store: 'aws',
      env: { AWS_SECRET_MANAGER_REGION: 'us-east-1', AWS_SECRET_MANAGER_SECRET_TAGS: 'query=a=b' },
    });
    assert.deepEqual((aws.settings as AwsStoreSettings).tags, { query: 'a=b' });
  });

  test("the pattern's character class: Java reads +-@ as a range, so ; < > ? pass", async () => {
    const { settings } = await resolveWithWarnings(azureEnv('note=a;b?c, team = data'));
    assert.deepEqual((settings as AzureStoreSettings).tags, { note: 'a;b?c', 'team ': ' data' });
  });

  test('what Airbyte rejects or crashes on is refused in one line naming the setting', async () => {
    for (const bad of ['novalue', 'a=b!', 'a=b,c', 'a=b,', '=b', 'k=v[0]']) {
      await refused(
        resolveWithWarnings(azureEnv(bad)),
        /^azure: tags ".*" from AB_AZURE_KEY_VAULT_TAGS .*; Airbyte's Azure client reads key1=value1,key2=value2$/,
      );
    }
  });

  test('chart v2 passes a YAML list through as text Airbyte cannot parse: refused in one line', async () => {
    // charts/v2/airbyte/templates/config/_secretsManager.tpl: AB_AZURE_KEY_VAULT_TAGS from
    // .Values.global.secretsManager.azureKeyVault.tags, quoted as it is (no tagsToString).
    await refused(
      resolveWithWarnings({
        valuesFile: fx('chart-v2/azure-tags-list.values.yaml'),
        secretFile: fx('chart-v2/azure.secret.yaml'),
      }),
      /^azure: tags from global\.secretsManager\.azureKeyVault\.tags in .*azure-tags-list\.values\.yaml is a list, but chart v2 passes Azure tags through as text, which Airbyte cannot parse: write tags: "key1=value1,key2=value2"$/,
    );
    // Chart v1 renders the list with tagsToString (charts/airbyte-workload-launcher/templates/deployment.yaml at 802b7fc947^).
    const v1 = await resolveWithWarnings({
      valuesFile: fx('chart-v1/azure.values.yaml'),
      secretFile: fx('chart-v1/azure.secret.yaml'),
    });
    assert.deepEqual((v1.settings as AzureStoreSettings).tags, { owner: 'airbyte' });
  });
});
