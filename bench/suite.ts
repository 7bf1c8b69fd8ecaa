import { cpus } from 'node:os';
import { AWS_DEFAULT_QUOTA } from '../src/emulators/aws/index.js';
import { EMULATOR_KINDS, type EmulatorKind } from '../src/emulators/index.js';
import { QUOTA_SHARE } from '../src/stores/quotas.js';
import { benchCapacity, benchLatency, type CapacityResult, type LatencyResult } from './concurrency.js';
import { autoScale, benchCopy, type CopyResult } from './copy.js';
import { SPECS_LABEL } from './database.js';
import { benchEndToEnd, type EndToEndResult } from './end-to-end.js';
import { benchHeldOut, type HeldOutResult } from './held-out.js';
import { benchInventory, type InventoryResult } from './inventory.js';
import {
  capacityRow,
  copyRow,
  endToEndRow,
  heldOutRow,
  inventoryRows,
  latencyRow,
  scaleRow,
} from './rows.js';
import { benchScale, type ScaleResult } from './scale.js';
import type { Row } from './table.js';

const AWS_WRITE_QUOTA = AWS_DEFAULT_QUOTA.write!.rate;

export const SECTIONS = ['latency', 'capacity', 'held-out', 'copy', 'scale', 'inventory', 'e2e'] as const;
export type Section = (typeof SECTIONS)[number];

export interface BenchOptions {
  sections: Section[];
  /** Round trip the emulators add to every answer, ms. */
  latencyMs: number;
  /** Actors per inventory database. */
  inventoryActors: number[];
  /** Secrets copied into each store. */
  secrets: number;
  stores: EmulatorKind[];
  /** Quota scale K for the quota-bound stores, or `auto`. */
  scale: number | 'auto';
  /** With `auto`: about how long each quota-bound copy may take, s. */
  targetSeconds: number;
  /** Vault: secrets copied in the sequential baseline. */
  sequentialSecrets: number;
  /** Also copy at the real quota (K = 1) for about this many seconds per quota-bound store; 0 skips it. */
  calibrationSeconds: number;
  /**
   * AWS with only this share of its write quota left to us (another writer uses the rest), for
   * about `contentionSeconds`: the limiter must find the rate from throttling. 0 skips it.
   */
  contentionShare: number;
  contentionSeconds: number;
  e2eActors: number;
  e2eConcurrency: number;
  /** Vault latencies of the defaults / sequential / sweep rows, ms. */
  latencies: number[];
  /** Secrets per run of those rows. */
  latencySecrets: number;
  /** A fixed-concurrency or sequential run stops after this many seconds (its rate is steady). */
  latencyCapSeconds: number;
  /** The capacity row: requests/s the server works through, and how long to run. */
  capacity: number;
  capacitySeconds: number;
  /** Held-out check: actors seeded (about 1.85 secrets each), sequential secrets timed. */
  heldOutActors: number;
  heldOutSequential: number;
  /** Actors of the scale row (inventory and plan in one run). */
  scaleActors: number;
}

export const DEFAULT_OPTIONS: BenchOptions = {
  sections: [...SECTIONS],
  latencyMs: 20,
  inventoryActors: [10_000, 100_000],
  secrets: 5_000,
  stores: [...EMULATOR_KINDS],
  scale: 'auto',
  targetSeconds: 60,
  sequentialSecrets: 250,
  calibrationSeconds: 15,
  contentionShare: 0.6,
  contentionSeconds: 30,
  e2eActors: 10_000,
  e2eConcurrency: 32,
  latencies: [2, 20, 100],
  latencySecrets: 3_000,
  latencyCapSeconds: 4,
  capacity: 2_000,
  capacitySeconds: 12,
  heldOutActors: 640,
  heldOutSequential: 60,
  scaleActors: 1_000_000,
};

/** Tiny sizes that exercise every module in seconds (the smoke test, `--quick`). */
export const QUICK_OPTIONS: BenchOptions = {
  ...DEFAULT_OPTIONS,
  inventoryActors: [200, 400],
  secrets: 50,
  targetSeconds: 2,
  sequentialSecrets: 10,
  calibrationSeconds: 0,
  contentionSeconds: 1,
  e2eActors: 100,
  e2eConcurrency: 8,
  latencies: [20],
  latencySecrets: 40,
  latencyCapSeconds: 1,
  capacity: 500,
  capacitySeconds: 1,
  heldOutActors: 20,
  heldOutSequential: 5,
  scaleActors: 2_000,
};

export interface BenchReport {
  meta: {
    startedAt: string;
    wallSeconds: number;
    node: string;
    cpus: number;
    cpuModel: string;
    specs: string;
    options: BenchOptions;
  };
  rows: Row[];
  inventory: InventoryResult[];
  copy: CopyResult[];
  calibration: CopyResult[];
  contention: CopyResult | null;
  endToEnd: EndToEndResult | null;
  latency: LatencyResult[];
  capacity: CapacityResult | null;
  heldOut: HeldOutResult | null;
  scale: ScaleResult | null;
}

/** Runs the chosen sections in order and gathers one table's rows plus every raw figure. */
export async function runBenchmarks(
  options: BenchOptions,
  log: (line: string) => void = () => {},
): Promise<BenchReport> {
  const started = performance.now();
  const startedAt = new Date().toISOString();
  const report: BenchReport = {
    meta: {
      startedAt,
      wallSeconds: 0,
      node: process.version,
      cpus: cpus().length,
      cpuModel: cpus()[0]?.model ?? 'unknown',
      specs: SPECS_LABEL,
      options,
    },
    rows: [],
    inventory: [],
    copy: [],
    calibration: [],
    contention: null,
    endToEnd: null,
    latency: [],
    capacity: null,
    heldOut: null,
    scale: null,
  };
  if (options.sections.includes('latency')) {
    for (const latencyMs of options.latencies) {
      log(`latency: Vault at ${latencyMs} ms, defaults vs sequential vs fixed 1…256`);
      const r = await benchLatency({
        latencyMs,
        secrets: options.latencySecrets,
        capSeconds: options.latencyCapSeconds,
        log,
      });
      report.latency.push(r);
      report.rows.push(latencyRow(r));
    }
  }
  if (options.sections.includes('capacity')) {
    log(`capacity: Vault at ${options.latencyMs} ms serving at most ${options.capacity} requests/s`);
    report.capacity = await benchCapacity({
      latencyMs: options.latencyMs,
      capacity: options.capacity,
      seconds: options.capacitySeconds,
    });
    report.rows.push(capacityRow(report.capacity));
  }
  if (options.sections.includes('held-out')) {
    log(
      `held-out: migrate ${options.heldOutActors} actors' secrets from the database to Vault at 20 ms (CLI)`,
    );
    report.heldOut = await benchHeldOut({
      latencyMs: 20,
      actors: options.heldOutActors,
      sequentialSecrets: options.heldOutSequential,
    });
    report.rows.push(heldOutRow(report.heldOut));
  }
  if (options.sections.includes('scale')) {
    log(`scale: seeding ${options.scaleActors} actors (generate_series), then inventory and plan in a child`);
    report.scale = await benchScale(options.scaleActors);
    report.rows.push(scaleRow(report.scale));
  }
  if (options.sections.includes('inventory')) {
    for (const actors of options.inventoryActors) {
      log(`inventory: seeding ${actors} actors, then reading them in a child process`);
      report.inventory.push(await benchInventory(actors));
    }
    report.rows.push(...inventoryRows(report.inventory));
  }
  if (options.sections.includes('copy')) {
    for (const kind of options.stores) {
      const k =
        options.scale === 'auto' ? autoScale(kind, options.secrets, options.targetSeconds) : options.scale;
      log(`copy: ${options.secrets} secrets into ${kind}${kind === 'vault' ? '' : ` (quota × ${k})`}`);
      const r = await benchCopy({
        kind,
        secrets: options.secrets,
        latencyMs: options.latencyMs,
        scale: k,
        targetSeconds: options.targetSeconds,
        ...(kind === 'vault' ? { sequentialSecrets: options.sequentialSecrets } : {}),
      });
      report.copy.push(r);
      report.rows.push(copyRow(r));
    }
    if (options.calibrationSeconds > 0) {
      for (const r of report.copy.filter((c) => c.scale > 1)) {
        const secrets = calibrationSecrets(r, options.calibrationSeconds);
        log(`copy: ${secrets} secrets into ${r.kind} at the real quota (K = 1)`);
        const c = await benchCopy({
          kind: r.kind,
          secrets,
          latencyMs: options.latencyMs,
          scale: 1,
          targetSeconds: 0,
        });
        report.calibration.push(c);
        report.rows.push(copyRow(c, 'calibration'));
      }
    }
    if (options.contentionShare > 0 && options.contentionShare < 1 && options.stores.includes('aws')) {
      const left = AWS_WRITE_QUOTA * options.contentionShare;
      const secrets = Math.max(10, Math.round(left * options.contentionSeconds));
      log(
        `copy: ${secrets} secrets into aws with ${Math.round(options.contentionShare * 100)}% of its write quota left`,
      );
      const c = await benchCopy({
        kind: 'aws',
        secrets,
        latencyMs: options.latencyMs,
        scale: 1,
        targetSeconds: 0,
        available: options.contentionShare,
      });
      report.contention = c;
      report.rows.push(copyRow(c, 'contention'));
    }
  }
  if (options.sections.includes('e2e')) {
    log(`end to end: seeding ${options.e2eActors} actors, then migrate to Vault`);
    report.endToEnd = await benchEndToEnd({
      actors: options.e2eActors,
      latencyMs: options.latencyMs,
      concurrency: options.e2eConcurrency,
    });
    report.rows.push(endToEndRow(report.endToEnd));
  }
  report.meta.wallSeconds = (performance.now() - started) / 1000;
  return report;
}

/** Secrets that take about `seconds` at the real quota's paced rate. */
function calibrationSecrets(r: CopyResult, seconds: number): number {
  const perSecond = ((r.quota.writesPerSecond ?? 0) * QUOTA_SHARE) / r.quota.writeCost;
  return Math.max(10, Math.round(perSecond * seconds));
}
