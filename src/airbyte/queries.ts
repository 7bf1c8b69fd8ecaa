import type { AirbyteSchemaInfo } from './schema-detect.js';

/**
 * Every SQL statement airbyte-secrets runs against Airbyte's config database. All read-only and
 * parameterised; the builders only pick fragments for the columns and tables this Airbyte version
 * has (schema-detect.ts), they never splice values into the text.
 */

/** Columns of the Airbyte tables found in the search path. $1: table names. */
export const SCHEMA_COLUMNS_SQL = `
SELECT table_name::text AS table_name, column_name::text AS column_name
FROM information_schema.columns
WHERE table_schema = ANY (current_schemas(false)) AND table_name = ANY ($1::text[])
ORDER BY table_name, ordinal_position`;

/** For messages about the database we are connected to. */
export const CURRENT_DATABASE_SQL = 'SELECT current_database() AS db';

/** The read-only snapshot the inventory reads in. */
export const BEGIN_SNAPSHOT_SQL = 'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY';

/** A live actor: not deleted. Deleting sets `tombstone` and stores the JSON literal `null` as config. */
const LIVE_ACTOR = `a.tombstone = false AND a.configuration IS NOT NULL AND jsonb_typeof(a.configuration) <> 'null'`;

/** The organization of a workspace-owned row (`w` joined on the row's workspace), or NULL on old schemas. */
function workspaceOrg(info: AirbyteSchemaInfo): string {
  return info.workspaceOrganization ? 'w.organization_id' : 'NULL::uuid';
}

/** The organization an OAuth-parameter row belongs to: its own column, else its workspace's. */
function oauthOrg(info: AirbyteSchemaInfo): string {
  if (info.oauthParameterOrganization) return `COALESCE(p.organization_id, ${workspaceOrg(info)})`;
  return workspaceOrg(info);
}

/**
 * The actor_definition_version id a row uses, as Airbyte resolves it: the most specific
 * `connector_version` pin in scoped_configuration (actor, then workspace, then organization),
 * else the definition's default version. `d` is the actor_definition row.
 */
function versionIdExpr(
  info: AirbyteSchemaInfo,
  scope: { actorId: string | null; workspaceId: string; organizationId: string },
): string {
  if (!info.definitionVersions) return 'NULL::text';
  const fallback = 'd.default_version_id::text';
  if (!info.versionPins) return fallback;
  const scopes = [
    ...(scope.actorId ? [`(sc.scope_type = 'actor' AND sc.scope_id = ${scope.actorId})`] : []),
    `(sc.scope_type = 'workspace' AND sc.scope_id = ${scope.workspaceId})`,
    `(sc.scope_type = 'organization' AND sc.scope_id = ${scope.organizationId})`,
  ];
  return `COALESCE((
    SELECT sc.value::text FROM scoped_configuration sc
    WHERE sc.key = 'connector_version' AND sc.resource_type = 'actor_definition'
      AND sc.resource_id = d.id AND (${scopes.join(' OR ')})
    ORDER BY CASE sc.scope_type WHEN 'actor' THEN 0 WHEN 'workspace' THEN 1 ELSE 2 END
    LIMIT 1), ${fallback})`;
}

/** The `secret_reference` rows of one holder, with their coordinate and storage, as a JSON array. */
function referencesExpr(
  info: AirbyteSchemaInfo,
  scopeType: 'actor' | 'actor_oauth_parameter',
  id: string,
): string {
  if (!info.secretReferences) return 'NULL::json';
  // `actor_oauth_parameter` joined the enum later (2.0.0): compared as text it cannot fail on older
  // databases. `actor` is compared as the enum so the (scope_type, scope_id) index serves it.
  const scopeCondition =
    scopeType === 'actor' ? `sr.scope_type = 'actor'` : `sr.scope_type::text = 'actor_oauth_parameter'`;
  return `(SELECT json_agg(json_build_object(
      'id', sr.id::text, 'path', sr.hydration_path,
      'coordinate', scf.external_coordinate, 'storageId', scf.secret_storage_id::text))
    FROM secret_reference sr JOIN secret_config scf ON scf.id = sr.secret_config_id
    WHERE ${scopeCondition} AND sr.scope_id = ${id})`;
}

/** One row per live actor, in id order; `filtered`: only the ids in $1 (uuid[]). */
export function actorsSql(info: AirbyteSchemaInfo, filtered = false): string {
  const version = versionIdExpr(info, {
    actorId: 'a.id',
    workspaceId: 'a.workspace_id',
    organizationId: workspaceOrg(info),
  });
  return `
SELECT a.id::text AS id, a.workspace_id::text AS workspace_id, ${workspaceOrg(info)}::text AS organization_id,
  a.name, a.actor_type::text AS actor_type, a.actor_definition_id::text AS definition_id,
  a.configuration::text AS config_text, ${version} AS version_id,
  ${referencesExpr(info, 'actor', 'a.id')} AS refs
FROM actor a
JOIN actor_definition d ON d.id = a.actor_definition_id
LEFT JOIN workspace w ON w.id = a.workspace_id
WHERE ${LIVE_ACTOR}${filtered ? ' AND a.id = ANY ($1::uuid[])' : ''}
ORDER BY a.id`;
}

/** One row per OAuth-parameter override (workspace, organization or instance-wide), in id order; `filtered`: ids in $1. */
export function oauthParametersSql(info: AirbyteSchemaInfo, filtered = false): string {
  const org = oauthOrg(info);
  const version = versionIdExpr(info, { actorId: null, workspaceId: 'p.workspace_id', organizationId: org });
  return `
SELECT p.id::text AS id, p.workspace_id::text AS workspace_id, ${org}::text AS organization_id,
  d.name AS definition_name, p.actor_type::text AS actor_type, p.actor_definition_id::text AS definition_id,
  p.configuration::text AS config_text, ${version} AS version_id,
  ${referencesExpr(info, 'actor_oauth_parameter', 'p.id')} AS refs
FROM actor_oauth_parameter p
JOIN actor_definition d ON d.id = p.actor_definition_id
LEFT JOIN workspace w ON w.id = p.workspace_id
WHERE p.configuration IS NOT NULL AND jsonb_typeof(p.configuration) <> 'null'${filtered ? ' AND p.id = ANY ($1::uuid[])' : ''}
ORDER BY p.id`;
}

/** One row per workspace with webhook configs, in id order; `filtered`: ids in $1. */
export function webhooksSql(info: AirbyteSchemaInfo, filtered = false): string {
  return `
SELECT w.id::text AS id, w.name, ${workspaceOrg(info)}::text AS organization_id,
  w.webhook_operation_configs::text AS config_text
FROM workspace w
WHERE w.webhook_operation_configs IS NOT NULL AND jsonb_typeof(w.webhook_operation_configs) <> 'null'${filtered ? ' AND w.id = ANY ($1::uuid[])' : ''}
ORDER BY w.id`;
}

/**
 * Names of the mappers whose config schema marks a secret: only the encryption mapper's AES `key`
 * (airbyte-config/config-models/.../mapper/configs/EncryptionMapperConfig.kt; Airbyte's
 * MapperSecretHelper skips mappers whose spec has no secret path).
 */
export const SECRET_MAPPER_NAMES = ['encryption'] as const;

/**
 * A connection Airbyte still runs (deleting one sets status `deprecated`) with at least one mapper
 * that can hold a secret. `c` is the connection row.
 */
const LIVE_CONNECTION_WITH_SECRET_MAPPERS = `c.status IS DISTINCT FROM 'deprecated'
  AND jsonb_typeof(c.catalog -> 'streams') = 'array'
  AND EXISTS (SELECT 1 FROM jsonb_array_elements(CASE WHEN jsonb_typeof(c.catalog -> 'streams') = 'array'
                THEN c.catalog -> 'streams' ELSE '[]'::jsonb END) st
              WHERE ${SECRET_MAPPER_NAMES.map((n) => `st -> 'mappers' @> '${JSON.stringify([{ name: n }])}'::jsonb`).join(' OR ')})`;

/**
 * One row per live connection whose catalog has a secret-holding mapper, in id order; its
 * workspace is its source's (Airbyte splits mapper secrets under that workspace). `filtered`: ids in $1.
 */
export function connectionsSql(info: AirbyteSchemaInfo, filtered = false): string {
  return `
SELECT c.id::text AS id, src.workspace_id::text AS workspace_id, ${workspaceOrg(info)}::text AS organization_id,
  c.name, c.catalog::text AS config_text
FROM connection c
JOIN actor src ON src.id = c.source_id
LEFT JOIN workspace w ON w.id = src.workspace_id
WHERE ${LIVE_CONNECTION_WITH_SECRET_MAPPERS}${filtered ? ' AND c.id = ANY ($1::uuid[])' : ''}
ORDER BY c.id`;
}

/** A builder project not deleted (deleting sets `tombstone`) with testing values. `p` is the project row. */
const LIVE_BUILDER_TESTING_VALUES = `p.tombstone = false AND p.testing_values IS NOT NULL AND jsonb_typeof(p.testing_values) <> 'null'`;

/**
 * One row per live connector builder project with testing values, in id order, with the
 * `connection_specification` of its manifest: the draft's, else the published active manifest's
 * (as ConnectorBuilderProjectsHandler masks them). `filtered`: ids in $1.
 */
export function builderProjectsSql(info: AirbyteSchemaInfo, filtered = false): string {
  const draft = `p.manifest_draft -> 'spec' -> 'connection_specification'`;
  const published = info.publishedManifests
    ? `(SELECT dm.manifest -> 'spec' -> 'connection_specification'
         FROM active_declarative_manifest adm
         JOIN declarative_manifest dm ON dm.actor_definition_id = adm.actor_definition_id AND dm.version = adm.version
        WHERE adm.actor_definition_id = p.actor_definition_id)`
    : 'NULL::jsonb';
  return `
SELECT p.id::text AS id, p.workspace_id::text AS workspace_id, ${workspaceOrg(info)}::text AS organization_id,
  p.name, p.testing_values::text AS config_text, COALESCE(${draft}, ${published}) AS connection_specification
FROM connector_builder_project p
LEFT JOIN workspace w ON w.id = p.workspace_id
WHERE ${LIVE_BUILDER_TESTING_VALUES}${filtered ? ' AND p.id = ANY ($1::uuid[])' : ''}
ORDER BY p.id`;
}

/**
 * The distinct version ids live actors and OAuth parameters resolve to (the specs to load);
 * `filtered`: only actors with ids in $1 and OAuth parameters with ids in $2 (uuid[]).
 */
export function usedVersionIdsSql(info: AirbyteSchemaInfo, filtered = false): string {
  const actorVersion = versionIdExpr(info, {
    actorId: 'a.id',
    workspaceId: 'a.workspace_id',
    organizationId: workspaceOrg(info),
  });
  const parts = [
    `SELECT ${actorVersion} AS version_id FROM actor a
     JOIN actor_definition d ON d.id = a.actor_definition_id
     LEFT JOIN workspace w ON w.id = a.workspace_id
     WHERE ${LIVE_ACTOR}${filtered ? ' AND a.id = ANY ($1::uuid[])' : ''}`,
  ];
  if (info.oauthParameters) {
    const org = oauthOrg(info);
    const oauthVersion = versionIdExpr(info, {
      actorId: null,
      workspaceId: 'p.workspace_id',
      organizationId: org,
    });
    parts.push(`SELECT ${oauthVersion} AS version_id FROM actor_oauth_parameter p
     JOIN actor_definition d ON d.id = p.actor_definition_id
     LEFT JOIN workspace w ON w.id = p.workspace_id${filtered ? '\n     WHERE p.id = ANY ($2::uuid[])' : ''}`);
  }
  return `SELECT DISTINCT version_id FROM (${parts.join('\nUNION ALL\n')}) v WHERE version_id IS NOT NULL`;
}

/** The parts of the specs the inventory needs. $1: version ids (uuid[]). */
export const SPECS_BY_VERSION_SQL = `
SELECT v.id::text AS id, v.docker_repository, v.docker_image_tag,
  v.spec -> 'connectionSpecification' AS connection_specification,
  v.spec -> 'advanced_auth' AS advanced_auth
FROM actor_definition_version v
WHERE v.id = ANY ($1::uuid[])`;

/** Counts for progress bars: the rows readInventory will yield. */
export function countHoldersSql(info: AirbyteSchemaInfo): string {
  const oauth = info.oauthParameters
    ? `(SELECT count(*) FROM actor_oauth_parameter p WHERE p.configuration IS NOT NULL AND jsonb_typeof(p.configuration) <> 'null')`
    : '0';
  const webhooks = info.webhookConfigs
    ? `(SELECT count(*) FROM workspace w WHERE w.webhook_operation_configs IS NOT NULL AND jsonb_typeof(w.webhook_operation_configs) <> 'null')`
    : '0';
  const connections = info.connectionCatalogs
    ? `(SELECT count(*) FROM connection c JOIN actor src ON src.id = c.source_id WHERE ${LIVE_CONNECTION_WITH_SECRET_MAPPERS})`
    : '0';
  const builderProjects = info.builderTestingValues
    ? `(SELECT count(*) FROM connector_builder_project p WHERE ${LIVE_BUILDER_TESTING_VALUES})`
    : '0';
  return `
SELECT (SELECT count(*) FROM actor a WHERE ${LIVE_ACTOR})::int AS actors,
  ${oauth}::int AS oauth_parameters, ${webhooks}::int AS webhooks,
  ${connections}::int AS connections, ${builderProjects}::int AS builder_projects`;
}

/**
 * Every secret_persistence_config row with a coordinate: the coordinate names, in Airbyte's
 * default store, the JSON config of a runtime secret persistence (SecretPersistenceConfigServiceJooqImpl
 * reads it with fetchJsonSecretFromDefaultSecretPersistence). `scope_type` came in 0.50.33.
 */
export function secretPersistenceConfigsSql(info: AirbyteSchemaInfo): string {
  const scopeType = info.tables.secret_persistence_config?.includes('scope_type')
    ? 'spc.scope_type::text'
    : 'NULL::text';
  return `
SELECT spc.id::text AS id, ${scopeType} AS scope_type, spc.scope_id::text AS scope_id,
  spc.secret_persistence_config_coordinate AS coordinate
FROM secret_persistence_config spc
WHERE spc.secret_persistence_config_coordinate IS NOT NULL AND spc.secret_persistence_config_coordinate <> ''
ORDER BY spc.id`;
}

/** Every coordinate in the plaintext `secrets` table (never the payload). */
export const SECRETS_COORDINATES_SQL = 'SELECT coordinate FROM secrets ORDER BY coordinate';

/** Which of the given coordinates the `secrets` table holds. $1: coordinates (text[]). */
export const SECRETS_PRESENT_SQL = 'SELECT coordinate FROM secrets WHERE coordinate = ANY ($1::text[])';

/** Every secret_config row with its storage and the references that use it. */
export const SECRET_CONFIGS_SQL = `
SELECT c.id::text AS id, c.secret_storage_id::text AS secret_storage_id, s.storage_type::text AS storage_type,
  s.configured_from_environment, c.descriptor, c.external_coordinate, c.airbyte_managed, c.tombstone,
  COALESCE((SELECT json_agg(json_build_object(
      'id', r.id::text, 'scopeType', r.scope_type::text, 'scopeId', r.scope_id::text,
      'hydrationPath', r.hydration_path) ORDER BY r.id)
    FROM secret_reference r WHERE r.secret_config_id = c.id), '[]'::json) AS refs
FROM secret_config c
LEFT JOIN secret_storage s ON s.id = c.secret_storage_id
ORDER BY c.id`;
