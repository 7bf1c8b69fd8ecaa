import { withLimits } from './limits.js';
import { definitionFor, type StoreSettings } from './registry.js';
import type { SecretStore } from './types.js';

/**
 * Builds the store the settings describe. Unless `limits: false`, it is wrapped in `withLimits`
 * with the kind's quota from its definition, overridden by `settings.limits`.
 */
export async function createStore(
  settings: StoreSettings,
  options: { limits?: boolean } = {},
): Promise<SecretStore> {
  const store = await definitionFor(settings.kind).open(settings);
  if (options.limits === false) return store;
  return withLimits(store, { ...settings.limits });
}
