import { randomUUID } from 'node:crypto';
import { formatCoordinate } from '../src/airbyte/coordinates.js';
import { AWS_DEFAULT_QUOTA } from '../src/emulators/aws/index.js';
import { AZURE_DEFAULT_QUOTA } from '../src/emulators/azure/index.js';
import { GOOGLE_DEFAULT_QUOTA } from '../src/emulators/gcp/index.js';
import type { QuotaRule } from '../src/emulators/harness.js';
import type { EmulatorKind } from '../src/emulators/index.js';
import { writeVerified } from '../src/engine/write-verified.js';
import { getStats, type LimitOptions, withLimits } from '../src/stores/limits.js';
import { createStore } from '../src/stores/open.js';
import { QUOTA_SHARE } from '../src/stores/quotas.js';
import { storeDefinition } from '../src/stores/registry.js';
import type { SecretStore } from '../src/stores/types.js';
import { forEachConcurrent } from '../src/util/concurrent.js';
import { SecretValue } from '../src/util/secret-value.js';
import { type EmulatorSummary, startRemoteEmulator } from './remote-emulator.js';
import { settingsFor } from './settings.js';

/** The provider's published quota table (the emulator's default) and the class a new secret's writes count against. */
const PUBLISHED: Record<EmulatorKind, { table: Record<string, QuotaRule>; writeClass: string } | null> = {
  vault: null,
  aws: { table: AWS_DEFAULT_QUOTA, writeClass: 'write' },
  gcp: { table: GOOGLE_DEFAULT_QUOTA, writeClass: 'write' },
  azure: { table: AZURE_DEFAULT_QUOTA, writeClass: 'create' },
};

/**
 * The steady-state rate leaves out the first two seconds: the client starts with one second of
 * banked tokens (and the provider with more), which a short run would otherwise count as speed.
 */
const STEADY_FROM_MS = 2_000;
/** Below this much steady time there is no steady-state figure. */
const STEADY_MIN_MS = 2_000;

export interface CopyOptions {
  kind: EmulatorKind;
  secrets: number;
  latencyMs: number;
  /**
   * K: the emulator's quota and the client's pacing are both multiplied by K. `auto` picks the
   * smallest whole K that lets the copy finish in about `targetSeconds` (1 when it already does).
   */
  scale: number | 'auto';
  targetSeconds: number;
  /** Copies in flight; default the store's own limit (its quota). */
  concurrency?: number;
  /** Vault: also copy this many secrets in a plain sequential loop, for the speed-up. */
  sequentialSecrets?: number;
  /**
   * Share of the write quota left to us (another writer uses the rest): the emulator enforces
   * this share of the (scaled) write quota while the client paces as usual and has to find the
   * rate from the throttling answers. @default 1
   */
  available?: number;
}

export interface QuotaFigures {
  /** The provider's published write quota (writes per second), null without one. */
  writesPerSecond: number | null;
  /** Writes one new secret costs. */
  writeCost: number;
  /** The write quota actually enforced: published × K × the share left to us. */
  enforcedWritesPerSecond: number | null;
  /** Share of the write quota left to us. */
  available: number;
}

export interface CopyResult {
  kind: EmulatorKind;
  secrets: number;
  concurrency: number;
  latencyMs: number;
  scale: number;
  quota: QuotaFigures;
  wallSeconds: number;
  secretsPerSecond: number;
  /** Writes the emulator admitted per second of the run. */
  writesPerSecond: number;
  /** Admitted writes ÷ (wall × enforced write quota); null without a quota. */
  quotaShare: number | null;
  /** The same from 2 s after the start to the last copy (null for runs too short to tell). */
  steadyShare: number | null;
  /** Throttling answers the client got (each was retried). */
  throttles: number;
  retries: number;
  /** Secrets not copied and verified in the end. */
  failures: number;
  emulator: EmulatorSummary;
  sequential?: { secrets: number; wallSeconds: number; secretsPerSecond: number };
  /** Concurrent ÷ sequential secrets per second (Vault). */
  speedup?: number;
}

/** The whole K for which `secrets` take about `targetSeconds` at the paced rate; at least 1. */
export function autoScale(kind: EmulatorKind, secrets: number, targetSeconds: number): number {
  const published = PUBLISHED[kind];
  if (!published) return 1;
  const rate = published.table[published.writeClass]!.rate;
  const seconds = (secrets * storeDefinition(kind).quota.writeCost) / (rate * QUOTA_SHARE);
  return Math.max(1, Math.ceil(seconds / targetSeconds));
}

/** Every class × K (rate and burst alike); the write class also × the share left to us. */
function scaledQuota(
  table: Record<string, QuotaRule>,
  k: number,
  writeClass: string,
  available: number,
): Record<string, QuotaRule> {
  return Object.fromEntries(
    Object.entries(table).map(([cls, r]) => {
      const f = cls === writeClass ? k * available : k;
      return [cls, { rate: r.rate * f, burst: (r.burst ?? Math.max(1, r.rate)) * f }];
    }),
  );
}

/** The client's limits as `createStore` would set them, with every rate × K. */
function clientLimits(kind: EmulatorKind, k: number, concurrency: number): LimitOptions {
  const q = storeDefinition(kind).quota;
  const times = (r: number | undefined) => (r === undefined ? undefined : r * k);
  const out: LimitOptions = { concurrency };
  const rate = times(q.writeRate);
  const readRate = times(q.readRate);
  const metadataRate = times(q.metadataRate);
  if (rate !== undefined) out.rate = rate;
  if (readRate !== undefined) out.readRate = readRate;
  if (metadataRate !== undefined) out.metadataRate = metadataRate;
  return out;
}

function newItems(n: number): Array<{ coordinate: string; value: SecretValue }> {
  const workspace = randomUUID();
  return Array.from({ length: n }, (_, i) => ({
    coordinate: formatCoordinate({ baseId: workspace, uuid: randomUUID() }),
    value: new SecretValue(JSON.stringify({ password: `bench-${i}-${randomUUID()}` })),
  }));
}

/** Copies `secrets` new secrets into the emulated store through the migration's write path. */
export async function benchCopy(options: CopyOptions): Promise<CopyResult> {
  const { kind } = options;
  const published = PUBLISHED[kind];
  const k = !published
    ? 1
    : options.scale === 'auto'
      ? autoScale(kind, options.secrets, options.targetSeconds)
      : options.scale;
  const available = options.available ?? 1;
  const concurrency = options.concurrency ?? storeDefinition(kind).quota.concurrency;
  const emulator = await startRemoteEmulator(kind, {
    latencyMs: options.latencyMs,
    ...(published ? { quota: scaledQuota(published.table, k, published.writeClass, available) } : {}),
  });
  let store: SecretStore | undefined;
  try {
    const raw = await createStore(settingsFor(emulator), { limits: false });
    store = withLimits(raw, clientLimits(kind, k, concurrency));
    // Warm up (connection, KV version detection) with a read: no write token spent.
    await store.read(newItems(1)[0]!.coordinate);
    await emulator.reset();
    const run = await copyAll(store, newItems(options.secrets), concurrency);
    const summary = await emulator.summary();
    const stats = getStats(store);
    const writeRate = published ? published.table[published.writeClass]!.rate : null;
    const enforced = writeRate === null ? null : writeRate * k * available;
    const quota: QuotaFigures = {
      writesPerSecond: writeRate,
      writeCost: storeDefinition(kind).quota.writeCost,
      enforcedWritesPerSecond: enforced,
      available,
    };
    const result: CopyResult = {
      kind,
      secrets: options.secrets,
      concurrency,
      latencyMs: options.latencyMs,
      scale: k,
      quota,
      wallSeconds: run.wallSeconds,
      secretsPerSecond: run.copied / run.wallSeconds,
      writesPerSecond: summary.writesAdmitted / run.wallSeconds,
      quotaShare: enforced ? summary.writesAdmitted / run.wallSeconds / enforced : null,
      steadyShare:
        enforced && run.steadySecretsPerSecond !== null
          ? (run.steadySecretsPerSecond * quota.writeCost) / enforced
          : null,
      throttles: stats?.throttles ?? 0,
      retries: stats?.retries ?? 0,
      failures: run.failed,
      emulator: summary,
    };
    if (options.sequentialSecrets && options.sequentialSecrets > 0) {
      const seq = await copyAll(store, newItems(Math.min(options.sequentialSecrets, options.secrets)), 1);
      result.sequential = {
        secrets: seq.copied + seq.failed,
        wallSeconds: seq.wallSeconds,
        secretsPerSecond: seq.copied / seq.wallSeconds,
      };
      result.speedup = result.secretsPerSecond / result.sequential.secretsPerSecond;
      result.failures += seq.failed;
    }
    return result;
  } finally {
    await store?.close().catch(() => undefined);
    await emulator.close();
  }
}

interface CopyRun {
  copied: number;
  failed: number;
  wallSeconds: number;
  steadySecretsPerSecond: number | null;
}

/**
 * Writes and reads back every item, `concurrency` at a time (concurrency 1 is a plain sequential
 * loop). An item that still fails after the limiter's retries is counted, not thrown.
 */
async function copyAll(
  store: SecretStore,
  items: Array<{ coordinate: string; value: SecretValue }>,
  concurrency: number,
): Promise<CopyRun> {
  const done: number[] = [];
  let failed = 0;
  const start = performance.now();
  const copyOne = async (item: { coordinate: string; value: SecretValue }) => {
    try {
      await writeVerified(store, item.coordinate, item.value);
      done.push(performance.now() - start);
    } catch {
      failed++;
    }
  };
  if (concurrency <= 1) for (const item of items) await copyOne(item);
  else await forEachConcurrent(items, concurrency, copyOne);
  const wallMs = performance.now() - start;
  const last = done.at(-1) ?? wallMs;
  const steady = done.filter((t) => t > STEADY_FROM_MS).length;
  return {
    copied: done.length,
    failed,
    wallSeconds: wallMs / 1000,
    steadySecretsPerSecond:
      last - STEADY_FROM_MS >= STEADY_MIN_MS ? (steady * 1000) / (last - STEADY_FROM_MS) : null,
  };
}
