import {
  coordinateProblem,
  EPHEMERAL_BASE_ID,
  parseCoordinate,
  printableCoordinate,
} from '../airbyte/coordinates.js';
import { isNodeKind } from '../airbyte/types.js';
import { findingId, type InventoryCheck, rowFinding } from './inventory-findings.js';
import type { ReferenceSite } from './reference-index.js';
import type { Finding } from './types.js';

/**
 * Checks of the coordinates themselves, from the inventory alone: which rows name a coordinate,
 * and whose workspace a managed coordinate was made for.
 */

/** Prefixes whose base id is a workspace id (airbyte-platform airbyte-config/config-models/src/main/kotlin/io/airbyte/config/secrets/SecretCoordinate.kt). */
const WORKSPACE_PREFIXES = new Set(['workspace_', 'oauth_workspace_']);

const place = (s: ReferenceSite) => `${s.row.holder} "${s.row.name}" (${s.row.rowId}) at ${s.path}`;

/**
 * `invalid-coordinate` (high): a reference (`_secret`, a reference id's coordinate, or
 * `secret_coordinate::<name>` input) whose coordinate holds what no Airbyte coordinate holds and
 * what could turn into another path or name in a store: `/`, `..`, control characters. Every
 * store call refuses it (src/stores/limits.ts), so migrate refuses the item; the finding names
 * the row and shows the coordinate escaped.
 */
export const invalidCoordinateCheck: InventoryCheck = {
  name: 'invalid-coordinate',
  check: () => [],
  finish(ctx) {
    return ctx.references.sites.flatMap((s) => {
      const problem = s.coordinate === undefined ? undefined : coordinateProblem(s.coordinate);
      if (!problem || s.coordinate === undefined) return [];
      return [
        rowFinding(s.row, 'invalid-coordinate', `${problem}; no store is asked about it.`, {
          path: s.path,
          coordinate: printableCoordinate(s.coordinate),
        }),
      ];
    });
  },
};

/**
 * `shared-coordinate` (medium): one coordinate named by several rows (actors, OAuth parameters,
 * webhook configs). Airbyte treats a coordinate as owned by one configuration: updating one
 * connector writes a new version and deletes the old one under the others. ONE finding per
 * coordinate, located at the first referencing row (by holder, row id, path) and listing the
 * others in its message; its id depends on the coordinate only, so it stays stable when the
 * sharing rows change order.
 */
export const sharedCoordinateCheck: InventoryCheck = {
  name: 'shared-coordinate',
  check: () => [],
  finish(ctx) {
    const byCoordinate = new Map<string, ReferenceSite[]>();
    for (const s of ctx.references.sites) {
      if (!s.coordinate || isNodeKind(s, 'prefixed-external')) continue;
      const list = byCoordinate.get(s.coordinate);
      if (list) list.push(s);
      else byCoordinate.set(s.coordinate, [s]);
    }
    const findings: Finding[] = [];
    for (const [coordinate, sites] of byCoordinate) {
      const rows = new Set(sites.map((s) => `${s.row.holder}/${s.row.rowId}`));
      if (rows.size < 2) continue;
      const sorted = [...sites].sort((a, b) =>
        `${a.row.holder}/${a.row.rowId}/${a.path}`.localeCompare(`${b.row.holder}/${b.row.rowId}/${b.path}`),
      );
      const [first, ...rest] = sorted;
      if (first === undefined) continue;
      const others = rest.filter((s) => s.row !== first.row || s.path !== first.path);
      const f = rowFinding(
        first.row,
        'shared-coordinate',
        `${rows.size} rows reference this coordinate; also ${others.map(place).join('; ')}. Changing or deleting one breaks the others.`,
        { path: first.path, coordinate },
      );
      f.id = findingId('shared-coordinate', 'coordinate', null, null, coordinate);
      findings.push(f);
    }
    return findings;
  },
};

/**
 * `workspace-mismatch` (medium): a managed coordinate `airbyte_workspace_<ws>_…` referenced from a
 * row of another workspace, including the all-zero base of ephemeral secrets, which Airbyte keeps
 * for two hours only. Rows without a workspace (organization-wide OAuth parameters) are skipped.
 */
export const workspaceMismatchCheck: InventoryCheck = {
  name: 'workspace-mismatch',
  check(rows) {
    return rows.flatMap((row) => {
      if (!row.workspaceId) return [];
      const own = row.workspaceId.toLowerCase();
      return row.records.flatMap((r) => {
        if (!isNodeKind(r.node, 'managed-ref', 'reference-id') || !r.node.coordinate) return [];
        const c = parseCoordinate(r.node.coordinate);
        if (!c.baseId || !c.prefix || !WORKSPACE_PREFIXES.has(c.prefix)) return [];
        const ws = c.baseId.toLowerCase();
        if (ws === own) return [];
        const whose =
          ws === EPHEMERAL_BASE_ID
            ? 'the all-zero workspace of ephemeral secrets (check/discover before a save), which Airbyte expects to expire'
            : `workspace ${ws}`;
        return [
          rowFinding(
            row,
            'workspace-mismatch',
            `The coordinate was made for ${whose}, not for this row's workspace.`,
            {
              path: r.path,
              coordinate: r.node.coordinate,
            },
          ),
        ];
      });
    });
  },
};
