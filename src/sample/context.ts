import type { AirbyteSchemaInfo } from '../airbyte/schema-detect.js';
import type { SeedManifest } from './manifest.js';
import type { Planter } from './planter.js';
import type { Random } from './random.js';
import type { SeedConnector } from './specs.js';

/** A connector installed by the seeder: its default version and that spec's secret path templates. */
export interface Connector extends SeedConnector {
  versionId: string;
  templates: string[];
}

export interface Workspace {
  id: string;
  slug: string;
  organizationId: string | null;
}

/** What the parts of the seeder share. */
export interface SeedContext {
  rng: Random;
  info: AirbyteSchemaInfo;
  planter: Planter;
  manifest: SeedManifest;
  connectors: Connector[];
  workspaces: Workspace[];
}
