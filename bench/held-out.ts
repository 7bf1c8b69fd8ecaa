import { randomUUID } from 'node:crypto';
import { formatCoordinate } from '../src/airbyte/coordinates.js';
import { withLimits } from '../src/stores/limits.js';
import { createStore } from '../src/stores/open.js';
import { SecretValue } from '../src/util/secret-value.js';
import { runCli } from '../test/helpers/cli.js';
import { seededDatabase } from './database.js';
import { startRemoteEmulator } from './remote-emulator.js';
import { settingsFor } from './settings.js';

/**
 * The acceptance check, measured as a user would run it: `airbyte-secrets migrate --to
 * vault` (the built CLI, a process of its own, Node start-up included) with default settings,
 * from the database store of a seeded Airbyte database holding about 1,200 secrets to a Vault
 * in another process answering after 20 ms. The baseline is a plain sequential loop of the 3
 * requests a secret costs in Vault (read, write, read-back) on the same server, timed over
 * `sequentialSecrets` secrets and scaled to the migration's count.
 */
export interface HeldOutResult {
  secrets: number;
  actors: number;
  latencyMs: number;
  wallSeconds: number;
  ok: boolean;
  exitCode: number | null;
  /** Requests the Vault server answered during the migration. */
  vaultRequests: number;
  sequential: { secrets: number; wallSeconds: number; secondsPerSecret: number };
  /** Sequential seconds for the same count ÷ the migration's wall time. */
  speedup: number;
}

/** Live actors with one managed secret each give about this many referenced coordinates per actor. */
const ACTORS_FOR_1200 = 640;

export async function benchHeldOut(options: {
  latencyMs: number;
  actors?: number;
  sequentialSecrets: number;
}): Promise<HeldOutResult> {
  const actors = options.actors ?? ACTORS_FOR_1200;
  const vault = await startRemoteEmulator('vault', { latencyMs: options.latencyMs, quota: false });
  const db = await seededDatabase('heldout', actors, { shapes: ['secret'] });
  try {
    const secrets = Number(
      (await db.pool.query<{ n: string }>('SELECT count(*) AS n FROM secrets')).rows[0]?.n,
    );
    const settings = settingsFor(vault);
    const sequential = await sequentialLoop(settings, options.sequentialSecrets);
    await vault.reset();
    const start = performance.now();
    const r = await runCli(
      [
        'migrate',
        '--database-url',
        db.url,
        '--to',
        'vault',
        '--vault-address',
        vault.url,
        '--vault-prefix',
        'secret/',
        '--json',
      ],
      { env: { VAULT_AUTH_TOKEN: vault.credentials.token ?? '' } },
    );
    const wallSeconds = (performance.now() - start) / 1000;
    let ok = false;
    try {
      ok = (JSON.parse(r.stdout) as { ok?: boolean }).ok === true;
    } catch {
      ok = false;
    }
    const summary = await vault.summary();
    return {
      secrets,
      actors,
      latencyMs: options.latencyMs,
      wallSeconds,
      ok: ok && r.code === 0,
      exitCode: r.code,
      vaultRequests: summary.requests,
      sequential,
      speedup: (sequential.secondsPerSecret * secrets) / wallSeconds,
    };
  } finally {
    await db.close();
    await vault.close();
  }
}

/** read, write, read-back, one secret after the other, one request at a time. */
async function sequentialLoop(
  settings: ReturnType<typeof settingsFor>,
  n: number,
): Promise<HeldOutResult['sequential']> {
  const store = withLimits(await createStore(settings, { limits: false }), {
    concurrency: 1,
    adaptive: false,
  });
  try {
    const ws = randomUUID();
    await store.read(formatCoordinate({ baseId: ws, uuid: randomUUID() }));
    const start = performance.now();
    for (let i = 0; i < n; i++) {
      const coordinate = formatCoordinate({ baseId: ws, uuid: randomUUID() });
      const value = new SecretValue(`sequential-${i}`);
      await store.read(coordinate);
      await store.write(coordinate, value, { expectAbsent: true });
      await store.read(coordinate);
    }
    const wallSeconds = (performance.now() - start) / 1000;
    return { secrets: n, wallSeconds, secondsPerSecret: wallSeconds / n };
  } finally {
    await store.close();
  }
}
