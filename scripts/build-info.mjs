// Records in dist/build-info.json the version and the commit dist/ was compiled from, so
// `airbyte-secrets --version` can name them in an installed package, where there is no git.
// The commit comes from AIRBYTE_SECRETS_COMMIT (the Dockerfile's SOURCE_COMMIT, whose build
// context has no .git) or else from git; outside a git checkout it is recorded as unknown.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

function git(...args) {
  try {
    return execFileSync('git', args, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return undefined;
  }
}

/** Only a checkout of this package counts, not a git repository that merely contains it. */
function inOwnCheckout() {
  const top = git('rev-parse', '--show-toplevel');
  return top !== undefined && git('rev-parse', '--show-prefix') === '';
}

function buildInfo() {
  const given = process.env.AIRBYTE_SECRETS_COMMIT?.trim();
  if (given) return { version, commit: given, source: 'AIRBYTE_SECRETS_COMMIT' };
  if (!inOwnCheckout()) return { version, commit: null, source: 'no git checkout' };
  const commit = git('rev-parse', 'HEAD') ?? null;
  // Files that git tracks and that differ from the commit (untracked files are not built from).
  const dirty = (git('status', '--porcelain', '--untracked-files=no') ?? '') !== '';
  return { version, commit, dirty, source: 'git' };
}

const info = buildInfo();
mkdirSync(join(root, 'dist'), { recursive: true });
writeFileSync(join(root, 'dist', 'build-info.json'), `${JSON.stringify(info, null, 2)}\n`);
