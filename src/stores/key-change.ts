import type { SecretStore } from './types.js';

/**
 * An optional store capability beyond `SecretStore`: change the encryption key and the tags
 * (labels on Google) of an existing secret, for `rekey` and its rollback. Only stores whose
 * service can do it have it (AWS Secrets Manager and Google Secret Manager: key and tags; Azure
 * Key Vault: tags only, a secret there has no key of its own); the limits wrapper passes it through.
 */
export interface KeyChange {
  /**
   * AWS: a KMS key id, ARN or alias. Google: a Cloud KMS CryptoKey resource name. `null` (only a
   * rollback asks for it): back to the service's own key (AWS: the managed key aws/secretsmanager;
   * Google: Google-managed encryption).
   */
  kmsKeyId?: string | null;
  /** Tags (AWS, Azure) or labels (Google) to set; existing others stay unless `replaceTags`. */
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
   * With `key: 'changed'`: the key the secret used before (absent: the service's own key), which
   * the journal keeps so a rollback can put it back. A key id, never a value.
   */
  previousKmsKeyId?: string;
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
