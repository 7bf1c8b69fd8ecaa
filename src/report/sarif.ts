import type { Location, Log, ReportingDescriptor, Result } from 'sarif';
import { DEFAULT_SEVERITY } from '../audit/severity.js';
import { type AuditReport, FINDING_CATEGORIES, type Finding, type Severity } from '../audit/types.js';
import { categoryText } from './categories.js';
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
 * `airbyte://` artifact URI for viewers that only show physical locations.
 */
export function toSarif(report: AuditReport): Log {
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
        results: sortFindings(report.findings).map(resultFor),
        properties: {
          store: summary.store,
          holdersScanned: summary.holdersScanned,
          secretsFound: summary.secretsFound,
        },
      },
    ],
  };
}

export function renderSarif(report: AuditReport): string {
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

function resultFor(f: Finding): Result {
  return {
    ruleId: f.category,
    ruleIndex: FINDING_CATEGORIES.indexOf(f.category),
    level: LEVEL[f.severity],
    message: { text: f.message },
    locations: [locationFor(f)],
    partialFingerprints: { [FINGERPRINT_KEY]: f.id },
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
