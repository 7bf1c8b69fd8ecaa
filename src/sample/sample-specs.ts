import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isJsonObject } from '../airbyte/json-path.js';
import { packageRoot } from '../util/package-root.js';

/**
 * The connector specs shipped in `samples/specs/` (our own, hand-written): used by the demo
 * seeder, the docs and the tests. Each file is a ConnectorSpecification plus an `x-sample` block.
 */

export interface SampleSpec {
  /** File name inside samples/specs. */
  file: string;
  name: string;
  dockerRepository: string;
  actorType: 'source' | 'destination';
  /** The whole ConnectorSpecification (`connectionSpecification`, `advanced_auth`, …), without `x-sample`. */
  spec: Record<string, unknown>;
}

export function sampleSpecsDir(): string {
  return join(packageRoot(), 'samples', 'specs');
}

export async function listSampleSpecs(): Promise<SampleSpec[]> {
  const dir = sampleSpecsDir();
  const files = (await readdir(dir)).filter((f) => f.endsWith('.json')).sort();
  return Promise.all(
    files.map(async (file) => toSample(file, JSON.parse(await readFile(join(dir, file), 'utf8')))),
  );
}

function toSample(file: string, doc: unknown): SampleSpec {
  if (!isJsonObject(doc) || !isJsonObject(doc['x-sample']))
    throw new Error(`samples/specs/${file}: no x-sample block`);
  const { 'x-sample': meta, ...spec } = doc;
  const { name, dockerRepository, actorType } = meta;
  if (typeof name !== 'string' || typeof dockerRepository !== 'string') {
    throw new Error(`samples/specs/${file}: x-sample needs name and dockerRepository`);
  }
  if (actorType !== 'source' && actorType !== 'destination') {
    throw new Error(`samples/specs/${file}: x-sample.actorType must be source or destination`);
  }
  return { file, name, dockerRepository, actorType, spec };
}
