import { forEachConcurrent } from '../util/concurrent.js';
import type { SecretValue } from '../util/secret-value.js';
import type { ItemPatch, RunContext } from './context.js';
import { failure, writeAhead } from './write-verified.js';

/**
 * What this run already knows about the items, so the copy does not ask the stores again: the
 * value the plan read from the source (taken once, then forgotten), that the plan found the
 * target's name empty, and where to note each coordinate read back (the final verify skips it).
 */
export interface CopyKnowledge {
  takeSourceValue?(coordinate: string): SecretValue | undefined;
  targetAbsent?: boolean;
  readBack?(coordinate: string): void;
}

/**
 * Copy step: each item's coordinate is read from the source as Airbyte reads it (fallbacks
 * included), written under the same name to the target, read back and journaled. No row changes.
 * `missing` is the journal reason when the source has no (or a blank) value any more.
 */
export async function copyCoordinates(
  ctx: RunContext,
  copies: ReadonlyArray<{ key: string; coordinate: string }>,
  missing: string,
  known: CopyKnowledge = {},
): Promise<void> {
  let done = 0;
  ctx.onProgress?.({ phase: 'copy', done, total: copies.length });
  await forEachConcurrent(
    copies,
    ctx.concurrency,
    async (item) => {
      let patch: ItemPatch;
      try {
        const value =
          known.takeSourceValue?.(item.coordinate) ??
          (await ctx.source.read(item.coordinate, { asAirbyte: true }));
        if (!value || value.isBlank) patch = { state: 'failed', error_class: 'not-found', reason: missing };
        else {
          const expectAbsent = known.targetAbsent === true;
          patch = {
            state: 'verified',
            target_outcome: await writeAhead(ctx, item.key, 'target', ctx.target, item.coordinate, value, {
              expectAbsent,
            }),
          };
          known.readBack?.(item.coordinate);
        }
      } catch (err) {
        patch = failure(err);
      }
      await ctx.journal.updateItem(ctx.runId, item.key, { ...patch, attempts: 1 });
      ctx.onProgress?.({ phase: 'copy', done: ++done, total: copies.length });
    },
    ctx.signal,
  );
}
