import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { parse as parseYaml, YAMLParseError } from 'yaml';
import { UsageError } from '../util/errors.js';
import { isJsonObject } from './json-path.js';

/**
 * Reading connector specs (and configs) from files. Error messages name the file and where it is
 * malformed, never its content: the same reader loads configs that hold secrets, and both JSON
 * and YAML parsers quote the offending text in their own messages.
 */

/** Reads a JSON or YAML file (by extension; anything else is tried as JSON, then YAML). */
export async function loadJsonOrYamlFile(file: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new UsageError(`Cannot read ${file}: ${fsReason(err)}`);
  }
  const ext = extname(file).toLowerCase();
  if (ext === '.yaml' || ext === '.yml') return parseYamlText(text, file);
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    if (ext === '.json') throw new UsageError(`${file} is not valid JSON${jsonWhere(err)}`);
  }
  return parseYamlText(text, file);
}

/** Reads a spec file and returns its `connectionSpecification` (see `connectionSpecificationOf`). */
export async function loadSpecFile(file: string): Promise<unknown> {
  const doc = await loadJsonOrYamlFile(file);
  try {
    return connectionSpecificationOf(doc);
  } catch (err) {
    throw new UsageError(`${file}: ${(err as Error).message}`);
  }
}

/**
 * The JSON Schema inside a spec document. Accepts a `ConnectorSpecification`
 * (`connectionSpecification`, or a manifest's `connection_specification`), a wrapper holding one
 * under `spec` (an `actor_definition_version` row, a registry entry), or a bare schema object.
 */
export function connectionSpecificationOf(spec: unknown): unknown {
  if (!isJsonObject(spec)) throw new Error('a connector spec must be a JSON object');
  for (const holder of [spec, spec.spec]) {
    if (!isJsonObject(holder)) continue;
    for (const name of ['connectionSpecification', 'connection_specification']) {
      if (Object.hasOwn(holder, name)) {
        const schema = holder[name];
        if (!isJsonObject(schema)) throw new Error(`${name} must be a JSON object`);
        return schema;
      }
    }
  }
  return spec;
}

function parseYamlText(text: string, file: string): unknown {
  try {
    return parseYaml(text, { logLevel: 'error' }) as unknown;
  } catch (err) {
    if (err instanceof YAMLParseError) {
      const pos = err.linePos?.[0];
      throw new UsageError(
        `${file} is not valid YAML (${err.code}${pos ? ` at line ${pos.line} column ${pos.col}` : ''})`,
      );
    }
    throw new UsageError(`${file} is not valid YAML`);
  }
}

/** Keeps only the position from V8's JSON.parse message, which otherwise quotes the input. */
function jsonWhere(err: unknown): string {
  const msg = err instanceof Error ? err.message : '';
  const lc = /line (\d+) column (\d+)/.exec(msg);
  if (lc) return ` (line ${lc[1]} column ${lc[2]})`;
  const pos = /position (\d+)/.exec(msg);
  if (pos) return ` (at character ${pos[1]})`;
  if (/end of JSON input/i.test(msg)) return ' (it ends too early)';
  return '';
}

function fsReason(err: unknown): string {
  const code = (err as { code?: unknown }).code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'EISDIR') return 'it is a directory';
  return typeof code === 'string' ? code : 'read failed';
}
