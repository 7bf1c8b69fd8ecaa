/** The Google Secret Manager emulator's public face: start it, configure it, read what it holds. */
export type { GoogleSecretSnapshot, ReplicationSetting } from './model.js';
export {
  GOOGLE_DEFAULT_QUOTA,
  type GoogleQuotaClass,
  type GoogleSecretManagerEmulatorOptions,
  type RunningGoogleSecretManagerEmulator,
  startGoogleSecretManagerEmulator,
} from './wire.js';
