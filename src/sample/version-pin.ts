import { cloneJson, isJsonObject } from '../airbyte/json-path.js';
import type { Connector, SeedContext, Workspace } from './context.js';
import type { PinRow, VersionRow } from './tables.js';

/** The field only the pinned version's spec marks secret. */
export const PINNED_FIELD = 'request_signing_secret';

export interface PinPlan {
  connector: Connector;
  pinnedVersion: VersionRow;
  /** Actors to create: where, which actor-level pin (if any), and whether they end up on the pinned spec. */
  actors: Array<{ workspace: Workspace; pinnedTo: string | null; usesPinned: boolean }>;
  /** Workspace and organization pins (actor pins are added as the actors are made). */
  pins: PinRow[];
}

/**
 * A release candidate of the first source whose spec marks one more field secret, pinned by a
 * connector rollout for the first workspace. One actor there is pinned back to the default, one
 * actor in the second workspace is pinned to the candidate, and an organization pin to the default
 * must lose to the more specific ones. Null when the schema has no pins or no source qualifies.
 */
export function planVersionPin(ctx: SeedContext): PinPlan | null {
  if (!ctx.info.versionPins) return null;
  const hasProperties = (c: Connector): boolean => {
    const schema = c.spec.connectionSpecification;
    return isJsonObject(schema) && isJsonObject(schema.properties);
  };
  const base = ctx.connectors.find((c) => c.actorType === 'source' && hasProperties(c));
  const schema = base && cloneJson(base.spec.connectionSpecification);
  if (!base || !isJsonObject(schema) || !isJsonObject(schema.properties)) return null;
  schema.properties[PINNED_FIELD] = { type: 'string', title: 'Request signing secret', airbyte_secret: true };
  const pinnedVersion: VersionRow = {
    id: ctx.rng.uuid(),
    definitionId: base.definitionId,
    dockerRepository: base.dockerRepository,
    dockerImageTag: `${base.dockerImageTag}-rc.1`,
    spec: { ...base.spec, connectionSpecification: schema },
  };
  const [ws0, ws1] = ctx.workspaces as [Workspace, Workspace | undefined];
  const pins: PinRow[] = [
    pin(ctx, 'workspace', ws0.id, base.definitionId, pinnedVersion.id, 'connector_rollout'),
  ];
  if (ws0.organizationId) {
    pins.push(
      pin(ctx, 'organization', ws0.organizationId, base.definitionId, base.versionId, 'breaking_change'),
    );
  }
  ctx.manifest.pinnedPath = {
    definitionId: base.definitionId,
    defaultVersionId: base.versionId,
    pinnedVersionId: pinnedVersion.id,
    path: `$.${PINNED_FIELD}`,
  };
  return {
    connector: base,
    pinnedVersion,
    pins,
    actors: [
      { workspace: ws0, pinnedTo: null, usesPinned: true },
      { workspace: ws0, pinnedTo: base.versionId, usesPinned: false },
      ...(ws1
        ? [
            { workspace: ws1, pinnedTo: pinnedVersion.id, usesPinned: true },
            { workspace: ws1, pinnedTo: null, usesPinned: false },
          ]
        : []),
    ],
  };
}

/** A `connector_version` pin, recorded in the manifest. */
export function pin(
  ctx: SeedContext,
  scopeType: PinRow['scopeType'],
  scopeId: string,
  definitionId: string,
  versionId: string,
  origin: PinRow['origin'],
): PinRow {
  ctx.manifest.pins.push({ scopeType, scopeId, definitionId, versionId });
  return { id: ctx.rng.uuid(), definitionId, scopeType, scopeId, versionId, origin };
}
