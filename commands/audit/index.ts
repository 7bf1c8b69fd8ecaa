import type { ComparedAuditReport } from '../../src/audit/comparison.js';
import { runScheduledAudit } from '../../src/audit/scheduled.js';
import {
  auditFlags,
  auditOutcome,
  auditRequest,
  auditStoreFrom,
  writeAuditReports,
} from '../../src/cli/audit-io.js';
import { BaseCommand } from '../../src/cli/base-command.js';
import { renderFindingsTable } from '../../src/report/findings-table.js';
import { auditJson } from '../../src/report/json.js';

export default class Audit extends BaseCommand {
  static override summary = 'Find secrets Airbyte exposes, cannot resolve, or left behind in its store.';
  static override description =
    "Reads Airbyte's config database in one read-only snapshot, then asks the store Airbyte uses (SECRET_PERSISTENCE, a values file or --store) about every reference the way Airbyte hydrates it. Reports plaintext in configurations and in the `secrets` table, masks saved as values, missing specs, dangling references, orphaned secrets, shared coordinates, workspace mismatches, coordinates stored as values and suspicious plaintext, naming rows, JSON paths and coordinates, never a value. Each run is recorded in the tool's schema (--no-history for a read-only role); --compare last marks findings new, open or resolved. Exit 0, 1 when --fail-on matches (default critical; --fail-on none never fails), 2 on usage or connection errors or an unreachable store.";
  static override examples = [
    '<%= config.bin %> <%= command.id %> --database-url postgres://airbyte@localhost:5432/db-airbyte',
    '<%= config.bin %> <%= command.id %> --store vault --vault-address https://vault:8200 --fail-on high',
    '<%= config.bin %> <%= command.id %> --format sarif,html,json --output /reports/audit --compare last',
    '<%= config.bin %> <%= command.id %> --no-history --json',
  ];
  static override flags = auditFlags;

  async run(): Promise<ComparedAuditReport> {
    const { flags } = await this.parse(Audit);
    const { rule, filter, targets, options } = auditRequest(flags, this.jsonEnabled());
    const db = await this.openDatabase(flags);
    const store = await auditStoreFrom(() => this.openStoreInUse(flags, db));
    const { report } = await runScheduledAudit(db.pool, {
      store,
      ...options,
      onStoreProgress: this.onProgress,
    });
    this.endProgress();
    const { exit, failOn, unreachable } = auditOutcome(report, rule);
    this.problemExit = exit;
    const { written, shown } = await writeAuditReports(report, targets, filter);
    if (!this.jsonEnabled() && !targets.toStdout) {
      this.log(renderFindingsTable(report, failOn, { written, unreachable, shown }).trimEnd());
    }
    return auditJson(report);
  }
}
