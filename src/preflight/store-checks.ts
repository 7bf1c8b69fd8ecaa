import { randomUUID } from 'node:crypto';
import { StoreError } from '../stores/errors.js';
import { storeDefinition } from '../stores/registry.js';
import type { SecretStore, StoreCheck } from '../stores/types.js';
import { SecretValue } from '../util/secret-value.js';
import type { PreflightPurpose } from './types.js';

/** The throwaway name a probe reads (and, with `--write-probe`, writes and deletes). */
export function probeName(newUuid: () => string = randomUUID): string {
  return `airbyte_secrets_probe_${newUuid()}`;
}

/**
 * Every check of one opened store: its own (`preflight()`: reachability, credentials, mount),
 * whether Airbyte could use it, a read of a name that is not there, a list, the write probe and its
 * quota row. The first blocking failure ends the list (what follows would fail the same way).
 */
export async function checkStore(
  store: SecretStore,
  purpose: PreflightPurpose,
  newUuid: () => string = randomUUID,
): Promise<StoreCheck[]> {
  const checks: StoreCheck[] = [];
  const own = store.preflight ? await store.preflight({ writes: purpose.writes }) : [];
  checks.push(...own);
  if (own.some((c) => !c.ok && c.blocking)) return checks;
  if (store.airbyteIncompatibility) {
    checks.push({ name: 'usable by Airbyte', ok: false, detail: store.airbyteIncompatibility });
  }
  const probe = probeName(newUuid);
  const read = await attempt('read', store, async () => {
    const found = await store.read(probe);
    return found === undefined ? 'allowed (a name that is not there reads as absent)' : 'allowed';
  });
  checks.push(read);
  if (!read.ok) return checks;
  if (purpose.list) {
    checks.push(
      await attempt('list', store, async () => {
        for await (const _ of store.list()) return 'allowed (Airbyte names found)';
        return 'allowed (no Airbyte names yet)';
      }),
    );
  }
  if (purpose.writeProbe) checks.push(await writeProbe(store, probeName(newUuid)));
  checks.push(quotaCheck(store));
  return checks;
}

/** Writes a random value under `name`, reads it back, deletes it for good. */
async function writeProbe(store: SecretStore, name: string): Promise<StoreCheck> {
  const value = new SecretValue(randomUUID());
  let written = false;
  const check = await attempt('write probe', store, async () => {
    await store.write(name, value);
    written = true;
    const back = await store.read(name);
    if (!back?.equals(value)) throw new Error(`${name} read back differently`);
    await store.delete(name, { hard: true });
    written = false;
    return `wrote, read back and deleted ${name}`;
  });
  if (written) {
    // Best effort: a probe left behind is named so it can be found and removed by hand.
    await store.delete(name, { hard: true }).catch(() => undefined);
  }
  return check;
}

function quotaCheck(store: SecretStore): StoreCheck {
  const q = storeDefinition(store.kind).quota;
  const rate = (label: string, r: number | undefined) => (r === undefined ? [] : [`${label} ${r}/s`]);
  const parts = [
    `${q.concurrency} in flight`,
    ...rate('writes', q.writeRate),
    ...rate('reads', q.readRate),
    ...rate('metadata', q.metadataRate),
  ];
  return { name: 'quota', ok: true, detail: `${parts.join(', ')} (${q.source})` };
}

/** Runs one store call; a failure becomes a blocking ✗ with the fix its class calls for. */
async function attempt(name: string, store: SecretStore, call: () => Promise<string>): Promise<StoreCheck> {
  try {
    return { name, ok: true, detail: await call() };
  } catch (err) {
    const detail = err instanceof StoreError ? err.message : err instanceof Error ? err.message : String(err);
    return { name, ok: false, blocking: true, detail, fix: fixFor(err, name, store) };
  }
}

/** How the services say the credentials themselves were refused (not a missing right): AWS, Google, Azure, Vault. */
const CREDENTIALS_REFUSED =
  /\b401\b|UNAUTHENTICATED|UnrecognizedClient|InvalidClientTokenId|ExpiredToken|SignatureDoesNotMatch|InvalidSignature|invalid_client|invalid_grant|token (is )?(invalid|expired)/i;

function fixFor(err: unknown, name: string, store: SecretStore): string {
  const failure = err instanceof StoreError ? err.kind : undefined;
  const what = name === 'write probe' ? 'write and delete' : name;
  if (
    failure === 'permission-denied' &&
    CREDENTIALS_REFUSED.test(err instanceof StoreError ? (err.detail ?? '') : '')
  ) {
    return `the ${store.kind} credentials are not accepted (wrong, expired or revoked): set valid ones (env, Secret manifest or flags, as for migrate)`;
  }
  if (failure === 'permission-denied') {
    return `grant ${what} on ${store.nameOf('airbyte_*')} to the credentials in use (README: Minimum permissions)`;
  }
  if (failure === 'transient' || failure === 'throttled')
    return `check that ${store.kind} is reachable and try again`;
  return `check the ${store.kind} settings (README: Minimum permissions)`;
}
