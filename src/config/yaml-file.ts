import { readFile } from 'node:fs/promises';
import { parseAllDocuments } from 'yaml';
import { UsageError } from '../util/errors.js';

/**
 * Reads every YAML document of a file as plain data. Errors name the file, the line and the
 * parser's code, never the text around it: the file may be a Secret manifest full of credentials.
 */
export async function readYamlDocuments(file: string, what: string): Promise<unknown[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    const code = (err as { code?: string }).code ?? 'unreadable';
    throw new UsageError(`${file}: cannot read ${what} (${code})`);
  }
  const docs = parseAllDocuments(text, { prettyErrors: false });
  const list = Array.isArray(docs) ? docs : [];
  for (const doc of list) {
    const error = doc.errors[0];
    if (error) {
      const { line, column } = lineAndColumn(text, error.pos[0]);
      throw new UsageError(
        `${file}: ${what} is not valid YAML at line ${line}, column ${column} (${error.code})`,
      );
    }
  }
  try {
    return list.map((doc) => doc.toJS({ maxAliasCount: 100 }) as unknown);
  } catch {
    throw new UsageError(`${file}: ${what} is not valid YAML (too many aliases)`);
  }
}

function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return { line, column: offset - before.lastIndexOf('\n') };
}

export function isMapping(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
