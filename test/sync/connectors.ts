import { randomUUID } from 'node:crypto';
import type pg from 'pg';

/**
 * A connector as Airbyte creates one: a new coordinate in the workspace, its value written to a
 * store first, then an actor row referring to it (`{"_secret": …}` at the spec's secret path is
 * found by the hydration scan anywhere). Based on an existing actor, so its definition and
 * workspace exist. Returns the actor id and the coordinate.
 */
export async function insertConnector(
  pool: pg.Pool,
  coordinateFor: (workspaceId: string) => string = (ws) =>
    `airbyte_workspace_${ws}_secret_${randomUUID()}_v1`,
): Promise<{ actorId: string; workspaceId: string; coordinate: string; insert: () => Promise<void> }> {
  const base = (
    await pool.query<{ workspace_id: string; actor_definition_id: string; actor_type: string }>(
      'SELECT workspace_id::text, actor_definition_id::text, actor_type::text FROM actor WHERE NOT tombstone LIMIT 1',
    )
  ).rows[0];
  if (!base) throw new Error('no actor to base a connector on');
  const actorId = randomUUID();
  const coordinate = coordinateFor(base.workspace_id);
  return {
    actorId,
    workspaceId: base.workspace_id,
    coordinate,
    insert: async () => {
      await pool.query(
        `INSERT INTO actor (id, workspace_id, actor_definition_id, name, configuration, actor_type)
         VALUES ($1, $2, $3, $4, $5::jsonb, $6::actor_type)`,
        [
          actorId,
          base.workspace_id,
          base.actor_definition_id,
          `soak ${actorId.slice(0, 8)}`,
          JSON.stringify({ soak_credential: { _secret: coordinate } }),
          base.actor_type,
        ],
      );
    },
  };
}

/** An edit as Airbyte makes one: the next version of the coordinate, then the row points at it. */
export function nextVersion(coordinate: string): string {
  return coordinate.replace(/_v(\d+)$/, (_, n: string) => `_v${Number(n) + 1}`);
}

export async function pointActorAt(pool: pg.Pool, actorId: string, coordinate: string): Promise<void> {
  await pool.query(
    `UPDATE actor SET configuration = jsonb_set(configuration, '{soak_credential}', jsonb_build_object('_secret', $2::text)),
            updated_at = now()
      WHERE id = $1`,
    [actorId, coordinate],
  );
}
