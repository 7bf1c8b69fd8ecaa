import { Flags } from '@oclif/core';
import { BaseCommand } from '../../src/cli/base-command.js';
import { CommandResources, openAirbyteDatabase } from '../../src/cli/context.js';
import { Journal, type RunRow } from '../../src/journal/index.js';
import { renderRuns } from '../../src/report/migration.js';

export default class Runs extends BaseCommand {
  static override summary = 'List migration and re-key runs from the journal.';
  static override description =
    "Runs are recorded in the tool's own schema (default airbyte_secrets) in the Airbyte database; no secret value is ever stored there.";
  static override examples = [
    { description: 'The last runs', command: '<%= config.bin %> <%= command.id %>' },
    { description: 'As JSON', command: '<%= config.bin %> <%= command.id %> --limit 5 --json' },
  ];
  static override flags = { limit: Flags.integer({ summary: 'How many runs.', default: 20, min: 1 }) };

  async run(): Promise<{ runs: RunRow[] }> {
    const { flags } = await this.parse(Runs);
    const resources = new CommandResources();
    try {
      const db = await openAirbyteDatabase(resources, flags, 2);
      const journal = new Journal(db.pool, flags['journal-schema']);
      const runs = (await journal.exists()) ? await journal.runs(flags.limit) : [];
      if (!this.jsonEnabled()) this.log(renderRuns(runs));
      return { runs };
    } finally {
      await resources.close();
    }
  }
}
