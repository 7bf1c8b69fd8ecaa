import { isJsonObject } from '../airbyte/json-path.js';
import type { Random } from './random.js';

/**
 * A plausible connector configuration for a JSON Schema: consts and enums honoured, one branch of
 * each oneOf/anyOf, required properties always and optional ones sometimes, values that look like
 * what people type (hosts, ports, dates, buckets). Secret fields get SECRET_SLOT; the seeder
 * replaces every secret path afterwards, so no real-looking credential is ever generated here.
 */
export const SECRET_SLOT = 'to-be-planted';

const MAX_DEPTH = 8;

export function fakeConfig(schema: unknown, rng: Random): Record<string, unknown> {
  const v = fakeValue(schema, 'config', rng, 0);
  return isJsonObject(v) ? v : {};
}

function fakeValue(schema: unknown, name: string, rng: Random, depth: number): unknown {
  if (!isJsonObject(schema) || depth > MAX_DEPTH) return null;
  if (Object.hasOwn(schema, 'const')) return schema.const;
  if (Object.hasOwn(schema, 'airbyte_secret')) return SECRET_SLOT;
  if (Array.isArray(schema.enum) && schema.enum.length > 0) {
    return Object.hasOwn(schema, 'default') && rng.chance(0.5) ? schema.default : rng.pick(schema.enum);
  }
  const types = typesOf(schema);
  if (types.includes('object')) return fakeObject(schema, rng, depth);
  if (types.includes('array')) return fakeArray(schema, name, rng, depth);
  if (Object.hasOwn(schema, 'default') && rng.chance(0.6)) return schema.default;
  if (types.includes('integer') || types.includes('number')) return fakeNumber(name, rng);
  if (types.includes('boolean')) return rng.chance(0.3);
  if (types.includes('string')) return fakeString(schema, name, rng);
  return null;
}

function typesOf(schema: Record<string, unknown>): string[] {
  const t = schema.type;
  if (typeof t === 'string') return [t];
  if (Array.isArray(t)) return t.filter((x): x is string => typeof x === 'string');
  return ['object'];
}

function fakeObject(schema: Record<string, unknown>, rng: Random, depth: number): Record<string, unknown> {
  // Like Airbyte's walk: `properties` win over composite keywords.
  if (isJsonObject(schema.properties)) {
    const required = new Set(Array.isArray(schema.required) ? schema.required : []);
    const out: Record<string, unknown> = {};
    for (const [name, prop] of Object.entries(schema.properties)) {
      if (!isJsonObject(prop) || prop.airbyte_hidden === true) continue;
      if (required.has(name) || holdsSecret(prop) || rng.chance(0.5)) {
        const v = fakeValue(prop, name, rng, depth + 1);
        if (v !== null && v !== undefined) out[name] = v;
      }
    }
    return out;
  }
  if (Array.isArray(schema.allOf)) {
    return Object.assign({}, ...schema.allOf.map((b) => fakeObject(isJsonObject(b) ? b : {}, rng, depth)));
  }
  for (const keyword of ['oneOf', 'anyOf'] as const) {
    const branches = schema[keyword];
    if (Array.isArray(branches) && branches.length > 0) {
      const branch = rng.pick(branches);
      return isJsonObject(branch) ? fakeObject(branch, rng, depth) : {};
    }
  }
  return {};
}

function fakeArray(schema: Record<string, unknown>, name: string, rng: Random, depth: number): unknown[] {
  if (!isJsonObject(schema.items)) return [];
  const n = holdsSecret(schema.items) ? 2 : 1;
  const out: unknown[] = [];
  for (let i = 0; i < n; i++) {
    const v = fakeValue(schema.items, singular(name), rng, depth + 1);
    if (v !== null) out.push(v);
  }
  return out;
}

function holdsSecret(schema: unknown, depth = 0): boolean {
  if (!isJsonObject(schema) || depth > MAX_DEPTH) return false;
  if (Object.hasOwn(schema, 'airbyte_secret')) return true;
  const children = [
    ...(isJsonObject(schema.properties) ? Object.values(schema.properties) : []),
    ...(Array.isArray(schema.oneOf) ? schema.oneOf : []),
    ...(Array.isArray(schema.anyOf) ? schema.anyOf : []),
    ...(Array.isArray(schema.allOf) ? schema.allOf : []),
    schema.items,
  ];
  return children.some((c) => holdsSecret(c, depth + 1));
}

function singular(name: string): string {
  return name.endsWith('s') ? name.slice(0, -1) : name;
}

const HOSTS = ['db-primary', 'db-replica-2', 'warehouse', 'pg-analytics', 'mysql-orders', 'etl-gateway'];
const DOMAINS = ['internal.example.com', 'corp.example.net', 'eu-west-1.example.org'];
const WORDS = ['analytics', 'orders', 'marketing', 'finance', 'growth', 'billing', 'events', 'crm'];
const REGIONS = ['us-east-1', 'eu-west-1', 'europe-west4', 'us-central1'];

function fakeNumber(name: string, rng: Random): number {
  const n = name.toLowerCase();
  if (n.includes('port')) return rng.pick([5432, 3306, 1433, 22, 443, 8123]);
  if (n.includes('timeout') || n.includes('seconds')) return rng.pick([30, 60, 300]);
  if (n.includes('size') || n.includes('limit')) return rng.pick([100, 500, 1000, 10000]);
  return rng.int(100);
}

function fakeString(schema: Record<string, unknown>, name: string, rng: Random): string {
  const n = name.toLowerCase();
  const format = typeof schema.format === 'string' ? schema.format : '';
  const word = rng.pick(WORDS);
  if (format === 'date-time' || n.includes('start_date') || n.endsWith('_date')) {
    return `202${rng.int(5)}-0${1 + rng.int(9)}-01T00:00:00Z`;
  }
  if (format === 'date') return `202${rng.int(5)}-0${1 + rng.int(9)}-01`;
  if (format === 'email' || n.includes('email')) return `data-team+${word}@example.com`;
  if (format === 'uri' || n.includes('url') || n.includes('endpoint'))
    return `https://${word}.api.example.com`;
  if (n.includes('host')) return `${rng.pick(HOSTS)}.${rng.pick(DOMAINS)}`;
  if (n.includes('region') || n.includes('location')) return rng.pick(REGIONS);
  if (n.includes('bucket')) return `acme-${word}-${rng.pick(['raw', 'lake', 'staging'])}`;
  if (n === 'database' || n.includes('dbname') || n.includes('db_name')) return word;
  if (n.includes('schema') || n.includes('dataset') || n.includes('namespace')) return `${word}_raw`;
  if (n.includes('user') || n.includes('login')) return `airbyte_${word}`;
  if (n.includes('warehouse')) return `${word.toUpperCase()}_WH`;
  if (n.includes('role')) return `arn:aws:iam::123456789012:role/airbyte-${word}`;
  if (n.includes('project')) return `acme-${word}-prod`;
  if (n.includes('path') || n.includes('prefix')) return `airbyte/${word}`;
  if (n.includes('account') || n.includes('tenant') || n.includes('org')) return `acme-${word}`;
  if (n.includes('id')) return `${word}-${rng.hex(4)}`;
  return `${word}-${rng.int(1000)}`;
}
