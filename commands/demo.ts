import { Flags } from '@oclif/core';
import { BaseCommand, hiddenBaseFlags } from '../src/cli/base-command.js';
import { runDemo } from '../src/demo/run-demo.js';
import type { DemoSummary } from '../src/demo/summary.js';
import { EMULATOR_KINDS, type EmulatorKind } from '../src/emulators/index.js';

export default class Demo extends BaseCommand {
  static override summary =
    'Try the whole tool in a minute: a sample Airbyte database migrated to an emulated store.';
  static override description =
    `Creates a temporary folder, starts an embedded PostgreSQL (PGlite, nothing to install) holding
a sample Airbyte config database (sources and destinations with nested, oneOf and array secrets;
plaintext typed into configurations and values in the \`secrets\` table) and an emulator of the
target store, then runs the real commands: audit, migrate --dry-run, migrate, verify and audit
again, and sums up what changed. Nothing keeps running and the folder is removed at the end
(unless --keep-temp). The sample's values are random and never printed. Exit 0 when every
reference verified in the target, 1 otherwise.`;
  static override examples = [
    '<%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> --to aws',
    '<%= config.bin %> <%= command.id %> --json',
  ];
  // The demo brings its own database and journal: --database-url and --journal-schema do not apply.
  static override baseFlags = hiddenBaseFlags('database-url', 'journal-schema');
  static override flags = {
    to: Flags.string({
      summary: 'Store to migrate to (an emulator of it runs on 127.0.0.1).',
      options: [...EMULATOR_KINDS],
      default: 'vault',
    }),
    'keep-temp': Flags.boolean({
      summary: 'Keep the temporary folder (the embedded database files, summary.json).',
    }),
  };

  async run(): Promise<DemoSummary> {
    const { flags } = await this.parse(Demo);
    const summary = await runDemo({
      config: this.config,
      target: flags.to as EmulatorKind,
      quiet: this.jsonEnabled(),
      keepTemp: flags['keep-temp'],
      log: (text) => this.log(text),
    });
    if (!summary.ok) this.problemExit = 1;
    return summary;
  }
}
