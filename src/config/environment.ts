import { STORE_KINDS, storeDefinition } from '../stores/registry.js';

/**
 * The one place that reads `process.env`. Commands pass `currentEnvironment()` into
 * `resolveStoreSettings`, so tests hand in a plain object instead.
 */
export function currentEnvironment(): NodeJS.ProcessEnv {
  return process.env;
}

/** Airbyte's choice of store (airbyte-server application.yml, `airbyte.secret.persistence`). */
export const SECRET_PERSISTENCE_ENV = 'SECRET_PERSISTENCE';

/**
 * Every env name Airbyte reads for its secret store: SECRET_PERSISTENCE and each store's own
 * (airbyte-server application.yml, `airbyte.secret.*`), keyed by the name itself.
 */
export const AIRBYTE_ENV: Readonly<Record<string, string>> = Object.fromEntries(
  [SECRET_PERSISTENCE_ENV, ...STORE_KINDS.flatMap((kind) => storeDefinition(kind).airbyteEnv)].map((name) => [
    name,
    name,
  ]),
);
