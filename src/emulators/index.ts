import { startAwsSecretsManagerEmulator } from './aws/index.js';
import { startAzureKeyVaultEmulator } from './azure/index.js';
import { startGoogleSecretManagerEmulator } from './gcp/index.js';
import type { EmulatorOptions, RunningEmulator } from './harness.js';
import { startVaultEmulator } from './vault/index.js';

/** The emulators `airbyte-secrets emulate` can run, by store kind. */
export const EMULATOR_KINDS = ['vault', 'aws', 'gcp', 'azure'] as const;
export type EmulatorKind = (typeof EMULATOR_KINDS)[number];

export type StartEmulator = (options: EmulatorOptions) => Promise<RunningEmulator>;

/** How to point the tool at a running emulator: Airbyte's env vars (credentials go here) and flags. */
export interface EmulatorHint {
  env: Record<string, string>;
  flags: string[];
}

/** Store kind → emulator. */
export const EMULATORS: Record<EmulatorKind, StartEmulator> = {
  vault: startVaultEmulator,
  aws: startAwsSecretsManagerEmulator,
  gcp: startGoogleSecretManagerEmulator,
  azure: startAzureKeyVaultEmulator,
};

/** Store kind → how to point the tool at its emulator. */
export const EMULATOR_HINTS: Partial<Record<EmulatorKind, (e: RunningEmulator) => EmulatorHint>> = {
  vault: (e) => ({
    env: { VAULT_ADDRESS: e.url, VAULT_AUTH_TOKEN: e.credentials.token ?? '', VAULT_PREFIX: 'secret/' },
    flags: ['--to', 'vault', '--vault-address', e.url, '--vault-prefix', 'secret/'],
  }),
  aws: (e) => ({
    env: {
      AWS_SECRET_MANAGER_REGION: e.credentials.region ?? '',
      AWS_SECRET_MANAGER_ACCESS_KEY_ID: e.credentials.accessKeyId ?? '',
      AWS_SECRET_MANAGER_SECRET_ACCESS_KEY: e.credentials.secretAccessKey ?? '',
      // The AWS SDK's own endpoint override, read when no --aws-endpoint is given.
      AWS_ENDPOINT_URL_SECRETS_MANAGER: e.url,
    },
    flags: ['--to', 'aws', '--aws-region', e.credentials.region ?? '', '--aws-endpoint', e.url],
  }),
  // Plaintext gRPC on loopback: the gcp store sends no Google credentials there.
  gcp: (e) => ({
    env: { SECRET_STORE_GCP_PROJECT_ID: e.credentials.projectId ?? '' },
    flags: ['--to', 'gcp', '--gcp-project', e.credentials.projectId ?? '', '--gcp-endpoint', e.url],
  }),
  // Plain http on loopback: the azure store sends a dummy token there, never a real one.
  azure: (e) => ({
    env: { AB_AZURE_KEY_VAULT_VAULT_URL: e.url, AB_AZURE_KEY_VAULT_TENANT_ID: e.credentials.tenantId ?? '' },
    flags: ['--to', 'azure', '--azure-vault-url', e.url],
  }),
};

export interface EmulatorInfo {
  kind: EmulatorKind;
  url: string;
  port: number;
  /** The emulator's own dummy credentials. */
  credentials: Record<string, string>;
  env: Record<string, string>;
  flags: string[];
}

/** Starts the emulator of `kind` and describes how to reach it. */
export async function startEmulator(
  kind: EmulatorKind,
  options: EmulatorOptions,
): Promise<{ emulator: RunningEmulator; info: EmulatorInfo }> {
  const emulator = await EMULATORS[kind](options);
  const hint = EMULATOR_HINTS[kind]?.(emulator) ?? { env: {}, flags: [] };
  const info = { kind, url: emulator.url, port: emulator.port, credentials: emulator.credentials, ...hint };
  return { emulator, info };
}
