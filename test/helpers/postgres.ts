import { randomBytes } from 'node:crypto';
import pg from 'pg';

/**
 * Every test file makes its own databases on the real PostgreSQL server (127.0.0.1:5432, trust
 * auth, user postgres, or PG_ADMIN_URL) and drops them when it is done. On a machine with no
 * server (and never in CI, where the real server is required) each test database is an embedded
 * PGlite instead, and the few tests that need a real server's roles or many sessions skip.
 */
export const ADMIN_URL = process.env.PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

async function serverAnswers(): Promise<boolean> {
  const probe = new pg.Client({ connectionString: ADMIN_URL, connectionTimeoutMillis: 3000 });
  probe.on('error', () => undefined);
  try {
    await probe.connect();
    await probe.end();
    return true;
  } catch {
    return false;
  }
}

/** True when this run uses embedded PGlite databases because no PostgreSQL server answers. */
export const EMBEDDED = await (async () => {
  if (await serverAnswers()) return false;
  if (process.env.CI === 'true') {
    throw new Error(
      `no PostgreSQL at ${new URL(ADMIN_URL).host}: CI needs the real server (.ci/run starts it)`,
    );
  }
  process.stderr.write(
    `no PostgreSQL at ${new URL(ADMIN_URL).host}: test databases are embedded PGlite instances\n`,
  );
  return true;
})();

/** `skip` option for tests that need a real server (roles, many sessions at once). */
export const SKIP_EMBEDDED = EMBEDDED
  ? 'needs a real PostgreSQL server: no server answered, PGlite stands in'
  : false;

export interface TestDatabase {
  name: string;
  url: string;
  drop(): Promise<void>;
}

export async function createTestDatabase(label = 'test'): Promise<TestDatabase> {
  const name = `abs_${label.replace(/[^a-z0-9_]/gi, '_').toLowerCase()}_${randomBytes(4).toString('hex')}`;
  if (EMBEDDED) {
    const { startEmbeddedPostgres } = await import('../../src/emulators/postgres/index.js');
    const embedded = await startEmbeddedPostgres();
    return { name: 'postgres', url: embedded.url, drop: () => embedded.close() };
  }
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    name,
    url: url.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: ADMIN_URL });
      await c.connect();
      try {
        // pool.end() resolves before its sockets are gone; a FORCE drop would then kill them and
        // their clients would throw. Give closing sessions a moment to leave first.
        for (let i = 0; i < 50; i++) {
          const r = await c.query('SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1', [
            name,
          ]);
          if (r.rows[0].n === 0) break;
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await c.end();
      }
    },
  };
}
