import { createServer, type Server, type Socket } from 'node:net';
import type { PGlite } from '@electric-sql/pglite';

/**
 * A PostgreSQL wire-protocol server in front of one PGlite instance.
 *
 * PGlite has a single session, so every client connection shares it. The rule that keeps each
 * client's view correct: a connection that starts talking owns the session until the session is
 * back to idle, that is until PGlite answers a ReadyForQuery with status `I` and the client has
 * nothing more queued. An explicit transaction, an extended-protocol exchange between Parse and
 * Sync, and a pg-cursor portal read with Execute+Flush all keep the session for their connection;
 * other connections wait. (pglite-socket's multiplexer hands the session over between any two
 * messages outside a transaction block, which mixes two clients' Parse/Bind pairs and lets another
 * client's BEGIN land inside a cursor's implicit transaction; pg and pg-cursor then fail.)
 *
 * A waiting connection that would wait for ever (its own process holds a transaction open on
 * another connection while it waits for this one) gets an SQL error after `waitTimeoutMs`
 * instead of hanging. Session settings (`SET`, advisory locks, temp tables) are shared by all.
 */

export interface WireServerOptions {
  host?: string;
  /** 0 (default) picks a free port. */
  port?: number;
  /** Milliseconds a connection waits for the session before its query fails. @default 30000 */
  waitTimeoutMs?: number;
}

export interface WireServer {
  readonly port: number;
  /** Closes every client connection and stops listening (PGlite itself stays open). */
  close(): Promise<void>;
}

const SSL_REQUEST = 80877103;
const GSSENC_REQUEST = 80877104;
const CANCEL_REQUEST = 80877102;
const READY_FOR_QUERY = 0x5a; // 'Z'
const TERMINATE = 0x58; // 'X'
const SYNC = 0x53; // 'S'
const QUERY = 0x51; // 'Q'

interface Waiter {
  conn: Connection;
  settle: (granted: boolean) => void;
}

/** Hands the one session to one connection at a time, in arrival order. */
class SessionLock {
  owner: Connection | null = null;
  readonly #waiting: Waiter[] = [];

  /** Resolves true once `conn` owns the session, false after `timeoutMs` without it or when dropped. */
  acquire(conn: Connection, timeoutMs: number): Promise<boolean> {
    if (this.owner === null || this.owner === conn) {
      this.owner = conn;
      return Promise.resolve(true);
    }
    return new Promise<boolean>((resolve) => {
      const entry: Waiter = {
        conn,
        settle: (granted: boolean) => {
          clearTimeout(timer);
          resolve(granted);
        },
      };
      const timer = setTimeout(() => {
        this.#remove(entry);
        resolve(false);
      }, timeoutMs);
      this.#waiting.push(entry);
    });
  }

  release(conn: Connection): void {
    if (this.owner !== conn) return;
    const next = this.#waiting.shift();
    this.owner = next?.conn ?? null;
    next?.settle(true);
  }

  /** Drops a closed connection's waits (their timers too, so nothing keeps the process alive). */
  forget(conn: Connection): void {
    for (const entry of this.#waiting.filter((w) => w.conn === conn)) {
      this.#remove(entry);
      entry.settle(false);
    }
  }

  #remove(entry: Waiter): void {
    const i = this.#waiting.indexOf(entry);
    if (i >= 0) this.#waiting.splice(i, 1);
  }
}

/** One client connection: splits its bytes into messages and runs them in order. */
class Connection {
  #buffer = Buffer.alloc(0);
  #started = false;
  #queue: Buffer[] = [];
  #running = false;
  /** The session was handed back unfinished (no ReadyForQuery `I` yet). */
  #busy = false;
  /** After a refused message: skip the rest of the exchange until Sync or a simple Query. */
  #skipping = false;
  closed = false;

  constructor(
    readonly socket: Socket,
    readonly db: PGlite,
    readonly lock: SessionLock,
    readonly waitTimeoutMs: number,
  ) {
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.#receive(chunk));
    socket.on('error', () => this.#close());
    socket.on('close', () => this.#close());
  }

  #receive(chunk: Buffer): void {
    this.#buffer = Buffer.concat([this.#buffer, chunk]);
    for (;;) {
      const message = this.#nextMessage();
      if (!message) break;
      if (message.length === 0) continue;
      this.#queue.push(message);
    }
    void this.#drain();
  }

  /** The next complete message, an empty buffer for one answered here, or undefined when incomplete. */
  #nextMessage(): Buffer | undefined {
    if (!this.#started) {
      if (this.#buffer.length < 8) return undefined;
      const length = this.#buffer.readInt32BE(0);
      if (this.#buffer.length < length) return undefined;
      const code = this.#buffer.readInt32BE(4);
      const message = this.#take(length);
      if (code === SSL_REQUEST || code === GSSENC_REQUEST) {
        this.socket.write('N'); // no TLS: the client goes on in plaintext
        return Buffer.alloc(0);
      }
      if (code === CANCEL_REQUEST) {
        this.socket.end(); // PGlite cannot cancel a running query
        return Buffer.alloc(0);
      }
      this.#started = true;
      return message;
    }
    if (this.#buffer.length < 5) return undefined;
    const length = 1 + this.#buffer.readInt32BE(1);
    if (this.#buffer.length < length) return undefined;
    return this.#take(length);
  }

  #take(n: number): Buffer {
    const out = this.#buffer.subarray(0, n);
    this.#buffer = this.#buffer.subarray(n);
    return Buffer.from(out);
  }

  async #drain(): Promise<void> {
    if (this.#running) return;
    this.#running = true;
    try {
      for (let message = this.#queue.shift(); message && !this.closed; message = this.#queue.shift()) {
        await this.#handle(message);
      }
    } finally {
      this.#running = false;
    }
  }

  async #handle(message: Buffer): Promise<void> {
    // Never empty: #receive queues only whole messages of at least one byte.
    const type = message.readUInt8(0);
    if (this.#started && type === TERMINATE) {
      this.socket.end();
      return;
    }
    if (this.#skipping) {
      if (type === SYNC || type === QUERY) {
        this.#skipping = false;
        if (type === QUERY) this.socket.write(errorResponse(this.#timeoutMessage()));
        this.socket.write(readyForQuery());
      }
      return;
    }
    if (!(await this.lock.acquire(this, this.waitTimeoutMs))) {
      if (this.closed) return;
      this.socket.write(errorResponse(this.#timeoutMessage()));
      if (type === QUERY || type === SYNC) this.socket.write(readyForQuery());
      else this.#skipping = true;
      return;
    }
    const out: Uint8Array[] = [];
    await this.db.runExclusive(() =>
      this.db.execProtocolRawStream(message, {
        onRawData: (data) => {
          out.push(data);
          if (!this.socket.destroyed) this.socket.write(Buffer.from(data));
        },
      }),
    );
    const status = lastReadyStatus(Buffer.concat(out));
    if (status !== undefined) this.#busy = status !== 'I';
    else this.#busy = true;
    if (!this.#busy && this.#queue.length === 0) this.lock.release(this);
  }

  #timeoutMessage(): string {
    return `embedded PostgreSQL has one session and another connection held it for ${Math.round(
      this.waitTimeoutMs / 1000,
    )} s (an open transaction waiting on this connection?)`;
  }

  /** On disconnect: end what the connection left open, then pass the session on. */
  #close(): void {
    if (this.closed) return;
    this.closed = true;
    this.#queue = [];
    this.lock.forget(this);
    if (this.lock.owner !== this) return;
    // Queued behind a message still running, so #busy is current when this runs.
    void this.db
      .runExclusive(async () => {
        if (this.lock.owner !== this || !this.#busy || this.db.closed) return;
        // Sync ends an unfinished extended-protocol exchange; ROLLBACK an open transaction block.
        await this.db.execProtocolRaw(new Uint8Array([SYNC, 0, 0, 0, 4]));
        if (this.db.isInTransaction()) await this.db.execProtocolRaw(simpleQuery('ROLLBACK'));
      })
      .catch(() => undefined)
      .finally(() => this.lock.release(this));
  }
}

/**
 * The status byte of the ReadyForQuery that ends a run of backend messages, if it ends with one.
 * ReadyForQuery is always the last message of a cycle, so only the tail is read: walking message
 * boundaries from the start breaks when a chunk does not begin on one.
 */
function lastReadyStatus(bytes: Buffer): string | undefined {
  const at = bytes.length - 6;
  if (at < 0 || bytes[at] !== READY_FOR_QUERY || bytes.readInt32BE(at + 1) !== 5) return undefined;
  return String.fromCharCode(bytes.readUInt8(at + 5));
}

function readyForQuery(): Buffer {
  return Buffer.from([READY_FOR_QUERY, 0, 0, 0, 5, 0x49]);
}

/** ErrorResponse with SQLSTATE 55P03 (lock_not_available). */
function errorResponse(text: string): Buffer {
  const fields = Buffer.concat([
    field('S', 'ERROR'),
    field('V', 'ERROR'),
    field('C', '55P03'),
    field('M', text),
    Buffer.from([0]),
  ]);
  const head = Buffer.alloc(5);
  head[0] = 0x45; // 'E'
  head.writeInt32BE(4 + fields.length, 1);
  return Buffer.concat([head, fields]);
}

function field(code: string, value: string): Buffer {
  return Buffer.concat([Buffer.from(code), Buffer.from(value, 'utf8'), Buffer.from([0])]);
}

function simpleQuery(sql: string): Uint8Array {
  const text = Buffer.from(`${sql}\0`, 'utf8');
  const head = Buffer.alloc(5);
  head[0] = QUERY;
  head.writeInt32BE(4 + text.length, 1);
  return new Uint8Array(Buffer.concat([head, text]));
}

export async function serveWireProtocol(db: PGlite, options: WireServerOptions = {}): Promise<WireServer> {
  const lock = new SessionLock();
  const connections = new Set<Connection>();
  const waitTimeoutMs = options.waitTimeoutMs ?? 30_000;
  const server: Server = createServer((socket) => {
    const conn = new Connection(socket, db, lock, waitTimeoutMs);
    connections.add(conn);
    socket.on('close', () => connections.delete(conn));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const c of connections) c.socket.destroy();
        server.close(() => resolve());
      }),
  };
}
