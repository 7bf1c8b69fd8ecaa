import { UsageError } from '../util/errors.js';
import { SecretValue } from '../util/secret-value.js';
import { loadHelmValues } from './helm-values.js';
import { isMapping, readYamlDocuments } from './yaml-file.js';

/**
 * A Kubernetes Secret manifest, as written for Airbyte's chart or printed by
 * `kubectl get secret airbyte-config-secrets -o yaml`:
 *
 *   apiVersion: v1
 *   kind: Secret
 *   metadata: { name: airbyte-config-secrets }
 *   data: { vault-auth-token: aHZzLmV4YW1wbGU= }      # base64
 *   stringData: { gcp.json: '{"type": …}' }           # plain, wins over data
 *
 * A file may hold several documents or a `kind: List`; the Secret named by the values file is
 * used, or the only one there is. Values are kept as `SecretValue`s and never appear in errors.
 */
export interface SecretManifest {
  file: string;
  name?: string;
  keys: ReadonlyMap<string, SecretValue>;
}

export async function loadSecretManifest(file: string, wantedName?: string): Promise<SecretManifest> {
  const docs = await readYamlDocuments(file, 'Secret manifest');
  const secrets = docs.flatMap((doc) => {
    if (!isMapping(doc)) return [];
    if (doc.kind === 'Secret') return [doc];
    if (doc.kind === 'List' && Array.isArray(doc.items)) {
      return doc.items.filter(
        (item): item is Record<string, unknown> => isMapping(item) && item.kind === 'Secret',
      );
    }
    return [];
  });
  if (secrets.length === 0) throw new UsageError(`${file}: no Kubernetes Secret (kind: Secret) in the file`);
  const named = secrets.map((s) => ({ secret: s, name: secretName(s) }));
  const chosen =
    named.find((s) => wantedName !== undefined && s.name === wantedName) ??
    (named.length === 1 ? named[0] : undefined);
  if (!chosen) {
    const names = named.map((s) => s.name ?? '(unnamed)').join(', ');
    throw new UsageError(
      wantedName
        ? `${file}: holds Secrets ${names}, none named ${wantedName}`
        : `${file}: holds Secrets ${names}; pass a values file naming the one to use`,
    );
  }
  return {
    file,
    ...(chosen.name ? { name: chosen.name } : {}),
    keys: secretKeys(file, chosen.secret),
  };
}

/** The manifest's keys for `doctor` (names only, never a value): `airbyte-config-secrets in s.yaml: keys a, b`. */
export async function describeSecretManifest(file: string, valuesFile?: string): Promise<string> {
  const wanted = valuesFile ? (await loadHelmValues(valuesFile)).secretName : undefined;
  const manifest = await loadSecretManifest(file, wanted);
  const keys = [...manifest.keys.keys()].sort();
  const empty = [...manifest.keys].filter(([, v]) => v.isBlank).map(([k]) => k);
  const name = manifest.name ? `Secret ${manifest.name}` : 'the Secret';
  const blank = empty.length ? `; empty: ${empty.join(', ')}` : '';
  return `${name} in ${file}: ${keys.length} keys (${keys.join(', ') || 'none'})${blank}`;
}

function secretName(secret: Record<string, unknown>): string | undefined {
  const meta = secret.metadata;
  return isMapping(meta) && typeof meta.name === 'string' ? meta.name : undefined;
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/**
 * A `data:` value decoded, refused when it is plain text that merely looks like base64 (`root`,
 * `airbyte1`): its bytes are then not UTF-8 text, and using them would send garbage as a credential.
 */
function decodeBase64Text(file: string, key: string, compact: string): string {
  const bytes = Buffer.from(compact, 'base64');
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    text = '\u0000';
  }
  // Control characters other than tab and line breaks do not occur in tokens, keys or JSON.
  // biome-ignore lint/suspicious/noControlCharactersInRegex: finding them is the point
  if (/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\ufffd]/.test(text)) {
    throw new UsageError(
      `${file}: data.${key} does not decode from base64 to text: base64-encode it (base64 -w0) or move it to stringData`,
    );
  }
  return text;
}

function secretKeys(file: string, secret: Record<string, unknown>): Map<string, SecretValue> {
  const keys = new Map<string, SecretValue>();
  const { data, stringData } = secret;
  if (data !== undefined && data !== null) {
    if (!isMapping(data)) throw new UsageError(`${file}: the Secret's data must be a mapping`);
    for (const [key, raw] of Object.entries(data)) {
      if (raw === null || raw === undefined) continue;
      const compact = typeof raw === 'string' ? raw.replace(/\s+/g, '') : undefined;
      if (compact === undefined || compact.length % 4 !== 0 || !BASE64.test(compact)) {
        throw new UsageError(
          `${file}: data.${key} is not base64: base64-encode it (base64 -w0) or move it to stringData for plain text`,
        );
      }
      keys.set(key, new SecretValue(decodeBase64Text(file, key, compact)));
    }
  }
  if (stringData !== undefined && stringData !== null) {
    if (!isMapping(stringData)) throw new UsageError(`${file}: the Secret's stringData must be a mapping`);
    for (const [key, raw] of Object.entries(stringData)) {
      // A key left as a bare comment (`key: ## e.g. …`) is a placeholder, not a value.
      if (raw === null || raw === undefined) continue;
      if (typeof raw !== 'string' && typeof raw !== 'number' && typeof raw !== 'boolean') {
        throw new UsageError(`${file}: stringData.${key} must be a string`);
      }
      keys.set(key, new SecretValue(String(raw)));
    }
  }
  return keys;
}
