import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { secretPathTemplates } from '../../src/airbyte/paths.js';
import { connectionSpecificationOf } from '../../src/airbyte/spec.js';
import { hasShared, SHARED_DIR, SKIP_SHARED } from '../helpers/shared.js';

// Published connector specs (../shared/airbyte/connector-specs) against the secret templates their
// INDEX.md lists. INDEX.md was written from `"airbyte_secret": true` properties; Airbyte's rule is
// KEY presence (so `false` counts too) plus its composite/array walk. Where the two disagree,
// Airbyte's rule wins and the case is listed here with the reason.
const KNOWN_DIFFERENCES: Record<string, { extra?: string[]; missing?: string[]; why: string }> = {
  // None today: no spec in the corpus has `"airbyte_secret": false`, a tuple `items`, or a
  // `properties` next to a `oneOf` that hides a secret, the cases where the rules part ways.
};

const DIR = join(SHARED_DIR, 'airbyte', 'connector-specs');

function indexRows(): Map<string, string[]> {
  const rows = new Map<string, string[]>();
  for (const line of readFileSync(join(DIR, 'INDEX.md'), 'utf8').split('\n')) {
    const cells = line.split('|').map((c) => c.trim());
    // | name | actor type | tag | kind | OAuth block | templates | notes |
    if (
      cells.length < 8 ||
      !/^(source|destination)-/.test(cells[1] ?? '') ||
      !/^(source|destination)$/.test(cells[2] ?? '')
    ) {
      continue;
    }
    rows.set(
      cells[1]!,
      [...cells[6]!.matchAll(/`([^`]+)`/g)].map((m) => m[1]!),
    );
  }
  return rows;
}

const available = hasShared && existsSync(join(DIR, 'INDEX.md'));
const rows = available ? indexRows() : new Map<string, string[]>();
const files = available
  ? readdirSync(DIR)
      .filter((f) => f.endsWith('.json'))
      .sort()
  : [];

test('INDEX.md lists every spec file and nothing else', { skip: SKIP_SHARED }, () => {
  assert.ok(files.length >= 40, `expected the connector spec corpus in ${DIR}`);
  assert.deepEqual([...rows.keys()].sort(), files.map((f) => f.replace(/\.json$/, '')).sort());
});

describe('connector specs yield the secret paths INDEX.md lists', { skip: SKIP_SHARED }, () => {
  for (const file of files) {
    const name = file.replace(/\.json$/, '');
    test(name, () => {
      const doc = JSON.parse(readFileSync(join(DIR, file), 'utf8')) as { spec: unknown };
      const ours = secretPathTemplates(connectionSpecificationOf(doc.spec));
      const listed = rows.get(name) ?? [];
      const known = KNOWN_DIFFERENCES[name];
      const expected = [
        ...listed.filter((p) => !known?.missing?.includes(p)),
        ...(known?.extra ?? []),
      ].sort();
      assert.deepEqual(ours, expected, known ? `known difference: ${known.why}` : undefined);
      assert.ok(ours.length > 0, 'every connector in the corpus has at least one secret');
    });
  }
});
