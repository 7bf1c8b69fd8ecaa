-- The Airbyte config-database tables that airbyte-secrets reads, for the sample database, the demo,
-- the benchmarks and the tests. Written from the documented schema (column names, types, enums and
-- keys as Airbyte has them); columns airbyte-secrets never reads are mostly left out.
--
-- The file is split into sections by `-- @variant <name>` lines. `createAirbyteSchema` runs the
-- `all` section for every variant and the `current` section only for a current Airbyte, so the
-- `legacy` variant looks like an Airbyte from before organizations, version pins and secret
-- references (roughly 0.44 to 0.50): no `organization`, no `organization_id` columns, no
-- `scoped_configuration`, no `secret_storage` / `secret_config` / `secret_reference`, no
-- `connector_builder_project.testing_values`, no `secret_persistence_config`, and no plaintext
-- `secrets` table (a deployment that never used the database store).

-- @variant all

CREATE TYPE actor_type AS ENUM ('source', 'destination');
CREATE TYPE support_level AS ENUM ('none', 'community', 'certified', 'archived');
CREATE TYPE support_state AS ENUM ('supported', 'deprecated', 'unsupported');

CREATE TABLE actor_definition (
  id uuid NOT NULL,
  name varchar(256) NOT NULL,
  icon varchar(256),
  actor_type actor_type NOT NULL,
  tombstone boolean NOT NULL DEFAULT false,
  public boolean NOT NULL DEFAULT false,
  custom boolean NOT NULL DEFAULT false,
  default_version_id uuid,
  created_at timestamp(6) with time zone NOT NULL DEFAULT current_timestamp,
  updated_at timestamp(6) with time zone NOT NULL DEFAULT current_timestamp,
  CONSTRAINT actor_definition_pkey PRIMARY KEY (id)
);

CREATE TABLE actor_definition_version (
  id uuid NOT NULL,
  actor_definition_id uuid NOT NULL,
  documentation_url varchar(256),
  docker_repository varchar(256) NOT NULL,
  docker_image_tag varchar(256) NOT NULL,
  spec jsonb NOT NULL,
  protocol_version varchar(256),
  release_date date,
  support_state support_state NOT NULL DEFAULT 'supported',
  support_level support_level NOT NULL,
  created_at timestamp(6) with time zone NOT NULL DEFAULT current_timestamp,
  updated_at timestamp(6) with time zone NOT NULL DEFAULT current_timestamp,
  CONSTRAINT actor_definition_version_pkey PRIMARY KEY (id),
  CONSTRAINT actor_definition_version_actor_definition_id_version_key UNIQUE (actor_definition_id, docker_image_tag),
  CONSTRAINT actor_definition_version_actor_definition_id_fkey FOREIGN KEY (actor_definition_id)
    REFERENCES actor_definition (id)
);

ALTER TABLE actor_definition ADD CONSTRAINT actor_definition_default_version_id_fkey
  FOREIGN KEY (default_version_id) REFERENCES actor_definition_version (id);

CREATE TABLE workspace (
  id uuid NOT NULL,
  customer_id uuid,
  name varchar(256) NOT NULL,
  slug varchar(256) NOT NULL,
  email varchar(256),
  initial_setup_complete boolean NOT NULL,
  anonymous_data_collection boolean,
  send_newsletter boolean,
  send_security_updates boolean,
  display_setup_wizard boolean,
  tombstone boolean NOT NULL DEFAULT false,
  notifications jsonb,
  first_sync_complete boolean,
  feedback_complete boolean,
  webhook_operation_configs jsonb,
  notification_settings jsonb,
  created_at timestamp(6) with time zone NOT NULL DEFAULT current_timestamp,
  updated_at timestamp(6) with time zone NOT NULL DEFAULT current_timestamp,
  CONSTRAINT workspace_pkey PRIMARY KEY (id)
);

CREATE TABLE actor (
  id uuid NOT NULL,
  workspace_id uuid NOT NULL,
  actor_definition_id uuid NOT NULL,
  name varchar(256) NOT NULL,
  configuration jsonb NOT NULL,
  actor_type actor_type NOT NULL,
  tombstone boolean NOT NULL DEFAULT false,
  resource_requirements jsonb,
  created_at timestamp(6) with time zone NOT NULL DEFAULT current_timestamp,
  updated_at timestamp(6) with time zone NOT NULL DEFAULT current_timestamp,
  CONSTRAINT actor_pkey PRIMARY KEY (id),
  CONSTRAINT actor_actor_definition_id_fkey FOREIGN KEY (actor_definition_id) REFERENCES actor_definition (id),
  CONSTRAINT actor_workspace_id_fkey FOREIGN KEY (workspace_id) REFERENCES workspace (id)
);
CREATE INDEX actor_actor_definition_id_idx ON actor (actor_definition_id);
CREATE INDEX actor_workspace_id_idx ON actor (workspace_id);

CREATE TABLE actor_oauth_parameter (
  id uuid NOT NULL,
  workspace_id uuid,
  actor_definition_id uuid NOT NULL,
  configuration jsonb NOT NULL,
  actor_type actor_type NOT NULL,
  created_at timestamp(6) with time zone NOT NULL DEFAULT current_timestamp,
  updated_at timestamp(6) with time zone NOT NULL DEFAULT current_timestamp,
  CONSTRAINT actor_oauth_parameter_pkey PRIMARY KEY (id)
);
CREATE INDEX actor_oauth_parameter_workspace_definition_idx ON actor_oauth_parameter (workspace_id, actor_definition_id);

-- Connections (0.32.8). `catalog` is a ConfiguredAirbyteCatalog; since 1.2 its streams carry
-- `mappers`, whose encryption configs hold an AES key split into the secret store.
CREATE TYPE namespace_definition_type AS ENUM ('source', 'destination', 'customformat');
CREATE TYPE status_type AS ENUM ('active', 'inactive', 'deprecated');

CREATE TABLE connection (
  id uuid NOT NULL,
  namespace_definition namespace_definition_type NOT NULL,
  namespace_format varchar(256),
  prefix varchar(256),
  source_id uuid NOT NULL,
  destination_id uuid NOT NULL,
  name varchar(256) NOT NULL,
  catalog jsonb NOT NULL,
  status status_type,
  schedule jsonb,
  manual boolean,
  resource_requirements jsonb,
  created_at timestamp(6) with time zone NOT NULL DEFAULT current_timestamp,
  updated_at timestamp(6) with time zone NOT NULL DEFAULT current_timestamp,
  CONSTRAINT connection_pkey PRIMARY KEY (id),
  CONSTRAINT connection_source_id_fkey FOREIGN KEY (source_id) REFERENCES actor (id) ON DELETE CASCADE,
  CONSTRAINT connection_destination_id_fkey FOREIGN KEY (destination_id) REFERENCES actor (id) ON DELETE CASCADE
);
CREATE INDEX connection_source_id_idx ON connection (source_id);
CREATE INDEX connection_destination_id_idx ON connection (destination_id);

-- Connector builder projects (0.41.0) and the manifests they publish.
CREATE TABLE connector_builder_project (
  id uuid NOT NULL,
  workspace_id uuid NOT NULL,
  name varchar(256) NOT NULL,
  manifest_draft jsonb,
  actor_definition_id uuid,
  tombstone boolean NOT NULL DEFAULT false,
  created_at timestamp(6) with time zone NOT NULL DEFAULT current_timestamp,
  updated_at timestamp(6) with time zone NOT NULL DEFAULT current_timestamp,
  CONSTRAINT connector_builder_project_pkey PRIMARY KEY (id)
);
CREATE INDEX connector_builder_project_workspace_idx ON connector_builder_project (workspace_id);

CREATE TABLE declarative_manifest (
  actor_definition_id uuid NOT NULL,
  description varchar(256) NOT NULL,
  manifest jsonb NOT NULL,
  spec jsonb NOT NULL,
  version bigint NOT NULL,
  created_at timestamp(6) with time zone NOT NULL DEFAULT current_timestamp,
  CONSTRAINT declarative_manifest_pkey PRIMARY KEY (actor_definition_id, version)
);

CREATE TABLE active_declarative_manifest (
  actor_definition_id uuid NOT NULL,
  version bigint NOT NULL,
  created_at timestamp(6) with time zone NOT NULL DEFAULT current_timestamp,
  updated_at timestamp(6) with time zone NOT NULL DEFAULT current_timestamp,
  CONSTRAINT active_declarative_manifest_pkey PRIMARY KEY (actor_definition_id)
);

-- @variant current

-- Organizations (0.50.5), made mandatory for workspaces in 0.55.1.
CREATE TABLE organization (
  id uuid NOT NULL,
  name varchar(256) NOT NULL,
  user_id uuid,
  email varchar(256) NOT NULL,
  tombstone boolean NOT NULL DEFAULT false,
  created_at timestamp(6) with time zone NOT NULL DEFAULT current_timestamp,
  updated_at timestamp(6) with time zone NOT NULL DEFAULT current_timestamp,
  CONSTRAINT organization_pkey PRIMARY KEY (id)
);

ALTER TABLE workspace ADD COLUMN organization_id uuid NOT NULL;
ALTER TABLE workspace ADD CONSTRAINT workspace_organization_id_fkey
  FOREIGN KEY (organization_id) REFERENCES organization (id);

-- OAuth parameters scoped to an organization (1.1.1.017): a row names a workspace or an organization.
ALTER TABLE actor_oauth_parameter ADD COLUMN organization_id uuid;
ALTER TABLE actor_oauth_parameter ADD CONSTRAINT only_workspace_or_org_is_set
  CHECK (workspace_id IS NULL OR organization_id IS NULL);

-- Version pins and other scoped settings (0.50.33).
CREATE TYPE config_resource_type AS ENUM ('actor_definition');
CREATE TYPE config_scope_type AS ENUM ('organization', 'workspace', 'actor');
CREATE TYPE config_origin_type AS ENUM ('user', 'breaking_change', 'connector_rollout');

CREATE TABLE scoped_configuration (
  id uuid NOT NULL,
  key varchar(256) NOT NULL,
  resource_type config_resource_type NOT NULL,
  resource_id uuid NOT NULL,
  scope_type config_scope_type NOT NULL,
  scope_id uuid NOT NULL,
  value varchar(256) NOT NULL,
  description text,
  reference_url varchar(256),
  origin_type config_origin_type NOT NULL,
  origin varchar(256) NOT NULL,
  expires_at date,
  created_at timestamp(6) with time zone NOT NULL DEFAULT current_timestamp,
  updated_at timestamp(6) with time zone NOT NULL DEFAULT current_timestamp,
  CONSTRAINT scoped_configuration_pkey PRIMARY KEY (id),
  CONSTRAINT scoped_configuration_key_resource_type_resource_id_scope_ty_key
    UNIQUE (key, resource_type, resource_id, scope_type, scope_id)
);

-- Secret storages, secrets and where they are used (1.1.1.011 and later).
CREATE TYPE secret_storage_scope_type AS ENUM ('workspace', 'organization');
CREATE TYPE secret_storage_type AS ENUM
  ('aws_secrets_manager', 'google_secret_manager', 'azure_key_vault', 'vault', 'local_testing');
CREATE TYPE secret_reference_scope_type AS ENUM
  ('actor', 'secret_storage', 'connection_template', 'actor_oauth_parameter');

CREATE TABLE secret_storage (
  id uuid NOT NULL,
  scope_type secret_storage_scope_type NOT NULL,
  scope_id uuid NOT NULL,
  descriptor varchar(256) NOT NULL,
  storage_type secret_storage_type NOT NULL,
  configured_from_environment boolean NOT NULL DEFAULT false,
  tombstone boolean NOT NULL DEFAULT false,
  created_by uuid NOT NULL,
  updated_by uuid NOT NULL,
  created_at timestamp(6) with time zone NOT NULL DEFAULT current_timestamp,
  updated_at timestamp(6) with time zone NOT NULL DEFAULT current_timestamp,
  CONSTRAINT secret_storage_pkey PRIMARY KEY (id),
  CONSTRAINT secret_storage_scope_id_scope_type_storage_type_descriptor_key
    UNIQUE (scope_id, scope_type, storage_type, descriptor)
);

CREATE TABLE secret_config (
  id uuid NOT NULL,
  secret_storage_id uuid NOT NULL,
  descriptor varchar(256) NOT NULL,
  external_coordinate varchar(256) NOT NULL,
  tombstone boolean NOT NULL DEFAULT false,
  airbyte_managed boolean NOT NULL,
  created_by uuid,
  updated_by uuid,
  created_at timestamp(6) with time zone NOT NULL DEFAULT current_timestamp,
  updated_at timestamp(6) with time zone NOT NULL DEFAULT current_timestamp,
  CONSTRAINT secret_config_pkey PRIMARY KEY (id),
  CONSTRAINT secret_config_secret_storage_id_fkey FOREIGN KEY (secret_storage_id) REFERENCES secret_storage (id),
  CONSTRAINT secret_config_secret_storage_id_descriptor_key UNIQUE (secret_storage_id, descriptor),
  CONSTRAINT secret_config_secret_storage_id_external_coordinate_key UNIQUE (secret_storage_id, external_coordinate)
);

CREATE TABLE secret_reference (
  id uuid NOT NULL,
  secret_config_id uuid NOT NULL,
  scope_type secret_reference_scope_type NOT NULL,
  scope_id uuid NOT NULL,
  hydration_path text,
  created_at timestamp(6) with time zone NOT NULL DEFAULT current_timestamp,
  updated_at timestamp(6) with time zone NOT NULL DEFAULT current_timestamp,
  CONSTRAINT secret_reference_pkey PRIMARY KEY (id),
  CONSTRAINT secret_reference_secret_config_id_fkey FOREIGN KEY (secret_config_id) REFERENCES secret_config (id)
);
CREATE UNIQUE INDEX secret_reference_scope_type_scope_id_hydration_path_idx
  ON secret_reference (scope_type, scope_id, coalesce(hydration_path, ''));
CREATE INDEX secret_reference_secret_config_id_idx ON secret_reference (secret_config_id);

-- The builder's testing values (0.50.33.013): secret fields split as in actor configurations.
ALTER TABLE connector_builder_project ADD COLUMN testing_values jsonb;

-- Runtime secret persistences (0.50.24.008, recreated with scope and type in 0.50.33.004): the
-- coordinate names, in the default store, the JSON config of the persistence.
CREATE TYPE secret_persistence_scope_type AS ENUM ('workspace', 'organization');
CREATE TYPE secret_persistence_type AS ENUM ('google', 'aws', 'vault', 'testing');

CREATE TABLE secret_persistence_config (
  id uuid NOT NULL,
  scope_id uuid,
  scope_type secret_persistence_scope_type NOT NULL DEFAULT 'organization',
  secret_persistence_config_coordinate varchar(256),
  secret_persistence_type secret_persistence_type NOT NULL,
  created_at timestamp(6) with time zone NOT NULL DEFAULT current_timestamp,
  updated_at timestamp(6) with time zone NOT NULL DEFAULT current_timestamp,
  CONSTRAINT secret_persistence_config_pkey PRIMARY KEY (id),
  CONSTRAINT secret_persistence_config_scope_id_scope_type_key UNIQUE (scope_id, scope_type)
);

-- The plaintext database store (SECRET_PERSISTENCE=TESTING_CONFIG_DB_TABLE). No Flyway migration
-- creates it: Airbyte creates it on first use, in the same database.
CREATE TABLE IF NOT EXISTS secrets (coordinate TEXT PRIMARY KEY, payload TEXT);
