import type pg from 'pg';
import { createDatabasePool } from '../../airbyte/connection.js';
import { SecretValue } from '../../util/secret-value.js';
import { isNetworkError, StoreError, type StoreErrorKind, type StoreOperation } from '../errors.js';
import { endpointIdentity } from '../identity.js';
import type {
  DeleteOutcome,
  PreflightOptions,
  SecretDescription,
  SecretStore,
  StoreCheck,
  WriteOptions,
  WriteOutcome,
} from '../types.js';
import { DATABASE_CAPABILITIES, DATABASE_QUOTA } from './index.js';
import type { DatabaseStoreSettings } from './settings.js';

/**
 * Airbyte's `TESTING_CONFIG_DB_TABLE` persistence: the plaintext table `secrets` in the config
 * database, in the connecting user's default schema (normally `public`).
 *
 *   SECRET_PERSISTENCE=TESTING_CONFIG_DB_TABLE   (or unset: the server's default)
 *   DATABASE_URL=jdbc:postgresql://airbyte-db:5432/db-airbyte
 *
 * Naming: the coordinate itself is the row key (`secrets.coordinate`), the value is `payload`.
 *
 * Blank values: Airbyte reads a missing row, a NULL payload and an empty payload all as "" and
 * then as "not found". We report only a missing row as `undefined`; a row whose payload is NULL
 * or empty is found-but-blank (`SecretValue('')`, `isBlank`), so `verify` can say precisely what
 * is wrong instead of calling it missing.
 */
export const STORE_KIND = 'database';

/** Exactly Airbyte's statement (LocalTestingSecretPersistence.initialize), unqualified on purpose. */
export const CREATE_SECRETS_TABLE =
  'CREATE TABLE IF NOT EXISTS secrets ( coordinate TEXT PRIMARY KEY, payload TEXT);';

const PAGE_SIZE = DATABASE_QUOTA.listPageSize;

export interface DatabaseStoreDependencies {
  /** A pool to use instead of one built from the settings; it is not ended by `close()`. */
  pool?: pg.Pool;
}

export async function createDatabaseStore(
  settings: DatabaseStoreSettings,
  deps: DatabaseStoreDependencies = {},
): Promise<SecretStore> {
  return new DatabaseSecretStore(settings, deps);
}

class DatabaseSecretStore implements SecretStore {
  readonly kind = STORE_KIND;
  readonly description: string;
  readonly identity: string;
  readonly capabilities = DATABASE_CAPABILITIES;
  readonly #pool: pg.Pool;
  readonly #ownsPool: boolean;
  #tableReady: Promise<void> | undefined;
  /**
   * Until when value reads take a missing `secrets` table as still missing without asking: each
   * ask is a failing statement, slow to answer (the plan of a fresh target ran 6 times slower). Only
   * reads (`read`: plan and verify); writes, deletes, describes and lists always ask. Re-asked
   * after a quarter second, as another writer (Airbyte) may create it.
   */
  #missingUntil = 0;
  /**
   * Bumped whenever the table is known to exist (created, or any statement on it answered): a
   * "missing" answer to a statement sent before that is stale and marks nothing.
   */
  #tableSeen = 0;

  constructor(settings: DatabaseStoreSettings, deps: DatabaseStoreDependencies) {
    this.description = `database table secrets at ${safeLocation(settings.url)}`;
    this.identity = `database ${endpointIdentity(settings.url)}`;
    this.#ownsPool = !deps.pool;
    this.#pool =
      deps.pool ??
      createDatabasePool(settings, {
        max: settings.limits?.concurrency ?? DATABASE_QUOTA.maxConcurrency,
      });
  }

  /** The pool's size: more calls than connections would only queue inside pg. */
  get inFlightCeiling(): number | undefined {
    return this.#pool.options.max;
  }

  nameOf(coordinate: string): string {
    return coordinate;
  }

  /**
   * Reads that arrive while others are being answered wait for one query for them all
   * (`coordinate = ANY($1)`): at most `READ_BATCHES` such queries run at once, so concurrent
   * reads (plan, verify) cost a fraction of the round trips and connections.
   */
  read(coordinate: string): Promise<SecretValue | undefined> {
    return new Promise((resolve, reject) => {
      this.#pendingReads.push({ coordinate, resolve, reject });
      this.#flushReads();
    });
  }

  readonly #pendingReads: PendingRead[] = [];
  #readBatches = 0;

  #flushReads(): void {
    while (this.#readBatches < READ_BATCHES && this.#pendingReads.length > 0) {
      const batch = this.#pendingReads.splice(0, READ_BATCH_SIZE);
      this.#readBatches += 1;
      void this.#readBatch(batch).finally(() => {
        this.#readBatches -= 1;
        this.#flushReads();
      });
    }
  }

  async #readBatch(batch: PendingRead[]): Promise<void> {
    const only = batch[0];
    if (batch.length === 1 && only) {
      await this.#read(only.coordinate, 'read').then(only.resolve, only.reject);
      return;
    }
    try {
      const rows = await this.#query<{ coordinate: string; payload: string | null }>(
        'read',
        undefined,
        'SELECT coordinate, payload FROM secrets WHERE coordinate = ANY($1::text[])',
        [[...new Set(batch.map((b) => b.coordinate))]],
      );
      const found = new Map((rows ?? []).map((r) => [r.coordinate, r.payload ?? '']));
      for (const b of batch) {
        const payload = found.get(b.coordinate);
        b.resolve(payload === undefined ? undefined : new SecretValue(payload));
      }
    } catch {
      // One failed query: each read answers for itself (its own error names its coordinate).
      for (const b of batch) await this.#read(b.coordinate, 'read').then(b.resolve, b.reject);
    }
  }

  async #read(coordinate: string, operation: StoreOperation): Promise<SecretValue | undefined> {
    const rows = await this.#query<{ payload: string | null }>(
      operation,
      coordinate,
      'SELECT payload FROM secrets WHERE coordinate = $1',
      [coordinate],
    );
    const row = rows?.[0];
    return row ? new SecretValue(row.payload ?? '') : undefined;
  }

  async write(coordinate: string, value: SecretValue, options: WriteOptions = {}): Promise<WriteOutcome> {
    await this.#ensureTable(coordinate);
    if (options.expectAbsent) {
      const inserted = await this.#query(
        'write',
        coordinate,
        'INSERT INTO secrets (coordinate, payload) VALUES ($1, $2) ON CONFLICT (coordinate) DO NOTHING RETURNING 1',
        [coordinate, value.reveal()],
      );
      if (inserted && inserted.length > 0) return 'created';
    }
    const current = await this.#read(coordinate, 'write');
    if (current && value.equals(current)) return 'unchanged';
    // xmax = 0 only on a freshly inserted row: tells created from updated even under a race.
    const rows = await this.#query<{ inserted: boolean }>(
      'write',
      coordinate,
      'INSERT INTO secrets (coordinate, payload) VALUES ($1, $2) ' +
        'ON CONFLICT (coordinate) DO UPDATE SET payload = EXCLUDED.payload RETURNING (xmax = 0) AS inserted',
      [coordinate, value.reveal()],
    );
    return rows?.[0]?.inserted ? 'created' : 'updated';
  }

  async delete(coordinate: string): Promise<DeleteOutcome> {
    const rows = await this.#query(
      'delete',
      coordinate,
      'DELETE FROM secrets WHERE coordinate = $1 RETURNING 1',
      [coordinate],
    );
    return rows && rows.length > 0 ? 'deleted' : 'absent';
  }

  async describe(coordinate: string): Promise<SecretDescription> {
    const rows = await this.#query('describe', coordinate, 'SELECT 1 FROM secrets WHERE coordinate = $1', [
      coordinate,
    ]);
    return { coordinate, name: coordinate, state: rows && rows.length > 0 ? 'active' : 'absent' };
  }

  /** Keyset pages in the table's own order, so a page never skips or repeats under concurrent writes. */
  async *list(): AsyncIterable<string> {
    let after = '';
    for (;;) {
      const rows = await this.#query<{ coordinate: string }>(
        'list',
        undefined,
        "SELECT coordinate FROM secrets WHERE starts_with(coordinate, 'airbyte_') AND coordinate > $1 " +
          'ORDER BY coordinate LIMIT $2',
        [after, PAGE_SIZE],
      );
      const last = rows?.at(-1);
      if (!rows || !last) return;
      for (const row of rows) yield row.coordinate;
      if (rows.length < PAGE_SIZE) return;
      after = last.coordinate;
    }
  }

  /**
   * The role's rights on `secrets` (found on the search path, as Airbyte's unqualified statements
   * find it): SELECT to read, INSERT, UPDATE and DELETE to write; without the table, CREATE on the
   * schema it would be created in.
   */
  async preflight(options: PreflightOptions): Promise<StoreCheck[]> {
    const wanted = options.writes ? ['SELECT', 'INSERT', 'UPDATE', 'DELETE'] : ['SELECT'];
    try {
      const { rows } = await this.#pool.query<{ role: string; schema: string | null; found: boolean }>(
        "SELECT current_user AS role, current_schema() AS schema, to_regclass('secrets') IS NOT NULL AS found",
      );
      const { role, schema, found } = rows[0] ?? { role: '?', schema: null, found: false };
      if (!found) {
        if (!options.writes)
          return [{ name: 'table secrets', ok: true, detail: 'not there yet (reads as empty)' }];
        const { rows: can } = await this.#pool.query<{ ok: boolean }>(
          "SELECT coalesce(has_schema_privilege(current_schema(), 'CREATE'), false) AS ok",
        );
        return [
          can[0]?.ok
            ? { name: 'table secrets', ok: true, detail: `not there yet; ${role} may create it in ${schema}` }
            : {
                name: 'table secrets',
                ok: false,
                blocking: true,
                detail: `not there, and ${role} may not create it in ${schema ?? 'any schema on the search path'}`,
                fix: `GRANT CREATE ON SCHEMA ${schema ?? 'public'} TO ${role}, or create the table as Airbyte does`,
              },
        ];
      }
      const { rows: rights } = await this.#pool.query<{ privilege: string; ok: boolean }>(
        "SELECT p AS privilege, has_table_privilege('secrets', p) AS ok FROM unnest($1::text[]) AS p",
        [wanted],
      );
      const missing = rights.filter((r) => !r.ok).map((r) => r.privilege);
      if (missing.length === 0) {
        return [{ name: 'table secrets', ok: true, detail: `${role} has ${wanted.join(', ')}` }];
      }
      return [
        {
          name: 'table secrets',
          ok: false,
          blocking: true,
          detail: `${role} lacks ${missing.join(', ')}`,
          fix: `GRANT ${missing.join(', ')} ON secrets TO ${role}`,
        },
      ];
    } catch (err) {
      const e = toStoreError(err, 'connect');
      return [
        {
          name: 'reachable',
          ok: false,
          blocking: true,
          detail: e.message,
          fix: 'check --database-url (or DATABASE_URL, DATABASE_USER, DATABASE_PASSWORD)',
        },
      ];
    }
  }

  async close(): Promise<void> {
    if (this.#ownsPool) await this.#pool.end();
  }

  /** Creates the table as Airbyte does, once, before the first write. Reads never create it. */
  #ensureTable(coordinate: string): Promise<void> {
    // A created table is seen by #query itself; a lost race below is seen here.
    this.#tableReady ??= this.#query('write', coordinate, CREATE_SECRETS_TABLE, []).then(
      () => undefined,
      (err: unknown) => {
        this.#tableReady = undefined;
        // Two processes creating it at once: one loses the race on the catalog, and the table is there.
        if (err instanceof StoreError && /\b(23505|42P07)\b/.test(err.detail ?? '')) return this.#sawTable();
        throw err;
      },
    );
    return this.#tableReady;
  }

  #sawTable(): void {
    this.#tableSeen += 1;
    this.#missingUntil = 0;
  }

  /** Runs one statement; a missing `secrets` table reads as empty (`undefined` rows). */
  async #query<R extends pg.QueryResultRow>(
    operation: StoreOperation,
    coordinate: string | undefined,
    text: string,
    values: unknown[],
  ): Promise<R[] | undefined> {
    if (operation === 'read' && performance.now() < this.#missingUntil) return undefined;
    const seen = this.#tableSeen;
    try {
      const result = await this.#pool.query<R>(text, values);
      this.#sawTable();
      return result.rows;
    } catch (err) {
      if (pgCode(err) === UNDEFINED_TABLE && operation !== 'write') {
        if (operation === 'read' && seen === this.#tableSeen) {
          this.#missingUntil = performance.now() + MISSING_TABLE_RECHECK_MS;
        }
        return undefined;
      }
      throw toStoreError(err, operation, coordinate);
    }
  }
}

const UNDEFINED_TABLE = '42P01';
const MISSING_TABLE_RECHECK_MS = 250;
interface PendingRead {
  coordinate: string;
  resolve: (v: SecretValue | undefined) => void;
  reject: (e: unknown) => void;
}

/** Batched reads in flight at once, and coordinates per batch. */
const READ_BATCHES = 2;
const READ_BATCH_SIZE = 500;

/** SQLSTATE (or class prefix) → failure class. The first match wins. */
const PG_ERROR_KINDS: [prefix: string, kind: StoreErrorKind][] = [
  ['42501', 'permission-denied'], // insufficient_privilege
  ['28', 'permission-denied'], // invalid authorization (bad password, no pg_hba entry)
  ['08', 'transient'], // connection exception
  ['40', 'transient'], // serialization failure, deadlock
  ['53', 'transient'], // insufficient resources, too many connections
  ['57', 'transient'], // operator intervention: shutdown, cannot connect now, statement timeout
  ['3D', 'invalid'], // database does not exist
  ['42P01', 'invalid'], // undefined table (on write: cannot create it?)
];

/** Classes whose server messages name objects, never data, so they are safe to show. */
const SAFE_MESSAGE_PREFIXES = ['42501', '28', '08', '53', '57', '3D', '42P01', '42P07'];

/** The one translator from pg errors to `StoreError`; keeps no reference to the pg error. */
export function toStoreError(err: unknown, operation: StoreOperation, coordinate?: string): StoreError {
  const init = { store: STORE_KIND, operation, ...(coordinate ? { coordinate } : {}) } as const;
  if (err instanceof StoreError) return err;
  if (isNetworkError(err)) {
    return new StoreError({ ...init, kind: 'transient', detail: String((err as { code: string }).code) });
  }
  const code = pgCode(err);
  if (code) {
    const kind = PG_ERROR_KINDS.find(([prefix]) => code.startsWith(prefix))?.[1] ?? 'invalid';
    const message = (err as Error).message;
    const safe = SAFE_MESSAGE_PREFIXES.some((p) => code.startsWith(p));
    return new StoreError({ ...init, kind, detail: safe ? `${code} ${message}` : `SQLSTATE ${code}` });
  }
  // pg's own client-side failures carry no code: a dropped connection or a pool timeout.
  const message = err instanceof Error ? err.message : '';
  if (/connection terminated|timeout exceeded when trying to connect|Connection terminated/i.test(message)) {
    return new StoreError({ ...init, kind: 'transient', detail: message });
  }
  return new StoreError({
    ...init,
    kind: 'invalid',
    detail: err instanceof Error ? err.name : 'unknown failure',
  });
}

function pgCode(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  // SQLSTATEs are five characters; Node's network codes start with E and are longer.
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
}

/** `postgres://host:port/db` without user or password, for logs. */
function safeLocation(connectionUrl: string): string {
  try {
    const url = new URL(connectionUrl);
    return `${url.protocol}//${url.host}${url.pathname}`;
  } catch {
    return '(connection string hidden)';
  }
}
