import type { HolderKind } from '../airbyte/types.js';
import type { AirbyteSchemaVariant } from './schema.js';

/** What the seeder can put at a secret path. */
export const NODE_SHAPES = [
  'plaintext', // the canary inline
  'secret', // {"_secret": C}, value in `secrets` (current variant)
  'secret-with-reference', // {"_secret_reference_id": R, "_secret": C} + secret_config/secret_reference rows
  'reference-only', // {"_secret_reference_id": R} + rows
  'mask', // "**********"
  'oauth-mask', // "******"
  'prefixed-external', // "secret_coordinate::<name>"
  'dangling', // {"_secret": C} with C absent from `secrets`
] as const;
export type NodeShape = (typeof NODE_SHAPES)[number];

/** A planted secret's kind: a node shape, or a `_secret` at a path the spec does not mark. */
export type PlantedKind = NodeShape | 'unmarked-reference';

/** Everything the seeder can plant; `shapes` in the options picks among them. */
export const SEED_SHAPES = [
  ...NODE_SHAPES,
  'unmarked-reference',
  'missing-spec', // actors whose definition has no version (no spec)
  'tombstoned', // deleted actors: tombstone, configuration JSON null
  'version-pin', // scoped_configuration pins to a version whose spec marks one more secret
  'oauth-parameters', // actor_oauth_parameter rows (organization, workspace, instance-wide)
  'webhooks', // workspace.webhook_operation_configs auth tokens
  'orphans', // `secrets` rows that no config references (left by deleted actors)
  'connection-mappers', // connection.catalog stream mappers: AES encryption keys
  'builder-projects', // connector_builder_project.testing_values
  'secret-persistence-config', // secret_persistence_config: a runtime persistence's config in `secrets`
] as const;
export type SeedShape = (typeof SEED_SHAPES)[number];

/** One secret the seeder planted, located as the inventory locates it. */
export interface PlantedSecret {
  holder: HolderKind;
  rowId: string;
  workspaceId: string | null;
  /** Concrete JSONPath inside the holder's JSON. */
  path: string;
  kind: PlantedKind;
  /** The coordinate named (`_secret`, the reference's secret_config, or after `secret_coordinate::`). */
  coordinate: string | null;
  referenceId?: string;
  /** The value sits in the plaintext `secrets` table under `coordinate`. */
  inSecretsTable: boolean;
  /** Only for actors: the spec marking this path came from a version pin. */
  pinned?: boolean;
}

export interface SeedManifest {
  variant: AirbyteSchemaVariant;
  seed: string;
  specsDir: string | null;
  organizations: string[];
  workspaces: string[];
  definitions: Array<{
    id: string;
    name: string;
    actorType: 'source' | 'destination';
    versionId: string | null;
  }>;
  /** Actors inserted, live and tombstoned. */
  actors: number;
  liveActors: number;
  /** Every planted secret (empty when `recordPlanted` is false). */
  planted: PlantedSecret[];
  /**
   * Every secret value the seeder wrote anywhere (inline or in `secrets`): unique `canary-<hex>`
   * strings, for tests that check no output ever contains one. Empty when `recordPlanted` is false.
   */
  canaries: string[];
  missingSpecActors: string[];
  tombstonedActors: string[];
  /** scoped_configuration rows written. */
  pins: Array<{
    scopeType: 'actor' | 'workspace' | 'organization';
    scopeId: string;
    definitionId: string;
    versionId: string;
  }>;
  /** The actors whose spec comes from a pin different from the default, and the path only that spec marks. */
  pinnedPath: {
    definitionId: string;
    defaultVersionId: string;
    pinnedVersionId: string;
    path: string;
  } | null;
  oauthParameters: string[];
  webhookWorkspaces: string[];
  /** Live connections whose catalogs hold mapper secrets. */
  connections: string[];
  /** Live connector builder projects with testing values. */
  builderProjects: string[];
  /** secret_persistence_config rows and the coordinate each names in `secrets`. */
  secretPersistenceConfigs: Array<{ id: string; coordinate: string }>;
  /** Coordinates in `secrets` that nothing references. */
  orphanCoordinates: string[];
  counts: Partial<Record<PlantedKind, number>>;
}
