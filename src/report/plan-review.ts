import type { PlanReview } from '../migrate/review.js';
import type { PlanItem } from '../migrate/types.js';
import { escapeHtml as h, htmlHead } from './html.js';
import { escapeMarkdown as md } from './markdown.js';
import { cleanText, humanDuration } from './text.js';
import { TOOL_NAME, toolVersion } from './tool-info.js';

export const PLAN_REPORT_FORMATS = ['markdown', 'html', 'json'] as const;
export type PlanReportFormat = (typeof PLAN_REPORT_FORMATS)[number];

const ACTIONS = ['copy', 'extract', 'skip', 'conflict'] as const;

/** Where an action happens, for humans: the coordinate, or the row and JSON path. */
function where(item: PlanItem): { place: string; coordinate: string } {
  const row = 'rowId' in item && item.rowId ? `${item.holder}/${item.rowId}` : '';
  const path = item.action === 'extract' ? ` ${item.path}` : '';
  const refs = 'references' in item && item.references !== undefined ? `${item.references} reference(s)` : '';
  return { place: row ? `${row}${path}` : refs, coordinate: item.coordinate ?? '' };
}

const detailOf = (item: PlanItem) =>
  item.action === 'conflict' ? `${item.reason}${item.detail ? `: ${item.detail}` : ''}` : '';

function estimateText(e: PlanReview['estimate']): string {
  const rate = Number.isFinite(e.targetWriteRate) ? `target quota ${e.targetWriteRate}/s` : 'no target quota';
  return `${e.targetWrites} target write(s) and ${e.sourceWrites} source write(s), ${e.reads} read(s); ${rate}, concurrency ${e.concurrency}, measured round trip ${e.roundTripMs.toFixed(1)} ms: about ${humanDuration(e.seconds)}`;
}

/** The review as JSON (the same model; `Infinity` written as null). */
export function renderPlanReviewJson(review: PlanReview): string {
  return `${JSON.stringify(review, (_k, v) => (v === Number.POSITIVE_INFINITY ? null : v), 2)}\n`;
}

/** The review as GitHub-flavoured Markdown, for a pull request or a change ticket. */
export function renderPlanReviewMarkdown(review: PlanReview): string {
  const t = (header: string[], rows: Array<Array<string | number>>) => [
    `| ${header.join(' | ')} |`,
    `| ${header.map((_, i) => (i === 0 ? '---' : '---:')).join(' | ')} |`,
    ...rows.map((r) => `| ${r.join(' | ')} |`),
  ];
  const code = (s: string) => (s ? `\`${cleanText(s).replace(/`/g, "'").replace(/\|/g, '\\|')}\`` : '–');
  const out = [
    `# Migration plan: ${md(review.source)} → ${md(review.target)}`,
    '',
    `Planned ${review.createdAt} by ${TOOL_NAME} ${toolVersion()}. Nothing was written. This report names places and coordinates, never secret values.`,
    '',
    '## Summary',
    '',
    ...t(
      ['Action', 'Reason', 'Count'],
      review.summary.map((s) => [s.action, s.reason ?? '', s.count]),
    ),
    '',
    `**Estimate:** ${estimateText(review.estimate)}.`,
    '',
    '## Risks',
    '',
    ...(review.risks.length ? review.risks.map((r) => `- ${md(r)}`) : ['None found.']),
    '',
    '## Per workspace',
    '',
    ...t(
      ['Workspace', ...ACTIONS],
      review.byWorkspace.map((w) => [code(w.workspaceId ?? '(none)'), ...ACTIONS.map((a) => w[a])]),
    ),
    '',
    '## Per connector',
    '',
    ...t(
      ['Connector', 'Workspace', ...ACTIONS],
      review.byConnector.map((c) => [md(c.name), code(c.workspaceId ?? ''), ...ACTIONS.map((a) => c[a])]),
    ),
    '',
    '## Conflicts and their fixes',
    '',
    ...(review.conflicts.length
      ? review.conflicts.flatMap((c) => [`- **${c.reason}** (${c.count}): ${md(c.fix)}`])
      : ['None.']),
    '',
    `## Every action (${review.items.length})`,
    '',
    ...t(
      ['Action', 'Connector', 'Where', 'Coordinate', 'Detail'],
      review.items.map((i) => {
        const w = where(i);
        return [i.action, md(i.name ?? ''), code(w.place), code(w.coordinate), md(detailOf(i))];
      }),
    ),
    '',
  ];
  return out.join('\n');
}

/** The review as one self-contained HTML page (no script, no external asset; CSP forbids both). */
export function renderPlanReviewHtml(review: PlanReview): string {
  const num = (n: number) => `<td class="num${n === 0 ? ' zero' : ''}">${n}</td>`;
  const cards = ACTIONS.map((a) => {
    const n = review.summary.filter((s) => s.action === a).reduce((sum, s) => sum + s.count, 0);
    return `<div class="card ${a}"><span class="n">${n}</span><span class="l">${a}</span></div>`;
  }).join('');
  const rows = review.items
    .map((i) => {
      const w = where(i);
      return `<tr class="${i.action}"><td><span class="tag ${i.action}">${i.action}</span></td><td>${h(i.name ?? '')}</td><td><code>${h(w.place)}</code></td><td><code>${h(w.coordinate)}</code></td><td>${h(detailOf(i))}</td></tr>`;
    })
    .join('\n');
  return `${htmlHead(`Migration plan: ${review.source} → ${review.target}`, CSS)}
<body>
<header>
<h1>Migration plan</h1>
<p class="meta"><strong>${h(review.source)}</strong> → <strong>${h(review.target)}</strong> · planned <time>${h(review.createdAt)}</time> · nothing was written</p>
</header>
<main>
<div class="cards">${cards}</div>
<p class="estimate"><strong>Estimate:</strong> ${h(estimateText(review.estimate))}</p>
<h2>Risks</h2>
${review.risks.length ? `<ul class="risks">${review.risks.map((r) => `<li>${h(r)}</li>`).join('')}</ul>` : '<p>None found.</p>'}
<h2>Conflicts and their fixes</h2>
${
  review.conflicts.length
    ? `<table><thead><tr><th>Reason</th><th class="num">Count</th><th>Fix</th></tr></thead><tbody>${review.conflicts
        .map(
          (c) =>
            `<tr><td><span class="tag conflict">${h(c.reason)}</span></td>${num(c.count)}<td>${h(c.fix)}</td></tr>`,
        )
        .join('')}</tbody></table>`
    : '<p>None.</p>'
}
<h2>Per workspace</h2>
<table><thead><tr><th>Workspace</th>${ACTIONS.map((a) => `<th class="num">${a}</th>`).join('')}</tr></thead><tbody>
${review.byWorkspace.map((w) => `<tr><td><code>${h(w.workspaceId ?? '(none)')}</code></td>${ACTIONS.map((a) => num(w[a])).join('')}</tr>`).join('\n')}
</tbody></table>
<h2>Per connector</h2>
<table><thead><tr><th>Connector</th><th>Workspace</th>${ACTIONS.map((a) => `<th class="num">${a}</th>`).join('')}</tr></thead><tbody>
${review.byConnector.map((c) => `<tr><td>${h(c.name)}</td><td><code>${h(c.workspaceId ?? '')}</code></td>${ACTIONS.map((a) => num(c[a])).join('')}</tr>`).join('\n')}
</tbody></table>
<h2>Every action (${review.items.length})</h2>
<table class="items"><thead><tr><th>Action</th><th>Connector</th><th>Where</th><th>Coordinate</th><th>Detail</th></tr></thead><tbody>
${rows}
</tbody></table>
</main>
<footer>Generated by ${h(TOOL_NAME)} ${h(toolVersion())}. This report names places and coordinates, never secret values.</footer>
</body>
</html>
`;
}

export const PLAN_REPORT_RENDERERS: Readonly<Record<PlanReportFormat, (r: PlanReview) => string>> = {
  markdown: renderPlanReviewMarkdown,
  html: renderPlanReviewHtml,
  json: renderPlanReviewJson,
};

const CSS = `
:root{--fg:#1d2433;--muted:#5b6476;--line:#e3e7ee;--bg:#f6f7fa;--card:#fff}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--fg);font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans","Liberation Sans",Arial,sans-serif}
header,main,footer{max-width:1200px;margin:0 auto;padding:0 28px}
header{padding-top:28px}
h1{font-size:28px;margin:0 0 4px}
h2{font-size:20px;margin:32px 0 12px}
.meta{color:var(--muted);margin:0}
code{font:12.5px/1.4 ui-monospace,"DejaVu Sans Mono","Liberation Mono",monospace;background:#eef0f5;border-radius:4px;padding:1px 5px;word-break:break-all}
.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(140px,1fr));gap:12px;margin:24px 0}
.card{background:var(--card);border:1px solid var(--line);border-top:4px solid var(--c);border-radius:10px;padding:14px 16px;display:flex;flex-direction:column}
.card .n{font-size:28px;font-weight:650;font-variant-numeric:tabular-nums}
.card .l{color:var(--muted);font-size:13px;text-transform:capitalize}
.copy{--c:#2f6fde}.extract{--c:#7c3aed}.skip{--c:#8a94a6}.conflict{--c:#b42318}
.tag{display:inline-block;white-space:nowrap;border-radius:999px;padding:0 9px;font-size:12px;font-weight:600;color:#fff;background:var(--c)}
.estimate{background:var(--card);border:1px solid var(--line);border-radius:10px;padding:12px 16px}
.risks{background:#fff8e6;border:1px solid #f0d58c;border-radius:10px;padding:12px 16px 12px 36px;margin:0}
table{width:100%;border-collapse:collapse;background:var(--card);border:1px solid var(--line);font-size:14px}
th,td{text-align:left;padding:7px 12px;border-bottom:1px solid var(--line);vertical-align:top}
th{background:#f0f2f7;font-weight:600;font-size:12.5px;text-transform:uppercase;letter-spacing:.03em;color:var(--muted)}
.num{text-align:right;font-variant-numeric:tabular-nums}
.zero{color:#b8bfcc}
footer{color:var(--muted);font-size:13px;padding-top:24px;padding-bottom:32px}
`;
