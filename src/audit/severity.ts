import { UsageError } from '../util/errors.js';
import { didYouMean } from '../util/nearest.js';
import {
  FINDING_CATEGORIES,
  type Finding,
  type FindingCategory,
  SEVERITIES,
  type Severity,
} from './types.js';

/**
 * How bad each kind of finding is when nothing else is known. A broken connector or a credential
 * readable in the config database is worse than untidiness (an orphaned secret) or an actor the
 * audit could not read fully (missing spec).
 */
export const DEFAULT_SEVERITY: Readonly<Record<FindingCategory, Severity>> = {
  'plaintext-inline': 'critical',
  'coordinate-as-value': 'high',
  'dangling-reference': 'high',
  'invalid-coordinate': 'high',
  'masked-value': 'high',
  'store-unreachable': 'high',
  'store-unusable-by-airbyte': 'critical',
  'plaintext-database-store': 'medium',
  'shared-coordinate': 'medium',
  'workspace-mismatch': 'medium',
  'suspicious-plaintext': 'medium',
  'missing-spec': 'low',
  'orphaned-secret': 'low',
};

export function defaultSeverity(category: FindingCategory): Severity {
  return DEFAULT_SEVERITY[category];
}

/** Rank of a severity: 0 for `critical`, larger for milder ones (the order of `SEVERITIES`). */
export function severityRank(severity: Severity): number {
  return SEVERITIES.indexOf(severity);
}

/** Sorts worst first: negative when `a` is worse than `b`. */
export function compareSeverity(a: Severity, b: Severity): number {
  return severityRank(a) - severityRank(b);
}

/** True when `severity` is `threshold` or worse. */
export function atLeast(severity: Severity, threshold: Severity): boolean {
  return severityRank(severity) <= severityRank(threshold);
}

/**
 * What `--fail-on` asks for: findings at or above a severity, and findings of named categories.
 * An empty rule (`none`) never fails.
 */
export interface FailOnRule {
  /** The mildest severity that fails; `null` when no severity was given. */
  minSeverity: Severity | null;
  categories: ReadonlySet<FindingCategory>;
}

export const NEVER_FAIL: FailOnRule = { minSeverity: null, categories: new Set() };

const isSeverity = (s: string): s is Severity => (SEVERITIES as readonly string[]).includes(s);
const isCategory = (s: string): s is FindingCategory => (FINDING_CATEGORIES as readonly string[]).includes(s);

/**
 * Parses `--fail-on`: a comma-separated list (or several flag values) of severities and
 * categories, e.g. `high`, `medium,orphaned-secret`, `none`. A severity means that severity or
 * worse; with several severities the mildest one counts. Throws a `UsageError` that lists the
 * valid words for anything else.
 */
export function parseFailOn(input: string | readonly string[]): FailOnRule {
  const words = (typeof input === 'string' ? [input] : input)
    .flatMap((part) => part.split(','))
    .map((w) => w.trim().toLowerCase())
    .filter((w) => w !== '');
  if (words.length === 0) throw new UsageError('--fail-on needs at least one severity or category');
  const never = words.filter((w) => w === 'none' || w === 'never');
  if (never.length > 0) {
    if (never.length === words.length) return NEVER_FAIL;
    throw new UsageError(`--fail-on: "${never[0]}" cannot be combined with other values`);
  }

  let minSeverity: Severity | null = null;
  const categories = new Set<FindingCategory>();
  for (const word of words) {
    if (isSeverity(word)) {
      if (minSeverity === null || severityRank(word) > severityRank(minSeverity)) minSeverity = word;
    } else if (isCategory(word)) {
      categories.add(word);
    } else {
      throw new UsageError(
        `--fail-on: unknown value "${word}".${didYouMean(word, [...SEVERITIES, ...FINDING_CATEGORIES, 'none'])} Use a severity (${SEVERITIES.join(', ')}), ` +
          `a category (${FINDING_CATEGORIES.join(', ')}), or none`,
      );
    }
  }
  return { minSeverity, categories };
}

/** True when this finding makes the run fail under `rule`. */
export function failsOn(finding: Pick<Finding, 'category' | 'severity'>, rule: FailOnRule): boolean {
  if (rule.categories.has(finding.category)) return true;
  return rule.minSeverity !== null && atLeast(finding.severity, rule.minSeverity);
}

/** The findings that make the run fail; the run fails when this is not empty. */
export function failingFindings<F extends Pick<Finding, 'category' | 'severity'>>(
  findings: readonly F[],
  rule: FailOnRule,
): F[] {
  return findings.filter((f) => failsOn(f, rule));
}

/** The rule written back as `--fail-on` text (for run options and messages). */
export function formatFailOn(rule: FailOnRule): string {
  const words = [...(rule.minSeverity ? [rule.minSeverity] : []), ...rule.categories];
  return words.length === 0 ? 'none' : words.join(',');
}
