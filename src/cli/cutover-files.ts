import { chmod, mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { stringify } from 'yaml';
import type { CutoverRunbook } from '../migrate/cutover.js';
import { UsageError } from '../util/errors.js';

export const RUNBOOK_FILES = {
  values: 'airbyte-secrets-values.yaml',
  secret: 'airbyte-secrets-secret.yaml',
  runbook: 'RUNBOOK.txt',
} as const;

/**
 * Writes the runbook's files into `dir`: the values patch, the Secret manifest (placeholders, or
 * with `env` its values from the env vars Airbyte reads, then mode 0600 from its creation), and
 * the runbook text. Values never reach stdout or an error message.
 */
export async function writeRunbookFiles(
  dir: string,
  runbook: CutoverRunbook,
  text: string,
  env?: NodeJS.ProcessEnv,
): Promise<{ values: string; secret: string; runbook: string; secretFilled: boolean }> {
  await mkdir(dir, { recursive: true });
  const paths = {
    values: join(dir, RUNBOOK_FILES.values),
    secret: join(dir, RUNBOOK_FILES.secret),
    runbook: join(dir, RUNBOOK_FILES.runbook),
  };
  await writeFile(paths.values, runbook.valuesPatch);
  await writeFile(paths.runbook, `${text}\n`);
  if (!env) {
    await writeFile(paths.secret, runbook.secretManifest);
    return { ...paths, secretFilled: false };
  }
  const missing = runbook.secretKeys.filter((k) => !env[k.env]);
  if (missing.length) {
    throw new UsageError(
      `--from-env: ${missing.map((k) => k.env).join(', ')} not set (the values of ${missing.map((k) => k.key).join(', ')})`,
    );
  }
  const manifest = stringify({
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: runbook.secretName, namespace: runbook.namespace },
    type: 'Opaque',
    stringData: Object.fromEntries(runbook.secretKeys.map((k) => [k.key, env[k.env] ?? ''])),
  });
  // Created afresh so the mode applies from the first byte.
  await rm(paths.secret, { force: true });
  await writeFile(paths.secret, manifest, { mode: 0o600 });
  await chmod(paths.secret, 0o600);
  return { ...paths, secretFilled: true };
}
