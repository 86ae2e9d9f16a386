import { LRUCache } from 'lru-cache';
import type { CloudEvent } from '../../ports/events.js';

/** Event ids remembered as already applied here; far more than the changes in flight at once. */
const REMEMBERED = 10_000;

/**
 * Cache invalidation of this instance's own changes at commit, ahead of their events:
 *
 *   writer:  commit ─▶ invalidate (shared tier + bus) ─▶ answer 200 ─ ─ ─ ─ ─ ─▶ event arrives: skipped
 *   others:  L1 dropped by the cache bus ─ ─ ─ ─ ─ ─ ─ ─ ─ ─ ─ ─ ─ ─ ─ ─ ─ ─ ─▶ event arrives: invalidate
 *
 * The outbox, relay and bus still carry every change to every instance (at least once): this only
 * stops the writer's caches, and with a shared cache every instance's, from serving the old answer
 * meanwhile. Applied after the commit, never before it, so a search that starts later reads the
 * change; one that started earlier is not kept (RecentInvalidations). The writer's consumer then
 * skips the event: invalidating again would drop the result recomputed since, for nothing.
 */
export class InvalidationAtCommit {
  readonly #invalidate: (event: CloudEvent) => Promise<void>;
  readonly #onError: (error: unknown, event: CloudEvent) => void;
  readonly #applied = new LRUCache<string, true>({ max: REMEMBERED });

  constructor(
    invalidate: (event: CloudEvent) => Promise<void>,
    /** Told when an invalidation failed; the event's delivery then retries it. */
    onError: (error: unknown, event: CloudEvent) => void,
  ) {
    this.#invalidate = invalidate;
    this.#onError = onError;
  }

  /** For use cases, once their change committed: invalidates now. Never rejects. */
  readonly committed = async (events: readonly CloudEvent[]): Promise<void> => {
    await Promise.all(
      events.map(async (event) => {
        try {
          await this.#invalidate(event);
          this.#applied.set(event.id, true);
        } catch (error) {
          this.#onError(error, event);
        }
      }),
    );
  };

  /** For the bus consumer: the invalidation, unless it was applied at commit on this instance. */
  readonly delivered = async (event: CloudEvent): Promise<void> => {
    if (this.#applied.delete(event.id)) return;
    await this.#invalidate(event);
  };
}
