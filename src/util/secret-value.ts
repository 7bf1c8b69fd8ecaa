import { timingSafeEqual } from 'node:crypto';
import { inspect } from 'node:util';

const REDACTED = '[redacted]';

/**
 * A secret's value. Every path a secret travels (store reads, plaintext found in a config, writes)
 * carries it in this box so that logging, JSON serialisation, string interpolation and
 * `util.inspect` print `[redacted]` instead of the value. Only `reveal()` gives the text, and it is
 * called at the two edges that need it: the SDK call that stores it and the config rewrite.
 */
export class SecretValue {
  readonly #value: string;

  constructor(value: string) {
    this.#value = value;
  }

  /** The secret text itself. Call only where the value must leave the process for a store. */
  reveal(): string {
    return this.#value;
  }

  /** Byte length of the UTF-8 encoding (stores limit payloads in bytes). */
  get byteLength(): number {
    return Buffer.byteLength(this.#value, 'utf8');
  }

  /** True when the value is empty or whitespace: Airbyte's hydration rejects such a value as "not found". */
  get isBlank(): boolean {
    return this.#value.trim() === '';
  }

  /** Constant-time comparison of the UTF-8 bytes. */
  equals(other: SecretValue | undefined): boolean {
    if (!other) return false;
    const a = Buffer.from(this.#value, 'utf8');
    const b = Buffer.from(other.#value, 'utf8');
    return a.length === b.length && timingSafeEqual(a, b);
  }

  toString(): string {
    return REDACTED;
  }

  toJSON(): string {
    return REDACTED;
  }

  [inspect.custom](): string {
    return REDACTED;
  }
}
