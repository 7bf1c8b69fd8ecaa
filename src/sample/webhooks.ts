import type { SeedContext, Workspace } from './context.js';
import type { Holder } from './planter.js';
import { cyclic } from './random.js';

type WebhookConfigs = { webhookConfigs: Array<Record<string, unknown>> };

/**
 * `workspace.webhook_operation_configs` for the first two workspaces: a dbt Cloud token stored as
 * a `_secret` reference, and a Slack token left in plaintext (written before Airbyte split them).
 */
export function buildWebhookConfigs(ctx: Omit<SeedContext, 'connectors'>): Map<string, WebhookConfigs> {
  const out = new Map<string, WebhookConfigs>();
  const add = (w: Workspace, name: string, shape: 'secret' | 'plaintext'): void => {
    const cfg = out.get(w.id) ?? { webhookConfigs: [] };
    const h: Holder = {
      holder: 'workspace_webhook',
      rowId: w.id,
      workspaceId: w.id,
      prefix: 'workspace_',
      baseId: w.id,
    };
    const path = `$.webhookConfigs[${cfg.webhookConfigs.length}].authToken`;
    cfg.webhookConfigs.push({ id: ctx.rng.uuid(), name, authToken: ctx.planter.node(shape, h, path) });
    out.set(w.id, cfg);
  };
  add(cyclic(ctx.workspaces, 0), 'dbt Cloud', 'secret');
  add(cyclic(ctx.workspaces, 1), 'Slack alerts', 'plaintext');
  ctx.manifest.webhookWorkspaces = [...out.keys()];
  return out;
}
