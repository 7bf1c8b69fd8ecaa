import { runMigration } from '../src/migrate/index.js';
import { SEED_SHAPES } from '../src/sample/seed.js';
import { getStats } from '../src/stores/limits.js';
import { createStore } from '../src/stores/open.js';
import type { SecretStore } from '../src/stores/types.js';
import { type BenchDatabase, seededDatabase } from './database.js';
import { instrumentPool, timedStore } from './instrument.js';
import { startRemoteEmulator } from './remote-emulator.js';
import { settingsFor } from './settings.js';
import { Timeline, type TimelineReport } from './timeline.js';

export interface EndToEndOptions {
  actors: number;
  latencyMs: number;
  /** Migration workers and the Vault store's concurrency limit (`migrate --concurrency`). */
  concurrency: number;
}

export interface EndToEndResult {
  actors: number;
  latencyMs: number;
  concurrency: number;
  seedSeconds: number;
  wallSeconds: number;
  /** Items by final state. */
  states: Record<string, number>;
  ok: boolean;
  /** Seconds from the start to each phase's first progress event. */
  phases: Record<string, number>;
  /** Share of wall time (0..1): database, source store, target store, our code. */
  shares: { database: number; sourceStore: number; targetStore: number; ownCode: number };
  /** Share of wall time with two or more of them in flight at once. */
  overlapShare: number;
  /** CPU seconds (user + system) of this process during the migration. */
  cpuSeconds: number;
  timeline: TimelineReport;
  targetRequests: number;
  targetThrottles: number;
}

/** Every shape except those that end as conflicts for a human (dangling references, spec-less actors). */
const CLEAN_SHAPES = SEED_SHAPES.filter((s) => s !== 'dangling' && s !== 'missing-spec');

const CATEGORY = { database: 'database', source: 'source store', target: 'target store' } as const;

/** `migrate` of a seeded database (the `secrets` table store) to an emulated Vault, timed by category. */
export async function benchEndToEnd(options: EndToEndOptions): Promise<EndToEndResult> {
  let db: BenchDatabase | undefined;
  const vault = await startRemoteEmulator('vault', { latencyMs: options.latencyMs });
  const opened: SecretStore[] = [];
  try {
    // Pool sized as `migrate` sizes it: workers + 4.
    db = await seededDatabase('e2e', options.actors, {
      poolSize: options.concurrency + 4,
      shapes: CLEAN_SHAPES,
    });
    const timeline = new Timeline();
    const pool = instrumentPool(db.pool, timeline, CATEGORY.database);
    const source = await createStore({ kind: 'database', url: db.url });
    const target = await createStore({ ...settingsFor(vault), limits: { concurrency: options.concurrency } });
    opened.push(source, target);
    const phases: Record<string, number> = {};
    const cpuBefore = process.cpuUsage();
    timeline.restart();
    const result = await runMigration({
      pool,
      source: timedStore(source, timeline, CATEGORY.source),
      target: timedStore(target, timeline, CATEGORY.target),
      concurrency: options.concurrency,
      onProgress: (e) => {
        phases[e.phase] ??= Math.round(timeline.report().wallMs) / 1000;
      },
    });
    const report = timeline.report();
    const cpu = process.cpuUsage(cpuBefore);
    const summary = await vault.summary();
    const share = (c: string) => (report.categories[c]?.attributedMs ?? 0) / report.wallMs;
    return {
      actors: options.actors,
      latencyMs: options.latencyMs,
      concurrency: options.concurrency,
      seedSeconds: db.seedSeconds,
      wallSeconds: report.wallMs / 1000,
      states: result.states,
      ok: result.ok,
      phases,
      shares: {
        database: share(CATEGORY.database),
        sourceStore: share(CATEGORY.source),
        targetStore: share(CATEGORY.target),
        ownCode: report.ownMs / report.wallMs,
      },
      overlapShare: report.overlapMs / report.wallMs,
      cpuSeconds: (cpu.user + cpu.system) / 1e6,
      timeline: report,
      targetRequests: summary.requests,
      targetThrottles: getStats(target)?.throttles ?? 0,
    };
  } finally {
    for (const s of opened) await s.close().catch(() => undefined);
    await db?.close();
    await vault.close();
  }
}
