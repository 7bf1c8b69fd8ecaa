/** The Vault emulator's public face: start it, configure it, read what it holds. */
export type { KvSnapshot } from './model.js';
export {
  type RunningVaultEmulator,
  startVaultEmulator,
  type VaultEmulatorOptions,
  type VaultMountOption,
} from './wire.js';
