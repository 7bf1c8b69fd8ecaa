import { createHash } from 'node:crypto';
import type pg from 'pg';
import type { AirbyteSchemaInfo } from '../airbyte/schema-detect.js';
import { type HolderRow, isNodeKind } from '../airbyte/types.js';
import type { ProgressEvent } from '../engine/progress.js';
import type { ReferenceIndex } from './reference-index.js';
import { defaultSeverity } from './severity.js';
import type { StoreAccess } from './store-access.js';
import type { Finding, FindingCategory, Severity } from './types.js';

/**
 * The checks over the inventory that look at one row at a time: what can be said from a row's
 * configuration alone. Each check looks at a batch of holder rows and returns findings; the audit
 * runs a list of them (checks.ts), so store-backed checks sit beside these without touching them.
 */

/** What every check may use. */
export interface AuditContext {
  /** Airbyte's database. Free for queries only in `finish`: during `check` the snapshot holds a connection. */
  pool: pg.Pool;
  schema: AirbyteSchemaInfo;
  /**
   * References resolve in the plaintext `secrets` table: Airbyte's default store is in use and the
   * table exists. Values found there are then `plaintext-database-store` findings.
   */
  databaseStore: boolean;
  /** The store Airbyte resolves references in; absent when the audit does not ask one. */
  store?: StoreAccess;
  /** Every reference of the inventory, complete when `finish` runs. */
  references: ReferenceIndex;
  /** The audit's clock (ages of ephemeral secrets). */
  now: Date;
  /** Progress of store lookups. */
  onStoreProgress?: (e: ProgressEvent) => void;
}

/**
 * A check over the inventory. `check` sees each batch while the inventory's read-only snapshot is
 * open and must not query the database (against a server with one session, such as the embedded
 * PGlite, that would wait forever); whatever needs the database or a store goes in `finish`,
 * which runs after the snapshot is closed, from what `check` or `ctx.references` collected.
 */
export interface InventoryCheck {
  name: string;
  /** Findings for one batch of rows (at most the audit's batch size). */
  check(rows: readonly HolderRow[], ctx: AuditContext): Finding[] | Promise<Finding[]>;
  /** Findings that need every row first (cross-row checks, store lookups). */
  finish?(ctx: AuditContext): Finding[] | Promise<Finding[]>;
}

/** Stable across runs: the same problem at the same place gets the same id (history, SARIF fingerprints). */
export function findingId(
  category: FindingCategory,
  holder: string,
  rowId: string | null,
  path: string | null,
  coordinate: string | null,
): string {
  return createHash('sha256')
    .update(JSON.stringify([category, holder, rowId, path, coordinate]))
    .digest('hex')
    .slice(0, 32);
}

/** The parts of a row a finding names. */
export type FindingRow = Pick<HolderRow, 'holder' | 'rowId' | 'workspaceId' | 'name' | 'actorType'>;

/** A finding about one row (and maybe one path in it). Never carries a value. */
export function rowFinding(
  row: FindingRow | HolderRow,
  category: FindingCategory,
  message: string,
  at: { path?: string | null; coordinate?: string | null; severity?: Severity } = {},
): Finding {
  const path = at.path ?? null;
  const coordinate = at.coordinate ?? null;
  return {
    id: findingId(category, row.holder, row.rowId, path, coordinate),
    category,
    severity: at.severity ?? defaultSeverity(category),
    holder: row.holder,
    workspaceId: row.workspaceId,
    actorId: row.rowId,
    actorName: row.name,
    ...(row.actorType ? { actorType: row.actorType } : {}),
    path,
    coordinate,
    message,
  };
}

/**
 * A finding about the store rather than a row (an orphaned name, an unreachable store). `holder`
 * is `store`; the workspace is the one a coordinate was made for, when it says.
 */
export function storeFinding(
  category: FindingCategory,
  message: string,
  at: { coordinate?: string | null; workspaceId?: string | null; severity?: Severity } = {},
): Finding {
  const coordinate = at.coordinate ?? null;
  return {
    id: findingId(category, 'store', null, null, coordinate),
    category,
    severity: at.severity ?? defaultSeverity(category),
    holder: 'store',
    workspaceId: at.workspaceId ?? null,
    actorId: null,
    actorName: null,
    path: null,
    coordinate,
    message,
  };
}

export const WHAT: Readonly<Record<HolderRow['holder'], string>> = {
  actor: 'connector configuration',
  actor_oauth_parameter: 'OAuth parameters',
  workspace_webhook: 'webhook configuration',
  connection_catalog: "connection's mapper configuration",
  builder_testing_values: 'connector builder testing values',
};

/** A raw value at a secret path: readable by anyone who can read the database or a backup. Critical. */
export const plaintextInlineCheck: InventoryCheck = {
  name: 'plaintext-inline',
  check(rows) {
    return rows.flatMap((row) =>
      row.records
        .filter((r) => isNodeKind(r.node, 'plaintext'))
        .map((r) =>
          rowFinding(row, 'plaintext-inline', `A secret is stored in plaintext in the ${WHAT[row.holder]}.`, {
            path: r.path,
          }),
        ),
    );
  },
};

/**
 * A mask stored as the value. `**********` (the API's mask) means the secret is lost and the
 * connector sends asterisks: high. `******` is Airbyte's OAuth placeholder, which job time
 * replaces when an OAuth override supplies that field: medium.
 */
export const maskedValueCheck: InventoryCheck = {
  name: 'masked-value',
  check(rows) {
    return rows.flatMap((row) =>
      row.records.flatMap((r) => {
        if (isNodeKind(r.node, 'mask')) {
          return [
            rowFinding(
              row,
              'masked-value',
              'The API mask "**********" is stored where the secret should be.',
              {
                path: r.path,
              },
            ),
          ];
        }
        if (isNodeKind(r.node, 'oauth-mask')) {
          return [
            rowFinding(
              row,
              'masked-value',
              'The OAuth placeholder "******" is stored where the secret should be; it works only if an OAuth override supplies this field.',
              { path: r.path, severity: 'medium' },
            ),
          ];
        }
        return [];
      }),
    );
  },
};

/**
 * A row whose spec cannot be found: its plaintext secrets are invisible to the audit (references
 * are still found by scanning). One finding per row. Low: nothing is known to be wrong yet.
 */
export const missingSpecCheck: InventoryCheck = {
  name: 'missing-spec',
  check(rows) {
    return rows
      .filter((row) => row.spec === 'missing')
      .map((row) =>
        rowFinding(
          row,
          'missing-spec',
          row.problem !== undefined
            ? `This row cannot be read as Airbyte reads it: ${row.problem}. Plaintext secrets in it cannot be found.`
            : row.holder === 'actor'
              ? `No spec for this actor's connector version (definition ${row.definitionId ?? '?'}): plaintext secrets in it cannot be found.`
              : row.holder === 'builder_testing_values'
                ? "No connection_specification in this builder project's manifest (draft or published): plaintext secrets in its testing values cannot be found."
                : `No spec for the connector of these OAuth parameters (definition ${row.definitionId ?? '?'}): plaintext secrets in them cannot be found.`,
          // A row Airbyte itself cannot read fully may hold plaintext neither of us finds.
          row.problem !== undefined ? { severity: 'medium' } : {},
        ),
      );
  },
};
