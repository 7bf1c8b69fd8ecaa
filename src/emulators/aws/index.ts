/** The AWS Secrets Manager emulator's public face: start it, configure it, read what it holds. */
export type { SecretSnapshot } from './model.js';
export {
  AWS_DEFAULT_QUOTA,
  type AwsEmulatorOptions,
  type RunningAwsEmulator,
  startAwsSecretsManagerEmulator,
} from './wire.js';
