import { randomBytes, randomUUID } from 'node:crypto';
import { EPHEMERAL_BASE_ID, formatCoordinate } from '../../src/airbyte/coordinates.js';
import type { Finding } from '../../src/audit/types.js';
import type { PlantedSecret } from '../../src/sample/seed.js';
import type { SecretStore, StoreKind } from '../../src/stores/types.js';
import { SecretValue } from '../../src/util/secret-value.js';
import type { SeededDatabase } from '../helpers/airbyte-db.js';
import { ago, atTime } from '../helpers/clock.js';

/**
 * One planted case of every category the audit reports, on top of a seeded database, for any
 * store: the seeder's own shapes (plaintext, masks, dangling references, a spec-less actor, the
 * secrets of deleted actors) plus small SQL updates and store writes for the rest. Everything
 * else is a clean connector that must produce nothing (or only `plaintext-database-store`, when
 * the store is the `secrets` table and the reference resolves there).
 */

/** What a finding is, for comparing sets: category, place, and the coordinate of store findings. */
export function findingKey(
  f: Pick<Finding, 'category' | 'holder' | 'actorId' | 'path' | 'coordinate'>,
): string {
  return [
    f.category,
    f.holder,
    f.actorId ?? '',
    f.path ?? '',
    f.holder === 'store' ? (f.coordinate ?? '') : '',
  ].join('|');
}

const key = (category: string, holder: string, actorId: string, path: string, coordinate = '') =>
  [category, holder, actorId, path, coordinate].join('|');

export interface PlantedCases {
  /** Every finding the audit must report, as `findingKey`s, sorted. */
  expected: string[];
  /** Values written by the planting (for leak checks), beside the seeder's canaries. */
  canaries: string[];
  /** The coordinate whose stored value is the coordinate itself; writing a real value fixes it. */
  coordinateAsValue: { coordinate: string; actorId: string; path: string };
}

const canary = () => `canary-${randomBytes(8).toString('hex')}`;

/** Actors whose every planted secret is a plain `_secret` in `secrets`: nothing to report about them. */
function cleanActors(
  db: SeededDatabase,
): Array<{ id: string; workspaceId: string; secrets: PlantedSecret[] }> {
  const byActor = new Map<string, PlantedSecret[]>();
  for (const p of db.manifest.planted) {
    if (p.holder !== 'actor') continue;
    byActor.set(p.rowId, [...(byActor.get(p.rowId) ?? []), p]);
  }
  const spec = new Set(db.manifest.missingSpecActors);
  return [...byActor.entries()]
    .filter(([id, list]) => !spec.has(id) && list.every((p) => p.kind === 'secret' && !p.pinned))
    .map(([id, secrets]) => ({ id, workspaceId: secrets[0]!.workspaceId!, secrets }))
    .sort((a, b) => a.id.localeCompare(b.id));
}

/** The findings the seeder's own shapes must give against a store of `kind`. */
export function seededExpectations(db: SeededDatabase, kind: StoreKind): string[] {
  const out: string[] = [];
  for (const p of db.manifest.planted) {
    let category: string | null = null;
    if (p.kind === 'plaintext') category = 'plaintext-inline';
    else if (p.kind === 'mask' || p.kind === 'oauth-mask') category = 'masked-value';
    else if (p.kind === 'dangling') category = 'dangling-reference';
    else if (p.inSecretsTable && kind === 'database') category = 'plaintext-database-store';
    if (category) out.push(key(category, p.holder, p.rowId, p.path));
  }
  for (const id of db.manifest.missingSpecActors) out.push(key('missing-spec', 'actor', id, ''));
  for (const c of db.manifest.orphanCoordinates) out.push(key('orphaned-secret', 'store', '', '', c));
  return out;
}

async function setField(db: SeededDatabase, actorId: string, field: string, value: unknown): Promise<void> {
  await db.pool.query(
    'UPDATE actor SET configuration = jsonb_set(configuration, $2::text[], $3::jsonb) WHERE id = $1',
    [actorId, [field], JSON.stringify(value)],
  );
}

/**
 * Makes `store` hold what the `secrets` table holds (a finished migration), then plants a shared
 * coordinate, a workspace mismatch, a coordinate stored as its own value, a superseded `_v1` next
 * to a referenced `_v2`, an ephemeral secret nobody references, and an `api_key` typed into a
 * field the spec does not mark secret.
 */
export async function plantAuditCases(db: SeededDatabase, store: SecretStore): Promise<PlantedCases> {
  // The sample Postgres spec leaves its SSL certificates unmarked and Airbyte masks those names:
  // the seeder fills them at random, so they go, and one suspicious field is planted below instead.
  await db.pool.query(
    `UPDATE actor SET configuration = configuration #- '{ssl_mode,ca_certificate}' #- '{ssl_mode,client_certificate}'
      WHERE jsonb_typeof(configuration) = 'object'`,
  );
  if (store.kind !== 'database') {
    const rows = await db.pool.query<{ coordinate: string; payload: string }>(
      'SELECT coordinate, payload FROM secrets',
    );
    for (const r of rows.rows) await store.write(r.coordinate, new SecretValue(r.payload));
  }
  const database = store.kind === 'database';
  const expected = seededExpectations(db, store.kind);
  const canaries: string[] = [];
  const write = async (coordinate: string, value = canary()) => {
    if (value.startsWith('canary-')) canaries.push(value);
    await store.write(coordinate, new SecretValue(value));
  };
  const resolvesInTable = (actorId: string, path: string) => {
    if (database) expected.push(key('plaintext-database-store', 'actor', actorId, path));
  };

  const clean = cleanActors(db);
  const [a, b] = pairInOneWorkspace(clean);
  const others = clean.filter((x) => x !== a && x !== b);
  if (others.length < 4) throw new Error('the seed left too few clean actors to plant on');
  const [c, d, e, f] = others as [(typeof clean)[0], (typeof clean)[0], (typeof clean)[0], (typeof clean)[0]];

  // shared-coordinate: b names a's coordinate too (same workspace, so nothing else is wrong).
  const shared = a.secrets[0]!;
  await setField(db, b.id, 'shared_token', { _secret: shared.coordinate });
  const sites = [
    { id: a.id, path: shared.path },
    { id: b.id, path: '$.shared_token' },
  ].sort((x, y) => `actor/${x.id}/${x.path}`.localeCompare(`actor/${y.id}/${y.path}`));
  expected.push(key('shared-coordinate', 'actor', sites[0]!.id, sites[0]!.path));
  resolvesInTable(b.id, '$.shared_token');

  // workspace-mismatch: c names a coordinate made for another workspace.
  const otherWs = db.manifest.workspaces.find((w) => w !== c.workspaceId)!;
  const foreign = formatCoordinate({ baseId: otherWs, uuid: randomUUID() });
  await write(foreign);
  await setField(db, c.id, 'mismatch_token', { _secret: foreign });
  expected.push(key('workspace-mismatch', 'actor', c.id, '$.mismatch_token'));
  resolvesInTable(c.id, '$.mismatch_token');

  // coordinate-as-value: what a copy from Airbyte's NO_OP store leaves behind.
  const noop = formatCoordinate({ baseId: d.workspaceId, uuid: randomUUID() });
  await write(noop, noop);
  await setField(db, d.id, 'noop_token', { _secret: noop });
  expected.push(key('coordinate-as-value', 'actor', d.id, '$.noop_token'));

  // orphaned-secret (superseded): _v2 is referenced, _v1 was never deleted (Vault's delete is a no-op).
  const uuid = randomUUID();
  const v1 = formatCoordinate({ baseId: e.workspaceId, uuid, version: 1 });
  const v2 = formatCoordinate({ baseId: e.workspaceId, uuid, version: 2 });
  await write(v1);
  await write(v2);
  await setField(db, e.id, 'rotated_token', { _secret: v2 });
  expected.push(key('orphaned-secret', 'store', '', '', v1));
  resolvesInTable(e.id, '$.rotated_token');

  // orphaned-secret (ephemeral): a check's secret under the all-zero workspace that nothing
  // references, written three hours ago: past the two hours Airbyte gives it (stores that say when
  // a secret was created keep a younger one out of the findings).
  const ephemeral = formatCoordinate({ baseId: EPHEMERAL_BASE_ID, uuid: randomUUID() });
  await atTime(ago(3 * 60 * 60 * 1000), () => write(ephemeral));
  expected.push(key('orphaned-secret', 'store', '', '', ephemeral));

  // suspicious-plaintext: an api_key typed into a field the spec does not mark secret.
  if (f.secrets.some((p) => p.path === '$.api_key')) throw new Error('f marks $.api_key secret');
  const typed = canary();
  canaries.push(typed);
  await setField(db, f.id, 'api_key', typed);
  expected.push(key('suspicious-plaintext', 'actor', f.id, '$.api_key'));

  // invalid-coordinate: a hand-typed coordinate that would step out of VAULT_PREFIX; never read.
  await setField(db, f.id, 'escaping_coordinate', { _secret: '../other-team/prod-db' });
  expected.push(key('invalid-coordinate', 'actor', f.id, '$.escaping_coordinate'));

  return {
    expected: expected.sort(),
    canaries,
    coordinateAsValue: { coordinate: noop, actorId: d.id, path: '$.noop_token' },
  };
}

function pairInOneWorkspace<T extends { workspaceId: string }>(actors: readonly T[]): [T, T] {
  for (const x of actors) {
    const y = actors.find((o) => o !== x && o.workspaceId === x.workspaceId);
    if (y) return [x, y];
  }
  throw new Error('no two clean actors share a workspace');
}
