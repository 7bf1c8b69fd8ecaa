import { type ComparedAuditReport, withComparison } from '../../src/audit/comparison.js';
import { type AuditComparison, identityOf } from '../../src/audit/history.js';
import { finding, sampleReport, WS_A } from '../report/fixture.js';

/** The sample report a night later: one finding fixed, one new, the rest still open. */
export function compared(): { report: ComparedAuditReport; fixedId: string; newId: string } {
  const before = sampleReport();
  const fixed = before.findings.find((f) => f.category === 'dangling-reference')!;
  const added = finding({
    category: 'orphaned-secret',
    holder: 'store',
    workspaceId: WS_A,
    coordinate: `airbyte_workspace_${WS_A}_secret_11111111-2222-4333-8444-555555555555_v1`,
    message: 'No configuration and no secret_config row references it.',
  });
  const now = { ...before, findings: [...before.findings.filter((f) => f !== fixed), added] };
  const cmp: AuditComparison = {
    previousRun: {
      id: 41,
      startedAt: '2025-03-14T02:00:00.000Z',
      finishedAt: '2025-03-14T02:00:40.000Z',
      store: 'vault http://vault:8200 secret/ (KV v2)',
      holdersScanned: 412,
      secretsFound: 900,
      counts: { total: before.findings.length, byCategory: {}, bySeverity: {} },
      options: {},
    },
    new: [added],
    open: now.findings.filter((f) => f !== added),
    resolved: [identityOf(fixed)],
  };
  return { report: withComparison(now, cmp), fixedId: fixed.id, newId: added.id };
}
