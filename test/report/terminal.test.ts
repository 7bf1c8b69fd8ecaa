import assert from 'node:assert/strict';
import { afterEach, describe, test } from 'node:test';
import { filterReport, parseFindingFilter, SHOW_ALL } from '../../src/audit/filter.js';
import { renderFindingsTable } from '../../src/report/findings-table.js';
import { renderTable } from '../../src/report/table.js';
import { sortFindings } from '../../src/report/tally.js';
import {
  detectTerminal,
  PLAIN,
  setTerminal,
  truncateEnd,
  truncateMiddle,
} from '../../src/report/terminal.js';
import { alignColumns } from '../../src/report/text.js';
import { sampleReport } from './fixture.js';

// biome-ignore lint/suspicious/noControlCharactersInRegex: looking for ANSI colours is the point
const ANSI = /\u001b\[/;
const tty = { isTTY: true, columns: 80 };

describe('terminal width and colour (src/report/terminal.ts)', () => {
  afterEach(() => setTerminal(PLAIN));

  test('a TTY fits its width and colours; piped output is unlimited and plain', () => {
    assert.deepEqual(detectTerminal(tty, {}), { width: 80, color: true, tty: true });
    assert.deepEqual(detectTerminal({ isTTY: false, columns: 80 }, {}), {
      width: null,
      color: false,
      tty: false,
    });
    assert.deepEqual(detectTerminal({}, {}), PLAIN);
  });

  test('NO_COLOR and --no-color turn colour off; FORCE_COLOR and --color turn it on; -o wide lifts the width', () => {
    assert.equal(detectTerminal(tty, { NO_COLOR: '1' }).color, false);
    assert.equal(detectTerminal(tty, { NO_COLOR: '' }).color, true, 'an empty NO_COLOR is unset');
    assert.equal(detectTerminal(tty, {}, { color: false }).color, false);
    assert.equal(detectTerminal({}, { FORCE_COLOR: '1' }).color, true);
    assert.equal(detectTerminal({}, { FORCE_COLOR: '0' }).color, false);
    assert.equal(detectTerminal(tty, { NO_COLOR: '1' }, { color: true }).color, true);
    assert.equal(detectTerminal({}, { NO_COLOR: '1', FORCE_COLOR: '1' }).color, false, 'NO_COLOR wins');
    assert.equal(detectTerminal(tty, {}, { wide: true }).width, null);
    assert.equal(detectTerminal({ isTTY: true, columns: 10 }, {}).width, 40, 'never narrower than 40');
  });

  test('cells are cut with … : in the middle, the last column at its end', () => {
    assert.equal(truncateMiddle('airbyte_workspace_123_secret_456_v1', 11), 'airby…56_v1');
    assert.equal(truncateMiddle('short', 11), 'short');
    assert.equal(truncateEnd('A secret is stored in plaintext', 10), 'A secret …');
  });

  test('a table wider than the terminal fits it; piped or wide it is whole', () => {
    const rows = [
      ['SEVERITY', 'PATH', 'MESSAGE'],
      [
        'critical',
        `$.${'deep.'.repeat(20)}password`,
        'A secret is stored in plaintext in the connector configuration.',
      ],
    ];
    const whole = alignColumns(rows);
    assert.ok(whole[1]!.length > 120);
    assert.ok(!whole.join('\n').includes('…'));
    setTerminal(detectTerminal({ isTTY: true, columns: 60 }, {}));
    const fitted = alignColumns(rows);
    for (const l of fitted) assert.ok(l.length <= 60, `${l.length}: ${l}`);
    assert.match(fitted[1]!, /^critical {2}\$\.deep\..*….*password {2}A secret/);
    setTerminal(detectTerminal({ isTTY: true, columns: 60 }, {}, { wide: true }));
    assert.deepEqual(alignColumns(rows), whole);
  });

  test('the audit table fits an 80-column terminal, groups per connector and colours severities', () => {
    const report = sampleReport();
    const flat = renderTable(report);
    assert.ok(!ANSI.test(flat));
    assert.match(flat, /^SEVERITY +CATEGORY +WORKSPACE +WHERE +PATH +MESSAGE$/m);
    setTerminal(detectTerminal(tty, {}));
    const text = renderFindingsTable(report);
    assert.ok(ANSI.test(text));
    // biome-ignore lint/suspicious/noControlCharactersInRegex: stripping colours
    const plain = text.replace(/\u001b\[[0-9;]*m/g, '');
    // Tables and headings fit; the one-sentence summary above them wraps like prose.
    for (const l of plain.split('\n').slice(1)) assert.ok(l.length <= 80, `${l.length}: ${l}`);
    assert.match(plain, /^workspace .* \/ .*: \d+ findings?$/m);
    assert.doesNotMatch(plain, /WORKSPACE +WHERE/, 'no flat list on a terminal');
    setTerminal(detectTerminal(tty, { NO_COLOR: '1' }, { wide: true }));
    const wide = renderFindingsTable(report);
    const actor = report.findings.find((f) => f.actorName && f.actorId)!;
    assert.match(
      wide,
      new RegExp(
        `^workspace ${actor.workspaceId} / source "Postgres \\(prod\\)" \\(${actor.actorId}\\): 2 findings$`,
        'm',
      ),
    );
    assert.ok(!ANSI.test(renderFindingsTable(report)));
  });
});

describe('audit --severity, --category, --limit (src/audit/filter.ts)', () => {
  test('unknown words are one line with the nearest valid one', () => {
    assert.throws(
      () => parseFindingFilter({ severity: 'hgh' }),
      /^UsageError: --severity: unknown severity "hgh"\. Did you mean 'high'\?/,
    );
    assert.throws(
      () => parseFindingFilter({ category: ['orphaned-secrets'] }),
      (err: Error) => /Did you mean 'orphaned-secret'\?/.test(err.message) && !err.message.includes('\n'),
    );
    assert.deepEqual(
      [...parseFindingFilter({ category: ['orphaned-secret,masked-value', 'missing-spec'] }).categories],
      ['orphaned-secret', 'masked-value', 'missing-spec'],
    );
  });

  test('severity is a minimum, categories add up, limit keeps the worst and says how many more', () => {
    const report = sampleReport();
    const high = filterReport(report, parseFindingFilter({ severity: 'high' }), sortFindings);
    assert.ok(high.report.findings.length > 0);
    assert.ok(high.report.findings.every((f) => f.severity === 'critical' || f.severity === 'high'));
    assert.equal(high.total, report.findings.length);
    const two = filterReport(
      report,
      parseFindingFilter({ category: ['orphaned-secret', 'missing-spec'] }),
      sortFindings,
    );
    assert.deepEqual(
      new Set(two.report.findings.map((f) => f.category)),
      new Set(['orphaned-secret', 'missing-spec']),
    );
    const limited = filterReport(report, parseFindingFilter({ limit: 2 }), sortFindings);
    assert.deepEqual(limited.report.findings, sortFindings(report.findings).slice(0, 2));
    assert.equal(limited.overLimit, report.findings.length - 2);
    const text = renderFindingsTable(report, { count: 3, rule: 'critical' }, { shown: limited });
    assert.match(text, new RegExp(`^… and ${report.findings.length - 2} more \\(use --limit\\)$`, 'm'));
    assert.match(
      text,
      /^3 findings match --fail-on critical: exit code 1$/m,
      'the exit code counts every finding',
    );
    assert.equal(filterReport(report, SHOW_ALL, sortFindings).report.findings.length, report.findings.length);
  });
});

describe('--fail-on suggests the nearest word too', () => {
  test('"critcal" → critical, on one line', async () => {
    const { parseFailOn } = await import('../../src/audit/severity.js');
    assert.throws(
      () => parseFailOn('critcal'),
      (err: Error) => /Did you mean 'critical'\?/.test(err.message) && !err.message.includes('\n'),
    );
  });
});
