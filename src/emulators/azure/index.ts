/** The Azure Key Vault emulator's public face: start it, configure it, read what it holds. */
export type { AzureSecretSnapshot } from './model.js';
export {
  AZURE_API_VERSIONS,
  AZURE_DEFAULT_QUOTA,
  type AzureKeyVaultEmulatorOptions,
  type AzureQuotaClass,
  type RunningAzureKeyVaultEmulator,
  startAzureKeyVaultEmulator,
} from './wire.js';
