import type { StoreSettings } from '../src/stores/registry.js';
import { SecretValue } from '../src/util/secret-value.js';
import type { RemoteEmulator } from './remote-emulator.js';

/** Store settings that reach an emulator, as `emulate` prints them (its own dummy credentials). */
export function settingsFor(e: RemoteEmulator): StoreSettings {
  const c = e.credentials;
  switch (e.kind) {
    case 'vault':
      return {
        kind: 'vault',
        address: e.url,
        token: new SecretValue(c.token ?? ''),
        prefix: 'secret/',
        kvVersion: 'auto',
      };
    case 'aws':
      return {
        kind: 'aws',
        region: c.region ?? 'us-east-1',
        endpoint: e.url,
        accessKeyId: c.accessKeyId ?? '',
        secretAccessKey: new SecretValue(c.secretAccessKey ?? ''),
      };
    case 'gcp':
      return { kind: 'gcp', projectId: c.projectId ?? '', endpoint: e.url };
    case 'azure':
      return { kind: 'azure', vaultUrl: e.url, allowInsecureConnection: true };
  }
}
