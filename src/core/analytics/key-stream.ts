import type { CacheOutcomeName } from './request-sample.js';

/** One cached answer in the recorded stream. */
export interface KeyAccess {
  type: string;
  key: string;
  /** The route searched (or the lookup), for per-route advice. */
  route: string;
  at: number;
  outcome: CacheOutcomeName;
}

/**
 * The last `capacity` cache accesses, oldest first, in a ring: what cache-efficiency advice replays.
 * Memory is bounded by the capacity whatever the traffic.
 */
export class KeyStream {
  readonly #ring: KeyAccess[] = [];
  readonly #capacity: number;
  #next = 0;

  constructor(capacity: number) {
    this.#capacity = capacity;
  }

  record(access: KeyAccess): void {
    if (this.#capacity === 0) return;
    if (this.#ring.length < this.#capacity) this.#ring.push(access);
    else this.#ring[this.#next] = access;
    this.#next = (this.#next + 1) % this.#capacity;
  }

  /** The recorded accesses, oldest first. */
  snapshot(): KeyAccess[] {
    if (this.#ring.length < this.#capacity) return [...this.#ring];
    return [...this.#ring.slice(this.#next), ...this.#ring.slice(0, this.#next)];
  }
}
