import type pg from 'pg';
import { UsageError } from '../util/errors.js';
import { CURRENT_DATABASE_SQL, SCHEMA_COLUMNS_SQL } from './queries.js';

/** The tables airbyte-secrets may read; which of them exist depends on the Airbyte version. */
export const AIRBYTE_TABLES = [
  'organization',
  'workspace',
  'actor_definition',
  'actor_definition_version',
  'actor',
  'actor_oauth_parameter',
  'scoped_configuration',
  'secret_storage',
  'secret_config',
  'secret_reference',
  'secrets',
  'connection',
  'connector_builder_project',
  'declarative_manifest',
  'active_declarative_manifest',
  'secret_persistence_config',
] as const;
export type AirbyteTable = (typeof AIRBYTE_TABLES)[number];

/** Without these the database is not an Airbyte config database. */
const REQUIRED_TABLES: readonly AirbyteTable[] = ['actor', 'actor_definition', 'workspace'];

/** What this Airbyte database has, so one code path reads old and new versions alike. */
export interface AirbyteSchemaInfo {
  /** Columns of every table found in the search path (tables that are absent have no entry). */
  tables: Partial<Record<AirbyteTable, string[]>>;
  /** workspace.organization_id (0.50.5+). */
  workspaceOrganization: boolean;
  /** actor_oauth_parameter.organization_id (1.1.1+). */
  oauthParameterOrganization: boolean;
  /** actor_oauth_parameter exists. */
  oauthParameters: boolean;
  /** actor_definition.default_version_id and actor_definition_version (0.43.1+). */
  definitionVersions: boolean;
  /** scoped_configuration: connector version pins (0.50.33+). */
  versionPins: boolean;
  /** secret_storage, secret_config and secret_reference (1.1.1+). */
  secretReferences: boolean;
  /** The plaintext `secrets` table of the database store. */
  secretsTable: boolean;
  /** workspace.webhook_operation_configs. */
  webhookConfigs: boolean;
  /** connection.catalog, whose stream mappers may hold secrets (mappers: 1.2+; the column is older). */
  connectionCatalogs: boolean;
  /** connector_builder_project.testing_values (0.50.33+). */
  builderTestingValues: boolean;
  /** declarative_manifest and active_declarative_manifest: the published manifest of a builder project. */
  publishedManifests: boolean;
  /** secret_persistence_config.secret_persistence_config_coordinate (0.50.24+). */
  secretPersistenceConfigs: boolean;
}

export function hasColumn(info: AirbyteSchemaInfo, table: AirbyteTable, column: string): boolean {
  return info.tables[table]?.includes(column) ?? false;
}

/**
 * Reads information_schema for the tables and columns in the search path (Airbyte uses `public`).
 * Throws a UsageError when the core tables are missing: the URL points at another database.
 */
export async function detectAirbyteSchema(db: Pick<pg.Pool, 'query'>): Promise<AirbyteSchemaInfo> {
  const { rows } = await db.query<{ table_name: string; column_name: string }>(SCHEMA_COLUMNS_SQL, [
    [...AIRBYTE_TABLES],
  ]);
  const tables: Partial<Record<AirbyteTable, string[]>> = {};
  for (const r of rows) {
    const t = r.table_name as AirbyteTable;
    const cols = tables[t] ?? [];
    if (!cols.includes(r.column_name)) cols.push(r.column_name);
    tables[t] = cols;
  }
  const missing = REQUIRED_TABLES.filter((t) => !tables[t]);
  if (missing.length > 0) {
    const database = (await db.query<{ db: string }>(CURRENT_DATABASE_SQL)).rows[0]?.db ?? '?';
    throw new UsageError(
      `database "${database}" has no Airbyte table ${missing.join(', ')}: point --database-url (or DATABASE_URL) at Airbyte's config database`,
    );
  }
  const info: AirbyteSchemaInfo = {
    tables,
    workspaceOrganization: false,
    oauthParameterOrganization: false,
    oauthParameters: Boolean(tables.actor_oauth_parameter),
    definitionVersions: false,
    versionPins: false,
    secretReferences: Boolean(tables.secret_storage && tables.secret_config && tables.secret_reference),
    secretsTable: Boolean(tables.secrets),
    webhookConfigs: false,
    connectionCatalogs: false,
    builderTestingValues: false,
    publishedManifests: false,
    secretPersistenceConfigs: false,
  };
  info.workspaceOrganization = hasColumn(info, 'workspace', 'organization_id');
  info.oauthParameterOrganization = hasColumn(info, 'actor_oauth_parameter', 'organization_id');
  info.definitionVersions =
    Boolean(tables.actor_definition_version) && hasColumn(info, 'actor_definition', 'default_version_id');
  info.versionPins = Boolean(tables.scoped_configuration) && info.definitionVersions;
  info.webhookConfigs = hasColumn(info, 'workspace', 'webhook_operation_configs');
  info.connectionCatalogs =
    hasColumn(info, 'connection', 'catalog') && hasColumn(info, 'connection', 'source_id');
  info.builderTestingValues =
    hasColumn(info, 'connector_builder_project', 'testing_values') &&
    hasColumn(info, 'connector_builder_project', 'workspace_id');
  info.publishedManifests =
    hasColumn(info, 'declarative_manifest', 'manifest') &&
    hasColumn(info, 'active_declarative_manifest', 'version') &&
    hasColumn(info, 'connector_builder_project', 'actor_definition_id');
  info.secretPersistenceConfigs = hasColumn(
    info,
    'secret_persistence_config',
    'secret_persistence_config_coordinate',
  );
  return info;
}
