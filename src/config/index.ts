/** The settings API commands use: resolve a side's store, describe it, and say how to switch Airbyte to it. */

export type { DatabaseConnection } from '../airbyte/connection.js';
export {
  type CutoverEnv,
  type CutoverValues,
  cutoverEnv,
  cutoverValues,
  cutoverValuesYaml,
} from './cutover.js';
export { describeSettings } from './describe.js';
export { AIRBYTE_ENV, currentEnvironment } from './environment.js';
export {
  chooseStoreKind,
  DEFAULT_SOURCE_NOTE,
  type ResolveStoreInput,
  resolveStoreSettings,
  type StoreChoice,
} from './store-settings.js';
