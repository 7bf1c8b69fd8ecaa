import type { ComparedAuditReport, ComparedFinding, ReportComparison } from '../audit/comparison.js';
import { SEVERITIES } from '../audit/types.js';
import { categoryText } from './categories.js';
import { comparisonSentence, resolvedPlace, sortResolved } from './comparison-text.js';
import {
  describeHolder,
  groupByCategory,
  NO_WORKSPACE,
  tallyAll,
  tallyByCategory,
  tallyByWorkspace,
} from './tally.js';
import { cleanText } from './text.js';

/**
 * Text from the database (actor names, messages) shown literally: inline Markdown punctuation and
 * HTML are escaped so a name like `<script>` or `a|b` neither renders as markup nor breaks a
 * table. Line-start syntax (`#`, `-`, `1.`) needs no escape: escaped text never starts a line.
 */
export function escapeMarkdown(text: string): string {
  return cleanText(text)
    .replace(/[\\`*_[\]|~]/g, (c) => `\\${c}`)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;');
}

/** An identifier in a code span; backticks inside are replaced, pipes escaped for tables. */
function code(text: string | null): string {
  if (text === null || text === '') return '–';
  return `\`${cleanText(text).replace(/`/g, "'").replace(/\|/g, '\\|')}\``;
}

function row(cells: Array<string | number>): string {
  return `| ${cells.join(' | ')} |`;
}

function table(header: string[], rows: Array<Array<string | number>>, rightFrom = header.length): string[] {
  const align = header.map((_, i) => (i >= rightFrom ? '---:' : '---'));
  return [row(header), row(align), ...rows.map(row)];
}

/**
 * The audit as GitHub-flavoured Markdown: summary, a category × severity table, counts by
 * workspace, then every finding grouped by category with how to fix it.
 */
export function renderMarkdown(report: ComparedAuditReport): string {
  const { summary, findings, comparison } = report;
  const all = tallyAll(findings);
  const out: string[] = ['# Airbyte secrets audit', ''];

  out.push(
    `- **Store:** ${escapeMarkdown(summary.store)}`,
    `- **Started:** ${summary.startedAt}`,
    `- **Finished:** ${summary.finishedAt}`,
    `- **Holders scanned:** ${summary.holdersScanned}`,
    `- **Secrets found:** ${summary.secretsFound}`,
    `- **Findings:** ${all.total}${
      all.total
        ? ` (${SEVERITIES.filter((s) => all.bySeverity[s])
            .map((s) => `${all.bySeverity[s]} ${s}`)
            .join(', ')})`
        : ''
    }`,
    ...(comparison ? [`- **Compared:** ${escapeMarkdown(comparisonSentence(comparison))}`] : []),
    '',
  );

  if (findings.length === 0) {
    out.push('No findings.', '', ...resolvedSection(comparison));
    return out.join('\n');
  }

  out.push('## Findings by category', '');
  const byCategory = tallyByCategory(findings);
  out.push(
    ...table(
      ['Category', ...SEVERITIES, 'Total'],
      [
        ...byCategory.map((t) => [
          `${categoryText(t.category).title} (${code(t.category)})`,
          ...SEVERITIES.map((s) => t.bySeverity[s]),
          t.total,
        ]),
        ['**Total**', ...SEVERITIES.map((s) => `**${all.bySeverity[s]}**`), `**${all.total}**`],
      ],
      1,
    ),
    '',
  );

  out.push('## Findings by workspace', '');
  out.push(
    ...table(
      ['Workspace', ...SEVERITIES, 'Total'],
      tallyByWorkspace(findings).map((t) => [
        t.workspaceId === null ? NO_WORKSPACE : code(t.workspaceId),
        ...SEVERITIES.map((s) => t.bySeverity[s]),
        t.total,
      ]),
      1,
    ),
    '',
  );

  out.push('## Details', '');
  for (const [category, list] of groupByCategory(findings)) {
    const text = categoryText(category);
    out.push(`### ${text.title} (${code(category)}): ${list.length}`, '');
    out.push(`${text.summary} ${text.detail}`, '', `**Fix:** ${text.fix}`, '');
    const status = comparison ? ['Status'] : [];
    out.push(
      ...table(
        [...status, 'Severity', 'Workspace', 'Where', 'Path', 'Coordinate', 'Finding'],
        list.map((f) => [...(comparison ? [f.status ?? '–'] : []), ...findingRow(f)]),
      ),
      '',
    );
  }
  out.push(...resolvedSection(comparison));
  return out.join('\n');
}

/** The findings of the previous run that are gone (with `--compare`). */
function resolvedSection(comparison: ReportComparison | undefined): string[] {
  if (!comparison || comparison.resolved.length === 0) return [];
  return [
    `## Resolved since the previous run: ${comparison.resolved.length}`,
    '',
    ...table(
      ['Status', 'Severity', 'Category', 'Workspace', 'Where', 'Path', 'Coordinate'],
      sortResolved(comparison.resolved).map((r) => [
        'resolved',
        r.severity,
        code(r.category),
        r.workspaceId === null ? '–' : code(r.workspaceId),
        escapeMarkdown(resolvedPlace(r)),
        code(r.path),
        code(r.coordinate),
      ]),
    ),
    '',
  ];
}

function findingRow(f: ComparedFinding): string[] {
  return [
    f.severity,
    f.workspaceId === null ? '–' : code(f.workspaceId),
    `${escapeMarkdown(describeHolder(f))}${f.actorId && f.actorName ? `<br>${code(f.actorId)}` : ''}`,
    code(f.path),
    code(f.coordinate),
    escapeMarkdown(f.message),
  ];
}
