import type { SeedContext } from './context.js';
import type { Holder } from './planter.js';
import type { BuilderProjectRow, PublishedManifestRow } from './tables.js';

/** The spec of a low-code connector built in the Connector Builder: one secret field, one setting. */
const CONNECTION_SPECIFICATION = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  type: 'object',
  required: ['api_key'],
  properties: {
    api_key: { type: 'string', title: 'API Key', airbyte_secret: true, order: 0 },
    base_url: { type: 'string', title: 'Base URL', order: 1 },
  },
  additionalProperties: true,
};

function manifest(name: string): Record<string, unknown> {
  return {
    version: '6.1.0',
    type: 'DeclarativeSource',
    check: { type: 'CheckStream', stream_names: [name] },
    streams: [],
    spec: { type: 'Spec', connection_specification: CONNECTION_SPECIFICATION },
  };
}

/**
 * Connector builder projects with testing values, as ConnectorBuilderProjectsHandler keeps them:
 * secret fields of the manifest's `spec.connection_specification` split into `{"_secret": C}`
 * under the project's workspace. One project has a draft; one was published and has no draft (its
 * spec comes from the active declarative manifest) and keeps its key in plaintext, as written
 * before the split; a deleted project (tombstone) is not a holder, its secret is left as an orphan.
 */
export function buildBuilderProjects(ctx: SeedContext): {
  projects: BuilderProjectRow[];
  published: PublishedManifestRow[];
} {
  const projects: BuilderProjectRow[] = [];
  const published: PublishedManifestRow[] = [];
  const ws = ctx.workspaces[0];
  if (!ws) return { projects, published };
  const holderOf = (id: string): Holder => ({
    holder: 'builder_testing_values',
    rowId: id,
    workspaceId: ws.id,
    prefix: 'workspace_',
    baseId: ws.id,
  });
  const values = (id: string, shape: 'secret' | 'plaintext') => ({
    api_key: ctx.planter.node(shape, holderOf(id), '$.api_key'),
    base_url: 'https://api.example.com/v1',
  });

  const draftId = ctx.rng.uuid();
  projects.push({
    id: draftId,
    workspaceId: ws.id,
    name: 'Billing API (draft)',
    manifestDraft: JSON.stringify(manifest('invoices')),
    actorDefinitionId: null,
    tombstone: false,
    testingValues: JSON.stringify(values(draftId, 'secret')),
  });

  const publishedId = ctx.rng.uuid();
  const definitionId = ctx.rng.uuid();
  projects.push({
    id: publishedId,
    workspaceId: ws.id,
    name: 'Ticketing API',
    manifestDraft: null,
    actorDefinitionId: definitionId,
    tombstone: false,
    testingValues: JSON.stringify(values(publishedId, 'plaintext')),
  });
  published.push({
    actorDefinitionId: definitionId,
    version: 1,
    manifest: JSON.stringify(manifest('tickets')),
    spec: JSON.stringify({ connectionSpecification: CONNECTION_SPECIFICATION }),
  });
  ctx.manifest.builderProjects.push(draftId, publishedId);

  const orphan = ctx.planter.orphan({ prefix: 'workspace_', baseId: ws.id });
  if (orphan) {
    projects.push({
      id: ctx.rng.uuid(),
      workspaceId: ws.id,
      name: 'Old experiment (deleted)',
      manifestDraft: JSON.stringify(manifest('things')),
      actorDefinitionId: null,
      tombstone: true,
      testingValues: JSON.stringify({ api_key: { _secret: orphan }, base_url: 'https://old.example.com' }),
    });
  }
  return { projects, published };
}
