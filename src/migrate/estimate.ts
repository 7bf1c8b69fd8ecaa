import { storeDefinition } from '../stores/registry.js';
import type { StoreKind } from '../stores/types.js';
import type { PlanEstimate, PlanSummaryRow } from './types.js';

export interface ActionCounts {
  copies: number;
  extracts: number;
}

/** Copies and extracts, from the plan's summary (which already counted every item once). */
export function countActions(summary: readonly PlanSummaryRow[]): ActionCounts {
  const count = (action: PlanSummaryRow['action']) =>
    summary.reduce((n, row) => n + (row.action === action ? row.count : 0), 0);
  return { copies: count('copy'), extracts: count('extract') };
}

/**
 * How long the copy and extract phases should take: the slower of what the target's write quota
 * allows and what the measured round trip allows at the chosen concurrency. The plan has read
 * the source and checked the target already, so each copy costs its write (two requests for a
 * new Google secret) and a read-back; each extract the same in the target, and in the source
 * when it is written there too (see bench/README.md, "Requests per new secret").
 */
export function estimateDuration(
  { copies, extracts }: ActionCounts,
  args: {
    sourceKind: StoreKind;
    targetKind: StoreKind;
    concurrency: number;
    roundTripMs: number;
    targetWriteRate?: number;
    writeSource: boolean;
  },
): PlanEstimate {
  const target = storeDefinition(args.targetKind).quota;
  const source = storeDefinition(args.sourceKind).quota;
  const targetWrites = (copies + extracts) * target.writeCost;
  const sourceWrites = args.writeSource ? extracts * source.writeCost : 0;
  const readBacks = copies + extracts + (args.writeSource ? extracts : 0);
  const calls = targetWrites + sourceWrites + readBacks;
  const targetWriteRate = args.targetWriteRate ?? target.writeRate ?? Number.POSITIVE_INFINITY;
  const sourceWriteRate = source.writeRate ?? Number.POSITIVE_INFINITY;
  const byQuota = Math.max(targetWrites / targetWriteRate, sourceWrites / sourceWriteRate);
  const byLatency = (calls * args.roundTripMs) / 1000 / Math.max(1, args.concurrency);
  return {
    targetWrites,
    sourceWrites,
    reads: readBacks,
    targetWriteRate,
    concurrency: args.concurrency,
    roundTripMs: Math.round(args.roundTripMs * 10) / 10,
    seconds: Math.ceil(Math.max(byQuota, byLatency)),
  };
}
