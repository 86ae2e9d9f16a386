import type { Clock } from '../../ports/clock.js';

/**
 * When each tag was last invalidated on this instance, remembered for a while. It closes the race
 * between a search and an inventory change:
 *
 *   search reads old fare ──────────────┐            ┌── search stores its result (old fare!)
 *   fare update commits ──► event ──► note(tags) ──► invalidateTags(tags)
 *
 * The invalidation cannot drop an entry that is written after it. The search therefore asks, once it
 * has its result, whether any of its tags was invalidated since it started, and if so does not keep it.
 */
export class RecentInvalidations {
  readonly #clock: Clock;
  readonly #retentionMs: number;
  readonly #lastByTag = new Map<string, number>();

  /** `retentionMs` must exceed the longest search (the request timeout is a safe bound). */
  constructor(clock: Clock, retentionMs: number) {
    this.#clock = clock;
    this.#retentionMs = retentionMs;
  }

  /** Records that `tags` are being invalidated now. */
  note(tags: readonly string[]): void {
    const now = this.#clock.now();
    for (const tag of tags) this.#lastByTag.set(tag, now);
    this.#prune(now);
  }

  /** True when any of `tags` was invalidated at or after `since` (epoch ms). */
  anySince(tags: readonly string[], since: number): boolean {
    return tags.some((tag) => (this.#lastByTag.get(tag) ?? Number.NEGATIVE_INFINITY) >= since);
  }

  #prune(now: number): void {
    // A full sweep is cheap at the rate inventory changes arrive.
    for (const [tag, at] of this.#lastByTag) if (now - at > this.#retentionMs) this.#lastByTag.delete(tag);
  }
}
