import { EPHEMERAL_BASE_ID } from '../airbyte/coordinates.js';
import { type HolderRow, isNodeKind, type SecretNodeKind } from '../airbyte/types.js';

/**
 * Every reference of the inventory, collected while it streams: where it is and which coordinate
 * it names, never a value and never the configuration. The store-backed checks use it after the
 * inventory's snapshot is closed, so no check needs the database while the snapshot is open.
 */

/** The row a reference sits in, shared by all its references. */
export interface ReferenceRow {
  holder: HolderRow['holder'];
  rowId: string;
  workspaceId: string | null;
  name: string;
  actorType?: 'source' | 'destination';
}

/** One reference node at one path. */
export interface ReferenceSite {
  row: ReferenceRow;
  path: string;
  kind: Extract<SecretNodeKind, 'managed-ref' | 'external-ref' | 'reference-id' | 'prefixed-external'>;
  coordinate?: string;
  referenceId?: string;
  storageId?: string;
}

const REFERENCE_KINDS = new Set<SecretNodeKind>([
  'managed-ref',
  'external-ref',
  'reference-id',
  'prefixed-external',
]);

export class ReferenceIndex {
  readonly #sites: ReferenceSite[] = [];

  add(row: HolderRow): void {
    let shared: ReferenceRow | undefined;
    for (const r of row.records) {
      if (!REFERENCE_KINDS.has(r.node.kind)) continue;
      shared ??= {
        holder: row.holder,
        rowId: row.rowId,
        workspaceId: row.workspaceId,
        name: row.name,
        ...(row.actorType ? { actorType: row.actorType } : {}),
      };
      this.#sites.push({
        row: shared,
        path: r.path,
        kind: r.node.kind as ReferenceSite['kind'],
        ...(r.node.coordinate !== undefined ? { coordinate: r.node.coordinate } : {}),
        ...(r.node.referenceId !== undefined ? { referenceId: r.node.referenceId } : {}),
        ...(r.node.storageId !== undefined ? { storageId: r.node.storageId } : {}),
      });
    }
  }

  /** Every reference, in inventory order. */
  get sites(): readonly ReferenceSite[] {
    return this.#sites;
  }

  /**
   * References Airbyte hydrates from its env-configured store: `_secret` and reference-id nodes
   * with no storage id or the default one (a `secret_coordinate::` string is input, not a reference).
   */
  hydratedFromDefaultStore(): ReferenceSite[] {
    return this.#sites.filter(
      (s) =>
        !isNodeKind(s, 'prefixed-external') &&
        (s.storageId === undefined || s.storageId === EPHEMERAL_BASE_ID),
    );
  }
}
