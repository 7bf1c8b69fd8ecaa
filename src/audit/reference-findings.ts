import { coordinateProblem } from '../airbyte/coordinates.js';
import type { InventoryCheck } from './inventory-findings.js';
import { rowFinding } from './inventory-findings.js';
import type { ReferenceSite } from './reference-index.js';
import type { ReadOutcome } from './store-access.js';
import type { Finding } from './types.js';

/**
 * Every reference Airbyte hydrates from its env-configured store, resolved against that store the
 * way Airbyte does (its read, fallbacks included). One finding per reference:
 * - `dangling-reference` (high): the store has no value, a blank one (Airbyte's hydration rejects
 *   it as "not found"), or refused to read it; or a reference id has no `_secret` and no
 *   secret_reference row, so there is nothing to read;
 * - `coordinate-as-value` (high): the value is the coordinate itself, as Airbyte's NO_OP store
 *   answers every read: the connector receives the coordinate as its credential;
 * - `plaintext-database-store` (medium): the store is the plaintext `secrets` table and the value
 *   sits there.
 * Each coordinate is read once however many references share it, after the inventory pass.
 */
export const referenceCheck: InventoryCheck = {
  name: 'references',
  check: () => [],
  async finish(ctx) {
    if (!ctx.store) return [];
    // An invalid coordinate is reported as such (invalid-coordinate) and never read.
    const sites = ctx.references
      .hydratedFromDefaultStore()
      .filter((s) => s.coordinate === undefined || !coordinateProblem(s.coordinate));
    const outcomes = await ctx.store.readAll(
      sites.flatMap((s) => (s.coordinate ? [s.coordinate] : [])),
      ctx.onStoreProgress,
    );
    const findings: Finding[] = [];
    for (const site of sites) {
      const f = siteFinding(
        site,
        site.coordinate ? outcomes.get(site.coordinate) : undefined,
        ctx.databaseStore,
      );
      if (f) findings.push(f);
    }
    return findings;
  },
};

function siteFinding(
  site: ReferenceSite,
  outcome: ReadOutcome | undefined,
  databaseStore: boolean,
): Finding | null {
  const at = { path: site.path, coordinate: site.coordinate ?? null };
  if (!site.coordinate) {
    return rowFinding(
      site.row,
      'dangling-reference',
      `Reference id ${site.referenceId ?? '?'} has no _secret and no secret_reference row: it cannot be hydrated.`,
      at,
    );
  }
  // Not read: the store stopped answering first (reported once as store-unreachable).
  if (!outcome) return null;
  switch (outcome.state) {
    case 'missing':
      return rowFinding(
        site.row,
        'dangling-reference',
        'The store has no value under the referenced coordinate.',
        at,
      );
    case 'refused':
      return rowFinding(
        site.row,
        'dangling-reference',
        `The store refused to read the referenced coordinate (${outcome.detail}); Airbyte's hydration fails the same way.`,
        at,
      );
    case 'value':
      if (outcome.blank) {
        return rowFinding(
          site.row,
          'dangling-reference',
          'The store holds an empty value under the referenced coordinate; Airbyte reads it as not found.',
          at,
        );
      }
      if (outcome.equalsCoordinate) {
        return rowFinding(
          site.row,
          'coordinate-as-value',
          "The store holds the coordinate itself as the secret's value (as Airbyte's NO_OP store answers): the connector gets no real credential.",
          at,
        );
      }
      return databaseStore
        ? rowFinding(
            site.row,
            'plaintext-database-store',
            "The secret's value sits in the plaintext `secrets` table.",
            at,
          )
        : null;
  }
}
