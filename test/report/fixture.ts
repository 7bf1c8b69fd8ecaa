import { createHash } from 'node:crypto';
import { DEFAULT_SEVERITY } from '../../src/audit/severity.js';
import type { AuditReport, Finding, FindingCategory, Severity } from '../../src/audit/types.js';

export const WS_A = 'e0eb0554-ffe0-4e9c-9dc0-ed7f52023eb2';
export const WS_B = '5a1f2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d';
export const WS_C = '0b6c1d2e-3f40-4152-8637-48596a7b8c9d';

/** An actor name as a hostile user could type it: markup, a table pipe and Markdown emphasis. */
export const HOSTILE_NAME = '<script>alert("x")</script> | *prod* & `db`';

function coordinate(ws: string, n: number, version = 1): string {
  const tail = `9eba44d8-51e7-48f1-bde2-${String(n).padStart(12, '0')}`;
  return `airbyte_workspace_${ws}_secret_${tail}_v${version}`;
}

interface Spec {
  category: FindingCategory;
  severity?: Severity;
  holder?: string;
  workspaceId: string | null;
  actorId?: string | null;
  actorName?: string | null;
  actorType?: 'source' | 'destination';
  path?: string | null;
  coordinate?: string | null;
  message: string;
}

export function finding(spec: Spec): Finding {
  const f: Finding = {
    id: '',
    category: spec.category,
    severity: spec.severity ?? DEFAULT_SEVERITY[spec.category],
    holder: spec.holder ?? 'actor',
    workspaceId: spec.workspaceId,
    actorId: spec.actorId ?? null,
    actorName: spec.actorName ?? null,
    path: spec.path ?? null,
    coordinate: spec.coordinate ?? null,
    message: spec.message,
  };
  if (spec.actorType) f.actorType = spec.actorType;
  f.id = createHash('sha256')
    .update([f.category, f.holder, f.workspaceId, f.actorId, f.path, f.coordinate].join('\u0000'))
    .digest('hex')
    .slice(0, 32);
  return f;
}

const ACTOR_1 = '3f1b7a52-0c1e-4b7e-9d7b-1c2d3e4f5a61';
const ACTOR_2 = '7a8b9c0d-1e2f-4a3b-8c4d-5e6f7a8b9c02';
const ACTOR_3 = 'c1d2e3f4-a5b6-4c7d-8e9f-0a1b2c3d4e03';
const ACTOR_4 = 'd4e5f6a7-b8c9-4d0e-9f1a-2b3c4d5e6f04';

/** A realistic audit of three workspaces and one store, with a finding of every category. */
export function sampleReport(): AuditReport {
  const findings: Finding[] = [
    finding({
      category: 'plaintext-inline',
      workspaceId: WS_A,
      actorId: ACTOR_1,
      actorName: 'Postgres (prod)',
      actorType: 'source',
      path: '$.password',
      message: 'Secret field $.password of source "Postgres (prod)" holds a plaintext value.',
    }),
    finding({
      category: 'plaintext-inline',
      workspaceId: WS_A,
      actorId: ACTOR_1,
      actorName: 'Postgres (prod)',
      actorType: 'source',
      path: '$.tunnel_method.tunnel_user_password',
      message: 'Secret field $.tunnel_method.tunnel_user_password holds a plaintext value.',
    }),
    finding({
      category: 'dangling-reference',
      workspaceId: WS_A,
      actorId: ACTOR_2,
      actorName: HOSTILE_NAME,
      actorType: 'destination',
      path: '$.credentials.client_secret',
      coordinate: coordinate(WS_A, 1, 3),
      message: 'The reference at $.credentials.client_secret points to a coordinate the store does not have.',
    }),
    finding({
      category: 'masked-value',
      workspaceId: WS_B,
      actorId: ACTOR_3,
      actorName: 'Stripe',
      actorType: 'source',
      path: '$.client_secret',
      message: 'Secret field $.client_secret holds the mask "**********" instead of a value.',
    }),
    finding({
      category: 'coordinate-as-value',
      workspaceId: WS_B,
      actorId: ACTOR_3,
      actorName: 'Stripe',
      actorType: 'source',
      path: '$.account_id',
      coordinate: coordinate(WS_B, 2),
      message: 'Field $.account_id holds a coordinate as plain text.',
    }),
    finding({
      category: 'shared-coordinate',
      workspaceId: WS_B,
      actorId: ACTOR_4,
      actorName: 'Snowflake',
      actorType: 'destination',
      path: '$.credentials.password',
      coordinate: coordinate(WS_B, 3),
      message: 'Coordinate is also referenced by 1 other configuration.',
    }),
    finding({
      category: 'workspace-mismatch',
      workspaceId: WS_C,
      actorId: ACTOR_4,
      actorName: 'Snowflake',
      actorType: 'destination',
      path: '$.credentials.password',
      coordinate: coordinate(WS_B, 3),
      message: `Reference names a coordinate of workspace ${WS_B}.`,
    }),
    finding({
      category: 'suspicious-plaintext',
      workspaceId: WS_C,
      actorId: ACTOR_2,
      actorName: 'Custom HTTP',
      actorType: 'source',
      path: '$.headers.api_token',
      message: 'Field $.headers.api_token is not marked secret but its name looks like a credential.',
    }),
    finding({
      category: 'missing-spec',
      workspaceId: WS_C,
      actorId: ACTOR_3,
      actorName: 'Legacy connector',
      actorType: 'source',
      message: 'No spec found for actor definition version 1d2e…; secret fields are unknown.',
    }),
    finding({
      category: 'plaintext-database-store',
      holder: 'secrets',
      workspaceId: WS_A,
      coordinate: coordinate(WS_A, 4),
      message: "Secret is stored in Airbyte's plaintext secrets table.",
    }),
    finding({
      category: 'plaintext-inline',
      holder: 'workspace_webhook',
      workspaceId: WS_B,
      actorId: WS_B,
      path: '$.webhookConfigs[0].authToken',
      message: 'Webhook auth token holds a plaintext value.',
    }),
    finding({
      category: 'orphaned-secret',
      holder: 'vault',
      workspaceId: null,
      coordinate: coordinate(WS_C, 5),
      message: 'The store holds this secret but no configuration references it.',
    }),
    finding({
      category: 'store-unreachable',
      holder: 'vault',
      workspaceId: null,
      message: 'Vault answered 503 for 2 reads; those references were not checked.',
    }),
  ];
  const bySeverity: AuditReport['summary']['bySeverity'] = {};
  const byCategory: AuditReport['summary']['byCategory'] = {};
  for (const f of findings) {
    bySeverity[f.severity] = (bySeverity[f.severity] ?? 0) + 1;
    byCategory[f.category] = (byCategory[f.category] ?? 0) + 1;
  }
  return {
    summary: {
      startedAt: '2025-03-14T02:00:00.000Z',
      finishedAt: '2025-03-14T02:00:41.512Z',
      store: 'vault at http://airbyte-vault-svc:8200',
      holdersScanned: 412,
      secretsFound: 1187,
      byCategory,
      bySeverity,
    },
    findings,
  };
}

export function emptyReport(): AuditReport {
  return {
    summary: {
      startedAt: '2025-03-15T02:00:00.000Z',
      finishedAt: '2025-03-15T02:00:12.000Z',
      store: 'database',
      holdersScanned: 12,
      secretsFound: 30,
      byCategory: {},
      bySeverity: {},
    },
    findings: [],
  };
}
