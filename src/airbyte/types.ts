import type { SecretValue } from '../util/secret-value.js';

/**
 * Glossary
 * - connector config: the JSON in `actor.configuration` (and `actor_oauth_parameter.configuration`,
 *   `workspace.webhook_operation_configs`).
 * - secret path template: a JSONPath from the spec, `$.tunnel_method.ssh_key`, `$.keys[*].a`.
 * - concrete path: a template expanded against a config, `$.keys[0].a`.
 * - coordinate: the name Airbyte stores a secret under, `airbyte_workspace_<ws>_secret_<uuid>_v<N>`.
 * - secret node: the value at a secret path: plaintext, `{"_secret": C}`, a reference id, a mask.
 * - holder: a row whose JSON holds secret nodes.
 */

/** What sits at a secret path (Airbyte's `determineSecretNodeType` order, plus masks and absence). */
export type SecretNodeKind =
  | 'plaintext' // a raw value, Airbyte would split it
  | 'managed-ref' // {"_secret": C} with an Airbyte-managed coordinate (maybe with _secret_storage_id)
  | 'external-ref' // {"_secret": C} where C does not parse as Airbyte-managed
  | 'reference-id' // {"_secret_reference_id": R} with or without _secret
  | 'prefixed-external' // "secret_coordinate::C"
  | 'mask' // "**********"
  | 'oauth-mask' // "******"
  | 'empty' // "" or an object without reference keys
  | 'missing'; // null or absent

export interface ClassifiedNode {
  kind: SecretNodeKind;
  /**
   * The coordinate Airbyte reads for the node (`_secret`, or the text after `secret_coordinate::`),
   * re-rendered as Airbyte's `SecretCoordinate.fromFullCoordinate(...).fullCoordinate` does
   * (`…_v01` is read as `…_v1`).
   */
  coordinate?: string;
  /** The coordinate text as the node holds it, only when it differs from `coordinate`. */
  coordinateText?: string;
  /**
   * A reference-id node whose coordinate comes from its secret_reference row, not from a `_secret`
   * key: Airbyte hydrates it only with the feature flag `platform.read-secret-reference-ids-in-configs`
   * (off by default; airbyte-domain/services/.../secrets/SecretReferenceService.kt).
   */
  coordinateFromReference?: boolean;
  referenceId?: string;
  storageId?: string;
  /** The plaintext, only for kind `plaintext`. */
  value?: SecretValue;
}

/** Whether a node (or a reference site) is of one of `kinds`; callers test node kinds through this. */
export function isNodeKind(node: { kind: SecretNodeKind } | undefined, ...kinds: SecretNodeKind[]): boolean {
  return node !== undefined && kinds.includes(node.kind);
}

/**
 * Which table and column a holder row lives in: `actor.configuration`,
 * `actor_oauth_parameter.configuration`, `workspace.webhook_operation_configs`, `connection.catalog`
 * (the configs of its mappers) and `connector_builder_project.testing_values`.
 */
export type HolderKind =
  | 'actor'
  | 'actor_oauth_parameter'
  | 'workspace_webhook'
  | 'connection_catalog'
  | 'builder_testing_values';

/** Every holder kind, in the order the inventory reads them. */
export const HOLDER_KINDS: readonly HolderKind[] = [
  'actor',
  'actor_oauth_parameter',
  'workspace_webhook',
  'connection_catalog',
  'builder_testing_values',
];

/** One secret found in the database. */
export interface SecretRecord {
  /** Concrete JSONPath inside the holder's JSON, `$.tunnel_method.ssh_key`. */
  path: string;
  /** The spec template it matched; absent for references found by scanning (no spec needed). */
  template?: string;
  node: ClassifiedNode;
}

/** One row that holds secrets, with its JSON and every secret found in it. */
export interface HolderRow {
  holder: HolderKind;
  /** actor.id, actor_oauth_parameter.id, workspace.id, connection.id or connector_builder_project.id */
  rowId: string;
  workspaceId: string | null;
  organizationId: string | null;
  /** Display name: the actor's, connection's or builder project's name; the workspace's name for webhooks. */
  name: string;
  actorType?: 'source' | 'destination';
  definitionId?: string;
  /**
   * How the spec was found: `ok`, `missing` (no version or spec), or `not-needed` (webhooks and
   * mapper configs have a fixed schema).
   */
  spec: 'ok' | 'missing' | 'not-needed';
  /**
   * Why the row could not be read as Airbyte reads it (its spec uses `$ref`, its JSON nests
   * deeper than Airbyte reads, ...); `spec` is then `missing` and no secret is taken from it.
   */
  problem?: string;
  /** The JSON as read (holds plaintext: keep in memory only, never print). */
  config: unknown;
  /** The exact jsonb text as read, for the optimistic check before a rewrite. */
  configText: string;
  records: SecretRecord[];
}
