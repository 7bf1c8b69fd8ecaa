import { Flags } from '@oclif/core';
import { auditStoreFrom, reportTargets, writeAuditReports } from '../../src/audit/command-io.js';
import type { ComparedAuditReport } from '../../src/audit/comparison.js';
import { runScheduledAudit } from '../../src/audit/scheduled.js';
import { failingFindings, formatFailOn, NEVER_FAIL, parseFailOn } from '../../src/audit/severity.js';
import { BaseCommand } from '../../src/cli/base-command.js';
import { CommandResources, openAirbyteDatabase, openStoreInUse } from '../../src/cli/context.js';
import { progressReporter } from '../../src/cli/progress.js';
import { limitFlags, storeInUseFlags, targetStoreFlags } from '../../src/cli/store-flags.js';
import { renderFindingsTable } from '../../src/report/findings-table.js';
import { auditJson } from '../../src/report/json.js';

export default class Audit extends BaseCommand {
  static override summary = 'Find secrets Airbyte exposes, cannot resolve, or left behind in its store.';
  static override description =
    "Reads Airbyte's config database in one read-only snapshot, then asks the store Airbyte uses (SECRET_PERSISTENCE, a values file or --store) about every reference the way Airbyte hydrates it. Reports plaintext in configurations and in the `secrets` table, masks saved as values, missing specs, dangling references, orphaned secrets, shared coordinates, workspace mismatches, coordinates stored as values and suspicious plaintext, naming rows, JSON paths and coordinates, never a value. Each run is recorded in the tool's schema (--no-history for a read-only role); --compare last marks findings new, open or resolved. Exit 0, 1 when --fail-on matches, 2 on usage or connection errors or an unreachable store.";
  static override examples = [
    '<%= config.bin %> <%= command.id %> --database-url postgres://airbyte@localhost:5432/db-airbyte',
    '<%= config.bin %> <%= command.id %> --store vault --vault-address https://vault:8200 --fail-on high',
    '<%= config.bin %> <%= command.id %> --format sarif,html,json --output /reports/audit --compare last',
    '<%= config.bin %> <%= command.id %> --no-history --json',
  ];
  static override flags = {
    ...targetStoreFlags,
    ...limitFlags,
    ...storeInUseFlags,
    format: Flags.string({ summary: 'Report formats, comma-separated: table, json, sarif, markdown, html.' }),
    output: Flags.string({ summary: 'File or directory for the reports (one file per format).' }),
    'fail-on': Flags.string({ summary: 'Exit 1 when findings of these categories or severities exist.' }),
    compare: Flags.string({ summary: 'Mark findings new, open or resolved since a run.', options: ['last'] }),
    history: Flags.boolean({ summary: "Record the run in the tool's schema.", default: true, allowNo: true }),
  };

  async run(): Promise<ComparedAuditReport> {
    const { flags } = await this.parse(Audit);
    const rule = flags['fail-on'] ? parseFailOn(flags['fail-on']) : NEVER_FAIL;
    const targets = reportTargets(flags, this.jsonEnabled());
    const resources = new CommandResources();
    const progress = progressReporter({ quiet: this.jsonEnabled() });
    try {
      const db = await openAirbyteDatabase(resources, flags);
      const store = await auditStoreFrom(() => openStoreInUse(resources, flags, db));
      const { report } = await runScheduledAudit(db.pool, {
        store,
        record: flags.history,
        compare: flags.compare === 'last',
        historySchema: flags['journal-schema'],
        runOptions: { formats: targets.formats, failOn: formatFailOn(rule), compare: flags.compare ?? null },
        ...(flags.concurrency ? { concurrency: flags.concurrency } : {}),
        onStoreProgress: progress.onProgress,
      });
      progress.done();
      const unreachable = report.findings.some((f) => f.category === 'store-unreachable');
      const failing = failingFindings(report.findings, rule).length;
      this.problemExit = unreachable ? 2 : failing > 0 ? 1 : 0;
      const written = await writeAuditReports(report, targets);
      if (!this.jsonEnabled() && !targets.toStdout) {
        const failOn = { count: failing, rule: formatFailOn(rule) };
        this.log(renderFindingsTable(report, failOn, { written, unreachable }).trimEnd());
      }
      return auditJson(report);
    } finally {
      await resources.close();
    }
  }
}
