import { createHash } from 'node:crypto';
import type pg from 'pg';
import { EPHEMERAL_BASE_ID } from '../airbyte/coordinates.js';
import { SECRETS_PRESENT_SQL } from '../airbyte/queries.js';
import type { AirbyteSchemaInfo } from '../airbyte/schema-detect.js';
import type { HolderRow, SecretRecord } from '../airbyte/types.js';
import { defaultSeverity } from './severity.js';
import type { Finding, FindingCategory, Severity } from './types.js';

/**
 * The foundation checks over the inventory: what can be said from Airbyte's database alone.
 * Each check looks at a batch of holder rows and returns findings; the audit runs a list of them,
 * so store-backed checks can be added beside these without touching them.
 */

/** What every check may use. */
export interface AuditContext {
  pool: pg.Pool;
  schema: AirbyteSchemaInfo;
  /**
   * References resolve in the plaintext `secrets` table: Airbyte's default store is in use and the
   * table exists. Off, the two checks that need the table are skipped.
   */
  databaseStore: boolean;
}

export interface InventoryCheck {
  name: string;
  /** Findings for one batch of rows (at most the audit's batch size). */
  check(rows: readonly HolderRow[], ctx: AuditContext): Finding[] | Promise<Finding[]>;
  /** Findings that need every row first (cross-row checks). */
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

/** A finding about one row (and maybe one path in it). Never carries a value. */
export function rowFinding(
  row: HolderRow,
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

const WHAT: Record<HolderRow['holder'], string> = {
  actor: 'connector configuration',
  actor_oauth_parameter: 'OAuth parameters',
  workspace_webhook: 'webhook configuration',
};

/** A raw value at a secret path: readable by anyone who can read the database or a backup. Critical. */
export const plaintextInlineCheck: InventoryCheck = {
  name: 'plaintext-inline',
  check(rows) {
    return rows.flatMap((row) =>
      row.records
        .filter((r) => r.node.kind === 'plaintext')
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
        if (r.node.kind === 'mask') {
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
        if (r.node.kind === 'oauth-mask') {
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
          row.holder === 'actor'
            ? `No spec for this actor's connector version (definition ${row.definitionId ?? '?'}): plaintext secrets in it cannot be found.`
            : `No spec for the connector of these OAuth parameters (definition ${row.definitionId ?? '?'}): plaintext secrets in them cannot be found.`,
        ),
      );
  },
};

/** A reference that hydration resolves in Airbyte's env-configured store (no storage, or the default one). */
function resolvesInDefaultStore(r: SecretRecord): boolean {
  const k = r.node.kind;
  if (k !== 'managed-ref' && k !== 'external-ref' && k !== 'reference-id') return false;
  return r.node.storageId === undefined || r.node.storageId === EPHEMERAL_BASE_ID;
}

/**
 * With the database store in use: every reference whose coordinate is in `secrets` sits there in
 * plaintext (plaintext-database-store, medium), every one that is not cannot be hydrated
 * (dangling-reference, high). A reference id with neither `_secret` nor a secret_reference row is
 * dangling too. One query per batch.
 */
export const databaseStoreCheck: InventoryCheck = {
  name: 'database-store',
  async check(rows, ctx) {
    if (!ctx.databaseStore) return [];
    const refs = rows.flatMap((row) => row.records.filter(resolvesInDefaultStore).map((r) => ({ row, r })));
    const coordinates = [...new Set(refs.map(({ r }) => r.node.coordinate).filter((c): c is string => !!c))];
    const present = new Set<string>();
    if (coordinates.length > 0) {
      const { rows: found } = await ctx.pool.query<{ coordinate: string }>(SECRETS_PRESENT_SQL, [
        coordinates,
      ]);
      for (const f of found) present.add(f.coordinate);
    }
    return refs.map(({ row, r }) => {
      const coordinate = r.node.coordinate ?? null;
      if (coordinate === null) {
        return rowFinding(
          row,
          'dangling-reference',
          `Reference id ${r.node.referenceId ?? '?'} has no _secret and no secret_reference row: it cannot be hydrated.`,
          { path: r.path },
        );
      }
      return present.has(coordinate)
        ? rowFinding(
            row,
            'plaintext-database-store',
            "The secret's value sits in the plaintext `secrets` table.",
            {
              path: r.path,
              coordinate,
            },
          )
        : rowFinding(row, 'dangling-reference', 'The referenced coordinate is not in the `secrets` table.', {
            path: r.path,
            coordinate,
          });
    });
  },
};

/** The checks `audit` runs when nothing else is asked for. */
export function foundationChecks(): InventoryCheck[] {
  return [plaintextInlineCheck, databaseStoreCheck, maskedValueCheck, missingSpecCheck];
}
