import { OAUTH_SECRET_MASK, SECRET_REF_PREFIX, SECRETS_MASK } from '../airbyte/classify.js';
import { parseCoordinate } from '../airbyte/coordinates.js';
import { formatPath, index, isJsonObject, key, type Segment } from '../airbyte/json-path.js';
import { isMaskedFieldName } from '../airbyte/masked-field-names.js';
import type { HolderRow } from '../airbyte/types.js';
import { type InventoryCheck, rowFinding, WHAT } from './inventory-findings.js';

/** Strings that are Airbyte's own markers, not values someone typed. */
const MARKERS = new Set([SECRETS_MASK, OAUTH_SECRET_MASK, 'secret_placeholder']);

/** Deeper than any connector spec nests; stops a pathological document. */
const MAX_DEPTH = 32;

/** A string at a property Airbyte masks by name, with its concrete path (the value is only looked at). */
export interface MaskedNameField {
  path: string;
  name: string;
}

/**
 * Every non-empty string in `config` whose property name Airbyte masks in its logs
 * (`isMaskedFieldName`), skipping Airbyte's markers (masks, `secret_coordinate::` input, a bare
 * coordinate) and the subtrees at `skip` (the spec's secret paths and reference nodes).
 */
export function maskedNameFields(config: unknown, skip: ReadonlySet<string>): MaskedNameField[] {
  const out: MaskedNameField[] = [];
  const walk = (node: unknown, at: Segment[]): void => {
    if (at.length > MAX_DEPTH) return;
    if (Array.isArray(node)) {
      node.forEach((item, i) => {
        const next = [...at, index(i)];
        if (!skip.has(formatPath(next))) walk(item, next);
      });
      return;
    }
    if (!isJsonObject(node)) return;
    for (const [name, value] of Object.entries(node)) {
      const next = [...at, key(name)];
      const path = formatPath(next);
      if (skip.has(path)) continue;
      if (typeof value === 'string') {
        if (isMaskedFieldName(name) && looksTyped(value)) out.push({ path, name });
      } else {
        walk(value, next);
      }
    }
  };
  walk(config, []);
  return out;
}

function looksTyped(value: string): boolean {
  const text = value.trim();
  if (text === '' || MARKERS.has(text) || text.startsWith(SECRET_REF_PREFIX)) return false;
  return !parseCoordinate(text).managed;
}

/**
 * `suspicious-plaintext` (medium): a raw string at a field the spec does NOT mark secret, whose
 * property name Airbyte masks in logs (`api_key`, `client_secret`, …; airbyte-commons/src/main/resources/seed/specs_secrets_mask.yaml). Airbyte
 * keeps such a value in the configuration as typed and shows it in the API. Only rows whose spec
 * is known: without one every field looks unmarked (missing-spec covers those).
 */
export const suspiciousPlaintextCheck: InventoryCheck = {
  name: 'suspicious-plaintext',
  check(rows) {
    return rows.flatMap((row) => {
      if (row.spec === 'missing') return [];
      return maskedNameFields(row.config, secretPaths(row)).map((f) =>
        rowFinding(
          row,
          'suspicious-plaintext',
          `The field "${f.name}" is not marked secret by the spec, but Airbyte masks fields of this name in its logs: its value sits in plaintext in the ${WHAT[row.holder]}.`,
          { path: f.path },
        ),
      );
    });
  },
};

/** Paths the audit already treats as secrets: the spec's (expanded) and every reference node. */
function secretPaths(row: HolderRow): Set<string> {
  return new Set(row.records.map((r) => r.path));
}
