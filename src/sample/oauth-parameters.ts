import { oauthServerOutputTemplates } from '../airbyte/inventory.js';
import type { SeedContext } from './context.js';
import { type Holder, putAt } from './planter.js';
import { cyclic } from './random.js';
import type { OAuthParameterRow } from './tables.js';

/** Instance-wide OAuth params carry no organization; their coordinates would use the default one. */
const DEFAULT_ORGANIZATION_ID = '00000000-0000-0000-0000-000000000000';

/**
 * OAuth overrides for up to two connectors with `advanced_auth`: an organization-wide row and a
 * workspace row stored as Airbyte stores them (reference id + `_secret`, with secret_config and
 * secret_reference rows of scope actor_oauth_parameter), and, for the first connector, a row still
 * in plaintext as written before Airbyte split these. Older schemas get `_secret` and plaintext.
 */
export function buildOAuthParameters(ctx: SeedContext): OAuthParameterRow[] {
  const candidates = ctx.connectors
    .map((c) => ({ c, paths: oauthServerOutputTemplates(c.spec.advanced_auth) }))
    .filter((x) => x.paths !== null)
    .slice(0, 2);
  const stored = ctx.info.secretReferences && ctx.info.secretsTable ? 'secret-with-reference' : 'secret';
  const orgColumn = ctx.info.oauthParameterOrganization;
  const org = ctx.manifest.organizations[0];
  const rows: OAuthParameterRow[] = [];
  candidates.forEach(({ c, paths }, n) => {
    const ws = cyclic(ctx.workspaces, n);
    const variants: Array<{ workspaceId: string | null; orgId: string | null; plaintext: boolean }> = [];
    if (orgColumn && org) variants.push({ workspaceId: null, orgId: org, plaintext: false });
    variants.push({ workspaceId: ws.id, orgId: null, plaintext: false });
    if (n === 0) variants.push({ workspaceId: orgColumn ? null : ws.id, orgId: null, plaintext: true });
    for (const v of variants) {
      const id = ctx.rng.uuid();
      const h: Holder = v.orgId
        ? {
            holder: 'actor_oauth_parameter',
            rowId: id,
            workspaceId: null,
            prefix: 'organization_',
            baseId: v.orgId,
          }
        : {
            holder: 'actor_oauth_parameter',
            rowId: id,
            workspaceId: v.workspaceId,
            prefix: 'workspace_',
            baseId: v.workspaceId ?? DEFAULT_ORGANIZATION_ID,
          };
      const config: Record<string, unknown> = {};
      for (const path of paths ?? [])
        putAt(config, path, ctx.planter.node(v.plaintext ? 'plaintext' : stored, h, path));
      rows.push({
        id,
        workspaceId: v.workspaceId,
        organizationId: v.orgId,
        definitionId: c.definitionId,
        configuration: JSON.stringify(config),
        actorType: c.actorType,
      });
      ctx.manifest.oauthParameters.push(id);
    }
  });
  return rows;
}
