import { PGlite } from '@electric-sql/pglite';
import { serveWireProtocol } from './wire.js';

/**
 * A PostgreSQL the real `pg` driver reaches over TCP, with nothing to install: PGlite (PostgreSQL
 * compiled to WebAssembly, running in this process) behind our wire-protocol server on 127.0.0.1.
 * PGlite has one session shared by every connection (see wire.ts for how clients
 * take turns), which suits the demo and tests and is why it never stands in for a real server.
 */

export interface EmbeddedPostgresOptions {
  /** Folder for the data files; in memory when omitted. */
  dataDir?: string;
  /** 0 (default) picks a free port. */
  port?: number;
  /** Milliseconds a connection waits for the shared session before its query fails. @default 30000 */
  waitTimeoutMs?: number;
}

export interface EmbeddedPostgres {
  /** `postgres://postgres@127.0.0.1:<port>/postgres` (no password: the server does not ask for one). */
  readonly url: string;
  readonly port: number;
  /** Closes client connections, stops listening, then closes PGlite. Safe to call twice. */
  close(): Promise<void>;
}

const HOST = '127.0.0.1';

export async function startEmbeddedPostgres(
  options: EmbeddedPostgresOptions = {},
): Promise<EmbeddedPostgres> {
  const db = await PGlite.create(options.dataDir ? { dataDir: options.dataDir } : {});
  let server: Awaited<ReturnType<typeof serveWireProtocol>>;
  try {
    server = await serveWireProtocol(db, {
      host: HOST,
      port: options.port ?? 0,
      ...(options.waitTimeoutMs !== undefined ? { waitTimeoutMs: options.waitTimeoutMs } : {}),
    });
  } catch (err) {
    await db.close();
    throw err;
  }
  let closing: Promise<void> | undefined;
  return {
    url: `postgres://postgres@${HOST}:${server.port}/postgres`,
    port: server.port,
    close() {
      closing ??= (async () => {
        await server.close();
        // Queued behind any statement still running, so PGlite closes between two statements.
        await db.runExclusive(async () => undefined);
        if (!db.closed) await db.close();
      })();
      return closing;
    },
  };
}
