import type { SecretStore } from './types.js';

/**
 * An optional store capability beyond `SecretStore`: change the encryption key and the tags
 * (labels on Google) of an existing secret, for `rekey`. Only stores whose service can do it have
 * it (AWS Secrets Manager, Google Secret Manager); the limits wrapper passes it through.
 */
export interface KeyChange {
  /** AWS: a KMS key id, ARN or alias. Google: a Cloud KMS CryptoKey resource name. */
  kmsKeyId?: string;
  /** Tags (AWS) or labels (Google) to set; existing others stay unless `replaceTags`. */
  tags?: Record<string, string>;
  /** Remove tags not in `tags`. */
  replaceTags?: boolean;
}

export interface KeyChangeResult {
  /** `changed`: the key was set now; `unchanged`: the secret already used it; `not-requested`. */
  key: 'changed' | 'unchanged' | 'not-requested';
  tags: 'changed' | 'unchanged' | 'not-requested';
  /** The key the secret uses afterwards, as the service reports it. */
  kmsKeyId?: string;
  /**
   * Google: a new version holding the same value was added so the version Airbyte reads is
   * encrypted with the new key (Google applies a key change only to versions added afterwards).
   */
  newVersion?: boolean;
}

export interface KeyChangingStore {
  changeKey(coordinate: string, change: KeyChange): Promise<KeyChangeResult>;
}

export function canChangeKeys(store: SecretStore): store is SecretStore & KeyChangingStore {
  return typeof (store as Partial<KeyChangingStore>).changeKey === 'function';
}
