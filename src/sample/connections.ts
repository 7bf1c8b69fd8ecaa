import type { SeedContext } from './context.js';
import type { Holder } from './planter.js';
import type { ConnectionRow } from './tables.js';

/** A live source and destination of one workspace, the ends of a sample connection. */
export interface Endpoints {
  workspaceId: string;
  sourceId: string;
  destinationId: string;
}

/** A public key that is not secret (RSA encryption mappers keep only this). */
const RSA_PUBLIC_KEY = '30820122300d06092a864886f70d01010105000382010f003082010a0282010100c0ffee';

/**
 * Connections whose catalogs carry stream mappers, as Airbyte stores a ConfiguredAirbyteCatalog
 * (airbyte-config/config-models/.../ConfiguredAirbyteStream.kt, `mappers`): per connection a
 * hashing mapper (no secret), an RSA encryption mapper (a public key only) and an AES encryption
 * mapper whose `key` Airbyte's MapperSecretHelper splits into `{"_secret": C}` under the
 * connection's workspace. The first connection also keeps one AES key in plaintext (as written
 * before the split), and one connection without mappers and one deleted (`deprecated`) connection
 * are not holders: the deleted one's key is left in the store as an orphan.
 */
export function buildConnections(ctx: SeedContext, endpoints: readonly Endpoints[]): ConnectionRow[] {
  const rows: ConnectionRow[] = [];
  const live = endpoints.slice(0, 2);
  live.forEach((e, n) => {
    const id = ctx.rng.uuid();
    const h = holderOf(id, e.workspaceId);
    const users = aesMapper(
      ctx,
      ctx.planter.node('secret', h, '$.streams[0].mappers[1].config.key'),
      'email',
    );
    const orders =
      n === 0
        ? aesMapper(
            ctx,
            ctx.planter.node('plaintext', h, '$.streams[1].mappers[1].config.key'),
            'card_number',
          )
        : rsaMapper(ctx, 'card_number');
    rows.push(
      connection(ctx, id, e, `Sync ${n + 1}`, [
        stream('users', [hashingMapper(ctx, 'phone'), users]),
        stream('orders', [rsaMapper(ctx, 'address'), orders]),
      ]),
    );
    ctx.manifest.connections.push(id);
  });
  const first = endpoints[0];
  if (first) {
    rows.push(connection(ctx, ctx.rng.uuid(), first, 'Sync without mappers', [stream('users', [])]));
    const orphan = ctx.planter.orphan({ prefix: 'workspace_', baseId: first.workspaceId });
    if (orphan) {
      const deleted = connection(ctx, ctx.rng.uuid(), first, 'Deleted sync', [
        stream('users', [aesMapper(ctx, { _secret: orphan }, 'email')]),
      ]);
      rows.push({ ...deleted, status: 'deprecated' });
    }
  }
  return rows;
}

function holderOf(id: string, workspaceId: string): Holder {
  return { holder: 'connection_catalog', rowId: id, workspaceId, prefix: 'workspace_', baseId: workspaceId };
}

function connection(
  ctx: SeedContext,
  id: string,
  e: Endpoints,
  name: string,
  streams: unknown[],
): ConnectionRow {
  return {
    id,
    sourceId: e.sourceId,
    destinationId: e.destinationId,
    name: `${name} (${ctx.rng.hex(2)})`,
    catalog: JSON.stringify({ streams }),
    status: 'active',
  };
}

function stream(name: string, mappers: unknown[]): Record<string, unknown> {
  return {
    stream: {
      name,
      json_schema: {
        type: 'object',
        properties: { id: { type: 'integer' }, email: { type: 'string' }, updated_at: { type: 'string' } },
      },
      supported_sync_modes: ['full_refresh', 'incremental'],
      default_cursor_field: ['updated_at'],
      source_defined_primary_key: [['id']],
    },
    sync_mode: 'incremental',
    cursor_field: ['updated_at'],
    destination_sync_mode: 'append_dedup',
    primary_key: [['id']],
    generation_id: 1,
    minimum_generation_id: 0,
    sync_id: 1,
    mappers,
  };
}

function aesMapper(ctx: SeedContext, key: unknown, targetField: string): Record<string, unknown> {
  return {
    name: 'encryption',
    id: ctx.rng.uuid(),
    config: {
      algorithm: 'AES',
      targetField,
      fieldNameSuffix: '_encrypted',
      mode: 'CBC',
      padding: 'PKCS5Padding',
      key,
    },
  };
}

function rsaMapper(ctx: SeedContext, targetField: string): Record<string, unknown> {
  return {
    name: 'encryption',
    id: ctx.rng.uuid(),
    config: { algorithm: 'RSA', targetField, fieldNameSuffix: '_encrypted', publicKey: RSA_PUBLIC_KEY },
  };
}

function hashingMapper(ctx: SeedContext, targetField: string): Record<string, unknown> {
  return {
    name: 'hashing',
    id: ctx.rng.uuid(),
    config: { targetField, method: 'SHA-256', fieldNameSuffix: '_hashed' },
  };
}
