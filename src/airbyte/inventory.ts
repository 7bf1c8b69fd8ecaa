import type pg from 'pg';
import Cursor from 'pg-cursor';
import { classifySecretNode, findSecretReferences } from './classify.js';
import { jsonNestingDepth, MAX_JSON_DEPTH, parseExactJson } from './exact-json.js';
import { formatPath, getAt, index, isJsonObject, key, parsePath, type Segment } from './json-path.js';
import { expandPath, secretPathTemplates, specProblem } from './paths.js';
import {
  actorsSql,
  BEGIN_SNAPSHOT_SQL,
  builderProjectsSql,
  connectionsSql,
  countHoldersSql,
  oauthParametersSql,
  SECRET_CONFIGS_SQL,
  type SECRET_MAPPER_NAMES,
  SECRETS_COORDINATES_SQL,
  SPECS_BY_VERSION_SQL,
  secretPersistenceConfigsSql,
  usedVersionIdsSql,
  webhooksSql,
} from './queries.js';
import { type AirbyteSchemaInfo, detectAirbyteSchema } from './schema-detect.js';
import {
  type ClassifiedNode,
  HOLDER_KINDS,
  type HolderKind,
  type HolderRow,
  isNodeKind,
  type SecretRecord,
} from './types.js';

export const DEFAULT_BATCH_SIZE = 500;

/**
 * The schema of `workspace.webhook_operation_configs` as far as secrets go (Airbyte's
 * WebhookOperationConfigs.yaml marks `webhookConfigs[*].authToken` secret).
 */
const WEBHOOK_SPEC = {
  type: 'object',
  properties: {
    webhookConfigs: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          id: { type: 'string' },
          name: { type: 'string' },
          authToken: { type: 'string', airbyte_secret: true },
        },
      },
    },
  },
};
const WEBHOOK_TEMPLATES = secretPathTemplates(WEBHOOK_SPEC);

/**
 * The config schema of the encryption mapper as far as secrets go: AES keeps its `key` (an
 * `AirbyteSecret`, which Airbyte's schema generator marks `airbyte_secret`), RSA only a public key
 * (airbyte-config/config-models/.../mapper/configs/EncryptionMapperConfig.kt,
 * airbyte-mappers/.../transformations/SimpleJsonSchemaGeneratorFromSpec.kt).
 */
const ENCRYPTION_MAPPER_CONFIG_SPEC = {
  type: 'object',
  oneOf: [
    {
      type: 'object',
      properties: {
        algorithm: { type: 'string', const: 'AES' },
        targetField: { type: 'string' },
        fieldNameSuffix: { type: 'string' },
        mode: { type: 'string' },
        padding: { type: 'string' },
        key: { type: 'string', airbyte_secret: true },
      },
    },
    {
      type: 'object',
      properties: {
        algorithm: { type: 'string', const: 'RSA' },
        targetField: { type: 'string' },
        fieldNameSuffix: { type: 'string' },
        publicKey: { type: 'string' },
      },
    },
  ],
};

/** Secret path templates inside `config` of each mapper whose spec marks secrets (by mapper name). */
const MAPPER_TEMPLATES: ReadonlyMap<string, readonly string[]> = new Map<
  (typeof SECRET_MAPPER_NAMES)[number],
  readonly string[]
>([['encryption', secretPathTemplates(ENCRYPTION_MAPPER_CONFIG_SPEC)]]);

export interface InventoryOptions {
  /** Rows fetched per cursor read; at most this many rows sit in memory. @default 500 */
  batchSize?: number;
  /** Which holders to read. @default all */
  holders?: readonly HolderKind[];
  /** The detected schema, when the caller already has it. */
  schema?: AirbyteSchemaInfo;
  /** Only these rows (by holder): a short read of a few rows, e.g. the ones a migration rewrites next. */
  only?: Partial<Record<HolderKind, readonly string[]>>;
}

/**
 * Every row of Airbyte's config database that holds secrets, with each secret found in it. Reads
 * in ONE read-only REPEATABLE READ transaction (one consistent snapshot), through cursors, so
 * memory stays at one batch however many actors there are. Tombstoned actors are skipped.
 *
 * For each row, `records` holds every concrete path the row's spec marks secret (classified), then
 * every reference node (`_secret` / `_secret_reference_id`) the hydration scan finds at other paths,
 * each path once. A reference-id node gets the coordinate and storage of its secret_reference row.
 */
export async function* readInventory(
  pool: pg.Pool,
  options: InventoryOptions = {},
): AsyncGenerator<HolderRow> {
  const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
  const only = options.only;
  const holders = new Set<HolderKind>(
    only ? (Object.keys(only) as HolderKind[]) : (options.holders ?? HOLDER_KINDS),
  );
  const ids = (holder: HolderKind) => (only ? [only[holder] ?? []] : []);
  const client = await pool.connect();
  let open = false;
  try {
    await client.query(BEGIN_SNAPSHOT_SQL);
    open = true;
    const info = options.schema ?? (await detectAirbyteSchema(client));
    const specs = await loadSpecs(client, info, only);
    const filtered = Boolean(only);

    if (holders.has('actor')) {
      const sql = actorsSql(info, filtered);
      for await (const r of streamRows<ActorRow>(client, sql, ids('actor'), batchSize)) {
        yield actorHolder(r, specs);
      }
    }
    if (holders.has('actor_oauth_parameter') && info.oauthParameters) {
      const sql = oauthParametersSql(info, filtered);
      for await (const r of streamRows<OAuthRow>(client, sql, ids('actor_oauth_parameter'), batchSize)) {
        yield oauthHolder(r, specs);
      }
    }
    if (holders.has('workspace_webhook') && info.webhookConfigs) {
      const sql = webhooksSql(info, filtered);
      for await (const r of streamRows<WebhookRow>(client, sql, ids('workspace_webhook'), batchSize)) {
        yield webhookHolder(r);
      }
    }
    if (holders.has('connection_catalog') && info.connectionCatalogs) {
      const sql = connectionsSql(info, filtered);
      for await (const r of streamRows<ConnectionRow>(client, sql, ids('connection_catalog'), batchSize)) {
        yield connectionHolder(r);
      }
    }
    if (holders.has('builder_testing_values') && info.builderTestingValues) {
      const sql = builderProjectsSql(info, filtered);
      for await (const r of streamRows<BuilderProjectRow>(
        client,
        sql,
        ids('builder_testing_values'),
        batchSize,
      )) {
        yield builderHolder(r);
      }
    }
    await client.query('COMMIT');
    open = false;
  } finally {
    await endSnapshot(client, open);
  }
}

/** How many rows readInventory yields, per holder kind (for progress bars). */
export async function countHolders(
  pool: pg.Pool,
  schema?: AirbyteSchemaInfo,
): Promise<{
  actors: number;
  oauthParameters: number;
  webhooks: number;
  connections: number;
  builderProjects: number;
  total: number;
}> {
  const info = schema ?? (await detectAirbyteSchema(pool));
  const { rows } = await pool.query<{
    actors: number;
    oauth_parameters: number;
    webhooks: number;
    connections: number;
    builder_projects: number;
  }>(countHoldersSql(info));
  const r = rows[0];
  if (!r) throw new Error('the holder count returned no row');
  return {
    actors: r.actors,
    oauthParameters: r.oauth_parameters,
    webhooks: r.webhooks,
    connections: r.connections,
    builderProjects: r.builder_projects,
    total: r.actors + r.oauth_parameters + r.webhooks + r.connections + r.builder_projects,
  };
}

/** Every coordinate in the plaintext `secrets` table, streamed (never the payload). Nothing when the table is absent. */
export async function* readSecretsTable(
  pool: pg.Pool,
  options: { batchSize?: number; schema?: AirbyteSchemaInfo } = {},
): AsyncGenerator<{ coordinate: string }> {
  const info = options.schema ?? (await detectAirbyteSchema(pool));
  if (!info.secretsTable) return;
  yield* streamFromPool<{ coordinate: string }>(pool, SECRETS_COORDINATES_SQL, options.batchSize);
}

export interface SecretConfigRow {
  id: string;
  secretStorageId: string;
  /** secret_storage.storage_type; null when the storage row is missing. */
  storageType: string | null;
  configuredFromEnvironment: boolean | null;
  descriptor: string;
  externalCoordinate: string;
  airbyteManaged: boolean;
  tombstone: boolean;
  references: Array<{ id: string; scopeType: string; scopeId: string; hydrationPath: string | null }>;
}

/** Every secret_config row with its storage type and references, streamed. Nothing on Airbytes without the table. */
export async function* readSecretConfigs(
  pool: pg.Pool,
  options: { batchSize?: number; schema?: AirbyteSchemaInfo } = {},
): AsyncGenerator<SecretConfigRow> {
  const info = options.schema ?? (await detectAirbyteSchema(pool));
  if (!info.secretReferences) return;
  for await (const r of streamFromPool<RawSecretConfigRow>(pool, SECRET_CONFIGS_SQL, options.batchSize)) {
    yield {
      id: r.id,
      secretStorageId: r.secret_storage_id,
      storageType: r.storage_type,
      configuredFromEnvironment: r.configured_from_environment,
      descriptor: r.descriptor,
      externalCoordinate: r.external_coordinate,
      airbyteManaged: r.airbyte_managed,
      tombstone: r.tombstone,
      references: r.refs,
    };
  }
}

/** Airbyte's default secret storage (`SecretStorage.DEFAULT_SECRET_STORAGE_ID`, airbyte-domain/models/.../SecretStorage.kt). */
export const DEFAULT_SECRET_STORAGE_ID = '00000000-0000-0000-0000-000000000000';

/**
 * The secret storages whose values Airbyte reads from the store its env configures: the default
 * one and any `configured_from_environment`. Undefined when the install has no storage tables.
 */
export async function readEnvSecretStorageIds(
  pool: pg.Pool,
  options: { schema?: AirbyteSchemaInfo } = {},
): Promise<ReadonlySet<string> | undefined> {
  const info = options.schema ?? (await detectAirbyteSchema(pool));
  if (!info.secretReferences) return undefined;
  const r = await pool.query<{ id: string }>(
    'SELECT id::text FROM secret_storage WHERE id = $1::uuid OR configured_from_environment',
    [DEFAULT_SECRET_STORAGE_ID],
  );
  return new Set([DEFAULT_SECRET_STORAGE_ID, ...r.rows.map((row) => row.id)]);
}

export interface SecretPersistenceConfigRow {
  id: string;
  /** `organization` or `workspace`; null on the first version of the table (0.50.24). */
  scopeType: string | null;
  scopeId: string | null;
  /** The coordinate, in Airbyte's default store, of the runtime secret persistence's JSON config. */
  coordinate: string;
}

/** Every secret_persistence_config row with a coordinate, streamed. Nothing on Airbytes without the table. */
export async function* readSecretPersistenceConfigs(
  pool: pg.Pool,
  options: { batchSize?: number; schema?: AirbyteSchemaInfo } = {},
): AsyncGenerator<SecretPersistenceConfigRow> {
  const info = options.schema ?? (await detectAirbyteSchema(pool));
  if (!info.secretPersistenceConfigs) return;
  const sql = secretPersistenceConfigsSql(info);
  for await (const r of streamFromPool<RawSecretPersistenceConfigRow>(pool, sql, options.batchSize)) {
    yield { id: r.id, scopeType: r.scope_type, scopeId: r.scope_id, coordinate: r.coordinate };
  }
}

// ---------------------------------------------------------------------------------------------
// Rows

interface ReferenceRow {
  id: string;
  path: string | null;
  coordinate: string;
  storageId: string;
}

interface ActorRow {
  id: string;
  workspace_id: string;
  organization_id: string | null;
  name: string;
  actor_type: 'source' | 'destination';
  definition_id: string;
  config_text: string;
  version_id: string | null;
  refs: ReferenceRow[] | null;
}

interface OAuthRow {
  id: string;
  workspace_id: string | null;
  organization_id: string | null;
  definition_name: string;
  actor_type: 'source' | 'destination';
  definition_id: string;
  config_text: string;
  version_id: string | null;
  refs: ReferenceRow[] | null;
}

interface WebhookRow {
  id: string;
  name: string;
  organization_id: string | null;
  config_text: string;
}

interface ConnectionRow {
  id: string;
  workspace_id: string;
  organization_id: string | null;
  name: string;
  config_text: string;
}

interface BuilderProjectRow {
  id: string;
  workspace_id: string;
  organization_id: string | null;
  name: string;
  config_text: string;
  connection_specification: unknown;
}

interface RawSecretPersistenceConfigRow {
  id: string;
  scope_type: string | null;
  scope_id: string | null;
  coordinate: string;
}

interface RawSecretConfigRow {
  id: string;
  secret_storage_id: string;
  storage_type: string | null;
  configured_from_environment: boolean | null;
  descriptor: string;
  external_coordinate: string;
  airbyte_managed: boolean;
  tombstone: boolean;
  refs: SecretConfigRow['references'];
}

function actorHolder(r: ActorRow, specs: SpecCache): HolderRow {
  const base = {
    holder: 'actor' as const,
    rowId: r.id,
    workspaceId: r.workspace_id,
    organizationId: r.organization_id,
    name: r.name,
    actorType: r.actor_type,
    definitionId: r.definition_id,
  };
  return specHolder(base, r.config_text, specs.actorTemplates(r.version_id), r.refs);
}

function oauthHolder(r: OAuthRow, specs: SpecCache): HolderRow {
  const scope = r.workspace_id ? 'workspace' : r.organization_id ? 'organization' : 'instance';
  const base = {
    holder: 'actor_oauth_parameter' as const,
    rowId: r.id,
    workspaceId: r.workspace_id,
    organizationId: r.organization_id,
    name: `${r.definition_name} OAuth parameters (${scope})`,
    actorType: r.actor_type,
    definitionId: r.definition_id,
  };
  return specHolder(base, r.config_text, specs.oauthTemplates(r.version_id), r.refs);
}

function webhookHolder(r: WebhookRow): HolderRow {
  const base = {
    holder: 'workspace_webhook' as const,
    rowId: r.id,
    workspaceId: r.id,
    organizationId: r.organization_id,
    name: r.name,
  };
  return fixedSchemaHolder(base, r.config_text, (config) => collectRecords(config, WEBHOOK_TEMPLATES, null));
}

/** A connection's catalog: the secrets of its stream mappers, located in the whole catalog. */
function connectionHolder(r: ConnectionRow): HolderRow {
  const base = {
    holder: 'connection_catalog' as const,
    rowId: r.id,
    workspaceId: r.workspace_id,
    organizationId: r.organization_id,
    name: r.name,
  };
  return fixedSchemaHolder(base, r.config_text, mapperRecords);
}

/** A row whose secrets sit at paths fixed by Airbyte's own schema (no connector spec to find). */
function fixedSchemaHolder(
  base: RowIdentity,
  configText: string,
  recordsOf: (config: unknown) => SecretRecord[],
): HolderRow {
  const deep = tooDeep(base, configText);
  if (deep) return deep;
  const config: unknown = parseExactJson(configText);
  return { ...base, spec: 'not-needed', config, configText, records: recordsOf(config) };
}

/** A builder project's testing values, with the secret paths of its manifest's spec. */
function builderHolder(r: BuilderProjectRow): HolderRow {
  const base = {
    holder: 'builder_testing_values' as const,
    rowId: r.id,
    workspaceId: r.workspace_id,
    organizationId: r.organization_id,
    name: r.name,
  };
  return specHolder(base, r.config_text, readSpec(r.connection_specification), null);
}

/**
 * A row whose secret paths come from a connector spec (actor, OAuth parameters, builder testing
 * values): too deep or a spec that cannot be read makes it unreadable, a spec not found leaves it
 * to the `_secret` scan.
 */
function specHolder(
  base: RowIdentity,
  configText: string,
  { templates, problem }: SpecReading,
  refs: ReferenceRow[] | null,
): HolderRow {
  const deep = tooDeep(base, configText);
  if (deep) return deep;
  const config: unknown = parseExactJson(configText);
  if (problem) return unreadable(base, configText, problem, config, refs);
  return {
    ...base,
    spec: templates ? 'ok' : 'missing',
    config,
    configText,
    records: collectRecords(config, templates, refs),
  };
}

/**
 * The secrets of `streams[i].mappers[j].config` for each mapper whose spec marks some, as
 * Airbyte's MapperSecretHelper splits them and MapperSecretHydrationHelper hydrates them: the
 * mapper config alone is the JSON they work on (spec paths, then the hydration scan of that
 * config), so a `_secret` elsewhere in the catalog is not a reference. Paths are re-rooted at the
 * catalog.
 */
function mapperRecords(catalog: unknown): SecretRecord[] {
  const out: SecretRecord[] = [];
  const streams = isJsonObject(catalog) ? catalog.streams : undefined;
  if (!Array.isArray(streams)) return out;
  streams.forEach((stream, i) => {
    const mappers = isJsonObject(stream) ? stream.mappers : undefined;
    if (!Array.isArray(mappers)) return;
    mappers.forEach((mapper, j) => {
      if (!isJsonObject(mapper) || typeof mapper.name !== 'string') return;
      const templates = MAPPER_TEMPLATES.get(mapper.name);
      if (!templates) return;
      const at = [key('streams'), index(i), key('mappers'), index(j), key('config')];
      for (const record of collectRecords(mapper.config, templates, null)) {
        out.push({
          ...record,
          path: under(at, record.path),
          ...(record.template !== undefined ? { template: under(at, record.template) } : {}),
        });
      }
    });
  });
  return out;
}

/** `path` (relative to the node at `at`) as a path from the root. */
function under(at: readonly Segment[], path: string): string {
  return formatPath([...at, ...parsePath(path)]);
}

/**
 * Spec-template matches first (in Airbyte's processing order), then reference nodes found by the
 * hydration scan at paths no template reached: a `_secret` left at a path the current spec no
 * longer marks is still a live reference that Airbyte hydrates.
 */
function collectRecords(
  config: unknown,
  templates: readonly string[] | null | undefined,
  refs: ReferenceRow[] | null,
): SecretRecord[] {
  const records: SecretRecord[] = [];
  const seen = new Set<string>();
  for (const template of templates ?? []) {
    for (const path of expandPath(config, template)) {
      if (seen.has(path)) continue;
      seen.add(path);
      records.push({ path, template, node: classifySecretNode(getAt(config, path)) });
    }
  }
  for (const found of findSecretReferences(config)) {
    if (seen.has(found.path)) continue;
    seen.add(found.path);
    records.push({ path: found.path, node: found.node });
  }
  if (refs && refs.length > 0) {
    const byId = new Map(refs.map((r) => [r.id, r]));
    for (const rec of records) rec.node = withReference(rec.node, byId);
  }
  return records;
}

/** Fills in a reference-id node's coordinate and storage from its secret_reference row. */
function withReference(node: ClassifiedNode, byId: Map<string, ReferenceRow>): ClassifiedNode {
  if (!isNodeKind(node, 'reference-id') || node.referenceId === undefined) return node;
  const ref = byId.get(node.referenceId);
  if (!ref) return node;
  const out: ClassifiedNode = { ...node };
  if (out.coordinate === undefined) {
    out.coordinate = ref.coordinate;
    out.coordinateFromReference = true;
  }
  if (out.storageId === undefined) out.storageId = ref.storageId;
  return out;
}

// ---------------------------------------------------------------------------------------------
// Specs

interface SpecRow {
  id: string;
  docker_repository: string;
  docker_image_tag: string;
  connection_specification: unknown;
  advanced_auth: unknown;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The secret path templates of a spec; null when it is missing or unreadable, `problem` saying why it is unreadable. */
interface SpecReading {
  templates: string[] | null;
  problem?: string;
}

const NO_SPEC: SpecReading = { templates: null };

/** Secret path templates per actor_definition_version id, computed once per version. */
interface SpecCache {
  /** Templates of `connectionSpecification`. */
  actorTemplates(versionId: string | null): SpecReading;
  /** OAuth server-output paths (`path_in_connector_config`); else the connection spec's templates. */
  oauthTemplates(versionId: string | null): SpecReading;
}

/** Loads the specs of the versions in use (a few hundred at most) before the cursors open. */
async function loadSpecs(
  client: pg.ClientBase,
  info: AirbyteSchemaInfo,
  only?: InventoryOptions['only'],
): Promise<SpecCache> {
  const rows = new Map<string, SpecRow>();
  if (info.definitionVersions) {
    const params = only
      ? [only.actor ?? [], ...(info.oauthParameters ? [only.actor_oauth_parameter ?? []] : [])]
      : [];
    const used = await client.query<{ version_id: string }>(usedVersionIdsSql(info, Boolean(only)), params);
    const ids = used.rows.map((r) => r.version_id.toLowerCase()).filter((id) => UUID.test(id));
    if (ids.length > 0) {
      const specs = await client.query<SpecRow>(SPECS_BY_VERSION_SQL, [ids]);
      for (const s of specs.rows) rows.set(s.id, s);
    }
  }
  const actorCache = new Map<string, SpecReading>();
  const oauthCache = new Map<string, SpecReading>();
  const actorTemplates = (versionId: string | null): SpecReading => {
    if (!versionId) return NO_SPEC;
    const id = versionId.toLowerCase();
    if (!actorCache.has(id)) actorCache.set(id, readSpec(rows.get(id)?.connection_specification));
    return actorCache.get(id) ?? NO_SPEC;
  };
  return {
    actorTemplates,
    oauthTemplates(versionId) {
      if (!versionId) return NO_SPEC;
      const id = versionId.toLowerCase();
      if (!oauthCache.has(id)) {
        const row = rows.get(id);
        const output = row ? oauthServerOutputTemplates(row.advanced_auth) : null;
        oauthCache.set(id, !row ? NO_SPEC : output ? { templates: output } : actorTemplates(id));
      }
      return oauthCache.get(id) ?? NO_SPEC;
    },
  };
}

/** The spec's templates, or why Airbyte's walk of it cannot be trusted (`specProblem`). */
function readSpec(connectionSpecification: unknown): SpecReading {
  if (!isJsonObject(connectionSpecification)) return NO_SPEC;
  const problem = specProblem(connectionSpecification);
  if (problem) return { templates: null, problem };
  const templates = templatesOf(connectionSpecification);
  return templates ? { templates } : NO_SPEC;
}

type RowIdentity = Pick<
  HolderRow,
  'holder' | 'rowId' | 'workspaceId' | 'organizationId' | 'name' | 'actorType' | 'definitionId'
>;

/**
 * A row reported, and read no further than Airbyte's hydration scan reads without a spec (its
 * references, when it could be parsed at all): no plaintext is taken from it.
 */
function unreadable(
  row: RowIdentity,
  configText: string,
  problem: string,
  config: unknown = null,
  refs: ReferenceRow[] | null = null,
): HolderRow {
  const records = config === null ? [] : collectRecords(config, null, refs);
  return { ...row, spec: 'missing', problem, config, configText, records };
}

/** A row nested deeper than Airbyte reads, before anything parses or walks it. */
function tooDeep(row: RowIdentity, configText: string): HolderRow | undefined {
  const depth = jsonNestingDepth(configText);
  if (depth <= MAX_JSON_DEPTH) return undefined;
  return unreadable(
    row,
    configText,
    `the JSON nests deeper than ${MAX_JSON_DEPTH} levels, more than Airbyte reads`,
  );
}

function templatesOf(connectionSpecification: unknown): string[] | null {
  if (!isJsonObject(connectionSpecification)) return null;
  try {
    return secretPathTemplates(connectionSpecification);
  } catch {
    // A schema Airbyte's own walk rejects: treat as missing, the audit reports it.
    return null;
  }
}

/**
 * `advanced_auth.oauth_config_specification.complete_oauth_server_output_specification`: each
 * property's `path_in_connector_config` is a secret path of the OAuth-parameter config (Airbyte's
 * OAuthSecretHelper builds a spec marking exactly these). Null when the spec has no such block.
 */
export function oauthServerOutputTemplates(advancedAuth: unknown): string[] | null {
  if (!isJsonObject(advancedAuth)) return null;
  const oauth = advancedAuth.oauth_config_specification;
  if (!isJsonObject(oauth)) return null;
  const output = oauth.complete_oauth_server_output_specification;
  if (!isJsonObject(output) || !isJsonObject(output.properties)) return null;
  const out = new Set<string>();
  for (const prop of Object.values(output.properties)) {
    if (!isJsonObject(prop)) continue;
    const path = prop.path_in_connector_config;
    if (Array.isArray(path) && path.length > 0 && path.every((p) => typeof p === 'string')) {
      out.add(formatPath(path.map((p: string) => key(p))));
    }
  }
  return out.size > 0 ? [...out] : null;
}

// ---------------------------------------------------------------------------------------------
// Cursors

/** Rows of one query through a cursor on `client`, `batchSize` at a time. */
async function* streamRows<T>(
  client: pg.ClientBase,
  sql: string,
  params: unknown[],
  batchSize: number,
): AsyncGenerator<T> {
  const cursor = client.query(new Cursor<T>(sql, params));
  try {
    for (;;) {
      const rows = await cursor.read(batchSize);
      for (const r of rows) yield r;
      if (rows.length < batchSize) return;
    }
  } finally {
    await cursor.close();
  }
}

/** A cursor on a connection of its own, inside a read-only transaction. */
async function* streamFromPool<T>(
  pool: pg.Pool,
  sql: string,
  batchSize = DEFAULT_BATCH_SIZE,
): AsyncGenerator<T> {
  const client = await pool.connect();
  let open = false;
  try {
    await client.query(BEGIN_SNAPSHOT_SQL);
    open = true;
    yield* streamRows<T>(client, sql, [], batchSize);
    await client.query('COMMIT');
    open = false;
  } finally {
    await endSnapshot(client, open);
  }
}

/**
 * Ends the snapshot when the reader stops early or fails, and returns the connection; one whose
 * rollback fails is broken and is destroyed instead of going back to the pool.
 */
async function endSnapshot(client: pg.PoolClient, open: boolean): Promise<void> {
  if (!open) {
    client.release();
    return;
  }
  try {
    await client.query('ROLLBACK');
    client.release();
  } catch (err) {
    client.release(err instanceof Error ? err : true);
  }
}
