import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot, packageVersion } from '../util/package-root.js';

/** What scripts/build-info.mjs records in dist/build-info.json at build (and so pack) time. */
interface BuildInfo {
  version: string;
  commit: string | null;
  dirty?: boolean;
  source?: string;
}

function readBuildInfo(root: string): BuildInfo | undefined {
  const file = join(root, 'dist', 'build-info.json');
  if (!existsSync(file)) return undefined;
  const parsed: unknown = JSON.parse(readFileSync(file, 'utf8'));
  if (typeof parsed !== 'object' || parsed === null) return undefined;
  const info = parsed as Partial<BuildInfo>;
  if (typeof info.version !== 'string') return undefined;
  return {
    version: info.version,
    commit: typeof info.commit === 'string' ? info.commit : null,
    ...(typeof info.dirty === 'boolean' ? { dirty: info.dirty } : {}),
    ...(typeof info.source === 'string' ? { source: info.source } : {}),
  };
}

function commitLine(info: BuildInfo | undefined, version: string): string {
  if (!info) return 'commit unknown (no dist/build-info.json: not built with npm run build)';
  if (info.version !== version) return `commit unknown (dist/ was built for version ${info.version})`;
  if (!info.commit) return 'commit unknown (built outside a git checkout)';
  return `commit ${info.commit}${info.dirty ? ' (with uncommitted changes)' : ''}`;
}

/** `airbyte-secrets --version`: the package version, the commit dist/ was built from, the runtime. */
export function versionText(root = packageRoot()): string {
  const version = packageVersion();
  return [
    `airbyte-secrets ${version}`,
    commitLine(readBuildInfo(root), version),
    `node ${process.version} ${process.platform}-${process.arch}`,
  ].join('\n');
}
