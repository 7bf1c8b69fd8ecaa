import { Args, Flags } from '@oclif/core';
import { BaseCommand } from '../src/cli/base-command.js';
import {
  EMULATOR_KINDS,
  type EmulatorInfo,
  type EmulatorKind,
  startEmulator,
} from '../src/emulators/index.js';
import { UsageError } from '../src/util/errors.js';

export default class Emulate extends BaseCommand {
  static override summary = 'Run a local emulator of a secret store until interrupted.';

  static override description =
    `Serves the store's wire protocol on 127.0.0.1 with in-memory state, the provider's
published quota (unless --no-quota), optional latency and injected faults, for trying the tool
without a cloud account. It prints its address, its own dummy credentials and the environment
that points the tool at it, then runs until SIGINT or SIGTERM. With --json it prints that as one
JSON line as soon as it listens, and keeps running.`;

  static override examples = [
    '<%= config.bin %> <%= command.id %> vault --port 8200',
    '<%= config.bin %> <%= command.id %> aws --latency 20 --fault-rate 0.05',
    '<%= config.bin %> <%= command.id %> aws --no-quota --json',
  ];

  static override args = {
    kind: Args.string({ description: 'Store to emulate.', options: [...EMULATOR_KINDS], required: true }),
  };

  static override flags = {
    port: Flags.integer({
      summary: 'Port to listen on (0 picks a free one).',
      default: 0,
      min: 0,
      max: 65535,
    }),
    host: Flags.string({
      summary: 'Address to listen on; 0.0.0.0 only inside a container (the emulator has no real security).',
      default: '127.0.0.1',
    }),
    latency: Flags.integer({ summary: 'Milliseconds added to every response.', default: 0, min: 0 }),
    quota: Flags.boolean({
      summary: "Enforce the provider's published quota.",
      default: true,
      allowNo: true,
    }),
    'fault-rate': Flags.string({ summary: 'Share of requests (0..1) that fail: throttled, 5xx or reset.' }),
  };

  /** Resolves when stopped; under --json the info line was already printed, so nothing is returned. */
  async run(): Promise<EmulatorInfo | undefined> {
    const { args, flags } = await this.parse(Emulate);
    const faultRate = flags['fault-rate'] === undefined ? undefined : parseRate(flags['fault-rate']);
    const { emulator, info } = await startEmulator(args.kind as EmulatorKind, {
      port: flags.port,
      host: flags.host,
      latencyMs: flags.latency,
      ...(flags.quota ? {} : { quota: false }),
      ...(faultRate ? { faults: { rate: faultRate, seed: Date.now() } } : {}),
    });
    if (this.jsonEnabled()) process.stdout.write(`${JSON.stringify(info)}\n`);
    else this.log(render(info));
    await new Promise<void>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    });
    await emulator.close();
    return this.jsonEnabled() ? undefined : info;
  }
}

function parseRate(text: string): number {
  const rate = Number(text);
  if (!(rate >= 0 && rate <= 1))
    throw new UsageError(`--fault-rate must be a number from 0 to 1, got "${text}"`);
  return rate;
}

function render(info: EmulatorInfo): string {
  const creds = Object.entries(info.credentials).map(([k, v]) => `  ${k}: ${v}`);
  const env = Object.entries(info.env).map(([k, v]) => `  export ${k}=${v}`);
  return [
    `${info.kind} emulator listening on ${info.url} (dummy credentials, in-memory state)`,
    ...creds,
    ...(env.length > 0 ? ['Point airbyte-secrets at it:', ...env] : []),
    ...(info.flags.length > 0 ? [`  or flags: ${info.flags.join(' ')}`] : []),
    'Stop with Ctrl-C.',
  ].join('\n');
}
