import type { Clock } from '../../ports/clock.js';

/**
 * Keys counted per window at most. Under distinct searches every request is a new key; past this,
 * a new key's request is not counted (once, it is not popular anyway), so memory stays bounded
 * whatever the request rate.
 */
const MAX_KEYS_PER_WINDOW = 50_000;

/**
 * How often each key was asked for lately: counts in two fixed windows, the current one and the
 * one before, so a key's count always covers between one and two windows of history.
 */
export class Popularity {
  readonly #clock: Clock;
  readonly #windowMs: number;
  #current = new Map<string, number>();
  #previous = new Map<string, number>();
  #windowStart: number;

  constructor(clock: Clock, windowMs: number) {
    this.#clock = clock;
    this.#windowMs = windowMs;
    this.#windowStart = clock.now();
  }

  /** Counts one request for `key`; returns its count over the current and previous window. */
  hit(key: string): number {
    this.#rotate();
    const count = (this.#current.get(key) ?? 0) + 1;
    const previous = this.#previous.get(key) ?? 0;
    if (count === 1 && previous === 0 && this.#current.size >= MAX_KEYS_PER_WINDOW) return 1;
    this.#current.set(key, count);
    return count + previous;
  }

  /** The count of `key` over the current and previous window. */
  count(key: string): number {
    this.#rotate();
    return (this.#current.get(key) ?? 0) + (this.#previous.get(key) ?? 0);
  }

  #rotate(): void {
    const now = this.#clock.now();
    if (now - this.#windowStart < this.#windowMs) return;
    // A gap of more than a window leaves nothing worth remembering.
    this.#previous = now - this.#windowStart < 2 * this.#windowMs ? this.#current : new Map();
    this.#current = new Map();
    this.#windowStart = now;
  }
}
