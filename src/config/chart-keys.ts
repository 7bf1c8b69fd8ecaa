import type { ChartShape, CredentialKey } from '../stores/definition.js';

/**
 * How Airbyte's Helm charts spell the secret store settings, beyond each store's own keys (which
 * its definition holds: `names.valuesBlock`, `names.chartV1Type`, its credential keys). Both chart
 * versions keep the store's settings in a camelCase block under `global.secretsManager`; they
 * differ in the spelling of `type`, the name of the Secret, the KMS key and the default key names
 * inside the Kubernetes Secret.
 */
export type { ChartShape, CredentialKey };

/** Chart v1's default Secret name; chart v2 defaults to `<release>-airbyte-secrets`, which we cannot know. */
export const V1_SECRET_NAME = 'airbyte-config-secrets';

/** The Secret keys to look a credential up under, in order: a configured key alone, else the defaults. */
export function credentialKeyCandidates(
  key: CredentialKey,
  shape: ChartShape,
  configured?: string,
): string[] {
  if (configured) return [configured];
  const other: ChartShape = shape === 'v1' ? 'v2' : 'v1';
  return [key.defaults[shape], key.defaults[other], ...(key.alsoTry ?? [])];
}
