import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { EMULATOR_KINDS, type EmulatorKind } from '../src/emulators/index.js';
import {
  type BenchOptions,
  DEFAULT_OPTIONS,
  QUICK_OPTIONS,
  runBenchmarks,
  SECTIONS,
  type Section,
} from './suite.js';
import { renderTable, seconds } from './table.js';

/**
 * `npm run bench [-- options]`: runs the benchmarks, prints one table and writes the same (with
 * every raw figure) to bench/results/latest.json. See bench/README.md.
 */
const HELP = `Usage: npm run bench -- [options]
  --quick                 tiny sizes, every module (seconds, not minutes)
  --only <list>           sections to run: ${SECTIONS.join(',')} (default: all); --only crash runs the
                          crash bench alone (--trials N, --actors N, --stores vault,aws; bench/crash.ts)
  --latency <ms>          round trip added by each emulator (default ${DEFAULT_OPTIONS.latencyMs})
  --actors <list>         inventory database sizes (default ${DEFAULT_OPTIONS.inventoryActors.join(',')})
  --secrets <n>           secrets copied into each store (default ${DEFAULT_OPTIONS.secrets})
  --stores <list>         stores to copy into: ${EMULATOR_KINDS.join(',')} (default: all)
  --scale <auto|K>        multiply quota-bound stores' quota and pacing by K (default auto)
  --target-seconds <s>    with --scale auto: about how long each quota-bound copy may take (default ${DEFAULT_OPTIONS.targetSeconds})
  --sequential <n>        Vault: secrets in the sequential baseline (default ${DEFAULT_OPTIONS.sequentialSecrets})
  --calibrate <s>         seconds of copying at the real quota (K=1) per scaled store, 0 to skip (default ${DEFAULT_OPTIONS.calibrationSeconds})
  --contention <share>    AWS with only this share of its write quota left to us, 0 to skip (default ${DEFAULT_OPTIONS.contentionShare})
  --e2e-actors <n>        actors in the end-to-end migration (default ${DEFAULT_OPTIONS.e2eActors})
  --e2e-concurrency <n>   migrate --concurrency for the end-to-end run (default ${DEFAULT_OPTIONS.e2eConcurrency})
  --latencies <list>      Vault latencies of the defaults/sequential/sweep rows, ms (default ${DEFAULT_OPTIONS.latencies.join(',')})
  --latency-secrets <n>   secrets per run of those rows (default ${DEFAULT_OPTIONS.latencySecrets})
  --capacity <n>          requests/s the capacity row's Vault works through (default ${DEFAULT_OPTIONS.capacity})
  --held-out-actors <n>   actors of the held-out migrate check (default ${DEFAULT_OPTIONS.heldOutActors}, about 1,200 secrets)
  --scale-actors <n>      actors of the scale row (default ${DEFAULT_OPTIONS.scaleActors})
  --out <file>            JSON output (default bench/results/latest.json)`;

function positiveNumber(name: string, text: string): number {
  const n = Number(text);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`--${name} must be a positive number, got "${text}"`);
  return n;
}

function list<T extends string>(name: string, text: string, allowed: readonly T[]): T[] {
  const items = text.split(',').map((s) => s.trim()) as T[];
  const bad = items.filter((i) => !allowed.includes(i));
  if (bad.length) throw new Error(`--${name}: unknown ${bad.join(', ')} (use ${allowed.join(', ')})`);
  return items;
}

export function parseBenchArgs(
  argv: string[],
): { options: BenchOptions; out: string; quick: boolean } | 'help' {
  const { values } = parseArgs({
    args: argv,
    options: {
      help: { type: 'boolean', short: 'h' },
      quick: { type: 'boolean' },
      only: { type: 'string' },
      latency: { type: 'string' },
      actors: { type: 'string' },
      secrets: { type: 'string' },
      stores: { type: 'string' },
      scale: { type: 'string' },
      'target-seconds': { type: 'string' },
      sequential: { type: 'string' },
      calibrate: { type: 'string' },
      contention: { type: 'string' },
      'e2e-actors': { type: 'string' },
      'e2e-concurrency': { type: 'string' },
      latencies: { type: 'string' },
      'latency-secrets': { type: 'string' },
      capacity: { type: 'string' },
      'held-out-actors': { type: 'string' },
      'scale-actors': { type: 'string' },
      out: { type: 'string' },
    },
  });
  if (values.help) return 'help';
  const o: BenchOptions = { ...(values.quick ? QUICK_OPTIONS : DEFAULT_OPTIONS) };
  const whole = (name: string, text: string) => Math.round(positiveNumber(name, text));
  if (values.only) o.sections = list<Section>('only', values.only, SECTIONS);
  if (values.latency !== undefined)
    o.latencyMs = values.latency === '0' ? 0 : positiveNumber('latency', values.latency);
  if (values.actors) o.inventoryActors = values.actors.split(',').map((a) => whole('actors', a));
  if (values.secrets) o.secrets = whole('secrets', values.secrets);
  if (values.stores) o.stores = list<EmulatorKind>('stores', values.stores, EMULATOR_KINDS);
  if (values.scale) o.scale = values.scale === 'auto' ? 'auto' : positiveNumber('scale', values.scale);
  if (values['target-seconds']) o.targetSeconds = positiveNumber('target-seconds', values['target-seconds']);
  if (values.sequential) o.sequentialSecrets = whole('sequential', values.sequential);
  if (values.calibrate !== undefined)
    o.calibrationSeconds = values.calibrate === '0' ? 0 : positiveNumber('calibrate', values.calibrate);
  if (values.contention !== undefined) {
    const share = Number(values.contention);
    if (!(share >= 0 && share < 1))
      throw new Error(`--contention must be a share from 0 to below 1, got "${values.contention}"`);
    o.contentionShare = share;
  }
  if (values['e2e-actors']) o.e2eActors = whole('e2e-actors', values['e2e-actors']);
  if (values['e2e-concurrency']) o.e2eConcurrency = whole('e2e-concurrency', values['e2e-concurrency']);
  if (values.latencies) o.latencies = values.latencies.split(',').map((l) => positiveNumber('latencies', l));
  if (values['latency-secrets']) o.latencySecrets = whole('latency-secrets', values['latency-secrets']);
  if (values.capacity) o.capacity = whole('capacity', values.capacity);
  if (values['held-out-actors']) o.heldOutActors = whole('held-out-actors', values['held-out-actors']);
  if (values['scale-actors']) o.scaleActors = whole('scale-actors', values['scale-actors']);
  const out = resolve(values.out ?? fileURLToPath(new URL('./results/latest.json', import.meta.url)));
  return { options: o, out, quick: values.quick === true };
}

function onlyValue(argv: string[]): string | undefined {
  const i = argv.findIndex((a) => a === '--only' || a.startsWith('--only='));
  if (i < 0) return undefined;
  const arg = argv[i] ?? '';
  return arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : argv[i + 1];
}

async function main(): Promise<void> {
  // The crash bench has its own options and table (bench/crash.ts).
  if (/(^|,)crash(,|$)/.test(onlyValue(process.argv.slice(2)) ?? '')) {
    const { crashBench } = await import('./crash.js');
    return crashBench(process.argv.slice(2));
  }
  const parsed = parseBenchArgs(process.argv.slice(2));
  if (parsed === 'help') {
    console.log(HELP);
    return;
  }
  const log = (line: string) => process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${line}\n`);
  const report = await runBenchmarks(parsed.options, log);
  await mkdir(dirname(parsed.out), { recursive: true });
  await writeFile(parsed.out, `${JSON.stringify(report, null, 2)}\n`);
  console.log(renderTable(report.rows));
  console.log(
    `\n${report.meta.cpus} × ${report.meta.cpuModel}, Node ${report.meta.node}, ${report.meta.specs}; ` +
      `whole run ${seconds(report.meta.wallSeconds)}. JSON: ${parsed.out}`,
  );
  if (parsed.quick) console.log('--quick: the sizes are too small for these figures to mean anything.');
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exitCode = 1;
  });
}
