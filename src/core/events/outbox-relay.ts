import { randomUUID } from 'node:crypto';
import { type Clock, systemClock } from '../../ports/clock.js';
import type { EventBus } from '../../ports/events.js';
import { type Outbox, PUBLISHED_OUTBOX_RETENTION_MS } from '../../ports/outbox.js';

/** What the relay drains, where to, and how eagerly. */
export interface OutboxRelayOptions {
  outbox: Outbox;
  bus: EventBus;
  /** Poll interval (ms): how soon rows appended by other processes are seen. */
  pollMs: number;
  /** Records published per round trip; default 100. */
  batchSize?: number;
  /** How long (ms) this relay holds the outbox once it drained it; default max(10 s, 20 polls). */
  leaseMs?: number;
  /** Name of this relay in the lease; default unique to the process. */
  owner?: string;
  /** Published rows are deleted after this long (ms); default PUBLISHED_OUTBOX_RETENTION_MS (24 h). */
  retentionMs?: number;
  /** Told about failed rounds (store or bus down); the relay keeps polling. */
  onError?: (error: unknown) => void;
  /** When published rows are old enough to prune; default the system clock. */
  clock?: Clock;
}

const PRUNE_EVERY_MS = 10 * 60_000;

/**
 * Moves events from the outbox to the bus, at least once and in the order `claim` returns them (per
 * aggregate, see ports/outbox.ts): one relay holds the lease at a time and publishes a batch before
 * claiming the next.
 *
 *   relay                        outbox (store)                   bus
 *   ─────                        ──────────────                   ───
 *   claim(lease, batch) ───────▶ rows 7, 8 unpublished
 *   publish([7, 8]) ─────────────────────────────────────────────▶ durable
 *        ✗ crash here → 7, 8 are still unpublished: the next relay (after the lease expires)
 *          publishes them again; consumers skip the duplicates by event id
 *   markPublished([7, 8]) ─────▶ published_at set
 *
 * Marking before publishing would turn that duplicate into a loss, hence this order. A failed publish
 * leaves the rows for the next round. The relay wakes on `nudge` (an append in this process) or every
 * `pollMs` (appends by other processes sharing the store).
 */
export class OutboxRelay {
  readonly #outbox: Outbox;
  readonly #bus: EventBus;
  readonly #pollMs: number;
  readonly #batch: number;
  readonly #leaseMs: number;
  readonly #owner: string;
  readonly #retentionMs: number;
  readonly #onError: (error: unknown) => void;
  readonly #clock: Clock;
  #running = false;
  #loop: Promise<void> | undefined;
  #wake: (() => void) | undefined;
  #nudged = false;
  #unsubscribe: (() => void) | undefined;
  #chain: Promise<unknown> = Promise.resolve();
  #lastPrune = 0;

  constructor(options: OutboxRelayOptions) {
    this.#outbox = options.outbox;
    this.#clock = options.clock ?? systemClock;
    this.#bus = options.bus;
    this.#pollMs = options.pollMs;
    this.#batch = options.batchSize ?? 100;
    this.#leaseMs = options.leaseMs ?? Math.max(10_000, options.pollMs * 20);
    this.#owner = options.owner ?? `relay-${process.pid}-${randomUUID()}`;
    this.#retentionMs = options.retentionMs ?? PUBLISHED_OUTBOX_RETENTION_MS;
    this.#onError = options.onError ?? (() => {});
  }

  /** Starts polling (idempotent); the first drain runs at once. */
  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#unsubscribe = this.#outbox.onAppend(() => this.nudge());
    this.#loop = this.#run();
  }

  /** Asks for a drain now instead of at the next poll; a no-op when stopped. */
  nudge(): void {
    this.#nudged = true;
    this.#wake?.();
  }

  /**
   * Publishes everything pending now, whether or not the relay is started; returns how many events
   * were published (0 when another relay holds the lease). Rejects with the store's or bus's error.
   * Calls are serialised, so a drain never overlaps another.
   */
  drain(): Promise<number> {
    const next = this.#chain.then(() => this.#drainNow());
    this.#chain = next.catch(() => undefined);
    return next;
  }

  /** Stops polling, waits for the current round, and releases the lease. Never rejects. */
  async stop(): Promise<void> {
    if (!this.#running) return;
    this.#running = false;
    this.#unsubscribe?.();
    this.#wake?.();
    await this.#loop;
    await this.#outbox.release(this.#owner).catch((error: unknown) => this.#onError(error));
  }

  async #run(): Promise<void> {
    while (this.#running) {
      this.#nudged = false;
      try {
        await this.drain();
        await this.#pruneNow();
      } catch (error) {
        this.#onError(error);
      }
      if (!this.#running || this.#nudged) continue;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, this.#pollMs);
        this.#wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.#wake = undefined;
    }
  }

  async #drainNow(): Promise<number> {
    let published = 0;
    for (;;) {
      const records = await this.#outbox.claim(this.#owner, this.#batch, this.#leaseMs);
      if (records.length === 0) return published;
      await this.#bus.publish(records.map((record) => record.event));
      await this.#outbox.markPublished(records.map((record) => record.id));
      published += records.length;
      if (records.length < this.#batch) return published;
    }
  }

  async #pruneNow(): Promise<void> {
    const now = this.#clock.now();
    if (now - this.#lastPrune < PRUNE_EVERY_MS) return;
    this.#lastPrune = now;
    await this.#outbox.prunePublished(now - this.#retentionMs);
  }
}
