/** Every kind of finding the audit reports. */
export const FINDING_CATEGORIES = [
  'plaintext-inline',
  'plaintext-database-store',
  'masked-value',
  'missing-spec',
  'dangling-reference',
  'invalid-coordinate',
  'orphaned-secret',
  'shared-coordinate',
  'workspace-mismatch',
  'coordinate-as-value',
  'suspicious-plaintext',
  'store-unreachable',
  'store-unusable-by-airbyte',
] as const;
export type FindingCategory = (typeof FINDING_CATEGORIES)[number];

export const SEVERITIES = ['critical', 'high', 'medium', 'low', 'info'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** One problem, located precisely and without any secret value. */
export interface Finding {
  /** Stable identity across runs (hash of category, location and coordinate), for history and SARIF fingerprints. */
  id: string;
  category: FindingCategory;
  severity: Severity;
  /**
   * Where it is: `actor`, `actor_oauth_parameter`, `workspace_webhook`, `connection_catalog`,
   * `builder_testing_values`, `secrets`, `secret_config`, or the store.
   */
  holder: string;
  workspaceId: string | null;
  /** actor id, or the owning row's id. */
  actorId: string | null;
  actorName: string | null;
  actorType?: 'source' | 'destination';
  /** Concrete JSONPath inside the holder's JSON. */
  path: string | null;
  coordinate: string | null;
  /** One sentence for humans. */
  message: string;
}

export interface AuditSummary {
  startedAt: string;
  finishedAt: string;
  /** The store checked against, e.g. `database`, `vault at http://…`. */
  store: string;
  holdersScanned: number;
  secretsFound: number;
  byCategory: Partial<Record<FindingCategory, number>>;
  bySeverity: Partial<Record<Severity, number>>;
}

export interface AuditReport {
  summary: AuditSummary;
  findings: Finding[];
}
