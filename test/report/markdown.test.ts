import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { escapeMarkdown, renderMarkdown } from '../../src/report/markdown.js';
import { emptyReport, HOSTILE_NAME, sampleReport, WS_A, WS_B, WS_C } from './fixture.js';

/** The rows of the Markdown table that follows `heading`. */
function tableAfter(md: string, heading: string): string[][] {
  const lines = md.split('\n');
  const start = lines.indexOf(heading);
  assert.ok(start >= 0, `missing ${heading}`);
  const rows: string[][] = [];
  for (const line of lines.slice(start + 1)) {
    if (line.startsWith('|')) rows.push(line.slice(2, -2).split(/ (?<!\\)\| /));
    else if (rows.length) break;
  }
  return rows.slice(2); // header and alignment rows
}

describe('Markdown report', () => {
  const report = sampleReport();
  const md = renderMarkdown(report);

  test('summary lines name the store and the counts', () => {
    assert.match(md, /^# Airbyte secrets audit$/m);
    assert.match(md, /\*\*Holders scanned:\*\* 412/);
    assert.match(md, /\*\*Secrets found:\*\* 1187/);
    assert.match(md, /\*\*Findings:\*\* 13 \(3 critical, 4 high, 4 medium, 2 low\)/);
  });

  test('a category × severity table with totals', () => {
    const rows = tableAfter(md, '## Findings by category');
    const plaintext = rows.find((r) => r[0]!.includes('`plaintext-inline`'))!;
    assert.deepEqual(plaintext.slice(1), ['3', '0', '0', '0', '0', '3']);
    const total = rows.at(-1)!;
    assert.equal(total[0], '**Total**');
    assert.equal(total.at(-1), '**13**');
    assert.equal(rows.length, 11 + 1);
  });

  test('counts by workspace, most findings first, store findings last', () => {
    const rows = tableAfter(md, '## Findings by workspace');
    assert.deepEqual(
      rows.map((r) => [r[0], r.at(-1)]),
      [
        [`\`${WS_B}\``, '4'],
        [`\`${WS_A}\``, '4'],
        [`\`${WS_C}\``, '3'],
        ['(no workspace)', '2'],
      ],
    );
  });

  test('findings grouped by category, each group with its fix', () => {
    const headings = md.split('\n').filter((l) => l.startsWith('### '));
    assert.equal(headings.length, 11);
    assert.equal(headings[0], '### Plaintext in config (`plaintext-inline`): 3');
    const section = md.slice(md.indexOf('### Dangling reference'), md.indexOf('### Orphaned secret'));
    assert.match(section, /\*\*Fix:\*\*/);
    assert.equal(tableAfter(section, section.split('\n')[0]!).length, 1);
  });

  test('user text cannot inject markup or break a table', () => {
    assert.ok(!md.includes('<script>'));
    assert.ok(md.includes(escapeMarkdown(HOSTILE_NAME)));
    const row = md.split('\n').find((l) => l.includes('&lt;script&gt;'))!;
    // Same number of unescaped cell separators as the header row of that table.
    const cells = row.split(/(?<!\\)\|/).length;
    assert.equal(cells, '| Severity | Workspace | Where | Path | Coordinate | Finding |'.split('|').length);
    assert.equal(escapeMarkdown('a|b *c* <i>'), 'a\\|b \\*c\\* &lt;i&gt;');
  });

  test('an empty audit says so', () => {
    const out = renderMarkdown(emptyReport());
    assert.match(out, /No findings\./);
    assert.ok(!out.includes('## Details'));
  });
});
