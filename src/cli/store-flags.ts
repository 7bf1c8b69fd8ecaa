import { Flags, type Interfaces } from '@oclif/core';
import { definitionFor, STORE_KINDS } from '../stores/registry.js';

type StringFlag = Interfaces.OptionFlag<string | undefined>;
type BooleanFlag = Interfaces.BooleanFlag<boolean>;

/**
 * Flags that choose and configure secret stores, shared by migrate, verify, audit and cleanup.
 * Commands spread the groups they need and hand the parsed flags to `resolveStoreSettings`,
 * which also reads Airbyte's env names; flags here deliberately have no `env` option, so there is
 * one precedence rule (env < values file < flag) and it lives in `src/config/`.
 */

const STORES = 'database, vault, aws, gcp, azure, or Airbyte names such as AWS_SECRET_MANAGER';

const floatFlag = Flags.custom<number>({
  parse: async (input) => {
    const n = Number(input);
    if (!Number.isFinite(n) || n <= 0) throw new Error(`expected a number above 0, got "${input}"`);
    return n;
  },
});

export const fromStoreFlags = {
  from: Flags.string({
    summary: `Store the secrets are in now: ${STORES} (default: SECRET_PERSISTENCE, else database).`,
    helpGroup: 'SOURCE STORE',
  }),
  'from-values': Flags.string({
    summary: "Airbyte's Helm values.yaml for the source (global.secretsManager, chart v1 or v2).",
    helpGroup: 'SOURCE STORE',
  }),
  'from-secret': Flags.string({
    summary: 'Kubernetes Secret manifest holding the source credentials (data or stringData).',
    helpGroup: 'SOURCE STORE',
  }),
};

export const toStoreFlags = {
  to: Flags.string({
    summary: `Store to move the secrets to: ${STORES}.`,
    helpGroup: 'TARGET STORE',
  }),
  'to-values': Flags.string({
    summary: 'Helm values.yaml describing the target (global.secretsManager, chart v1 or v2).',
    helpGroup: 'TARGET STORE',
  }),
  'to-secret': Flags.string({
    summary: 'Kubernetes Secret manifest holding the target credentials (data or stringData).',
    helpGroup: 'TARGET STORE',
  }),
};

/**
 * Per-store settings, from each store's definition (its folder declares its flags); each applies to
 * the side using that store (the target when both do). One help group per store.
 */
export const targetStoreFlags: Record<string, StringFlag | BooleanFlag> = Object.fromEntries(
  STORE_KINDS.flatMap((kind) =>
    definitionFor(kind).flags.map((f): [string, StringFlag | BooleanFlag] => {
      const options = { summary: f.summary, helpGroup: kind.toUpperCase() };
      if (f.type === 'boolean') return [f.name, Flags.boolean<boolean>(options)];
      return [f.name, Flags.string(options)];
    }),
  ),
);

/** Pacing of the target store (of the source for commands without a target); defaults from each provider's quota. */
export const limitFlags = {
  concurrency: Flags.integer({
    summary:
      'Most store requests and items in flight at once, a maximum (default: adaptive, starting at 8-16 and growing up to 256 for Vault, 128 for clouds, the pool size for the database).',
    min: 1,
    helpGroup: 'LIMITS',
  }),
  rate: floatFlag({
    summary:
      "Requests per second: writes for AWS, Google and Azure, every request for database and Vault (default: 0.97 × the provider's published quota; slows down when throttled, to just under what the service admits).",
    helpGroup: 'LIMITS',
  }),
};

/** The store Airbyte uses now, for commands that work on one store (verify, audit, rekey). */
export const storeInUseFlags = {
  store: Flags.string({
    summary: `Store to use: ${STORES} (default: the one Airbyte uses, SECRET_PERSISTENCE, else database).`,
    helpGroup: 'STORE',
  }),
  'store-values': Flags.string({ summary: 'Helm values.yaml describing the store.', helpGroup: 'STORE' }),
  'store-secret': Flags.string({
    summary: 'Kubernetes Secret manifest with its credentials (data or stringData).',
    helpGroup: 'STORE',
  }),
};
