import { createHash } from 'node:crypto';

/**
 * A small seeded generator (sfc32 over a SHA-256 of the seed), so the same seed builds the same
 * database: same ids, same configs, same canaries.
 */
export class Random {
  #a: number;
  #b: number;
  #c: number;
  #d: number;

  constructor(seed: string | number) {
    const h = createHash('sha256').update(String(seed)).digest();
    this.#a = h.readUInt32LE(0);
    this.#b = h.readUInt32LE(4);
    this.#c = h.readUInt32LE(8);
    this.#d = h.readUInt32LE(12);
    for (let i = 0; i < 12; i++) this.uint32();
  }

  uint32(): number {
    const t = (((this.#a + this.#b) | 0) + this.#d) | 0;
    this.#d = (this.#d + 1) | 0;
    this.#a = this.#b ^ (this.#b >>> 9);
    this.#b = (this.#c + (this.#c << 3)) | 0;
    this.#c = (this.#c << 21) | (this.#c >>> 11);
    this.#c = (this.#c + t) | 0;
    return t >>> 0;
  }

  /** In [0, 1). */
  next(): number {
    return this.uint32() / 4294967296;
  }

  /** An integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  pick<T>(items: readonly T[]): T {
    return cyclic(items, this.int(items.length));
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  hex(bytes: number): string {
    let out = '';
    for (let i = 0; i < bytes; i++) out += this.int(256).toString(16).padStart(2, '0');
    return out;
  }

  /** A version-4 shaped UUID, lowercase like Java's UUID.toString(). */
  uuid(): string {
    const h = this.hex(16).split('');
    h[12] = '4';
    h[16] = '89ab'.charAt(this.int(4));
    const s = h.join('');
    return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20)}`;
  }

  /** Picks a key with probability proportional to its weight. */
  weighted<K extends string>(weights: Readonly<Partial<Record<K, number>>>): K {
    const entries = Object.entries(weights) as Array<[K, number]>;
    const total = entries.reduce((s, [, w]) => s + w, 0);
    let x = this.next() * total;
    for (const [k, w] of entries) {
      x -= w;
      if (x < 0) return k;
    }
    // Rounding can leave x a hair above 0 after the last weight.
    const last = entries.at(-1);
    if (last === undefined) throw new Error('weighted pick from no weights');
    return last[0];
  }
}

/** The item at `i`, counting round the list (`i % length`): `cyclic(teams, 7)` on 5 teams is the third. */
export function cyclic<T>(items: readonly T[], i: number): T {
  if (items.length === 0) throw new Error('pick from an empty list');
  const item = items[i % items.length];
  if (item === undefined) throw new Error(`no item at ${i % items.length} of ${items.length} (a bug)`);
  return item;
}

/** A stable UUID derived from a name (for definition ids of specs that carry none). */
export function nameUuid(name: string): string {
  const s = createHash('sha256').update(`airbyte-secrets-sample:${name}`).digest('hex');
  return `${s.slice(0, 8)}-${s.slice(8, 12)}-5${s.slice(13, 16)}-a${s.slice(17, 20)}-${s.slice(20, 32)}`;
}
