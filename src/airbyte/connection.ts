import { readFileSync } from 'node:fs';
import type { ConnectionOptions } from 'node:tls';
import pg from 'pg';
import { UsageError } from '../util/errors.js';
import { SecretValue } from '../util/secret-value.js';

/**
 * How to reach Airbyte's config database, as the operator gave it (flag or Airbyte's env): the one
 * shape every command, the `database` store and the sample seeder take.
 */
export interface DatabaseConnection {
  /** `postgres://…`, `postgresql://…` or Airbyte's `jdbc:postgresql://host:port/db?params`. */
  url: string;
  /** DATABASE_USER; overrides the URL's user. */
  user?: string;
  /** DATABASE_PASSWORD; overrides the URL's password. */
  password?: SecretValue;
}

const FIX = 'check --database-url (or DATABASE_URL, DATABASE_USER, DATABASE_PASSWORD)';
const EXPECTED = 'expected postgres://user@host:5432/db or jdbc:postgresql://host:5432/db';

/**
 * Turns a connection URL plus separately given credentials into a pg pool config. The password
 * never sits in the config as text: it is a function that reveals it when pg authenticates.
 * Understands libpq's `sslmode` (and `ssl=true`, `sslrootcert`), `application_name`, `options`,
 * a `host=/socket/dir` parameter, and JDBC's `user`, `password`, `ApplicationName`, `currentSchema`.
 */
export function resolveDatabaseConnection(conn: DatabaseConnection): pg.PoolConfig {
  const url = parseUrl(conn.url.trim());
  const params = url.searchParams;
  const jdbc = conn.url.trim().startsWith('jdbc:');

  const user = conn.user || decodePart(url.username) || params.get('user') || undefined;
  const urlPassword = decodePart(url.password) || params.get('password') || undefined;
  const password = conn.password ?? (urlPassword !== undefined ? new SecretValue(urlPassword) : undefined);

  const database = decodePart(url.pathname.replace(/^\//, '')) || params.get('dbname') || undefined;
  const host = decodePart(url.hostname).replace(/^\[(.*)\]$/, '$1') || params.get('host') || undefined;
  const port = url.port ? Number(url.port) : params.get('port') ? Number(params.get('port')) : 5432;
  if (!Number.isInteger(port) || port <= 0 || port > 65535)
    throw new UsageError(`--database-url has a bad port: ${EXPECTED}`);

  const config: pg.PoolConfig = {
    host,
    port,
    database,
    user,
    application_name: params.get('application_name') ?? params.get('ApplicationName') ?? 'airbyte-secrets',
    connectionTimeoutMillis: 10_000,
    max: 4,
  };
  if (password) config.password = () => password.reveal();
  const ssl = sslOptions(params, jdbc);
  if (ssl !== undefined) config.ssl = ssl;
  const options = params.get('options') ?? undefined;
  const schema = params.get('currentSchema');
  if (options || schema) {
    config.options = [options, schema ? `-c search_path=${schema}` : undefined].filter(Boolean).join(' ');
  }
  return config;
}

/** `host:port/database` for messages (never credentials). */
export function describeDatabase(config: pg.PoolConfig): string {
  return `${config.host ?? 'localhost'}:${config.port ?? 5432}/${config.database ?? config.user ?? ''}`;
}

/** What a caller may set on a pool besides where it connects. */
export interface PoolOptions {
  /** Connections at most. @default 4 */
  max?: number;
}

/**
 * The one way the tool builds a pool on Airbyte's database: the connection resolved as
 * `resolveDatabaseConnection` does (so a jdbc: URL and DATABASE_USER/DATABASE_PASSWORD mean the
 * same everywhere), and idle-client errors swallowed. Connects lazily; see `openDatabase`.
 */
export function createDatabasePool(conn: DatabaseConnection, options: PoolOptions = {}): pg.Pool {
  return poolOf(poolConfig(conn, options));
}

/**
 * Opens a pool and checks that it connects. Failures become a one-line UsageError naming the
 * host, port and database and what to check (never the password).
 */
export async function openDatabase(conn: DatabaseConnection, options: PoolOptions = {}): Promise<pg.Pool> {
  const config = poolConfig(conn, options);
  const pool = poolOf(config);
  try {
    await pool.query('SELECT 1');
  } catch (err) {
    await pool.end().catch(() => undefined);
    throw connectionError(err, config);
  }
  return pool;
}

function poolConfig(conn: DatabaseConnection, options: PoolOptions): pg.PoolConfig {
  const config = resolveDatabaseConnection(conn);
  if (options.max !== undefined) config.max = options.max;
  return config;
}

function poolOf(config: pg.PoolConfig): pg.Pool {
  const pool = new pg.Pool(config);
  // An idle client losing its connection must not crash the process; the next query reports it.
  pool.on('error', () => undefined);
  // Nor one checked out (a cursor, a transaction, the writer lock) when the server ends it
  // (pg_terminate_backend, a restart): its query rejects, and that is what the command reports.
  pool.on('connect', (client) => {
    client.on('error', () => undefined);
  });
  return pool;
}

function connectionError(err: unknown, config: pg.PoolConfig): UsageError {
  const where = `PostgreSQL at ${describeDatabase(config)}`;
  const e = err as { code?: string; message?: string; errors?: Array<{ code?: string }> };
  const code = e.code ?? e.errors?.[0]?.code;
  const user = config.user ? ` for user "${config.user}"` : '';
  const reason: Record<string, string> = {
    ECONNREFUSED: 'connection refused (is the server running and the port right?)',
    ENOTFOUND: 'host not found',
    EAI_AGAIN: 'host name lookup failed',
    ETIMEDOUT: 'connection timed out',
    EHOSTUNREACH: 'host unreachable',
    ECONNRESET: 'connection reset by the server',
    '28P01': `password authentication failed${user}`,
    '28000': `the server refused the connection${user} (pg_hba.conf or role)`,
    '3D000': 'the database does not exist',
    '53300': 'the server has too many connections',
    '57P03': 'the server is starting up or shutting down',
  };
  const message = (code && reason[code]) || firstLine(e.message ?? String(err));
  return new UsageError(`cannot connect to ${where}: ${message}; ${FIX}`);
}

function parseUrl(text: string): URL {
  const normalized = text.replace(/^jdbc:/, '');
  if (!/^postgres(ql)?:\/\//.test(normalized)) {
    throw new UsageError(`--database-url is not a PostgreSQL URL: ${EXPECTED}`);
  }
  try {
    // WHATWG URL parses host, port and credentials only for special schemes, so parse as http.
    return new URL(normalized.replace(/^postgres(ql)?:/, 'http:'));
  } catch {
    throw new UsageError(`--database-url is malformed: ${EXPECTED}`);
  }
}

function decodePart(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    throw new UsageError(`--database-url has a bad %-escape: ${EXPECTED}`);
  }
}

/** libpq's sslmode as Node TLS options; JDBC's `ssl=true` means verify-full. */
function sslOptions(params: URLSearchParams, jdbc: boolean): boolean | ConnectionOptions | undefined {
  const mode =
    params.get('sslmode') ?? (params.get('ssl') === 'true' ? (jdbc ? 'verify-full' : 'require') : null);
  const rootCert = params.get('sslrootcert');
  const ca = rootCert ? { ca: readCert(rootCert) } : {};
  switch (mode) {
    case null:
      return rootCert ? ca : undefined;
    case 'disable':
    case 'allow':
    case 'prefer':
      return false;
    case 'require':
    case 'no-verify':
      // libpq's require encrypts without checking the certificate (unless a root cert is given).
      return rootCert ? { ...ca, checkServerIdentity: () => undefined } : { rejectUnauthorized: false };
    case 'verify-ca':
      return { ...ca, checkServerIdentity: () => undefined };
    case 'verify-full':
      return rootCert ? ca : true;
    default:
      throw new UsageError(
        `--database-url: unknown sslmode "${mode}" (use disable, require, verify-ca or verify-full)`,
      );
  }
}

function readCert(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    throw new UsageError(`--database-url: cannot read sslrootcert ${path}`);
  }
}

function firstLine(text: string): string {
  return (text.split('\n')[0] ?? '').trim();
}
