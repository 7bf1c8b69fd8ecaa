import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { escapeHtml, renderHtml } from '../../src/report/html.js';
import { emptyReport, HOSTILE_NAME, sampleReport, WS_A } from './fixture.js';

const attr = (html: string, name: string) =>
  [...html.matchAll(new RegExp(`${name}="([^"]*)" data-count="(\\d+)"`, 'g'))].map((m) => [
    m[1],
    Number(m[2]),
  ]);

describe('HTML report', () => {
  const report = sampleReport();
  const html = renderHtml(report);

  test('one self-contained file: inline CSS, inline SVG, no script, no external asset', () => {
    assert.match(html, /^<!doctype html>/);
    assert.match(html, /<style>[\s\S]*<\/style>/);
    assert.equal((html.match(/<svg /g) ?? []).length, 2);
    assert.ok(!/<script/i.test(html));
    assert.ok(!/<link\b/i.test(html));
    assert.ok(!/url\(/i.test(html));
    // Every src/href is an in-page anchor.
    for (const m of html.matchAll(/\b(?:src|href)="([^"]*)"/g)) assert.match(m[1]!, /^#/);
    assert.match(html, /Content-Security-Policy" content="default-src 'none'/);
  });

  test('actor names are escaped, never markup', () => {
    assert.ok(html.includes(escapeHtml(HOSTILE_NAME)));
    assert.ok(!html.includes('<script>alert'));
    assert.equal(escapeHtml(`<a href='x'>"&"</a>`), '&lt;a href=&#39;x&#39;&gt;&quot;&amp;&quot;&lt;/a&gt;');
  });

  test('summary cards, charts and tables carry the counts', () => {
    assert.match(html, /data-total-findings>13</);
    assert.match(html, /data-severity-count="critical">3</);
    assert.match(html, /data-holders-scanned>412</);
    const bars = new Map(attr(html, 'data-bar-category') as Array<[string, number]>);
    assert.equal(bars.size, 11);
    assert.equal(bars.get('plaintext-inline'), 3);
    const workspaces = new Map(attr(html, 'data-bar-workspace') as Array<[string, number]>);
    assert.equal(workspaces.get(WS_A), 4);
    assert.equal(workspaces.get(''), 2); // findings outside any workspace
    const matrix = new Map(attr(html, '<tr data-category') as Array<[string, number]>);
    assert.equal(matrix.get('dangling-reference'), 1);
    assert.equal((html.match(/data-finding-id=/g) ?? []).length, report.findings.length);
  });

  test('many workspaces: the chart keeps the largest and sums the rest', () => {
    const big = sampleReport();
    const template = big.findings[0]!;
    for (let i = 0; i < 20; i++) {
      big.findings.push({
        ...template,
        id: `x${i}`,
        workspaceId: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
      });
    }
    const out = renderHtml(big);
    const bars = attr(out, 'data-bar-workspace');
    assert.equal(bars.length, 13);
    assert.deepEqual(bars.at(-1), ['*', 12]); // 24 workspaces: 12 drawn, 12 summed
    assert.match(out, /12 other workspaces/);
  });

  test('an empty audit renders a clear page', () => {
    const out = renderHtml(emptyReport());
    assert.match(out, /data-no-findings>No findings\./);
    assert.match(out, /data-total-findings>0</);
  });
});
