import type { EmulatorOptions, RunningEmulator } from '../../src/emulators/harness.js';
import type { DatabaseStoreSettings } from '../../src/stores/database/index.js';
import { createStore } from '../../src/stores/open.js';
import type { StoreSettings } from '../../src/stores/registry.js';
import type { SecretStore, StoreKind } from '../../src/stores/types.js';
import { SecretValue } from '../../src/util/secret-value.js';

/** A store for tests: an emulator (for cloud kinds) and the settings, CLI flags and env that reach it. */
export interface TestStore {
  kind: StoreKind;
  settings: StoreSettings;
  emulator?: RunningEmulator;
  /** Flags selecting this store as `side` on the command line. */
  cliArgs(side: 'from' | 'to'): string[];
  /** Env the CLI needs for it (credentials go here, not into argv). */
  cliEnv: Record<string, string>;
  open(): Promise<SecretStore>;
  close(): Promise<void>;
}

export const CLOUD_KINDS = ['vault', 'aws', 'gcp', 'azure'] as const;

export async function startTestStore(
  kind: StoreKind,
  options: { databaseUrl?: string; emulator?: EmulatorOptions } = {},
): Promise<TestStore> {
  const opened: SecretStore[] = [];
  const base = (
    settings: StoreSettings,
    emulator: RunningEmulator | undefined,
    side: (s: 'from' | 'to') => string[],
    cliEnv: Record<string, string>,
  ): TestStore => ({
    kind,
    settings,
    ...(emulator ? { emulator } : {}),
    cliArgs: side,
    cliEnv,
    async open() {
      const s = await createStore(settings);
      opened.push(s);
      return s;
    },
    async close() {
      for (const s of opened) await s.close().catch(() => undefined);
      await emulator?.close();
    },
  });
  switch (kind) {
    case 'database': {
      const settings: DatabaseStoreSettings = { kind: 'database', url: options.databaseUrl! };
      return base(settings, undefined, (side) => [`--${side}`, 'database'], {});
    }
    case 'vault': {
      const { startVaultEmulator } = await import('../../src/emulators/vault/index.js');
      const e = await startVaultEmulator(options.emulator);
      return base(
        {
          kind: 'vault',
          address: e.url,
          token: new SecretValue(e.token),
          prefix: 'secret/',
          kvVersion: 'auto',
        },
        e,
        (side) => [`--${side}`, 'vault', '--vault-address', e.url, '--vault-prefix', 'secret/'],
        { VAULT_AUTH_TOKEN: e.token },
      );
    }
    case 'aws': {
      const { startAwsSecretsManagerEmulator } = await import('../../src/emulators/aws/index.js');
      const e = await startAwsSecretsManagerEmulator(options.emulator);
      return base(
        {
          kind: 'aws',
          region: e.region,
          endpoint: e.url,
          accessKeyId: e.accessKeyId,
          secretAccessKey: new SecretValue(e.secretAccessKey),
        },
        e,
        (side) => [`--${side}`, 'aws', '--aws-region', e.region, '--aws-endpoint', e.url],
        {
          AWS_SECRET_MANAGER_ACCESS_KEY_ID: e.accessKeyId,
          AWS_SECRET_MANAGER_SECRET_ACCESS_KEY: e.secretAccessKey,
        },
      );
    }
    case 'gcp': {
      const { startGoogleSecretManagerEmulator } = await import('../../src/emulators/gcp/index.js');
      const e = await startGoogleSecretManagerEmulator(options.emulator);
      const endpoint = e.url;
      const projectId = e.projectId;
      return base(
        { kind: 'gcp', projectId, endpoint },
        e,
        (side) => [`--${side}`, 'gcp', '--gcp-project', projectId, '--gcp-endpoint', endpoint],
        {},
      );
    }
    case 'azure': {
      const { startAzureKeyVaultEmulator } = await import('../../src/emulators/azure/index.js');
      const e = await startAzureKeyVaultEmulator(options.emulator);
      return base(
        { kind: 'azure', vaultUrl: e.url, allowInsecureConnection: true },
        e,
        (side) => [`--${side}`, 'azure', '--azure-vault-url', e.url],
        {},
      );
    }
  }
}
