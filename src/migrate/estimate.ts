import { storeDefinition } from '../stores/registry.js';
import type { StoreKind } from '../stores/types.js';
import type { PlanEstimate, PlanItem } from './types.js';

/**
 * How long the copy and extract phases should take: the slower of what the target's write quota
 * allows and what the measured round trip allows at the chosen concurrency. Each copy costs a
 * source read, a read-first, a write and a read-back; each extract the same in both stores.
 */
export function estimateDuration(
  items: PlanItem[],
  args: {
    sourceKind: StoreKind;
    targetKind: StoreKind;
    concurrency: number;
    roundTripMs: number;
    targetWriteRate?: number;
    writeSource: boolean;
  },
): PlanEstimate {
  const copies = items.filter((i) => i.action === 'copy').length;
  const extracts = items.filter((i) => i.action === 'extract').length;
  const target = storeDefinition(args.targetKind).quota;
  const source = storeDefinition(args.sourceKind).quota;
  const targetWrites = (copies + extracts) * target.writeCost;
  const sourceWrites = args.writeSource ? extracts * source.writeCost : 0;
  const calls = copies * 4 + extracts * (args.writeSource ? 6 : 3);
  const targetWriteRate = args.targetWriteRate ?? target.writeRate ?? Number.POSITIVE_INFINITY;
  const sourceWriteRate = source.writeRate ?? Number.POSITIVE_INFINITY;
  const byQuota = Math.max(targetWrites / targetWriteRate, sourceWrites / sourceWriteRate);
  const byLatency = (calls * args.roundTripMs) / 1000 / Math.max(1, args.concurrency);
  return {
    targetWrites,
    sourceWrites,
    reads: calls - (copies + extracts) - (args.writeSource ? extracts : 0),
    targetWriteRate,
    concurrency: args.concurrency,
    roundTripMs: Math.round(args.roundTripMs * 10) / 10,
    seconds: Math.ceil(Math.max(byQuota, byLatency)),
  };
}
