import { spawn } from 'node:child_process';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { seedAirbyteDatabase } from '../src/sample/seed.js';
import { dumpAirbyteTables } from '../test/helpers/airbyte-db.js';
import { BIN, ROOT, runCli } from '../test/helpers/cli.js';
import { createTestDatabase } from '../test/helpers/postgres.js';
import { startTestStore, type TestStore } from '../test/helpers/targets.js';

/**
 * The crash bench (`npm run bench -- --only crash`): `migrate` from Airbyte's `secrets` table to a
 * cloud store is interrupted at a random point (SIGKILL of the CLI, pg_terminate_backend of its
 * connections, or its store going away), resumed, then rolled back with `--delete-created`. A
 * trial is a defect unless the interruption ended in one line and exit 2 (or SIGKILL), the resume
 * continued the same run to success, and after the rollback the Airbyte tables (configurations
 * as text, `secrets` rows) are byte-identical to before the run and the target holds nothing the
 * run created.
 */
export const INTERRUPTIONS = ['sigkill', 'terminate', 'store-gone'] as const;
export type Interruption = (typeof INTERRUPTIONS)[number];
export const CRASH_STORES = ['vault', 'aws'] as const;
export type CrashStore = (typeof CRASH_STORES)[number];

export interface CrashOptions {
  trials: number;
  actors: number;
  interruptions: readonly Interruption[];
  stores: readonly CrashStore[];
  seed: number;
}

export interface CrashTrial {
  store: CrashStore;
  interruption: Interruption;
  /** Milliseconds after the phase started that the interruption came. */
  delayMs: number;
  phase: string;
  /** How the interrupted command ended: `SIGKILL`, `exit 2`, or `exit 0` (it finished first). */
  ended: string;
  /** Empty when the trial held; else what broke. */
  defects: string[];
}

export interface CrashResult {
  store: CrashStore;
  interruption: Interruption;
  trials: number;
  defects: number;
  details: CrashTrial[];
}

/** Deterministic draws, so a defect replays with the same seed. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Starts `migrate`, interrupts it `delayMs` after `phase` started; resolves with how it ended. */
function interruptedMigrate(
  args: string[],
  env: Record<string, string>,
  phase: 'copy' | 'extract',
  delayMs: number,
  interrupt: (child: ReturnType<typeof spawn>) => Promise<void>,
): Promise<{ code: number | null; signal: string | null; stderr: string; stdout: string; phase: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let current = 'start';
    let armed = false;
    let stderr = '';
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      for (const m of d.toString().matchAll(/phase=(\w+) state=started/g)) current = m[1] ?? current;
      if (!armed && (current === phase || current === 'extract' || current === 'verify')) {
        armed = true;
        setTimeout(() => void interrupt(child).catch(reject), delayMs);
      }
    });
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stderr, stdout, phase: current }));
  });
}

/** What an interrupted command may print: progress lines and at most one error line, never a stack. */
function interruptionDefects(r: { code: number | null; signal: string | null; stderr: string }): string[] {
  if (r.signal === 'SIGKILL') return [];
  if (r.code === 0) return []; // it finished before the interruption landed
  const out: string[] = [];
  if (r.code !== 2) out.push(`exit ${r.code} (expected 2)`);
  const lines = r.stderr.split('\n').filter((l) => l.trim() && !/(^|\s)phase=|^\s*\[|heartbeat/.test(l));
  if (lines.length > 1) out.push(`${lines.length} lines on stderr: ${lines.slice(0, 3).join(' | ')}`);
  if (/^\s+at /m.test(r.stderr)) out.push('a stack trace on stderr');
  return out;
}

/** One trial on a fresh database and store. */
async function trial(
  store: CrashStore,
  interruption: Interruption,
  delayMs: number,
  actors: number,
  seed: number,
): Promise<CrashTrial> {
  const db = await createTestDatabase(`crash_${interruption.replace('-', '_')}_${store}`);
  const pool = new pg.Pool({ connectionString: db.url, max: 4 });
  pool.on('error', () => undefined);
  let target: TestStore | undefined;
  const defects: string[] = [];
  let phase = '';
  let ended = '';
  try {
    await seedAirbyteDatabase(pool, {
      actors,
      seed,
      shapes: ['plaintext', 'secret', 'secret-with-reference', 'oauth-parameters', 'webhooks'],
      mix: { plaintext: 60, secret: 35, 'secret-with-reference': 5 },
      recordPlanted: false,
    });
    target = await startTestStore(store, { emulator: { latencyMs: 15 } });
    const emulator = target.emulator;
    const before = await dumpAirbyteTables(pool);
    const args = ['migrate', '--database-url', db.url, ...target.cliArgs('to'), '--concurrency', '4'];
    const databaseName = new URL(db.url).pathname.slice(1);
    const interrupt = async (child: ReturnType<typeof spawn>) => {
      switch (interruption) {
        case 'sigkill':
          child.kill('SIGKILL');
          return;
        case 'terminate':
          await pool.query(
            `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
              WHERE datname = $1 AND application_name LIKE 'airbyte-secrets%' AND pid <> pg_backend_pid()`,
            [databaseName],
          );
          return;
        case 'store-gone':
          // Every request's connection is reset: to the client, the store is gone.
          emulator?.setFaults({ rate: 1, kinds: ['reset'] });
          return;
      }
    };
    const first = await interruptedMigrate(
      args,
      target.cliEnv,
      delayMs % 2 === 0 ? 'copy' : 'extract',
      delayMs,
      interrupt,
    );
    phase = first.phase;
    ended = first.signal ?? `exit ${first.code}`;
    emulator?.setFaults(undefined);
    defects.push(...interruptionDefects(first));

    const resumed = await runCli([...args, '--json'], { env: target.cliEnv });
    let runId: string | undefined;
    try {
      const json = JSON.parse(resumed.stdout) as { runId?: string; ok?: boolean };
      runId = json.runId;
      if (resumed.code !== 0 || json.ok !== true) defects.push(`resume exit ${resumed.code}`);
    } catch {
      defects.push(`resume printed no JSON (exit ${resumed.code}): ${resumed.stderr.slice(0, 200)}`);
    }
    const runs = await pool.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM airbyte_secrets.migration_run',
    );
    if (runs.rows[0]?.n !== 1) defects.push(`${runs.rows[0]?.n} runs (expected the one resumed)`);
    if (runId) {
      const rollback = await runCli(
        ['rollback', runId, '--database-url', db.url, ...target.cliArgs('to'), '--delete-created', '--yes'],
        { env: target.cliEnv },
      );
      if (rollback.code !== 0)
        defects.push(`rollback exit ${rollback.code}: ${rollback.stderr.slice(0, 200)}`);
    }
    const after = await dumpAirbyteTables(pool);
    for (const table of Object.keys(before)) {
      const a = before[table] ?? [];
      const b = after[table] ?? [];
      if (a.length !== b.length || a.some((row, i) => row !== b[i])) {
        const extra = b.filter((r) => !a.includes(r)).length;
        const missing = a.filter((r) => !b.includes(r)).length;
        defects.push(`${table} differs (${extra} rows extra or changed, ${missing} missing)`);
      }
    }
    // The target keeps only copies of coordinates Airbyte's tables name (a referenced copy is never
    // deleted); anything else the run wrote is deleted (a soft delete: listed, no longer readable).
    const named = new Set((before.secrets ?? []).map((r) => JSON.parse(r)[0] as string));
    const opened = await target.open();
    let orphans = 0;
    for await (const name of opened.list()) {
      if (!named.has(name) && (await opened.read(name)) !== undefined) orphans += 1;
    }
    if (orphans) defects.push(`${orphans} values in the target the run created and left`);
  } catch (err) {
    defects.push(`trial error: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`);
  } finally {
    await target?.close().catch(() => undefined);
    await pool.end().catch(() => undefined);
    await db.drop().catch(() => undefined);
  }
  return { store, interruption, delayMs, phase, ended, defects };
}

/** Runs `trials` trials of every interruption kind against every store, in sequence. */
export async function runCrashTrials(
  options: CrashOptions,
  log: (line: string) => void = () => {},
): Promise<CrashResult[]> {
  const results: CrashResult[] = [];
  const random = prng(options.seed);
  for (const store of options.stores) {
    for (const interruption of options.interruptions) {
      const details: CrashTrial[] = [];
      for (let i = 0; i < options.trials; i++) {
        const delayMs = Math.floor(random() * 600);
        const t = await trial(store, interruption, delayMs, options.actors, options.seed + i);
        details.push(t);
        log(
          `crash ${store} ${interruption} #${i + 1}: ${t.phase} +${delayMs}ms, ${t.ended}: ${t.defects.length ? `DEFECT ${t.defects.join('; ')}` : 'ok'}`,
        );
      }
      results.push({
        store,
        interruption,
        trials: details.length,
        defects: details.filter((d) => d.defects.length).length,
        details,
      });
    }
  }
  return results;
}

/** `--only crash` in bench/run.ts: `--trials N` (30), `--actors N` (60), `--stores vault,aws`. */
export async function crashBench(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      only: { type: 'string' },
      trials: { type: 'string' },
      actors: { type: 'string' },
      stores: { type: 'string' },
      seed: { type: 'string' },
    },
    strict: false,
  });
  const stores = (typeof values.stores === 'string' ? values.stores.split(',') : [...CRASH_STORES]).filter(
    (s): s is CrashStore => (CRASH_STORES as readonly string[]).includes(s),
  );
  const log = (line: string) => process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${line}\n`);
  const results = await runCrashTrials(
    {
      trials: Number(values.trials ?? 30),
      actors: Number(values.actors ?? 60),
      interruptions: INTERRUPTIONS,
      stores,
      seed: Number(values.seed ?? 2026),
    },
    log,
  );
  // `interrupted`: trials whose interruption landed before the command finished.
  console.log('store  interruption  trials  interrupted  defects');
  for (const r of results) {
    const hit = r.details.filter((d) => d.ended !== 'exit 0').length;
    console.log(
      `${r.store.padEnd(6)} ${r.interruption.padEnd(13)} ${String(r.trials).padStart(6)}  ${String(hit).padStart(11)}  ${r.defects}`,
    );
  }
  if (results.some((r) => r.defects)) process.exitCode = 1;
}
