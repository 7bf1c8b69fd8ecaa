import type pg from 'pg';
import { isJsonObject } from '../airbyte/json-path.js';
import { expandTemplates, secretPathTemplates } from '../airbyte/paths.js';
import { type AirbyteSchemaInfo, detectAirbyteSchema } from '../airbyte/schema-detect.js';
import { type Db, withTransaction } from '../journal/transaction.js';
import { UsageError } from '../util/errors.js';
import { buildBuilderProjects } from './builder-projects.js';
import { buildConnections, type Endpoints } from './connections.js';
import type { Connector, SeedContext, Workspace } from './context.js';
import { fakeConfig } from './fake-config.js';
import { NODE_SHAPES, type NodeShape, SEED_SHAPES, type SeedManifest, type SeedShape } from './manifest.js';
import { buildOAuthParameters } from './oauth-parameters.js';
import { DEFAULT_STORAGE_ID, type Holder, Planter, putAt } from './planter.js';
import { cyclic, Random } from './random.js';
import { type AirbyteSchemaVariant, airbyteSchemaSql } from './schema.js';
import { loadSeedConnectors, type SeedConnector } from './specs.js';
import {
  type ActorRow,
  insertActors,
  insertBuilderProjects,
  insertConnections,
  insertDefaultSecretStorage,
  insertDefinitions,
  insertOAuthParameters,
  insertOrganizations,
  insertPublishedManifests,
  insertSecretPersistenceConfigs,
  insertVersionPins,
  insertVersions,
  insertWorkspaces,
  type PinRow,
  setDefaultVersions,
} from './tables.js';
import { PINNED_FIELD, type PinPlan, pin, planVersionPin } from './version-pin.js';
import { buildWebhookConfigs } from './webhooks.js';

export type { NodeShape, PlantedKind, PlantedSecret, SeedManifest, SeedShape } from './manifest.js';
export { NODE_SHAPES, SEED_SHAPES } from './manifest.js';

export interface SeedOptions {
  /** Schema to create when the database has no Airbyte tables yet. @default 'current' */
  variant?: AirbyteSchemaVariant;
  /** Folder of connector spec files; default: the project's sample specs (samples/specs). */
  specsDir?: string;
  /** @default 3 */
  workspaces?: number;
  /** Actors in all (live, tombstoned and spec-less ones together). @default 30 */
  actors?: number;
  /** Same seed, same database. @default 1 */
  seed?: string | number;
  /** What to plant. @default every shape the schema supports */
  shapes?: readonly SeedShape[];
  /** Relative weights of the node shapes once each enabled shape has been planted once. */
  mix?: Partial<Record<NodeShape, number>>;
  /** Keep every planted secret and canary in the manifest (turn off for huge benchmark seeds). @default true */
  recordPlanted?: boolean;
}

/** Most stored secrets in an OSS install are `_secret` references; the rest are the problems we look for. */
export const DEFAULT_MIX: Readonly<Record<NodeShape, number>> = {
  secret: 72,
  plaintext: 8,
  'secret-with-reference': 4,
  'reference-only': 2,
  mask: 3,
  'oauth-mask': 2,
  'prefixed-external': 2,
  dangling: 3,
};

/** Actor-level oddities, and how often they occur after each has occurred once. */
const ACTOR_MODES = { normal: 94, tombstoned: 3, 'missing-spec': 1, 'unmarked-reference': 2 } as const;
type ActorMode = keyof typeof ACTOR_MODES;

const ACTOR_BATCH = 2000;
const DEFAULT_ORGANIZATION_ID = '00000000-0000-0000-0000-000000000000';
const TEAMS = ['analytics', 'growth', 'finance', 'platform', 'marketing', 'ops', 'data-science', 'sales'];
const MISSING_SPEC_NAME = 'In-house Billing API';
/** A field some older spec marked secret and the current one no longer has. */
const UNMARKED_FIELD = 'deprecated_api_key';

/**
 * Builds a realistic Airbyte config database from connector specs and returns a manifest of every
 * secret it planted. Creates the schema first when the database has none (it should otherwise be
 * empty). One transaction; rows go in with `unnest` inserts, 2,000 at a time, so 100k actors take
 * seconds.
 */
export async function seedAirbyteDatabase(db: Db, options: SeedOptions = {}): Promise<SeedManifest> {
  const connectors = await loadSeedConnectors(options.specsDir);
  return withTransaction(db, async (client) => {
    let info = await detectOrNull(client);
    let variant: AirbyteSchemaVariant = info?.secretReferences ? 'current' : 'legacy';
    if (!info) {
      variant = options.variant ?? 'current';
      await client.query(airbyteSchemaSql(variant));
      info = await detectAirbyteSchema(client);
    }
    return new Seeder(client, info, variant, connectors, options).run();
  });
}

async function detectOrNull(client: pg.ClientBase): Promise<AirbyteSchemaInfo | null> {
  try {
    return await detectAirbyteSchema(client);
  } catch (err) {
    if (err instanceof UsageError) return null;
    throw err;
  }
}

class Seeder {
  readonly #client: pg.ClientBase;
  readonly #options: SeedOptions;
  readonly #shapes: Set<SeedShape>;
  readonly #raw: SeedConnector[];
  readonly #ctx: SeedContext;
  /** Each enabled node shape, planted once before the mix takes over. */
  readonly #mustPlant: NodeShape[];
  readonly #mix: Partial<Record<NodeShape, number>>;
  #missingSpecDefinition: string | null = null;
  #actorRows: ActorRow[] = [];
  #pinRows: PinRow[] = [];
  /** The first live source and destination of each workspace, for sample connections. */
  #ends = new Map<string, { sourceId?: string; destinationId?: string }>();

  constructor(
    client: pg.ClientBase,
    info: AirbyteSchemaInfo,
    variant: AirbyteSchemaVariant,
    connectors: SeedConnector[],
    options: SeedOptions,
  ) {
    this.#client = client;
    this.#options = options;
    this.#raw = connectors;
    this.#shapes = new Set(options.shapes ?? SEED_SHAPES);
    const seed = String(options.seed ?? 1);
    const rng = new Random(seed);
    const manifest = emptyManifest(variant, seed, options.specsDir ?? null);
    const planter = new Planter(rng, manifest, {
      record: options.recordPlanted ?? true,
      secretsTable: info.secretsTable,
      references: info.secretReferences,
    });
    this.#ctx = { rng, info, planter, manifest, connectors: [], workspaces: [] };
    const enabled = NODE_SHAPES.filter((s) => this.#shapes.has(s) && planter.supports(s));
    this.#mustPlant = [...enabled];
    const mix = { ...DEFAULT_MIX, ...options.mix };
    this.#mix = Object.fromEntries(enabled.filter((s) => (mix[s] ?? 0) > 0).map((s) => [s, mix[s]]));
    const [firstEnabled] = enabled;
    if (Object.keys(this.#mix).length === 0 && firstEnabled !== undefined) this.#mix = { [firstEnabled]: 1 };
  }

  async run(): Promise<SeedManifest> {
    await this.#organizationsAndWorkspaces();
    await this.#definitions();
    const plan = this.#shapes.has('version-pin') ? planVersionPin(this.#ctx) : null;
    if (plan) {
      await insertVersions(this.#client, [plan.pinnedVersion]);
      this.#pinRows.push(...plan.pins);
    }
    await this.#actors(plan);
    await insertVersionPins(this.#client, this.#pinRows);
    if (this.#shapes.has('oauth-parameters') && this.#ctx.info.oauthParameters) {
      const rows = buildOAuthParameters(this.#ctx);
      await insertOAuthParameters(this.#client, rows, this.#ctx.info.oauthParameterOrganization);
    }
    // After everything else, so these draw from the random stream last and the rest stays as it was.
    await this.#holdersBesideActors();
    await this.#ctx.planter.flush(this.#client);
    return this.#ctx.manifest;
  }

  /** Connection mappers, builder testing values and a runtime persistence's config, where the schema has them. */
  async #holdersBesideActors(): Promise<void> {
    const { info, manifest, planter } = this.#ctx;
    if (this.#shapes.has('connection-mappers') && info.connectionCatalogs) {
      const endpoints: Endpoints[] = [];
      for (const w of this.#ctx.workspaces) {
        const e = this.#ends.get(w.id);
        if (e?.sourceId && e.destinationId)
          endpoints.push({ workspaceId: w.id, sourceId: e.sourceId, destinationId: e.destinationId });
      }
      await insertConnections(this.#client, buildConnections(this.#ctx, endpoints));
    }
    if (this.#shapes.has('builder-projects') && info.builderTestingValues) {
      const { projects, published } = buildBuilderProjects(this.#ctx);
      await insertBuilderProjects(this.#client, projects);
      if (info.publishedManifests) await insertPublishedManifests(this.#client, published);
    }
    const org = manifest.organizations[0];
    if (this.#shapes.has('secret-persistence-config') && info.secretPersistenceConfigs && org) {
      const coordinate = planter.runtimePersistenceConfig(org);
      if (coordinate) {
        const id = this.#ctx.rng.uuid();
        await insertSecretPersistenceConfigs(this.#client, [{ id, scopeId: org, coordinate }]);
        manifest.secretPersistenceConfigs.push({ id, coordinate });
      }
    }
  }

  async #organizationsAndWorkspaces(): Promise<void> {
    const { info, rng, manifest } = this.#ctx;
    const count = Math.max(1, this.#options.workspaces ?? 3);
    if (info.workspaceOrganization) {
      const orgCount = Math.max(1, Math.ceil(count / 4));
      manifest.organizations = Array.from({ length: orgCount }, (_, i) =>
        i === 0 ? DEFAULT_ORGANIZATION_ID : rng.uuid(),
      );
      await insertOrganizations(
        this.#client,
        manifest.organizations.map((id, i) => ({
          id,
          name: i === 0 ? 'Default Organization' : `Acme ${TEAMS[i % TEAMS.length]}`,
          email: 'admin@example.com',
        })),
      );
    }
    if (info.secretReferences)
      await insertDefaultSecretStorage(this.#client, DEFAULT_STORAGE_ID, DEFAULT_ORGANIZATION_ID);
    const orgs = manifest.organizations;
    for (let i = 0; i < count; i++) {
      const team = cyclic(TEAMS, i);
      this.#ctx.workspaces.push({
        id: rng.uuid(),
        slug: i < TEAMS.length ? team : `${team}-${i}`,
        organizationId: orgs.length > 0 ? cyclic(orgs, i) : null,
      });
    }
    const webhooks =
      this.#shapes.has('webhooks') && info.webhookConfigs
        ? buildWebhookConfigs(this.#ctx)
        : new Map<string, unknown>();
    await insertWorkspaces(
      this.#client,
      this.#ctx.workspaces.map((w) => ({
        id: w.id,
        name: titleCase(w.slug),
        slug: w.slug,
        email: `${w.slug}@example.com`,
        webhookOperationConfigs: webhooks.has(w.id) ? JSON.stringify(webhooks.get(w.id)) : null,
        organizationId: w.organizationId,
      })),
      info.workspaceOrganization,
    );
    manifest.workspaces = this.#ctx.workspaces.map((w) => w.id);
  }

  async #definitions(): Promise<void> {
    const { rng, manifest, connectors } = this.#ctx;
    for (const c of this.#raw) {
      const templates = templatesOf(c.spec.connectionSpecification);
      if (!templates) continue;
      connectors.push({ ...c, versionId: rng.uuid(), templates });
    }
    if (connectors.length === 0) throw new Error('no usable connector spec to seed with');
    const defs = connectors.map((c) => ({
      id: c.definitionId,
      name: c.name,
      actorType: c.actorType,
      custom: false,
    }));
    manifest.definitions = connectors.map((c) => ({
      id: c.definitionId,
      name: c.name,
      actorType: c.actorType,
      versionId: c.versionId,
    }));
    if (this.#shapes.has('missing-spec')) {
      // A custom connector whose version row is gone: the definition has no default version.
      const id = rng.uuid();
      this.#missingSpecDefinition = id;
      defs.push({ id, name: MISSING_SPEC_NAME, actorType: 'source', custom: true });
      manifest.definitions.push({ id, name: MISSING_SPEC_NAME, actorType: 'source', versionId: null });
    }
    await insertDefinitions(this.#client, defs);
    await insertVersions(
      this.#client,
      connectors.map((c) => ({
        id: c.versionId,
        definitionId: c.definitionId,
        dockerRepository: c.dockerRepository,
        dockerImageTag: c.dockerImageTag,
        spec: c.spec,
      })),
    );
    await setDefaultVersions(
      this.#client,
      connectors.map((c) => c.versionId),
    );
  }

  async #actors(plan: PinPlan | null): Promise<void> {
    const total = Math.max(0, this.#options.actors ?? 30);
    const scenario = plan?.actors ?? [];
    // Each enabled oddity once first, then at its rate.
    const firsts = (['tombstoned', 'missing-spec', 'unmarked-reference'] as const).filter((m) =>
      this.#modeEnabled(m),
    );
    for (let i = 0; i < total; i++) {
      const pinned = scenario[i];
      if (plan && pinned !== undefined) this.#pinnedActor(plan, pinned);
      else {
        const mode = firsts.shift() ?? this.#ctx.rng.weighted(ACTOR_MODES);
        this.#actor(i, this.#modeEnabled(mode) ? mode : 'normal');
      }
      if (this.#actorRows.length >= ACTOR_BATCH) await this.#flushActors();
    }
    await this.#flushActors();
  }

  #modeEnabled(mode: ActorMode): boolean {
    if (mode === 'normal') return true;
    return this.#shapes.has(mode) && (mode !== 'missing-spec' || this.#missingSpecDefinition !== null);
  }

  #actor(i: number, mode: ActorMode): void {
    const { rng, planter, manifest, connectors, workspaces } = this.#ctx;
    const connector = connectors[i] ?? rng.pick(connectors);
    const ws = rng.pick(workspaces);
    const id = rng.uuid();
    const name = `${connector.name} (${ws.slug} ${1 + rng.int(99)})`;
    if (mode === 'tombstoned') {
      // Deleting an actor stores JSON null; values left behind in the store are orphans.
      if (this.#shapes.has('orphans')) planter.orphan({ prefix: 'workspace_', baseId: ws.id });
      manifest.tombstonedActors.push(id);
      this.#pushActor({ ...actorOf(connector, id, ws, name), configuration: 'null', tombstone: true });
      return;
    }
    const h = actorHolder(id, ws);
    const config = fakeConfig(connector.spec.connectionSpecification, rng);
    if (mode === 'missing-spec') {
      const definitionId = this.#missingSpecDefinition;
      if (definitionId === null) throw new Error('missing-spec actor without its definition (a bug)');
      // Without a spec only references can be found (by the hydration scan), so plant only those.
      for (const path of expandTemplates(config, connector.templates)) {
        putAt(config, path, { _secret: planter.storedSecret(h, path, 'secret') });
      }
      manifest.missingSpecActors.push(id);
      this.#pushActor({
        ...actorOf(connector, id, ws, `${MISSING_SPEC_NAME} (${ws.slug})`),
        definitionId,
        actorType: 'source',
        configuration: JSON.stringify(config),
      });
      return;
    }
    this.#plantSecrets(config, connector.templates, h);
    if (mode === 'unmarked-reference' && !connector.templates.includes(`$.${UNMARKED_FIELD}`)) {
      config[UNMARKED_FIELD] = {
        _secret: planter.storedSecret(h, `$.${UNMARKED_FIELD}`, 'unmarked-reference'),
      };
    }
    this.#pushActor({ ...actorOf(connector, id, ws, name), configuration: JSON.stringify(config) });
  }

  #pinnedActor(plan: PinPlan, a: PinPlan['actors'][number]): void {
    const { rng, planter } = this.#ctx;
    const c = plan.connector;
    const id = rng.uuid();
    const h = actorHolder(id, a.workspace);
    const config = fakeConfig(c.spec.connectionSpecification, rng);
    this.#plantSecrets(config, c.templates, h);
    // Only the pinned spec marks this field; elsewhere it is an ordinary setting.
    const path = `$.${PINNED_FIELD}`;
    config[PINNED_FIELD] = a.usesPinned
      ? planter.node('plaintext', h, path, { pinned: true })
      : `kid-${rng.hex(4)}`;
    if (a.pinnedTo) this.#pinRows.push(pin(this.#ctx, 'actor', id, c.definitionId, a.pinnedTo, 'user'));
    const name = `${c.name} (${a.workspace.slug} pinned)`;
    this.#pushActor({ ...actorOf(c, id, a.workspace, name), configuration: JSON.stringify(config) });
  }

  /** Every secret path of the config gets a node: first each enabled shape once, then the mix. */
  #plantSecrets(config: Record<string, unknown>, templates: readonly string[], h: Holder): void {
    for (const path of expandTemplates(config, templates)) {
      const shape = this.#mustPlant.shift() ?? this.#ctx.rng.weighted(this.#mix);
      putAt(config, path, this.#ctx.planter.node(shape, h, path));
    }
  }

  #pushActor(row: ActorRow): void {
    this.#actorRows.push(row);
    this.#ctx.manifest.actors++;
    if (row.tombstone) return;
    this.#ctx.manifest.liveActors++;
    const ends = this.#ends.get(row.workspaceId) ?? {};
    if (row.actorType === 'source') ends.sourceId ??= row.id;
    else ends.destinationId ??= row.id;
    this.#ends.set(row.workspaceId, ends);
  }

  async #flushActors(): Promise<void> {
    await insertActors(this.#client, this.#actorRows);
    this.#actorRows = [];
    await this.#ctx.planter.flush(this.#client);
  }
}

function actorOf(c: Connector, id: string, ws: Workspace, name: string): ActorRow {
  return {
    id,
    workspaceId: ws.id,
    definitionId: c.definitionId,
    name,
    configuration: '{}',
    actorType: c.actorType,
    tombstone: false,
  };
}

function actorHolder(id: string, ws: Workspace): Holder {
  return { holder: 'actor', rowId: id, workspaceId: ws.id, prefix: 'workspace_', baseId: ws.id };
}

function emptyManifest(variant: AirbyteSchemaVariant, seed: string, specsDir: string | null): SeedManifest {
  return {
    variant,
    seed,
    specsDir,
    organizations: [],
    workspaces: [],
    definitions: [],
    actors: 0,
    liveActors: 0,
    planted: [],
    canaries: [],
    missingSpecActors: [],
    tombstonedActors: [],
    pins: [],
    pinnedPath: null,
    oauthParameters: [],
    webhookWorkspaces: [],
    connections: [],
    builderProjects: [],
    secretPersistenceConfigs: [],
    orphanCoordinates: [],
    counts: {},
  };
}

function templatesOf(connectionSpecification: unknown): string[] | null {
  if (!isJsonObject(connectionSpecification)) return null;
  try {
    return secretPathTemplates(connectionSpecification);
  } catch {
    return null;
  }
}

function titleCase(slug: string): string {
  return slug
    .split('-')
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join(' ');
}
