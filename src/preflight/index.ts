import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { StoreError } from '../stores/errors.js';
import type { SecretStore } from '../stores/types.js';
import { UsageError } from '../util/errors.js';
import { checkDatabase } from './database.js';
import { checkStore } from './store-checks.js';
import type { PreflightCheck, PreflightMode, PreflightPurpose, PreflightReport } from './types.js';

export { probeName } from './store-checks.js';
export type { PreflightCheck, PreflightMode, PreflightPurpose, PreflightReport } from './types.js';

/** What is checked: each part opens itself, so a part that cannot be opened is a ✗ line, not a crash. */
export interface PreflightTargets {
  database: { describe: string; open: () => Promise<pg.Pool> };
  journalSchema: string;
  /** `source`, `target` (or `store`), each opened from its settings. */
  stores: Array<{ subject: string; open: () => Promise<SecretStore> }>;
  /** Extra lines about the settings' files (the Kubernetes Secret manifest's keys). */
  files?: Array<{ subject: string; check: () => Promise<PreflightCheck['detail']> }>;
}

const DATABASE_FIX = 'check --database-url (or DATABASE_URL, DATABASE_USER, DATABASE_PASSWORD)';
const STORE_FIX = 'fix the setting named (its flag, values file, Secret manifest or env variable)';

/**
 * `doctor`: every check, each as one line. Never throws for a failed check; the report says which
 * failed and how to fix each.
 */
export async function runPreflight(
  targets: PreflightTargets,
  purpose: PreflightPurpose,
  newUuid: () => string = randomUUID,
): Promise<PreflightReport> {
  const checks: PreflightCheck[] = [];
  const subjects: PreflightReport['subjects'] = [];
  subjects.push({ subject: 'database', description: targets.database.describe });
  const pool = await opened('database', 'connection', checks, targets.database.open, DATABASE_FIX);
  if (pool) {
    checks.push({
      subject: 'database',
      name: 'connection',
      ok: true,
      detail: `connected to ${targets.database.describe}`,
    });
    const found = await checkDatabase(pool, targets.journalSchema, purpose).catch((err: unknown) => [
      {
        name: 'rights',
        ok: false,
        blocking: true,
        detail: messageOf(err),
        fix: 'check the role of --database-url',
      },
    ]);
    checks.push(...found.map((c) => ({ subject: 'database', ...c })));
  }
  for (const file of targets.files ?? []) {
    try {
      checks.push({ subject: file.subject, name: 'Secret manifest', ok: true, detail: await file.check() });
    } catch (err) {
      checks.push({
        subject: file.subject,
        name: 'Secret manifest',
        ok: false,
        detail: messageOf(err),
        fix: 'fix the manifest',
      });
    }
  }
  for (const side of targets.stores) {
    const store = await opened(side.subject, 'settings', checks, side.open, STORE_FIX);
    if (!store) continue;
    subjects.push({ subject: side.subject, description: store.description });
    const found = await checkStore(store, purpose, newUuid);
    checks.push(...found.map((c) => ({ subject: side.subject, ...c })));
  }
  return { ok: checks.every((c) => c.ok), subjects, checks };
}

/**
 * `plan`, `migrate`, `sync`: the checks of the database and the stores already opened, without
 * list or write probe; the first blocking failure stops the command with one line, before any
 * write and before a run is journaled. The failures that do not block are returned, one line
 * each, as risks for the plan's change-review report.
 */
export async function requirePreflight(
  pool: pg.Pool,
  journalSchema: string,
  stores: Array<{ subject: string; store: SecretStore }>,
  mode: PreflightMode,
): Promise<string[]> {
  const purpose = { writes: mode !== 'plan', rewrites: mode === 'migrate', list: false, writeProbe: false };
  const risks: string[] = [];
  const database = await checkDatabase(pool, journalSchema, purpose);
  const blocking = database.find((c) => !c.ok && c.blocking);
  if (blocking) throw preflightError({ subject: 'database', ...blocking });
  risks.push(...database.filter((c) => !c.ok).map((c) => riskLine({ subject: 'database', ...c })));
  if (mode === 'plan') {
    // A plan only reads; what would stop `migrate` later is a risk of the change it reviews.
    const applying = await checkDatabase(pool, journalSchema, { ...purpose, writes: true, rewrites: true });
    const known = new Set(database.map((c) => c.name));
    for (const c of applying) {
      if (!c.ok && !known.has(c.name))
        risks.push(`migrate would stop: ${riskLine({ subject: 'database', ...c })}`);
    }
  }
  for (const { subject, store } of stores) {
    const checks = await checkStore(store, purpose);
    const failed = checks.find((c) => !c.ok && c.blocking);
    if (failed) throw preflightError({ subject: `${subject} ${store.kind}`, ...failed });
    risks.push(
      ...checks.filter((c) => !c.ok).map((c) => riskLine({ subject: `${subject} ${store.kind}`, ...c })),
    );
  }
  return risks;
}

function riskLine(check: PreflightCheck): string {
  return `${check.subject} ${check.name}: ${check.detail}${check.fix ? `; fix: ${check.fix}` : ''}`;
}

/** One line: `target vault token: <what is wrong>; fix: <what to do>`. */
export function preflightError(check: PreflightCheck): UsageError {
  const fix = check.fix ? `; fix: ${check.fix}` : '';
  return new UsageError(
    `preflight: ${check.subject} ${check.name}: ${check.detail}${fix} (details: airbyte-secrets doctor)`,
  );
}

async function opened<T>(
  subject: string,
  name: string,
  checks: PreflightCheck[],
  open: () => Promise<T>,
  fix: string,
): Promise<T | undefined> {
  try {
    return await open();
  } catch (err) {
    // A store that cannot even be opened is unreachable, refuses the credentials, or is misconfigured.
    const failure = err instanceof StoreError ? err.kind : undefined;
    const unreachable = failure === 'transient' || failure === 'throttled';
    checks.push({
      subject,
      name: unreachable ? 'reachable' : failure === 'permission-denied' ? 'credentials' : name,
      ok: false,
      blocking: true,
      detail: messageOf(err),
      fix: unreachable ? 'check the address, the network path and that the service is up' : fix,
    });
    return undefined;
  }
}

function messageOf(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  return (text.split('\n')[0] ?? '').trim();
}
