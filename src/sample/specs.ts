import { readdir, readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { isJsonObject } from '../airbyte/json-path.js';
import { nameUuid } from './random.js';
import { listSampleSpecs } from './sample-specs.js';

/** One connector the seeder installs: a definition with one version holding this spec. */
export interface SeedConnector {
  name: string;
  actorType: 'source' | 'destination';
  dockerRepository: string;
  dockerImageTag: string;
  definitionId: string;
  /** The whole ConnectorSpecification (`connectionSpecification`, maybe `advanced_auth`). */
  spec: Record<string, unknown>;
}

/**
 * The connectors to seed with: the project's own sample specs by default, or every `*.json` in
 * `dir`. A file there may be a published-spec wrapper (`{ name, actorType, dockerRepository,
 * dockerImageTag, definitionId, spec }`), a sample spec (with an `x-sample` block), or a bare
 * ConnectorSpecification (named after the file, `destination-*` files are destinations).
 */
export async function loadSeedConnectors(dir?: string): Promise<SeedConnector[]> {
  if (!dir) {
    const samples = await listSampleSpecs();
    return samples.map((s) => ({
      name: s.name,
      actorType: s.actorType,
      dockerRepository: s.dockerRepository,
      dockerImageTag: '0.1.0',
      definitionId: nameUuid(s.dockerRepository),
      spec: s.spec,
    }));
  }
  const files = (await readdir(dir)).filter((f) => f.endsWith('.json')).sort();
  const out: SeedConnector[] = [];
  for (const file of files) {
    const doc: unknown = JSON.parse(await readFile(join(dir, file), 'utf8'));
    const c = toConnector(file, doc);
    if (c) out.push(c);
  }
  if (out.length === 0) throw new Error(`no connector specs in ${dir}`);
  return out;
}

function toConnector(file: string, doc: unknown): SeedConnector | null {
  if (!isJsonObject(doc)) return null;
  const stem = basename(file, '.json');
  const fallbackType = stem.startsWith('destination-') ? 'destination' : 'source';
  if (isJsonObject(doc.spec) && isJsonObject(doc.spec.connectionSpecification)) {
    const name = str(doc.name) ?? stem;
    const repo = str(doc.dockerRepository) ?? `airbyte/${stem}`;
    return {
      name,
      actorType: doc.actorType === 'destination' ? 'destination' : fallbackType,
      dockerRepository: repo,
      dockerImageTag: str(doc.dockerImageTag) ?? '0.1.0',
      definitionId: str(doc.definitionId)?.toLowerCase() ?? nameUuid(repo),
      spec: doc.spec,
    };
  }
  if (isJsonObject(doc.connectionSpecification)) {
    const { 'x-sample': meta, ...spec } = doc;
    const m = isJsonObject(meta) ? meta : {};
    const repo = str(m.dockerRepository) ?? `airbyte/${stem}`;
    return {
      name: str(m.name) ?? stem,
      actorType: m.actorType === 'destination' || m.actorType === 'source' ? m.actorType : fallbackType,
      dockerRepository: repo,
      dockerImageTag: '0.1.0',
      definitionId: nameUuid(repo),
      spec,
    };
  }
  return null;
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}
