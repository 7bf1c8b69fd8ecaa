import type { FindingCategory } from '../audit/types.js';

/** What every report format says about one kind of finding. */
export interface CategoryText {
  /** PascalCase name (SARIF `rule.name`). */
  name: string;
  /** A few words for headings and chart labels. */
  title: string;
  /** One sentence: what was found. */
  summary: string;
  /** Why it matters. */
  detail: string;
  /** How to fix it. */
  fix: string;
}

export const CATEGORY_TEXT: Readonly<Record<FindingCategory, CategoryText>> = {
  'plaintext-inline': {
    name: 'PlaintextInline',
    title: 'Plaintext in config',
    summary: 'A secret field holds its value in plaintext inside the stored connector configuration.',
    detail:
      'Anyone who can read the config database, a backup or a dump can read this credential. Airbyte passes ' +
      'such a value through as it is, so the connector works, but the secret never reached a secret store.',
    fix:
      'Run `airbyte-secrets migrate` to move the value into the configured store and replace it with a ' +
      '`_secret` reference, then rotate the credential: it has been readable in the database.',
  },
  'plaintext-database-store': {
    name: 'PlaintextDatabaseStore',
    title: 'Secret in database table',
    summary: "The secret lives in Airbyte's plaintext `secrets` table (TESTING_CONFIG_DB_TABLE).",
    detail:
      'The `secrets` table stores values unencrypted in the config database, next to the configurations ' +
      'that reference them; it is meant for testing, not production.',
    fix:
      'Choose a real secret store (Vault, AWS Secrets Manager, Google Secret Manager, Azure Key Vault), ' +
      'run `airbyte-secrets migrate --from database --to <store>`, then switch SECRET_PERSISTENCE.',
  },
  'masked-value': {
    name: 'MaskedValue',
    title: 'Mask stored as value',
    summary: 'A secret field holds the mask string (asterisks) instead of a value or a reference.',
    detail:
      'The mask is what the API shows in place of a secret. Saved back as the value, it is sent to the ' +
      'service as the credential and the connector fails to authenticate.',
    fix: 'Re-enter the real credential for this connector in the Airbyte UI or API, then run the audit again.',
  },
  'missing-spec': {
    name: 'MissingSpec',
    title: 'Connector spec missing',
    summary: "The connector's spec could not be found, so its secret fields are unknown.",
    detail:
      'Without the spec the audit cannot tell which fields are secrets; plaintext in this actor may go ' +
      'unreported and a migration would skip it.',
    fix:
      'Make sure the actor definition version and its spec exist (upgrade or re-pin the connector), or ' +
      'give the spec to the tool, then run the audit again.',
  },
  'dangling-reference': {
    name: 'DanglingReference',
    title: 'Dangling reference',
    summary: 'A secret reference points to a coordinate that the store does not have.',
    detail: 'Airbyte cannot hydrate this configuration: the next sync or check of this connector fails.',
    fix:
      'Restore the secret in the store (from the old store or a backup) under this coordinate, or re-enter ' +
      'the credential for the connector so Airbyte writes a new one.',
  },
  'orphaned-secret': {
    name: 'OrphanedSecret',
    title: 'Orphaned secret',
    summary: 'The store holds an Airbyte secret that no configuration references.',
    detail:
      'Old versions and secrets of deleted connectors stay readable in the store and keep costing money; ' +
      'they are also forgotten credentials that may still work.',
    fix: 'Check that nothing outside Airbyte uses it, then remove it with `airbyte-secrets cleanup`.',
  },
  'invalid-coordinate': {
    name: 'InvalidCoordinate',
    title: 'Invalid coordinate',
    summary: 'A reference names a coordinate that Airbyte never makes and no store can name safely.',
    detail:
      'Path separators, `..` or control characters in a coordinate could make a store read or overwrite ' +
      'a secret outside its prefix, or forge a line of output; airbyte-secrets refuses such items.',
    fix: 'Re-enter the credential in the connector so that Airbyte writes a coordinate of its own.',
  },
  'shared-coordinate': {
    name: 'SharedCoordinate',
    title: 'Shared coordinate',
    summary: 'Several configurations reference the same secret coordinate.',
    detail:
      'Airbyte treats a coordinate as owned by one configuration: updating or deleting one connector ' +
      'changes or removes the secret under the others.',
    fix: 'Re-enter the credential in each connector that shares it so that each gets its own coordinate.',
  },
  'workspace-mismatch': {
    name: 'WorkspaceMismatch',
    title: 'Workspace mismatch',
    summary: "A reference names a coordinate made for another workspace than the holder's.",
    detail:
      'The secret was copied between workspaces (or the row was edited); a change in one workspace can ' +
      'break or expose the other.',
    fix: 'Re-enter the credential in this workspace so that Airbyte writes a coordinate of its own.',
  },
  'coordinate-as-value': {
    name: 'CoordinateAsValue',
    title: 'Coordinate stored as value',
    summary: "The store holds the secret's own coordinate as its value instead of a credential.",
    detail:
      "Airbyte's NO_OP store answers every read with the coordinate itself; a copy made while it was in " +
      'use left that text in the store, and Airbyte hands it to the connector as the credential, so the ' +
      'connector fails to authenticate.',
    fix: 'Re-enter the credential for this connector so that Airbyte writes the real value to the store.',
  },
  'suspicious-plaintext': {
    name: 'SuspiciousPlaintext',
    title: 'Suspicious plaintext',
    summary: 'A field that the spec does not mark secret has a name or value that looks like a credential.',
    detail:
      'Airbyte stores it in plaintext in the configuration and shows it in the API and UI; a later spec ' +
      'version may mark it secret.',
    fix:
      "Check the field; if it is a credential, ask the connector's maintainers to mark it " +
      '`airbyte_secret`, upgrade the connector, then move the value with `airbyte-secrets migrate`.',
  },
  'store-unreachable': {
    name: 'StoreUnreachable',
    title: 'Store unreachable',
    summary: 'The audit could not ask the secret store about some references.',
    detail: 'The references it could not check are not reported: the audit is incomplete.',
    fix: 'Check the store address, credentials and network policy, then run the audit again.',
  },
  'store-unusable-by-airbyte': {
    name: 'StoreUnusableByAirbyte',
    title: 'Store unusable by Airbyte',
    summary: "The store is configured in a way that Airbyte's own client cannot write or read.",
    detail:
      'Airbyte ignores the failure (for example a Vault mount with cas_required, where its writes carry no ' +
      'check-and-set): every secret it saves there is lost, and connectors fail after their next edit.',
    fix: 'Change the store setting named in the finding, or point Airbyte at another mount, location or store.',
  },
};

export function categoryText(category: FindingCategory): CategoryText {
  return CATEGORY_TEXT[category];
}
