import type { CapacityResult, LatencyResult } from './concurrency.js';
import type { CopyResult } from './copy.js';
import type { EndToEndResult } from './end-to-end.js';
import type { HeldOutResult } from './held-out.js';
import type { InventoryResult } from './inventory.js';
import type { ScaleResult } from './scale.js';
import { dec, int, pct, type Row, ratio, seconds } from './table.js';

/** Goals from the issue. */
export const GOALS = {
  inventorySeconds: 20,
  inventoryActors: 100_000,
  peakRssMb: 300,
  quotaShare: 0.95,
} as const;

/** Peak RSS counts as flat when the largest database needs at most this much more than the smallest. */
export const FLAT_RSS_SLACK = { share: 0.2, mb: 10 } as const;

const PROVIDER: Record<string, string> = {
  vault: 'Vault',
  aws: 'AWS Secrets Manager',
  gcp: 'Google Secret Manager',
  azure: 'Azure Key Vault',
};

const met = (ok: boolean) => (ok ? 'yes' : 'NO');

export function inventoryRows(results: readonly InventoryResult[]): Row[] {
  const smallest = results.reduce<InventoryResult | undefined>(
    (a, r) => (a && a.seededActors <= r.seededActors ? a : r),
    undefined,
  );
  return results.map((r) => {
    const isLargest = results.every((o) => o.seededActors <= r.seededActors);
    const flat =
      !smallest || r.peakRssMb <= smallest.peakRssMb * (1 + FLAT_RSS_SLACK.share) + FLAT_RSS_SLACK.mb;
    const fastEnough = (r.seconds * GOALS.inventoryActors) / r.seededActors < GOALS.inventorySeconds;
    const small = r.peakRssMb < GOALS.peakRssMb;
    const compare =
      smallest && smallest !== r
        ? `\n${signedMb(r.peakRssMb - smallest.peakRssMb)} vs ${int(smallest.seededActors)} actors`
        : '';
    return {
      Benchmark: 'inventory',
      Setup: 'real PostgreSQL, readInventory\nover every row, own process',
      Size: `${int(r.seededActors)} actors\n${int(r.records)} secret nodes`,
      Time: `${seconds(r.seconds)}\n(seeding ${seconds(r.seedSeconds)})`,
      Rate: `${int(r.actorsPerSecond)} actors/s`,
      Result: `peak RSS ${int(r.peakRssMb)} MB${compare}\n(${int(r.baselineRssMb)} MB at start)`,
      Goal: isLargest
        ? `100k < ${GOALS.inventorySeconds} s, < ${GOALS.peakRssMb} MB,\nflat RSS`
        : `< ${GOALS.peakRssMb} MB`,
      Met: met(small && flat && (!isLargest || fastEnough)),
    };
  });
}

function signedMb(mb: number): string {
  return `${mb >= 0 ? '+' : '-'}${int(Math.abs(mb))} MB`;
}

/** A copy into one store; `variant` marks the short run at the real quota and the shared quota. */
export function copyRow(r: CopyResult, variant: 'main' | 'calibration' | 'contention' = 'main'): Row {
  const name = PROVIDER[r.kind] ?? r.kind;
  const q = r.quota;
  const problems = `throttled ${int(r.throttles)} (retried ${int(r.retries)}), failed ${int(r.failures)}`;
  if (q.writesPerSecond === null || q.enforcedWritesPerSecond === null) {
    const seq = r.sequential;
    return {
      Benchmark: `copy → ${name}`,
      Setup: `${r.latencyMs} ms latency, no quota\nconcurrency ${r.concurrency}`,
      Size: `${int(r.secrets)} secrets${seq ? `\n+ ${int(seq.secrets)} sequential` : ''}`,
      Time: seconds(r.wallSeconds),
      Rate: `${dec(r.secretsPerSecond)} secrets/s${seq ? `\nsequential ${dec(seq.secretsPerSecond)}/s` : ''}`,
      Result: `${r.speedup ? `×${dec(r.speedup)} over sequential\n` : ''}${problems}`,
      Goal: 'failures 0',
      Met: met(r.failures === 0),
    };
  }
  const perSecret = q.writeCost > 1 ? `, ${q.writeCost} writes/secret` : '';
  const scaled = q.writesPerSecond * r.scale;
  const quota =
    r.scale === 1
      ? `real quota ${dec(q.writesPerSecond)} writes/s`
      : `quota ${dec(q.writesPerSecond)} × K=${r.scale}\n= ${dec(scaled)} writes/s`;
  const left =
    q.available < 1
      ? `\n${pct(1 - q.available)} used by another writer:\n${dec(q.enforcedWritesPerSecond)} writes/s left to us`
      : '';
  const label = {
    main: '',
    calibration: '\n(check at real quota)',
    contention: '\n(quota shared)',
  }[variant];
  const of = q.available < 1 ? 'of what is left' : 'of quota';
  return {
    Benchmark: `copy → ${name}${label}`,
    Setup: `${r.latencyMs} ms latency, ${quota}${perSecret}${left}\nconcurrency ${r.concurrency}`,
    Size: `${int(r.secrets)} secrets`,
    Time: seconds(r.wallSeconds),
    Rate: `${dec(r.secretsPerSecond)} secrets/s\n${dec(r.writesPerSecond)} writes/s`,
    Result: `${shareText(r, of)}\n${problems}`,
    Goal: `≥ ${GOALS.quotaShare} ${of},\nfailures 0`,
    Met: met((r.steadyShare ?? r.quotaShare ?? 0) >= GOALS.quotaShare && r.failures === 0),
  };
}

function shareText(r: CopyResult, of: string): string {
  const whole = ratio(r.quotaShare ?? 0);
  if (r.steadyShare === null) return `${whole} ${of}, whole run\n(too short for a steady figure)`;
  return `${ratio(r.steadyShare)} ${of}, steady\n(${whole} whole run)`;
}

export function endToEndRow(r: EndToEndResult): Row {
  const items = Object.values(r.states).reduce((a, b) => a + b, 0);
  const failed = (r.states.failed ?? 0) + (r.states.pending ?? 0);
  const s = r.shares;
  const states = Object.entries(r.states)
    .map(([k, v]) => `${k} ${int(v)}`)
    .join(', ');
  return {
    Benchmark: 'migrate → Vault\n(end to end)',
    Setup: `${r.latencyMs} ms latency,\nconcurrency ${r.concurrency}`,
    Size: `${int(r.actors)} actors\n${int(items)} items`,
    Time: `${seconds(r.wallSeconds)}\n${phaseText(r)}\n(seeding ${seconds(r.seedSeconds)})`,
    Rate: `${int(r.actors / r.wallSeconds)} actors/s\n${int(items / r.wallSeconds)} items/s`,
    Result:
      `wall: Vault ${pct(s.targetStore)}, database ${pct(s.database)},\n` +
      `secrets table ${pct(s.sourceStore)}, our code ${pct(s.ownCode)}\n` +
      `(overlap ${pct(r.overlapShare)}; CPU ${dec(r.cpuSeconds)} s = ${pct(r.cpuSeconds / r.wallSeconds)} of a core)\n` +
      states,
    Goal: 'no failed item',
    Met: met(failed === 0),
  };
}

/** Seconds spent in each phase, from the first progress event of one to that of the next. */
function phaseText(r: EndToEndResult): string {
  const starts = Object.entries(r.phases).sort((a, b) => a[1] - b[1]);
  return starts
    .map(([phase, at], i) => `${phase} ${dec((starts[i + 1]?.[1] ?? r.wallSeconds) - at)} s`)
    .join(', ')
    .replace(/^(.*?, .*?), /, '$1,\n');
}

/** Issue 14's targets for the adaptive limit. */
export const CONCURRENCY_GOALS = {
  ofBestFixed: 0.9,
  overSequentialAt20: 15,
  capacityWithin: 0.1,
  heldOutOverSequential: 10,
} as const;

/** Vault at one latency: defaults against the best fixed concurrency of the sweep and a sequential loop. */
export function latencyRow(r: LatencyResult): Row {
  const ofBest = r.defaults.secretsPerSecond / r.best.secretsPerSecond;
  const overSeq = r.defaults.secretsPerSecond / r.sequential.secretsPerSecond;
  const needSeq = r.latencyMs === 20;
  const sweep = r.sweep.map((s) => `${s.label}:${int(s.secretsPerSecond)}`).join(' ');
  const failures = r.defaults.failures + r.best.failures + r.sequential.failures;
  return {
    Benchmark: `latency: Vault\n${r.latencyMs} ms`,
    Setup: `defaults (adaptive, up to 256)\nvs fixed 1…256 vs sequential;\n3 requests per secret`,
    Size: `defaults ${r.defaults.runs ?? 1} × ${int(r.defaults.secrets / (r.defaults.runs ?? 1))} secrets\n(fixed: ≤ ${int(Math.max(0, ...r.sweep.map((s) => s.secrets)))} each)`,
    Time: seconds(r.defaults.wallSeconds),
    Rate:
      `defaults ${int(r.defaults.secretsPerSecond)}/s\n` +
      `best fixed ${r.best.label}: ${int(r.best.secretsPerSecond)}/s\n` +
      `(sweep's best, measured ${r.best.runs ?? 1} × more)\n` +
      `sequential ${dec(r.sequential.secretsPerSecond)}/s`,
    Result:
      `${ratio(ofBest)} of best fixed\n×${dec(overSeq)} over sequential\n` +
      `limit ${r.defaults.limit ?? '?'} (peak ${r.defaults.peakLimit ?? '?'}), failed ${failures}\n` +
      `sweep secrets/s ${sweep}`,
    Goal: `≥ ${CONCURRENCY_GOALS.ofBestFixed} of best fixed${needSeq ? `,\n≥ ${CONCURRENCY_GOALS.overSequentialAt20}× sequential` : ''}`,
    Met: met(
      ofBest >= CONCURRENCY_GOALS.ofBestFixed &&
        (!needSeq || overSeq >= CONCURRENCY_GOALS.overSequentialAt20) &&
        failures === 0,
    ),
  };
}

export function capacityRow(r: CapacityResult): Row {
  const off = Math.abs(1 - r.steadyShare);
  return {
    Benchmark: 'capacity: Vault\n(server saturates)',
    Setup: `${r.latencyMs} ms latency, capacity\n${int(r.capacity)} requests/s, queue beyond;\ndefaults`,
    Size: `${int(r.run.secrets)} secrets`,
    Time: seconds(r.run.wallSeconds),
    Rate: `${int(r.steadyRequestsPerSecond)} requests/s steady\n(${int(r.run.requestsPerSecond)} whole run)`,
    Result: `${ratio(r.steadyShare)} of capacity\nlimit ${r.run.limit ?? '?'} (peak ${r.run.peakLimit ?? '?'}), failed ${r.run.failures}`,
    Goal: `within ${pct(CONCURRENCY_GOALS.capacityWithin)} of capacity,\nfailures 0`,
    Met: met(off <= CONCURRENCY_GOALS.capacityWithin && r.run.failures === 0),
  };
}

export function heldOutRow(r: HeldOutResult): Row {
  return {
    Benchmark: 'held-out: migrate\ndatabase → Vault',
    Setup: `CLI, default settings,\n${r.latencyMs} ms Vault in its own process`,
    Size: `${int(r.secrets)} secrets\n(${int(r.actors)} actors)`,
    Time: `${seconds(r.wallSeconds)}\n(sequential ${seconds(r.sequential.secondsPerSecret * r.secrets)})`,
    Rate: `${int(r.secrets / r.wallSeconds)} secrets/s\nsequential ${dec(1 / r.sequential.secondsPerSecret)}/s`,
    Result: `×${dec(r.speedup)} over sequential\n${dec(r.vaultRequests / r.secrets)} Vault requests/secret\n${r.ok ? 'ok' : `NOT ok (exit ${r.exitCode})`}`,
    Goal: `≥ ${CONCURRENCY_GOALS.heldOutOverSequential}× sequential\n(3 requests/secret)`,
    Met: met(r.ok && r.speedup >= CONCURRENCY_GOALS.heldOutOverSequential),
  };
}

export function scaleRow(r: ScaleResult): Row {
  return {
    Benchmark: 'scale: inventory\n+ plan',
    Setup: 'real PostgreSQL, plan from the\nsecrets table to another\ndatabase, own process',
    Size: `${int(r.actors)} actors\n${int(r.items)} items (${int(r.copies)} copies)`,
    Time: `${seconds(r.seconds)}\n(seeding ${seconds(r.seedSeconds)})`,
    Rate: `${int(r.actorsPerSecond)} actors/s`,
    Result: `peak RSS ${int(r.peakRssMb)} MB\n(${int(r.baselineRssMb)} MB at start)`,
    Goal: `1M actors, peak RSS < ${GOALS.peakRssMb} MB`,
    Met: met(r.actors >= 1_000_000 && r.peakRssMb < GOALS.peakRssMb),
  };
}
