import type { Location, Log, ReportingDescriptor, Result } from 'sarif';
import type { ComparedAuditReport, ComparedFinding, ResolvedFinding } from '../audit/comparison.js';
import { DEFAULT_SEVERITY } from '../audit/severity.js';
import { FINDING_CATEGORIES, type Finding, type Severity } from '../audit/types.js';
import { categoryText } from './categories.js';
import { resolvedPlace, sortResolved } from './comparison-text.js';
import { sortFindings } from './tally.js';
import { TOOL_NAME, toolVersion } from './tool-info.js';

/** Where the official 2.1.0 schema is published (the `$schema` of every log). */
export const SARIF_SCHEMA_URI =
  'https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json';

/** Key of the stable finding id in `partialFingerprints` (versioned, as SARIF recommends). */
export const FINGERPRINT_KEY = 'airbyteSecretsFindingId/v1';

type Level = 'error' | 'warning' | 'note';

const LEVEL: Readonly<Record<Severity, Level>> = {
  critical: 'error',
  high: 'error',
  medium: 'warning',
  low: 'note',
  info: 'note',
};

/** GitHub code scanning ranks alerts by this score (critical > 9, high 7–8.9, medium 4–6.9, low < 4). */
const SECURITY_SEVERITY: Readonly<Record<Severity, string>> = {
  critical: '9.5',
  high: '8.0',
  medium: '5.5',
  low: '3.0',
  info: '0.0',
};

/**
 * The audit as a SARIF 2.1.0 log: one run, one rule per finding category (all of them, so rule
 * indexes never shift), one result per finding. Findings are not in source files, so each result
 * names its place twice: a logical location (workspace, holder, row, JSON path) and an
 * `airbyte://` artifact URI for viewers that only show physical locations. A compared report
 * sets each result's `baselineState` (`new` or `unchanged`) and adds the resolved findings as
 * results with `baselineState: absent`.
 */
export function toSarif(report: ComparedAuditReport): Log {
  const rules = FINDING_CATEGORIES.map(ruleFor);
  const { summary } = report;
  return {
    $schema: SARIF_SCHEMA_URI,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: TOOL_NAME,
            version: toolVersion(),
            semanticVersion: toolVersion(),
            rules,
          },
        },
        automationDetails: { id: `${TOOL_NAME}/audit/${summary.startedAt}` },
        invocations: [
          {
            executionSuccessful: true,
            startTimeUtc: summary.startedAt,
            endTimeUtc: summary.finishedAt,
          },
        ],
        results: [
          ...sortFindings(report.findings).map(resultFor),
          ...sortResolved(report.comparison?.resolved ?? []).map(absentResultFor),
        ],
        properties: {
          store: summary.store,
          holdersScanned: summary.holdersScanned,
          secretsFound: summary.secretsFound,
          ...(report.comparison ? { comparison: comparisonProperties(report.comparison) } : {}),
        },
      },
    ],
  };
}

export function renderSarif(report: ComparedAuditReport): string {
  return `${JSON.stringify(toSarif(report), null, 2)}\n`;
}

function ruleFor(category: (typeof FINDING_CATEGORIES)[number]): ReportingDescriptor {
  const text = categoryText(category);
  const severity = DEFAULT_SEVERITY[category];
  return {
    id: category,
    name: text.name,
    shortDescription: { text: text.summary },
    fullDescription: { text: `${text.summary} ${text.detail}` },
    help: { text: `${text.detail} Fix: ${text.fix}`, markdown: `${text.detail}\n\n**Fix:** ${text.fix}` },
    defaultConfiguration: { level: LEVEL[severity] },
    properties: {
      tags: ['security', 'secrets', 'airbyte'],
      severity,
      'security-severity': SECURITY_SEVERITY[severity],
    },
  };
}

function resultFor(f: ComparedFinding): Result {
  return {
    ruleId: f.category,
    ruleIndex: FINDING_CATEGORIES.indexOf(f.category),
    level: LEVEL[f.severity],
    message: { text: f.message },
    locations: [locationFor(f)],
    partialFingerprints: { [FINGERPRINT_KEY]: f.id },
    ...(f.status ? { baselineState: f.status === 'new' ? 'new' : 'unchanged' } : {}),
    properties: {
      findingId: f.id,
      severity: f.severity,
      holder: f.holder,
      workspaceId: f.workspaceId,
      actorId: f.actorId,
      actorName: f.actorName,
      ...(f.actorType ? { actorType: f.actorType } : {}),
      path: f.path,
      coordinate: f.coordinate,
    },
  };
}

/** A finding of the previous run that is gone: `baselineState: absent`, located where it was. */
function absentResultFor(r: ResolvedFinding): Result {
  const at: Finding = { ...r, id: r.findingId, actorName: null, message: '' };
  const index = FINDING_CATEGORIES.indexOf(r.category);
  const where = r.path ? `${resolvedPlace(r)} at ${r.path}` : resolvedPlace(r);
  return {
    ruleId: r.category,
    ...(index >= 0 ? { ruleIndex: index } : {}),
    level: LEVEL[r.severity] ?? 'note',
    message: { text: `Resolved since the previous run: ${r.category} in ${where}.` },
    locations: [locationFor(at)],
    partialFingerprints: { [FINGERPRINT_KEY]: r.findingId },
    baselineState: 'absent',
    properties: {
      findingId: r.findingId,
      severity: r.severity,
      holder: r.holder,
      workspaceId: r.workspaceId,
      actorId: r.actorId,
      path: r.path,
      coordinate: r.coordinate,
    },
  };
}

function comparisonProperties(c: NonNullable<ComparedAuditReport['comparison']>) {
  return {
    previousRunId: c.previousRun?.id ?? null,
    previousRunStartedAt: c.previousRun?.startedAt ?? null,
    new: c.counts.new,
    open: c.counts.open,
    resolved: c.counts.resolved,
  };
}

const seg = (s: string) => encodeURIComponent(s);

/** `airbyte://workspace/<ws>/<holder>/<row>` or, outside any workspace, `airbyte://store/<holder>/<coordinate>`. */
export function findingUri(f: Finding): string {
  const tail = f.actorId ?? f.coordinate;
  const parts = f.workspaceId !== null ? ['workspace', f.workspaceId, f.holder] : ['store', f.holder];
  if (tail !== null) parts.push(tail);
  return `airbyte://${parts.map(seg).join('/')}`;
}

/** `workspace/<ws>/<holder>/<row>/<json path>`, the name a person searches for. */
export function findingQualifiedName(f: Finding): string {
  const parts = f.workspaceId !== null ? ['workspace', f.workspaceId, f.holder] : ['store', f.holder];
  const row = f.actorId ?? f.coordinate;
  if (row !== null) parts.push(row);
  if (f.path !== null) parts.push(f.path);
  return parts.join('/');
}

function locationFor(f: Finding): Location {
  return {
    physicalLocation: { artifactLocation: { uri: findingUri(f) } },
    logicalLocations: [
      {
        name: f.path ?? f.coordinate ?? f.holder,
        fullyQualifiedName: findingQualifiedName(f),
        kind: 'member',
      },
    ],
    ...(f.actorName ? { message: { text: `${f.actorType ?? f.holder} "${f.actorName}"` } } : {}),
  };
}
