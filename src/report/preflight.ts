import type { PreflightReport } from '../preflight/index.js';
import { cleanText } from './text.js';

/**
 * `doctor`, like `gh auth status`: a heading per part checked, one line per check with ✓ or ✗,
 * and for ✗ the fix on the same line; then how many failed.
 */
export function renderPreflight(report: PreflightReport): string {
  const out: string[] = [];
  const subjects = [
    ...new Set([...report.subjects.map((s) => s.subject), ...report.checks.map((c) => c.subject)]),
  ];
  for (const subject of subjects) {
    const description = report.subjects.find((s) => s.subject === subject)?.description;
    out.push(`${subject}${description ? `: ${cleanText(description)}` : ''}`);
    for (const c of report.checks.filter((x) => x.subject === subject)) {
      const fix = !c.ok && c.fix ? ` — fix: ${cleanText(c.fix)}` : '';
      out.push(`  ${c.ok ? '✓' : '✗'} ${c.name}: ${cleanText(c.detail)}${fix}`);
    }
  }
  const failed = report.checks.filter((c) => !c.ok).length;
  out.push('', failed === 0 ? 'All checks passed.' : `${failed} check${failed === 1 ? '' : 's'} failed.`);
  return out.join('\n');
}
