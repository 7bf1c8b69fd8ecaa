import { randomBytes } from 'node:crypto';
import { mkdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { ComparedAuditReport } from '../audit/comparison.js';
import { UsageError } from '../util/errors.js';
import { renderHtml } from './html.js';
import { renderJson } from './json.js';
import { renderMarkdown } from './markdown.js';
import { renderSarif } from './sarif.js';
import { renderTable } from './table.js';

export const REPORT_FORMATS = ['table', 'json', 'sarif', 'markdown', 'html'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

const RENDERERS: Readonly<Record<ReportFormat, (report: ComparedAuditReport) => string>> = {
  table: renderTable,
  json: renderJson,
  sarif: renderSarif,
  markdown: renderMarkdown,
  html: renderHtml,
};

/** File extension of each format, used when one `--output` path has to hold several formats. */
export const REPORT_EXTENSIONS: Readonly<Record<ReportFormat, string>> = {
  table: '.txt',
  json: '.json',
  sarif: '.sarif',
  markdown: '.md',
  html: '.html',
};

/** Extensions stripped from `--output` before the per-format one is added (longest first). */
const KNOWN_EXTENSIONS = ['.sarif.json', '.sarif', '.json', '.markdown', '.md', '.html', '.htm', '.txt'];

/** File name used when `--output` names a directory. */
export const DEFAULT_REPORT_BASENAME = 'audit';

export function renderReport(report: ComparedAuditReport, format: ReportFormat): string {
  return RENDERERS[format](report);
}

/**
 * Parses `--format`: comma-separated and/or repeated, `md` accepted for `markdown`; duplicates
 * dropped, order kept. Throws a `UsageError` naming the valid formats.
 */
export function parseReportFormats(input: string | readonly string[]): ReportFormat[] {
  const words = (typeof input === 'string' ? [input] : input)
    .flatMap((part) => part.split(','))
    .map((w) => w.trim().toLowerCase())
    .filter((w) => w !== '')
    .map((w) => (w === 'md' ? 'markdown' : w));
  if (words.length === 0) throw new UsageError(`--format needs one of: ${REPORT_FORMATS.join(', ')}`);
  const formats: ReportFormat[] = [];
  for (const w of words) {
    if (!(REPORT_FORMATS as readonly string[]).includes(w)) {
      throw new UsageError(`--format: unknown format "${w}". Use ${REPORT_FORMATS.join(', ')}`);
    }
    if (!formats.includes(w as ReportFormat)) formats.push(w as ReportFormat);
  }
  return formats;
}

/**
 * Where each format goes for one `--output` value:
 * - a directory (existing, or written with a trailing `/`): `<dir>/audit.<ext>` per format;
 * - one format: exactly the given path;
 * - several formats: the path with a known report extension stripped, plus each format's
 *   extension (`/reports/audit` or `/reports/audit.json` → `/reports/audit.sarif`, `.html`, …).
 */
export async function reportPaths(
  output: string,
  formats: readonly ReportFormat[],
): Promise<Map<ReportFormat, string>> {
  const isDir = /[/\\]$/.test(output) || (await stat(output).catch(() => null))?.isDirectory() === true;
  const paths = new Map<ReportFormat, string>();
  if (isDir) {
    for (const f of formats) paths.set(f, join(output, DEFAULT_REPORT_BASENAME + REPORT_EXTENSIONS[f]));
    return paths;
  }
  const [only, ...more] = formats;
  if (only !== undefined && more.length === 0) {
    paths.set(only, output);
    return paths;
  }
  const lower = output.toLowerCase();
  const ext = KNOWN_EXTENSIONS.find((e) => lower.endsWith(e) && lower.length > e.length);
  const base = ext ? output.slice(0, -ext.length) : output;
  for (const f of formats) paths.set(f, base + REPORT_EXTENSIONS[f]);
  return paths;
}

export interface WriteReportsOptions {
  formats: readonly ReportFormat[];
  /** File or directory; absent means standard output (one format only). */
  output?: string;
  /** Where standard output goes. @default process.stdout.write */
  write?: (text: string) => void;
  /** Another report for some formats: `audit` gives the Markdown and table ones only the findings shown. */
  shown?: Partial<Record<ReportFormat, ComparedAuditReport>>;
}

export interface WrittenReport {
  format: ReportFormat;
  /** The file written, or `null` for standard output. */
  path: string | null;
}

/**
 * Renders the report in every asked format and writes it. Files are written to a temporary name
 * in the same directory and renamed, so a reader (a CI upload, a browser) never sees half a
 * report; missing directories are created.
 */
export async function writeReports(
  report: ComparedAuditReport,
  options: WriteReportsOptions,
): Promise<WrittenReport[]> {
  const formats = [...new Set(options.formats)];
  const [first] = formats;
  if (first === undefined) throw new UsageError(`--format needs one of: ${REPORT_FORMATS.join(', ')}`);
  if (options.output === undefined || options.output === '-') {
    if (formats.length > 1) {
      throw new UsageError(
        `--format ${formats.join(',')} writes several reports: give --output <file or directory>`,
      );
    }
    const write = options.write ?? ((text: string) => void process.stdout.write(text));
    write(renderReport(options.shown?.[first] ?? report, first));
    return [{ format: first, path: null }];
  }
  const written: WrittenReport[] = [];
  for (const [format, path] of await reportPaths(options.output, formats)) {
    try {
      await writeAtomically(path, renderReport(options.shown?.[format] ?? report, format));
    } catch (err) {
      // A path the job cannot write is a configuration problem (exit 2), said in one line.
      const code = (err as { code?: unknown }).code;
      throw new UsageError(
        `cannot write the ${format} report to ${path}: ${typeof code === 'string' ? code : String(err)}`,
      );
    }
    written.push({ format, path });
  }
  return written;
}

/** Writes `text` to `path` readable by the owner only (0600), through a temporary file renamed into place. */
export async function writeAtomically(path: string, text: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    await writeFile(tmp, text, { encoding: 'utf8', mode: 0o600 });
    await rename(tmp, path);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}
