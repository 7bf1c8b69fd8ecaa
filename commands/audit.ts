import { Flags } from '@oclif/core';
import { openDatabase } from '../src/airbyte/connection.js';
import { auditInventory } from '../src/audit/index.js';
import { failingFindings, formatFailOn, NEVER_FAIL, parseFailOn } from '../src/audit/severity.js';
import type { AuditReport } from '../src/audit/types.js';
import { BaseCommand } from '../src/cli/base-command.js';
import { databaseConnection, databaseFromEnv } from '../src/config/database.js';
import { renderFindingsTable } from '../src/report/findings-table.js';

export default class Audit extends BaseCommand {
  static override summary = "Find secrets Airbyte's config database exposes or cannot resolve.";

  static override description =
    "Reads Airbyte's config database in one read-only snapshot (actors, OAuth parameters, webhook configs) " +
    'and reports secrets stored in plaintext in a configuration, secrets whose value sits in the plaintext ' +
    "`secrets` table (Airbyte's default store), masks saved as values, actors whose connector spec is " +
    'missing, and references whose coordinate the `secrets` table does not hold. Findings name the row, the ' +
    'JSON path and the coordinate, never a value. Exit 0, 1 when --fail-on matches a finding, 2 on usage or ' +
    'connection errors.';

  static override examples = [
    '<%= config.bin %> <%= command.id %> --database-url postgres://airbyte@localhost:5432/db-airbyte',
    'DATABASE_URL=jdbc:postgresql://airbyte-db-svc:5432/db-airbyte <%= config.bin %> <%= command.id %> --json',
    '<%= config.bin %> <%= command.id %> --fail-on plaintext-inline,dangling-reference',
    '<%= config.bin %> <%= command.id %> --fail-on high',
  ];

  static override flags = {
    'fail-on': Flags.string({
      summary: 'Exit 1 when findings of these categories or severities (or worse) exist, comma-separated.',
    }),
  };

  async run(): Promise<AuditReport> {
    const { flags } = await this.parse(Audit);
    const rule = flags['fail-on'] ? parseFailOn(flags['fail-on']) : NEVER_FAIL;
    const pool = await openDatabase(databaseConnection(flags['database-url'], databaseFromEnv(process.env)));
    let report: AuditReport;
    try {
      report = await auditInventory(pool);
    } finally {
      await pool.end();
    }
    const failing = failingFindings(report.findings, rule).length;
    if (failing > 0) this.problemExit = 1;
    if (!this.jsonEnabled())
      this.log(renderFindingsTable(report, { count: failing, rule: formatFailOn(rule) }).trimEnd());
    return report;
  }
}
