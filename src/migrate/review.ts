import type { SecretStore } from '../stores/types.js';
import type { PlanItems } from './plan-items.js';
import type { ConflictReason, MigrationPlan, PlanAction, PlanEstimate } from './types.js';

/** What a human does about each kind of conflict (the run leaves those items alone). */
export const CONFLICT_FIXES: Readonly<Record<ConflictReason, string>> = {
  'target-differs':
    'The target already holds a different value under this name: compare both by hand, keep the right one in the target (or delete the wrong one there), then run again.',
  'missing-source':
    "The source store has no value for a coordinate a configuration references: re-enter the secret in the connector's settings in Airbyte (or restore it in the source store), then run again.",
  'missing-spec':
    "The actor's connector version has no readable spec, so its plaintext cannot be found: fix or re-pin the connector version in Airbyte, then run again.",
  unreadable:
    "A store refused the read (see the detail): give the credentials read access to that name, check with 'airbyte-secrets doctor', then run again.",
  'foreign-storage':
    "The row's references live in a secret storage Airbyte does not configure from its env: migrate that storage on its own; this run leaves the row alone.",
};

type Counts = Record<PlanAction, number>;

/** The change-review report of a plan: everything a reviewer needs, never a value. */
export interface PlanReview {
  createdAt: string;
  source: string;
  target: string;
  summary: MigrationPlan['summary'];
  byWorkspace: MigrationPlan['byWorkspace'];
  byConnector: Array<{ workspaceId: string | null; name: string } & Counts>;
  /** Every action, in plan order. */
  items: PlanItems;
  conflicts: Array<{ reason: ConflictReason; count: number; fix: string }>;
  estimate: PlanEstimate;
  /** What could go wrong: store incompatibilities and warnings, and `doctor`'s findings when given. */
  risks: string[];
}

/**
 * The review of `plan`. `risks` adds findings from elsewhere (the preflight checks of `doctor`)
 * to the ones the plan and the stores show by themselves.
 */
export function planReview(
  plan: MigrationPlan,
  stores: { source: SecretStore; target: SecretStore },
  risks: string[] = [],
  now = new Date(),
): PlanReview {
  const byConnector = new Map<string, PlanReview['byConnector'][number]>();
  const conflicts = new Map<ConflictReason, number>();
  for (const item of plan.items) {
    const name = item.name ?? '(referenced outside configurations)';
    const k = `${item.workspaceId ?? ''}\u0000${name}`;
    const row = byConnector.get(k) ?? {
      workspaceId: item.workspaceId,
      name,
      copy: 0,
      extract: 0,
      skip: 0,
      conflict: 0,
    };
    row[item.action] += 1;
    byConnector.set(k, row);
    if (item.action === 'conflict') conflicts.set(item.reason, (conflicts.get(item.reason) ?? 0) + 1);
  }
  return {
    createdAt: now.toISOString(),
    source: plan.source,
    target: plan.target,
    summary: plan.summary,
    byWorkspace: plan.byWorkspace,
    byConnector: [...byConnector.values()].sort(
      (a, b) => (a.workspaceId ?? '').localeCompare(b.workspaceId ?? '') || a.name.localeCompare(b.name),
    ),
    items: plan.items,
    conflicts: [...conflicts].map(([reason, count]) => ({ reason, count, fix: CONFLICT_FIXES[reason] })),
    estimate: plan.estimate,
    risks: [...planRisks(plan, stores), ...risks],
  };
}

const LONG_RUN_SECONDS = 3600;

function planRisks(plan: MigrationPlan, stores: { source: SecretStore; target: SecretStore }): string[] {
  const out: string[] = [];
  for (const [side, store] of Object.entries(stores)) {
    if (store.airbyteIncompatibility) out.push(`The ${side} store: ${store.airbyteIncompatibility}`);
  }
  const conflicts = plan.items.filter((i) => i.action === 'conflict').length;
  if (conflicts) out.push(`${conflicts} item(s) need a human first; the run leaves them as they are.`);
  const extracts = plan.items.filter((i) => i.action === 'extract').length;
  if (extracts) {
    out.push(
      `${extracts} plaintext value(s) will be written to both stores and replaced by references in the configurations; a row Airbyte changes meanwhile is left alone and reported.`,
    );
  }
  if (plan.estimate.seconds > LONG_RUN_SECONDS) {
    out.push(
      "The run is estimated to take over an hour: run it where it can finish (a Job), or resume it with '--resume'.",
    );
  }
  return out;
}
