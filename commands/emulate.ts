import { Args } from '@oclif/core';
import { BaseCommand } from '../src/cli/base-command.js';
import { emulateFlags, emulatorOptions } from '../src/cli/emulate-flags.js';
import { untilStopped } from '../src/cli/signals.js';
import type { EmulatorInfo, EmulatorKind } from '../src/emulators/index.js';
import { EMULATOR_KINDS, startEmulator } from '../src/emulators/index.js';
import { renderEmulator } from '../src/report/emulator.js';

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
  static override flags = emulateFlags;

  /** Resolves when stopped; under --json the info line was already printed, so nothing is returned. */
  async run(): Promise<EmulatorInfo | undefined> {
    const { args, flags } = await this.parse(Emulate);
    const { emulator, info } = await startEmulator(args.kind as EmulatorKind, emulatorOptions(flags));
    this.resources.defer(() => emulator.close());
    if (this.jsonEnabled()) process.stdout.write(`${JSON.stringify(info)}\n`);
    else this.log(renderEmulator(info));
    await untilStopped();
    return this.jsonEnabled() ? undefined : info;
  }
}
