import {
  createServer as createHttpServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { TokenBucket } from '../util/token-bucket.js';

/**
 * What every emulator shares: the latency it adds, the provider quota it enforces, the faults it
 * injects, and the log of requests it served. Each emulator speaks its own wire protocol and turns
 * a decision made here ("throttle this", "fail this with a 5xx", "reset this connection") into the
 * provider's real error shape.
 */

/** A provider quota as token buckets per class of operation (e.g. `write`, `read`). */
export interface QuotaRule {
  /** Operations per second refilled. */
  rate: number;
  /** Operations that may be banked; defaults to one second's worth. */
  burst?: number;
}

export type FaultKind = 'throttle' | 'server-error' | 'reset';

export interface FaultOptions {
  /** Share of requests (0..1) that fail. */
  rate: number;
  /** Which kinds of failure to draw from; all by default. */
  kinds?: FaultKind[];
  /** Only these operation names fail (all when omitted). */
  operations?: string[];
  /** Seed for the pseudo-random draw, so a failing test replays the same faults. */
  seed?: number;
  /**
   * The same request (operation and target) fails at most this many times in a row, then is
   * served: a client's retries get through, as against a real service with transient faults.
   * Without it a test's outcome depends on how concurrent requests interleave with the draws.
   */
  maxInARow?: number;
}

export interface EmulatorOptions {
  host?: string;
  /** 0 (default) picks a free port. */
  port?: number;
  /** Milliseconds added to every response, a stand-in for a real round trip. */
  latencyMs?: number;
  /**
   * Requests per second the server can work through. Below it every answer takes `latencyMs`;
   * beyond it requests queue (one FIFO server, each request 1/capacity s of work) and the round
   * trip rises with the queue, as on a saturated server. Unlimited when absent.
   */
  capacity?: number;
  /** Quota per operation class; `false` disables it. Each emulator has its provider's published figures as default. */
  quota?: Record<string, QuotaRule> | false;
  faults?: FaultOptions;
  /** PEM key and certificate: serve HTTPS instead of HTTP. */
  tls?: { key: string; cert: string };
}

export interface RequestLogEntry {
  /** Milliseconds since the emulator started. */
  at: number;
  /** The provider's operation name (`GetSecretValue`, `kv-read`, ...). */
  operation: string;
  /** The secret name it addressed, if any. */
  name?: string;
  /** Whether the operation changes state. */
  write: boolean;
  /** What the emulator answered: HTTP status or gRPC code name. */
  outcome: string;
}

/** A running emulator: its address, its log, and how to stop it. */
export interface RunningEmulator {
  readonly url: string;
  readonly port: number;
  readonly log: RequestLogEntry[];
  /** Credentials a client needs (token, access keys, ...), for printing by `emulate`. */
  readonly credentials: Record<string, string>;
  /** Changes fault injection while running (tests turn faults on and off). */
  setFaults(faults: FaultOptions | undefined): void;
  close(): Promise<void>;
}

/** Decides, per request, what the shared behaviours require. */
export class EmulatorControls {
  readonly log: RequestLogEntry[] = [];
  readonly latencyMs: number;
  readonly #serviceMs: number;
  #nextFree = 0;
  readonly #started = performance.now();
  readonly #buckets = new Map<string, TokenBucket>();
  #faults: FaultOptions | undefined;
  /** Faults drawn in a row per request, for `maxInARow`. */
  readonly #streaks = new Map<string, number>();
  #random: () => number;

  constructor(options: EmulatorOptions, defaultQuota: Record<string, QuotaRule>) {
    this.latencyMs = options.latencyMs ?? 0;
    this.#serviceMs = options.capacity && options.capacity > 0 ? 1000 / options.capacity : 0;
    const quota = options.quota === false ? {} : (options.quota ?? defaultQuota);
    for (const [cls, rule] of Object.entries(quota)) {
      this.#buckets.set(cls, new TokenBucket(rule.rate, rule.burst ?? Math.max(1, rule.rate)));
    }
    this.#faults = options.faults;
    this.#random = mulberry32(options.faults?.seed ?? 1);
  }

  setFaults(faults: FaultOptions | undefined): void {
    this.#faults = faults;
    this.#random = mulberry32(faults?.seed ?? 1);
  }

  /** Waits the configured latency, plus the queue in front of the server when it has a capacity. */
  async delay(): Promise<void> {
    let wait = this.latencyMs;
    if (this.#serviceMs > 0) {
      const now = performance.now();
      this.#nextFree = Math.max(now, this.#nextFree) + this.#serviceMs;
      wait += this.#nextFree - now;
    }
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  }

  /**
   * Takes `cost` tokens from the bucket of `quotaClass`. Returns the milliseconds the client should
   * wait when the quota is exhausted (the request must then be refused), or 0 when admitted.
   */
  admit(quotaClass: string, cost = 1): number {
    const bucket = this.#buckets.get(quotaClass);
    if (!bucket || bucket.tryTake(cost)) return 0;
    return Math.max(1, Math.ceil(bucket.msUntil(cost)));
  }

  /** Draws whether this operation (on `target`, when it names one) fails, and how. */
  fault(operation: string, target?: string): FaultKind | undefined {
    const f = this.#faults;
    if (!f || f.rate <= 0) return undefined;
    if (f.operations && !f.operations.includes(operation)) return undefined;
    const key = `${operation} ${target ?? ''}`;
    const streak = this.#streaks.get(key) ?? 0;
    if (this.#random() >= f.rate || (f.maxInARow !== undefined && streak >= f.maxInARow)) {
      this.#streaks.delete(key);
      return undefined;
    }
    this.#streaks.set(key, streak + 1);
    const kinds = f.kinds?.length ? f.kinds : (['throttle', 'server-error', 'reset'] as FaultKind[]);
    return kinds[Math.floor(this.#random() * kinds.length)];
  }

  record(entry: Omit<RequestLogEntry, 'at'>): void {
    this.log.push({ at: Math.round(performance.now() - this.#started), ...entry });
  }
}

/** Deterministic PRNG so that fault sequences replay. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export type HttpHandler = (req: IncomingMessage, body: Buffer, res: ServerResponse) => Promise<void> | void;

/**
 * Starts an HTTP(S) server for an emulator on loopback and tracks its sockets so that `close()`
 * ends promptly even with keep-alive clients.
 */
export async function listenHttp(
  options: EmulatorOptions,
  handler: HttpHandler,
): Promise<{ server: Server; url: string; port: number; close(): Promise<void> }> {
  const host = options.host ?? '127.0.0.1';
  const onRequest = (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      Promise.resolve(handler(req, Buffer.concat(chunks), res)).catch((err: unknown) => {
        if (!res.headersSent) {
          res.writeHead(500, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ error: `emulator failure: ${(err as Error).message}` }));
        } else res.destroy();
      });
    });
  };
  const server: Server = options.tls
    ? (createHttpsServer({ key: options.tls.key, cert: options.tls.cert }, onRequest) as unknown as Server)
    : createHttpServer(onRequest);
  const sockets = new Set<Socket>();
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  server.keepAliveTimeout = 5000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const scheme = options.tls ? 'https' : 'http';
  return {
    server,
    port,
    url: `${scheme}://${host}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
