import { Flags } from '@oclif/core';
import { BaseCommand } from '../../src/cli/base-command.js';
import { example } from '../../src/cli/examples.js';
import { type ListedRun, recordedRuns } from '../../src/journal/recorded-runs.js';
import { renderRuns } from '../../src/report/migration.js';

export default class Runs extends BaseCommand {
  static override summary = 'List migration and re-key runs from the journal.';
  static override description =
    "Runs are recorded in the tool's own schema (default airbyte_secrets) in the Airbyte database; no secret value is ever stored there.";
  static override examples = [example('The last runs'), example('As JSON', '--limit 5 --json')];
  static override flags = { limit: Flags.integer({ summary: 'How many runs.', default: 20, min: 1 }) };

  async run(): Promise<{ runs: ListedRun[] }> {
    const { flags } = await this.parse(Runs);
    const db = await this.openDatabase(flags, 2);
    const runs = await recordedRuns(db.pool, flags['journal-schema'], flags.limit);
    return this.finish({ runs }, (r) => renderRuns(r.runs));
  }
}
