import type pg from 'pg';
import { UsageError } from '../util/errors.js';

/**
 * The one writer lock of an Airbyte database: a session-level advisory lock on a fixed key, taken
 * on Airbyte's database itself by every command that writes (migrate, sync, rekey, rollback,
 * cleanup), whatever stores it names. Fixed, so that no spelling of a store or of the database URL
 * lets two writers in at once.
 */
export const WRITER_LOCK_KEY = 0x41425357; // "ABSW"

/** What holds the lock, as other sessions see it: the holder's application_name. */
const NAME_PREFIX = 'airbyte-secrets:';

export interface WriterLock {
  /** Names the holder (its command and run id) where a second writer reads it (application_name). */
  name(command: string, runId?: string): Promise<void>;
  /** Called once if the connection holding the lock is lost (the lock is then gone too). */
  onLost(handler: (err: Error) => void): void;
}

/**
 * Runs `fn` holding the writer lock, on one dedicated connection held for the whole command and
 * released in `finally`. Never waits: when another session holds the lock it throws one line
 * naming the command and run that hold it.
 */
export async function withWriterLock<T>(
  pool: pg.Pool,
  command: string,
  fn: (lock: WriterLock) => Promise<T>,
): Promise<T> {
  const client = await pool.connect();
  let lost: Error | undefined;
  const handlers: Array<(err: Error) => void> = [];
  const onError = (err: Error) => {
    if (lost) return;
    lost = err;
    for (const h of handlers) h(err);
  };
  client.on('error', onError);
  try {
    await client.query(`SELECT set_config('application_name', $1, false)`, [`${NAME_PREFIX}${command}`]);
    const got = await client.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1) AS ok', [
      WRITER_LOCK_KEY,
    ]);
    if (!got.rows[0]?.ok) throw new UsageError(await busyMessage(client));
  } catch (err) {
    client.removeListener('error', onError);
    client.release(lost ?? (err instanceof UsageError ? undefined : (err as Error)));
    throw err;
  }
  const lock: WriterLock = {
    async name(cmd, runId) {
      const name = `${NAME_PREFIX}${cmd}${runId ? `:${runId}` : ''}`;
      await client.query(`SELECT set_config('application_name', $1, false)`, [name]).catch(() => undefined);
    },
    onLost(handler) {
      if (lost) handler(lost);
      else handlers.push(handler);
    },
  };
  try {
    return await fn(lock);
  } finally {
    if (!lost) await client.query('SELECT pg_advisory_unlock($1)', [WRITER_LOCK_KEY]).catch(() => undefined);
    client.removeListener('error', onError);
    // A lost connection is destroyed, never handed back to the pool.
    client.release(lost);
  }
}

/** Who holds the lock: `another airbyte-secrets command (migrate, run <id>) is writing ...`. */
async function busyMessage(client: pg.ClientBase): Promise<string> {
  const r = await client
    .query<{ name: string | null }>(
      `SELECT a.application_name AS name FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
        WHERE l.locktype = 'advisory' AND l.granted AND l.classid = 0 AND l.objid::bigint = $1 AND l.objsubid = 1
          AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
        LIMIT 1`,
      [WRITER_LOCK_KEY],
    )
    .catch(() => ({ rows: [] as Array<{ name: string | null }> }));
  const name = r.rows[0]?.name ?? '';
  const [command, runId] = name.startsWith(NAME_PREFIX) ? name.slice(NAME_PREFIX.length).split(':') : [];
  const who = command ? `${command}${runId ? `, run ${runId}` : ''}` : 'an airbyte-secrets command';
  return `another writer holds this Airbyte database's lock (${who}): wait for it to finish or stop it, then run this again`;
}

/** pg's errors for a connection the server ended or that could not be made: the database is gone. */
export function isConnectionLost(err: unknown): boolean {
  const e = err as { code?: unknown; message?: unknown } | null;
  const code = typeof e?.code === 'string' ? e.code : '';
  if (/^(57P0[123]|08)/.test(code)) return true;
  if (['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ENOTFOUND', 'EAI_AGAIN'].includes(code))
    return true;
  const message = typeof e?.message === 'string' ? e.message : '';
  return /Connection terminated|Client has encountered a connection error|terminating connection/i.test(
    message,
  );
}
