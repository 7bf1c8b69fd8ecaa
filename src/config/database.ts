import type { DatabaseConnection } from '../airbyte/connection.js';
import { UsageError } from '../util/errors.js';
import { SecretValue } from '../util/secret-value.js';

/** Airbyte's config-database settings as its own services read them from the environment. */
export interface DatabaseEnv {
  /** DATABASE_URL, e.g. `jdbc:postgresql://airbyte-db-svc:5432/db-airbyte`. */
  url?: string;
  /** DATABASE_USER */
  user?: string;
  /** DATABASE_PASSWORD */
  password?: SecretValue;
}

/** Reads DATABASE_URL / DATABASE_USER / DATABASE_PASSWORD; empty values count as unset. */
export function databaseFromEnv(env: NodeJS.ProcessEnv): DatabaseEnv {
  const out: DatabaseEnv = {};
  if (env.DATABASE_URL?.trim()) out.url = env.DATABASE_URL.trim();
  if (env.DATABASE_USER?.trim()) out.user = env.DATABASE_USER.trim();
  if (env.DATABASE_PASSWORD) out.password = new SecretValue(env.DATABASE_PASSWORD);
  return out;
}

/**
 * The connection to use: `--database-url` if given, else DATABASE_URL; DATABASE_USER and
 * DATABASE_PASSWORD apply in both cases (as Airbyte passes them beside the URL). Throws a
 * UsageError when neither URL is there.
 */
export function databaseConnection(flagUrl: string | undefined, env: DatabaseEnv): DatabaseConnection {
  const url = flagUrl?.trim() || env.url;
  if (!url) {
    throw new UsageError(
      "no Airbyte database: pass --database-url or set DATABASE_URL (as in Airbyte's pods), with DATABASE_USER/DATABASE_PASSWORD",
    );
  }
  if (/^jdbc:/i.test(url) && !env.user && !/[?&]user=[^&]/.test(url)) {
    const source = flagUrl?.trim() ? '--database-url' : 'DATABASE_URL';
    throw new UsageError(
      `${source} is a jdbc: URL, which names no user: set DATABASE_USER (and DATABASE_PASSWORD) as Airbyte's pods do, or add ?user=… to the URL`,
    );
  }
  return {
    url,
    ...(env.user ? { user: env.user } : {}),
    ...(env.password ? { password: env.password } : {}),
  };
}
