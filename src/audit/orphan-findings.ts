import { EPHEMERAL_BASE_ID, parseCoordinate } from '../airbyte/coordinates.js';
import { readSecretConfigs, readSecretPersistenceConfigs } from '../airbyte/inventory.js';
import type { SecretDescription, StoreKind } from '../stores/types.js';
import { forEachConcurrent } from '../util/concurrent.js';
import { type InventoryCheck, storeFinding } from './inventory-findings.js';
import type { Finding } from './types.js';

/**
 * Airbyte writes ephemeral secrets (check/discover before a save) under the all-zero workspace
 * with an expiry of now + 2 h: EPHEMERAL_SECRET_LIFE_DURATION and createEphemeralFromConfig in
 * airbyte-config/config-secrets/src/main/kotlin/secrets/SecretsRepositoryWriter.kt.
 */
export const EPHEMERAL_LIFETIME_MS = 2 * 60 * 60 * 1000;

const WORKSPACE_PREFIXES = new Set(['workspace_', 'oauth_workspace_']);

/** What the audit knows about one name the store holds and nothing references. */
export interface OrphanCandidate {
  coordinate: string;
  /** Highest version of the same base that something references, if any. */
  referencedVersion?: number;
  /** When the store created it, where the store says. */
  createdAt?: Date;
}

export type OrphanReason = 'superseded' | 'ephemeral' | 'unreferenced';

/**
 * Why an unreferenced name is an orphan, in words without a value; `null` for an ephemeral
 * secret younger than two hours (a check or discover may still need it).
 */
export function classifyOrphan(
  c: OrphanCandidate,
  context: { now: Date; storeKind: StoreKind },
): { reason: OrphanReason; message: string } | null {
  const parsed = parseCoordinate(c.coordinate);
  if (parsed.managed && parsed.version !== undefined && c.referencedVersion !== undefined) {
    if (parsed.version < c.referencedVersion) {
      return {
        reason: 'superseded',
        message: `Superseded version: _v${c.referencedVersion} of the same secret is the one referenced; this older one was never deleted.`,
      };
    }
  }
  if (parsed.managed && parsed.baseId === EPHEMERAL_BASE_ID && parsed.prefix === 'workspace_') {
    if (!c.createdAt) {
      return {
        reason: 'ephemeral',
        message:
          `Ephemeral secret of a check or discover (all-zero workspace) that nothing references. ${context.storeKind} ` +
          'does not say when it was created, so its age is unknown: it is only in use if that check started less than two hours ago.',
      };
    }
    const age = context.now.getTime() - c.createdAt.getTime();
    if (age < EPHEMERAL_LIFETIME_MS) return null;
    return {
      reason: 'ephemeral',
      message: `Ephemeral secret of a check or discover (all-zero workspace), created ${c.createdAt.toISOString()}: older than the two hours Airbyte keeps these.`,
    };
  }
  return {
    reason: 'unreferenced',
    message:
      'No configuration, no secret_config and no secret_persistence_config row references it: a deleted connector left it behind, or a config change dropped it.',
  };
}

/**
 * `orphaned-secret` (low): Airbyte-managed names the store holds that nothing references: no
 * reference in a configuration (whatever its kind or storage), no live secret_config row and no
 * secret_persistence_config row. On
 * AWS a referenced coordinate's base name counts as referenced (Airbyte's read falls back to it).
 * Each candidate is described once (bounded, within the store's metadata quota) to skip names in
 * a recovery window and to learn the age of ephemeral ones where the store gives it.
 */
export const orphanedSecretCheck: InventoryCheck = {
  name: 'orphaned-secret',
  check: () => [],
  async finish(ctx) {
    const access = ctx.store;
    if (!access) return [];
    const store = access.store;
    // Key Vault names are case-insensitive; the other services' are not.
    const nameOf = (c: string) =>
      store.capabilities.caseInsensitiveNames ? store.nameOf(c).toLowerCase() : store.nameOf(c);
    const referenced = new Set<string>();
    const versions = new Map<string, number>();
    const note = (coordinate: string) => {
      referenced.add(nameOf(coordinate));
      const c = parseCoordinate(coordinate);
      if (c.managed && c.base !== undefined && c.version !== undefined) {
        versions.set(c.base, Math.max(versions.get(c.base) ?? c.version, c.version));
      }
    };
    for (const s of ctx.references.sites) if (s.coordinate) note(s.coordinate);
    for await (const c of readSecretConfigs(ctx.pool, { schema: ctx.schema })) {
      if (!c.tombstone) note(c.externalCoordinate);
    }
    // A runtime secret persistence's config, which Airbyte reads from this store by its coordinate.
    for await (const c of readSecretPersistenceConfigs(ctx.pool, { schema: ctx.schema })) note(c.coordinate);
    const names = await access.list();
    if (!names) return [];

    const candidates = names.filter(
      (n) => !referenced.has(nameOf(n)) && !(store.capabilities.baseNameFallback && versions.has(n)),
    );
    const findings: Finding[] = [];
    await forEachConcurrent(candidates, access.concurrency, async (coordinate) => {
      const described = await access.describe(coordinate);
      if (described && described.state !== 'active') return;
      const parsed = parseCoordinate(coordinate);
      const createdAt = createdAtOf(described);
      const referencedVersion = parsed.base === undefined ? undefined : versions.get(parsed.base);
      const verdict = classifyOrphan(
        {
          coordinate,
          ...(referencedVersion !== undefined ? { referencedVersion } : {}),
          ...(createdAt ? { createdAt } : {}),
        },
        { now: ctx.now, storeKind: store.kind },
      );
      if (!verdict) return;
      const ws =
        parsed.baseId &&
        parsed.prefix &&
        WORKSPACE_PREFIXES.has(parsed.prefix) &&
        parsed.baseId !== EPHEMERAL_BASE_ID
          ? parsed.baseId
          : null;
      findings.push(storeFinding('orphaned-secret', verdict.message, { coordinate, workspaceId: ws }));
    });
    return findings.sort((a, b) => (a.coordinate ?? '').localeCompare(b.coordinate ?? ''));
  },
};

/** The creation time, when the store's description carries one (AWS, Google, Azure, Vault KV v2). */
function createdAtOf(d: SecretDescription | null): Date | undefined {
  const text = d?.createdAt;
  if (text === undefined) return undefined;
  const at = new Date(text);
  return Number.isNaN(at.getTime()) ? undefined : at;
}
