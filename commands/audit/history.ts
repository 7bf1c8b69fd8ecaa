import { Flags } from '@oclif/core';
import type { AuditRun } from '../../src/audit/history.js';
import { listRecordedRuns } from '../../src/audit/scheduled.js';
import { BaseCommand } from '../../src/cli/base-command.js';
import { example } from '../../src/cli/examples.js';
import { renderAuditRuns } from '../../src/report/findings-table.js';

export default class AuditHistory extends BaseCommand {
  static override summary = 'List past audit runs with their counts.';
  static override description =
    "Audit runs are recorded in the tool's own schema (default airbyte_secrets) in the Airbyte database: when each ran, against which store, and how many findings of each severity; never a value. Nothing is created when no run was recorded yet.";
  static override examples = [
    example('The last runs'),
    example('The last five, as JSON', '--limit 5 --json'),
  ];
  static override flags = {
    limit: Flags.integer({ summary: 'How many runs, newest first.', default: 20, min: 1 }),
  };

  async run(): Promise<{ runs: AuditRun[] }> {
    const { flags } = await this.parse(AuditHistory);
    const db = await this.openDatabase(flags, 2);
    const runs = await listRecordedRuns(db.pool, { limit: flags.limit, schema: flags['journal-schema'] });
    return this.finish({ runs }, () => renderAuditRuns(runs, flags['journal-schema']).trimEnd());
  }
}
