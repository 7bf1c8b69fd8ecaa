import type pg from 'pg';
import { type Column, insertRows } from './insert.js';

/**
 * Batched inserts into each Airbyte table the seeder fills, one typed row shape per table.
 * Columns Airbyte added later (organization ids) are written only when the schema has them.
 */

export interface OrganizationRow {
  id: string;
  name: string;
  email: string;
}

export function insertOrganizations(client: pg.ClientBase, rows: OrganizationRow[]): Promise<void> {
  return insertRows(
    client,
    'organization',
    [uuid('id'), text('name'), text('email')],
    rows.map((r) => [r.id, r.name, r.email]),
  );
}

export interface WorkspaceRow {
  id: string;
  name: string;
  slug: string;
  email: string;
  /** JSON text or null. */
  webhookOperationConfigs: string | null;
  organizationId: string | null;
}

export function insertWorkspaces(
  client: pg.ClientBase,
  rows: WorkspaceRow[],
  withOrganization: boolean,
): Promise<void> {
  const columns = [
    uuid('id'),
    text('name'),
    text('slug'),
    text('email'),
    bool('initial_setup_complete'),
    json('webhook_operation_configs'),
    ...(withOrganization ? [uuid('organization_id')] : []),
  ];
  return insertRows(
    client,
    'workspace',
    columns,
    rows.map((r) => [
      r.id,
      r.name,
      r.slug,
      r.email,
      true,
      r.webhookOperationConfigs,
      ...(withOrganization ? [r.organizationId] : []),
    ]),
  );
}

/** Airbyte's default secret storage: id and organization all zeros, configured from the environment. */
export async function insertDefaultSecretStorage(
  client: pg.ClientBase,
  id: string,
  organizationId: string,
): Promise<void> {
  await client.query(
    `INSERT INTO secret_storage
       (id, scope_type, scope_id, descriptor, storage_type, configured_from_environment, created_by, updated_by)
     VALUES ($1, 'organization', $2, 'Default Secret Storage', 'local_testing', true, $2, $2)`,
    [id, organizationId],
  );
}

export interface DefinitionRow {
  id: string;
  name: string;
  actorType: 'source' | 'destination';
  custom: boolean;
}

export function insertDefinitions(client: pg.ClientBase, rows: DefinitionRow[]): Promise<void> {
  return insertRows(
    client,
    'actor_definition',
    [uuid('id'), text('name'), enumOf('actor_type', 'actor_type'), bool('custom')],
    rows.map((r) => [r.id, r.name, r.actorType, r.custom]),
  );
}

export interface VersionRow {
  id: string;
  definitionId: string;
  dockerRepository: string;
  dockerImageTag: string;
  spec: unknown;
}

export function insertVersions(client: pg.ClientBase, rows: VersionRow[]): Promise<void> {
  return insertRows(
    client,
    'actor_definition_version',
    [
      uuid('id'),
      uuid('actor_definition_id'),
      text('docker_repository'),
      text('docker_image_tag'),
      json('spec'),
      enumOf('support_level', 'support_level'),
    ],
    rows.map((r) => [
      r.id,
      r.definitionId,
      r.dockerRepository,
      r.dockerImageTag,
      JSON.stringify(r.spec),
      'community',
    ]),
  );
}

/** Points each definition at its version. */
export async function setDefaultVersions(client: pg.ClientBase, versionIds: string[]): Promise<void> {
  await client.query(
    `UPDATE actor_definition d SET default_version_id = v.id
     FROM actor_definition_version v WHERE v.actor_definition_id = d.id AND v.id = ANY ($1::uuid[])`,
    [versionIds],
  );
}

export interface ActorRow {
  id: string;
  workspaceId: string;
  definitionId: string;
  name: string;
  /** JSON text; `null` (the JSON literal) for a deleted actor. */
  configuration: string;
  actorType: 'source' | 'destination';
  tombstone: boolean;
}

export function insertActors(client: pg.ClientBase, rows: ActorRow[]): Promise<void> {
  return insertRows(
    client,
    'actor',
    [
      uuid('id'),
      uuid('workspace_id'),
      uuid('actor_definition_id'),
      text('name'),
      json('configuration'),
      enumOf('actor_type', 'actor_type'),
      bool('tombstone'),
    ],
    rows.map((r) => [r.id, r.workspaceId, r.definitionId, r.name, r.configuration, r.actorType, r.tombstone]),
  );
}

export interface OAuthParameterRow {
  id: string;
  workspaceId: string | null;
  organizationId: string | null;
  definitionId: string;
  configuration: string;
  actorType: 'source' | 'destination';
}

export function insertOAuthParameters(
  client: pg.ClientBase,
  rows: OAuthParameterRow[],
  withOrganization: boolean,
): Promise<void> {
  return insertRows(
    client,
    'actor_oauth_parameter',
    [
      uuid('id'),
      uuid('workspace_id'),
      uuid('actor_definition_id'),
      json('configuration'),
      enumOf('actor_type', 'actor_type'),
      ...(withOrganization ? [uuid('organization_id')] : []),
    ],
    rows.map((r) => [
      r.id,
      r.workspaceId,
      r.definitionId,
      r.configuration,
      r.actorType,
      ...(withOrganization ? [r.organizationId] : []),
    ]),
  );
}

export interface PinRow {
  id: string;
  definitionId: string;
  scopeType: 'actor' | 'workspace' | 'organization';
  scopeId: string;
  versionId: string;
  origin: 'user' | 'breaking_change' | 'connector_rollout';
}

/** `connector_version` rows of scoped_configuration. */
export function insertVersionPins(client: pg.ClientBase, rows: PinRow[]): Promise<void> {
  return insertRows(
    client,
    'scoped_configuration',
    [
      uuid('id'),
      text('key'),
      enumOf('resource_type', 'config_resource_type'),
      uuid('resource_id'),
      enumOf('scope_type', 'config_scope_type'),
      uuid('scope_id'),
      text('value'),
      enumOf('origin_type', 'config_origin_type'),
      text('origin'),
    ],
    rows.map((r) => [
      r.id,
      'connector_version',
      'actor_definition',
      r.definitionId,
      r.scopeType,
      r.scopeId,
      r.versionId,
      r.origin,
      'airbyte-secrets sample',
    ]),
  );
}

export interface SecretConfigRow {
  id: string;
  storageId: string;
  coordinate: string;
}

/** Airbyte-managed secret_config rows: descriptor and external coordinate both hold the coordinate. */
export function insertSecretConfigs(client: pg.ClientBase, rows: SecretConfigRow[]): Promise<void> {
  return insertRows(
    client,
    'secret_config',
    [
      uuid('id'),
      uuid('secret_storage_id'),
      text('descriptor'),
      text('external_coordinate'),
      bool('airbyte_managed'),
    ],
    rows.map((r) => [r.id, r.storageId, r.coordinate, r.coordinate, true]),
  );
}

export interface SecretReferenceRow {
  id: string;
  secretConfigId: string;
  scopeType: 'actor' | 'actor_oauth_parameter';
  scopeId: string;
  hydrationPath: string;
}

export function insertSecretReferences(client: pg.ClientBase, rows: SecretReferenceRow[]): Promise<void> {
  return insertRows(
    client,
    'secret_reference',
    [
      uuid('id'),
      uuid('secret_config_id'),
      enumOf('scope_type', 'secret_reference_scope_type'),
      uuid('scope_id'),
      text('hydration_path'),
    ],
    rows.map((r) => [r.id, r.secretConfigId, r.scopeType, r.scopeId, r.hydrationPath]),
  );
}

export interface ConnectionRow {
  id: string;
  sourceId: string;
  destinationId: string;
  name: string;
  /** JSON text of a ConfiguredAirbyteCatalog. */
  catalog: string;
  status: 'active' | 'inactive' | 'deprecated';
}

export function insertConnections(client: pg.ClientBase, rows: ConnectionRow[]): Promise<void> {
  return insertRows(
    client,
    'connection',
    [
      uuid('id'),
      enumOf('namespace_definition', 'namespace_definition_type'),
      uuid('source_id'),
      uuid('destination_id'),
      text('name'),
      json('catalog'),
      enumOf('status', 'status_type'),
      bool('manual'),
    ],
    rows.map((r) => [r.id, 'source', r.sourceId, r.destinationId, r.name, r.catalog, r.status, true]),
  );
}

export interface BuilderProjectRow {
  id: string;
  workspaceId: string;
  name: string;
  /** JSON text or null. */
  manifestDraft: string | null;
  actorDefinitionId: string | null;
  tombstone: boolean;
  /** JSON text. */
  testingValues: string;
}

export function insertBuilderProjects(client: pg.ClientBase, rows: BuilderProjectRow[]): Promise<void> {
  return insertRows(
    client,
    'connector_builder_project',
    [
      uuid('id'),
      uuid('workspace_id'),
      text('name'),
      json('manifest_draft'),
      uuid('actor_definition_id'),
      bool('tombstone'),
      json('testing_values'),
    ],
    rows.map((r) => [
      r.id,
      r.workspaceId,
      r.name,
      r.manifestDraft,
      r.actorDefinitionId,
      r.tombstone,
      r.testingValues,
    ]),
  );
}

export interface PublishedManifestRow {
  actorDefinitionId: string;
  version: number;
  /** JSON text of the manifest and of the connector spec made from it. */
  manifest: string;
  spec: string;
}

/** A declarative_manifest and the active_declarative_manifest row that makes it current. */
export async function insertPublishedManifests(
  client: pg.ClientBase,
  rows: PublishedManifestRow[],
): Promise<void> {
  await insertRows(
    client,
    'declarative_manifest',
    [uuid('actor_definition_id'), text('description'), json('manifest'), json('spec'), bigint('version')],
    rows.map((r) => [
      r.actorDefinitionId,
      'Published from the Connector Builder',
      r.manifest,
      r.spec,
      r.version,
    ]),
  );
  await insertRows(
    client,
    'active_declarative_manifest',
    [uuid('actor_definition_id'), bigint('version')],
    rows.map((r) => [r.actorDefinitionId, r.version]),
  );
}

export interface SecretPersistenceConfigRow {
  id: string;
  scopeId: string;
  coordinate: string;
}

/** Organization-scoped runtime secret persistences of type aws. */
export function insertSecretPersistenceConfigs(
  client: pg.ClientBase,
  rows: SecretPersistenceConfigRow[],
): Promise<void> {
  return insertRows(
    client,
    'secret_persistence_config',
    [
      uuid('id'),
      uuid('scope_id'),
      enumOf('scope_type', 'secret_persistence_scope_type'),
      text('secret_persistence_config_coordinate'),
      enumOf('secret_persistence_type', 'secret_persistence_type'),
    ],
    rows.map((r) => [r.id, r.scopeId, 'organization', r.coordinate, 'aws']),
  );
}

/** Rows of the plaintext database store. */
export function insertSecrets(
  client: pg.ClientBase,
  rows: Array<{ coordinate: string; payload: string }>,
): Promise<void> {
  return insertRows(
    client,
    'secrets',
    [text('coordinate'), text('payload')],
    rows.map((r) => [r.coordinate, r.payload]),
  );
}

const uuid = (name: string): Column => ({ name, type: 'uuid' });
const text = (name: string): Column => ({ name, type: 'text' });
const bool = (name: string): Column => ({ name, type: 'bool' });
const bigint = (name: string): Column => ({ name, type: 'int', cast: 'bigint' });
const json = (name: string): Column => ({ name, type: 'text', cast: 'jsonb' });
const enumOf = (name: string, type: string): Column => ({ name, type: 'text', cast: type });
