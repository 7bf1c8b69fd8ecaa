import { randomBytes } from 'node:crypto';
import type { HolderKind } from '../airbyte/types.js';
import { HOLDER_KINDS } from '../airbyte/types.js';

/**
 * The packed tables a plan keeps for every referenced coordinate (about 80 bytes each with its
 * name) and, for a saved plan, every row (49 bytes), instead of several small JS objects and
 * strings each (a map entry, an item, its key, its coordinate, its name, a verdict, a row digest). Each
 * table is a set of typed arrays indexed by entry; text is packed back to back in large chunks.
 * Nothing here holds a secret value: coordinates, row ids, names and digests only.
 */

const NONE = 0xffffffff;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** A coordinate as Airbyte mints it (lowercase uuids, a version without leading zeros). */
const MINTED =
  /^airbyte_(workspace|organization)_([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})_secret_([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})_v([1-9][0-9]{0,8})$/;

const CHUNK_BITS = 16;
const CHUNK_ENTRIES = 1 << CHUNK_BITS;

/**
 * A column of `stride` numbers per entry, in chunks of 65,536 entries: it grows without copying,
 * so no doubled array is ever alive next to the old one, and freed arrays do not pile up in RSS.
 */
class Column<T extends Uint8Array | Uint32Array> {
  readonly #chunks: T[] = [];
  readonly #make: (n: number) => T;
  readonly #stride: number;

  constructor(make: (n: number) => T, stride = 1) {
    this.#make = make;
    this.#stride = stride;
  }

  #chunk(i: number): T {
    const c = i >>> CHUNK_BITS;
    let chunk = this.#chunks[c];
    if (!chunk) {
      chunk = this.#make(CHUNK_ENTRIES * this.#stride);
      this.#chunks[c] = chunk;
    }
    return chunk;
  }

  /** The entry's `k`-th number. */
  get(i: number, k = 0): number {
    return this.#chunk(i)[(i & (CHUNK_ENTRIES - 1)) * this.#stride + k] as number;
  }

  set(i: number, value: number, k = 0): void {
    this.#chunk(i)[(i & (CHUNK_ENTRIES - 1)) * this.#stride + k] = value;
  }

  /** The entry's `stride` numbers, as a view (no copy). */
  view(i: number): T {
    const at = (i & (CHUNK_ENTRIES - 1)) * this.#stride;
    return this.#chunk(i).subarray(at, at + this.#stride) as T;
  }
}

const bytes = (stride = 1) => new Column((n) => new Uint8Array(n), stride);
const words = (stride = 1) => new Column((n) => new Uint32Array(n), stride);

function packUuid(uuid: string, into: Uint8Array): void {
  const hex = uuid.replaceAll('-', '');
  for (let i = 0; i < 16; i++) into[i] = Number.parseInt(hex.slice(i * 2, i * 2 + 2), 16);
}

function unpackUuid(from: Uint8Array): string {
  let hex = '';
  for (let i = 0; i < 16; i++) hex += (from[i] as number).toString(16).padStart(2, '0');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * Strings back to back in 1 MiB chunks of UTF-8, addressed by index. A string UTF-8 cannot hold
 * exactly (a lone surrogate) is kept as the string itself, so what comes out is what went in.
 */
export class PackedStrings {
  static readonly CHUNK = 1 << 20;
  readonly #chunks: Buffer[] = [];
  readonly #asIs = new Map<number, string>();
  #used = PackedStrings.CHUNK;
  /** Per string: its chunk, its offset there, its length in bytes. */
  readonly #where = words(3);
  #size = 0;

  get size(): number {
    return this.#size;
  }

  add(text: string): number {
    if (!text.isWellFormed()) {
      const index = this.#size++;
      this.#asIs.set(index, text);
      return index;
    }
    const length = Buffer.byteLength(text);
    if (this.#chunks.length === 0 || this.#used + length > PackedStrings.CHUNK) {
      this.#chunks.push(Buffer.allocUnsafe(Math.max(PackedStrings.CHUNK, length)));
      this.#used = 0;
    }
    const chunk = this.#chunks.length - 1;
    const index = this.#size++;
    (this.#chunks[chunk] as Buffer).write(text, this.#used);
    this.#where.view(index).set([chunk, this.#used, length]);
    this.#used += length;
    return index;
  }

  get(index: number): string {
    const kept = this.#asIs.get(index);
    if (kept !== undefined) return kept;
    const [chunk, start, length] = this.#where.view(index) as unknown as [number, number, number];
    return (this.#chunks[chunk] as Buffer).toString('utf8', start, start + length);
  }
}

/** Few distinct strings (workspace ids, base ids): one copy each, addressed by index. */
class Interned {
  readonly #index = new Map<string, number>();
  readonly #values: string[] = [];

  add(value: string): number {
    let i = this.#index.get(value);
    if (i === undefined) {
      i = this.#values.length;
      this.#values.push(value);
      this.#index.set(value, i);
    }
    return i;
  }

  get(index: number): string {
    return this.#values[index] as string;
  }
}

/** One row the plan read: which, and a digest of its configuration text (never the text). */
export interface RowDigest {
  holder: HolderKind;
  rowId: string;
  sha256: string;
}

/** Every row the plan read with the sha256 of its configuration text: 49 bytes a row for uuid ids. */
export class RowDigests implements Iterable<RowDigest> {
  readonly #holders = bytes();
  readonly #ids = bytes(16);
  readonly #digests = bytes(32);
  /** Row ids that are not lowercase uuids, by entry. */
  readonly #textIds = new Map<number, string>();
  #length = 0;

  get length(): number {
    return this.#length;
  }

  /** `sha256` is the raw 32-byte digest. */
  add(holder: HolderKind, rowId: string, sha256: Uint8Array): void {
    const kind = HOLDER_KINDS.indexOf(holder);
    if (kind < 0) throw new Error(`unknown holder kind ${holder}`);
    const i = this.#length++;
    this.#holders.set(i, kind);
    if (UUID.test(rowId)) packUuid(rowId, this.#ids.view(i));
    else this.#textIds.set(i, rowId);
    this.#digests.view(i).set(sha256);
  }

  *[Symbol.iterator](): Iterator<RowDigest> {
    for (let i = 0; i < this.#length; i++) {
      yield {
        holder: HOLDER_KINDS[this.#holders.get(i)] as HolderKind,
        rowId: this.#textIds.get(i) ?? unpackUuid(this.#ids.view(i)),
        sha256: Buffer.from(this.#digests.view(i)).toString('hex'),
      };
    }
  }

  toJSON(): RowDigest[] {
    return [...this];
  }
}

/** How a referenced coordinate stands in the two stores, as the probe found it. */
export const VERDICTS = ['unknown', 'copy', 'same', 'differs', 'missing-source', 'unreadable'] as const;
export type Verdict = (typeof VERDICTS)[number];

/** One referenced coordinate, unpacked. */
export interface ReferencedEntry {
  coordinate: string;
  workspaceId: string | null;
  references: number;
  /** The first referring row's name (none for coordinates referenced outside configurations). */
  name?: string;
  verdict: Verdict;
  /** Why a store could not be read (`unreadable`): store, operation, coordinate; never a value. */
  detail?: string;
}

const FORM_TEXT = 0;
const FORMS = ['', 'workspace', 'organization'] as const;

/**
 * Every coordinate the configurations refer to, once each, in the order first seen, with how many
 * rows refer to it, its workspace, the first row's name and the probe's verdict. A coordinate
 * Airbyte minted takes 25 bytes (two uuids, a version); any other name is kept as text.
 */
export class ReferencedCoordinates {
  readonly #forms = bytes();
  /** Minted: the interned base id. Text: the index in `#texts`. */
  readonly #bases = words();
  readonly #uuids = bytes(16);
  readonly #versions = words();
  readonly #references = words();
  readonly #workspaces = words();
  readonly #names = words();
  readonly #verdicts = bytes();
  readonly #hashes = words();
  /** Open addressing: entry + 1, 0 for empty; kept at most 70 % full. */
  #slots = new Int32Array(2048);
  readonly #texts = new PackedStrings();
  readonly #nameText = new PackedStrings();
  readonly #baseIds = new Interned();
  readonly #workspaceIds = new Interned();
  readonly #details = new Map<number, string>();
  #size = 0;

  get size(): number {
    return this.#size;
  }

  /** Counts one more reference to `coordinate` (the first one sets its workspace and name). */
  refer(coordinate: string, workspaceId: string | null, name: string | undefined): void {
    const hash = hashOf(coordinate);
    const minted = MINTED.exec(coordinate);
    const mask = this.#slots.length - 1;
    let slot = hash & mask;
    for (let at = this.#slots[slot] as number; at !== 0; at = this.#slots[slot] as number) {
      const i = at - 1;
      if (this.#hashes.get(i) === hash && this.#matches(i, coordinate, minted)) {
        this.#references.set(i, this.#references.get(i) + 1);
        return;
      }
      slot = (slot + 1) & mask;
    }
    this.#append(coordinate, minted, hash, workspaceId, name);
    this.#slots[slot] = this.#size;
    if (this.#size > this.#slots.length * 0.7) this.#rehash();
  }

  coordinate(i: number): string {
    const form = this.#forms.get(i);
    if (form === FORM_TEXT) return this.#texts.get(this.#bases.get(i));
    const base = this.#baseIds.get(this.#bases.get(i));
    return `airbyte_${FORMS[form]}_${base}_secret_${unpackUuid(this.#uuids.view(i))}_v${this.#versions.get(i)}`;
  }

  entry(i: number): ReferencedEntry {
    const workspace = this.#workspaces.get(i);
    const name = this.#names.get(i);
    const detail = this.#details.get(i);
    return {
      coordinate: this.coordinate(i),
      workspaceId: workspace === NONE ? null : this.#workspaceIds.get(workspace),
      references: this.#references.get(i),
      ...(name === NONE ? {} : { name: this.#nameText.get(name) }),
      verdict: VERDICTS[this.#verdicts.get(i)] as Verdict,
      ...(detail !== undefined ? { detail } : {}),
    };
  }

  setVerdict(i: number, verdict: Verdict, detail?: string): void {
    this.#verdicts.set(i, VERDICTS.indexOf(verdict));
    if (detail !== undefined) this.#details.set(i, detail);
  }

  /** Every coordinate with its entry index, in the order first seen (one string at a time). */
  *coordinates(): Generator<{ index: number; coordinate: string }> {
    for (let i = 0; i < this.#size; i++) yield { index: i, coordinate: this.coordinate(i) };
  }

  #matches(i: number, coordinate: string, minted: RegExpExecArray | null): boolean {
    const form = this.#forms.get(i);
    if (!minted) return form === FORM_TEXT && this.#texts.get(this.#bases.get(i)) === coordinate;
    // The hash already matched: comparing the text costs one string, and only on a hit.
    return form !== FORM_TEXT && this.coordinate(i) === coordinate;
  }

  #append(
    coordinate: string,
    minted: RegExpExecArray | null,
    hash: number,
    workspaceId: string | null,
    name: string | undefined,
  ): void {
    const i = this.#size++;
    if (minted) {
      const [, form, base, uuid, version] = minted as unknown as [string, string, string, string, string];
      this.#forms.set(i, form === 'workspace' ? 1 : 2);
      this.#bases.set(i, this.#baseIds.add(base));
      packUuid(uuid, this.#uuids.view(i));
      this.#versions.set(i, Number(version));
    } else {
      this.#forms.set(i, FORM_TEXT);
      this.#bases.set(i, this.#texts.add(coordinate));
    }
    this.#references.set(i, 1);
    this.#workspaces.set(i, workspaceId === null ? NONE : this.#workspaceIds.add(workspaceId));
    this.#names.set(i, name === undefined ? NONE : this.#nameText.add(name));
    this.#verdicts.set(i, 0);
    this.#hashes.set(i, hash);
  }

  #rehash(): void {
    this.#slots = new Int32Array(this.#slots.length * 2);
    const mask = this.#slots.length - 1;
    for (let i = 0; i < this.#size; i++) {
      let slot = this.#hashes.get(i) & mask;
      while (this.#slots[slot] !== 0) slot = (slot + 1) & mask;
      this.#slots[slot] = i + 1;
    }
  }
}

/**
 * FNV-1a over the UTF-16 code units, from a seed drawn per process: whoever writes
 * configurations cannot prepare coordinates that all land in one run of slots.
 */
const HASH_SEED = randomBytes(4).readUInt32LE(0);

function hashOf(text: string): number {
  let hash = (0x811c9dc5 ^ HASH_SEED) >>> 0;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}
