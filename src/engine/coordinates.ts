import { randomUUID } from 'node:crypto';
import { EPHEMERAL_BASE_ID, formatCoordinate } from '../airbyte/coordinates.js';
import type { HolderRow } from '../airbyte/types.js';

/** The prefix and base id a new coordinate is minted under. */
export interface CoordinateBase {
  prefix: string;
  baseId: string;
}

/**
 * Whose id a new coordinate is based on, as Airbyte decides: the workspace for actors, webhook
 * configs, connection mappers (the source's workspace) and builder testing values; for OAuth
 * parameters the workspace when set, else the organization.
 */
export function coordinateBaseFor(
  row: Pick<HolderRow, 'holder' | 'workspaceId' | 'organizationId'>,
): CoordinateBase {
  if (row.holder === 'actor_oauth_parameter' && !row.workspaceId && row.organizationId) {
    return { prefix: 'organization_', baseId: row.organizationId };
  }
  return { prefix: 'workspace_', baseId: row.workspaceId ?? EPHEMERAL_BASE_ID };
}

/** A fresh coordinate under `base`, version 1, as Airbyte mints one for a new secret. */
export function mintCoordinate(base: CoordinateBase, newUuid: () => string = randomUUID): string {
  return formatCoordinate({ prefix: base.prefix, baseId: base.baseId, uuid: newUuid(), version: 1 });
}
