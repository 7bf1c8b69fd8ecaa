import { STORE_KINDS, storeDefinition } from '../stores/registry.js';
import { UsageError } from '../util/errors.js';
import { type ChartShape, V1_SECRET_NAME } from './chart-keys.js';
import { isMapping, readYamlDocuments } from './yaml-file.js';

/**
 * The `secretsManager` part of an Airbyte Helm values file, in either chart shape:
 *
 *   global:                                   global:
 *     secretsManager:          # chart v1       secretsManager:          # chart v2
 *       type: awsSecretManager                    type: AWS_SECRET_MANAGER
 *       secretsManagerSecretName: airbyte-…       secretName: airbyte-…
 *       awsSecretManager:                         awsSecretManager:
 *         region: us-east-1                         region: us-east-1
 *         authenticationType: credentials          kmsArn: arn:aws:kms:…
 *         kms: arn:aws:kms:…
 *
 * Airbyte's own docs mix the two (a v2 `type` with v1 `kms` or `secretsManagerSecretName`). The
 * shape decides what is read as that chart reads it: the spelling `type` must have, the KMS key
 * (`kmsArn` or `kms`), `authenticationType`, the tags' form and the default key names inside the
 * Kubernetes Secret. The data-plane chart's top-level `secretsManager` is read too.
 */
export interface HelmSecretsManager {
  file: string;
  /** Where the block was found: `global.secretsManager` or `secretsManager`. */
  path: string;
  shape: ChartShape;
  /** The file has no `global.secretsManager` (nor a top-level `secretsManager`) at all. */
  absent?: true;
  /** `type` as written, `''` when present but empty, absent when not written. */
  type?: string;
  /** The Kubernetes Secret holding the credentials, when the values say or chart v1 implies it. */
  secretName?: string;
  /** Each store's block (`vault`, `awsSecretManager`, ...), by its name in the values. */
  blocks: Partial<Record<string, Record<string, unknown>>>;
}

/** The store blocks the charts know, from the stores' definitions. */
const BLOCK_NAMES: string[] = STORE_KINDS.flatMap((kind) => storeDefinition(kind).names.valuesBlock ?? []);

export async function loadHelmValues(file: string): Promise<HelmSecretsManager> {
  const docs = await readYamlDocuments(file, 'values file');
  if (docs.length > 1)
    throw new UsageError(`${file}: a values file holds one YAML document, found ${docs.length}`);
  const root = docs[0] ?? {};
  if (root !== null && !isMapping(root))
    throw new UsageError(`${file}: a values file must be a YAML mapping`);
  const top = root ?? {};
  const global = top.global ?? undefined;
  if (global !== undefined && global !== null && !isMapping(global)) {
    throw new UsageError(`${file}: global must be a mapping`);
  }
  let path = 'global.secretsManager';
  let sm: unknown = global?.secretsManager;
  if (sm === undefined || sm === null) {
    path = 'secretsManager';
    sm = top.secretsManager;
  }
  if (sm === undefined || sm === null) {
    return { file, path: 'global.secretsManager', shape: 'v2', blocks: {}, absent: true };
  }
  if (!isMapping(sm)) throw new UsageError(`${file}: ${path} must be a mapping`);

  const type = optionalString(file, `${path}.type`, sm.type);
  const blocks: HelmSecretsManager['blocks'] = {};
  for (const name of BLOCK_NAMES) {
    const block = sm[name];
    if (block === undefined || block === null) continue;
    if (!isMapping(block)) throw new UsageError(`${file}: ${path}.${name} must be a mapping`);
    blocks[name] = block;
  }
  const shape = detectShape(type, sm, blocks);
  const globalSecretName = global ? optionalString(file, 'global.secretName', global.secretName) : undefined;
  const secretName =
    nonEmpty(optionalString(file, `${path}.secretName`, sm.secretName)) ??
    nonEmpty(optionalString(file, `${path}.secretsManagerSecretName`, sm.secretsManagerSecretName)) ??
    nonEmpty(globalSecretName) ??
    (shape === 'v1' ? V1_SECRET_NAME : undefined);
  return {
    file,
    path,
    shape,
    ...(type !== undefined ? { type } : {}),
    ...(secretName ? { secretName } : {}),
    blocks,
  };
}

/**
 * Which chart the file is written for, from the keys only one chart reads: chart v1 names the
 * Secret `secretsManagerSecretName` and renders `SECRET_PERSISTENCE` as snakecase(type), so a
 * camelCase or lower-case `type` is v1's; chart v2 names it `secretName` and reads `kmsArn`. An
 * upper-case `type` works in both charts (v1 lower-cases it), so it only decides when nothing
 * else does; without any of these, chart v1's `kms` points to v1.
 */
function detectShape(
  type: string | undefined,
  sm: Record<string, unknown>,
  blocks: HelmSecretsManager['blocks'],
): ChartShape {
  if (present(sm.secretsManagerSecretName) && !present(sm.secretName)) return 'v1';
  if (present(sm.secretName)) return 'v2';
  const aws = blocks.awsSecretManager;
  if (aws && present(aws.kmsArn)) return 'v2';
  if (type) return /^[A-Z0-9_]+$/.test(type) ? 'v2' : 'v1';
  if (aws && present(aws.kms)) return 'v1';
  return 'v2';
}

/** Written with a value: Airbyte's docs leave unused keys as `""` or a bare comment. */
function present(raw: unknown): boolean {
  return raw !== undefined && raw !== null && raw !== '';
}

/**
 * A scalar setting of a store block: absent, null and `""` are all "not set" (Airbyte's docs
 * leave placeholders as `""` or as a bare comment). Numbers are taken as text (GCP project numbers).
 */
export function valuesText(values: HelmSecretsManager, block: string, key: string): string | undefined {
  const raw = values.blocks[block]?.[key];
  return nonEmpty(optionalString(values.file, `${values.path}.${block}.${key}`, raw));
}

/**
 * Tags as the charts take them: a list of `{key, value}` (both charts render it `k=v,k2=v2`), or a
 * ready `k=v,k2=v2` string (chart v2 passes Azure's verbatim). Entries without a key are
 * placeholders and skipped. `form` says which of the two was written, as the charts treat them
 * differently.
 */
export function valuesTags(
  values: HelmSecretsManager,
  block: string,
): { tags: Record<string, string>; form: 'list' } | { tags: string; form: 'text' } | undefined {
  const where = `${values.path}.${block}.tags`;
  const raw = values.blocks[block]?.tags;
  if (raw === undefined || raw === null || raw === '') return undefined;
  if (typeof raw === 'string') return { tags: raw, form: 'text' };
  if (!Array.isArray(raw) && !isMapping(raw)) {
    throw new UsageError(`${values.file}: ${where} must be a list of {key, value} or a k=v,k2=v2 string`);
  }
  const entries: [unknown, unknown][] = Array.isArray(raw)
    ? raw.map((item, i) => {
        if (!isMapping(item)) {
          throw new UsageError(`${values.file}: ${where}[${i}] must be a mapping of key and value`);
        }
        return [item.key, item.value];
      })
    : Object.entries(raw);
  const tags: Record<string, string> = {};
  for (const [key, value] of entries) {
    const k = scalarText(key);
    if (!k) continue;
    tags[k] = scalarText(value) ?? '';
  }
  return { tags, form: 'list' };
}

function optionalString(file: string, where: string, raw: unknown): string | undefined {
  if (raw === undefined || raw === null) return undefined;
  const text = scalarText(raw);
  if (text === undefined) throw new UsageError(`${file}: ${where} must be a string`);
  return text;
}

function scalarText(raw: unknown): string | undefined {
  if (typeof raw === 'string') return raw;
  if (typeof raw === 'number' && Number.isFinite(raw)) return String(raw);
  return undefined;
}

function nonEmpty(text: string | undefined): string | undefined {
  return text === undefined || text.trim() === '' ? undefined : text.trim();
}
