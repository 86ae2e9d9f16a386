import type { AnalyticsStore, RollupRecord } from '../../ports/analytics-store.js';
import type { Clock } from '../../ports/clock.js';
import type { CloudEvent, EventBus } from '../../ports/events.js';
import { parseAmount } from '../money/money.js';
import { KeyStream } from './key-stream.js';
import type { RequestSample } from './request-sample.js';
import {
  addCount,
  cacheCounts,
  emptyRollup,
  encodeRollup,
  keyUsage,
  latencyOf,
  OTHER,
  ROLLUP_MAP_LIMIT,
  type Rollup,
} from './rollup.js';

export const MINUTE_MS = 60_000;

/** Data of a `search.performed` event: the searches of one route in one flush interval of one instance. */
export interface SearchPerformedData {
  kind: 'flights' | 'hotels';
  route: string;
  city: string;
  count: number;
}

/** Data of an `offer.priced` event: the price confirmations of one flush interval of one instance. */
export interface OfferPricedData {
  count: number;
}

export interface AnalyticsCollectorOptions {
  store: AnalyticsStore;
  bus: EventBus;
  clock: Clock;
  /** Names this process's records; unique per process. */
  writerId: string;
  /** Builds the `search.performed` and `offer.priced` events it publishes. */
  createEvent: <T>(type: 'search.performed' | 'offer.priced', data: T) => CloudEvent<T>;
  flushMs: number;
  /** Cache accesses kept for cache-efficiency advice. */
  keyStreamCapacity: number;
  onError: (error: unknown) => void;
}

/** Minutes kept in memory while the store refuses writes; older ones are dropped, never a request. */
const MAX_UNFLUSHED_MINUTES = 10;
/** Where searches of routes beyond ROLLUP_MAP_LIMIT in one flush interval are counted. */
const OTHER_SEARCHES = '(other)';
/** Event ids remembered to ignore redeliveries. */
const SEEN_EVENTS = 10_000;

/**
 * Aggregates requests and events into per-minute rollups in memory and writes them to the store
 * every `flushMs`, off the request path:
 *
 *   request ─ onResponse ─▶ recordRequest (counters, one sketch insert: O(1), no I/O)
 *   searches, price confirmations ─ counted per route ─ flush ─▶ one search.performed per route
 *                                                               and one offer.priced, on the bus
 *   bus (search.performed, offer.priced, booking.*, price.updated) ─▶ recordEvent
 *   flush ─▶ AnalyticsStore.put(one record per minute of this writer, replaced as it grows)
 *
 * Searches reach the rollups only through their events, so a cluster sharing a bus counts each
 * once; when the bus refuses them they are counted here instead. A failing store or bus costs
 * analytics, never a request or a booking: errors go to `onError`, memory stays bounded.
 */
export class AnalyticsCollector {
  readonly #options: AnalyticsCollectorOptions;
  readonly #minutes = new Map<number, Rollup>();
  readonly #pendingSearches = new Map<string, SearchPerformedData>();
  #pendingPriced = 0;
  readonly #seen = new Set<string>();
  readonly keyStream: KeyStream;
  #timer: NodeJS.Timeout | undefined;
  #flushing: Promise<void> | undefined;

  constructor(options: AnalyticsCollectorOptions) {
    this.#options = options;
    this.keyStream = new KeyStream(options.keyStreamCapacity);
  }

  get writerId(): string {
    return this.#options.writerId;
  }

  /** Counts one answered request. Synchronous and O(1): it runs after every response. */
  recordRequest(sample: RequestSample): void {
    const now = this.#options.clock.now();
    const rollup = this.#current(now);
    rollup.requests += 1;
    const { status } = sample;
    if (status === 429) rollup.throttled += 1;
    else if (status >= 500) rollup.serverErrors += 1;
    else if (status >= 400) rollup.clientErrors += 1;
    latencyOf(rollup, sample.routeGroup).record(sample.durationMs);
    if (sample.apiKey) {
      const usage = keyUsage(rollup, sample.apiKey.id, sample.apiKey.plan);
      usage.requests += 1;
      if (sample.search) usage.searches += 1;
      if (status === 429) usage.throttled += 1;
      else if (status >= 400) usage.errors += 1;
    }
    if (sample.cache) {
      cacheCounts(rollup, sample.cache.type)[sample.cache.outcome] += 1;
      this.keyStream.record({
        type: sample.cache.type,
        key: sample.cache.key,
        route: sample.search ? `${sample.search.kind}:${sample.search.route}` : sample.cache.type,
        at: now,
        outcome: sample.cache.outcome,
      });
    }
    if (sample.search) {
      const id = `${sample.search.kind}|${sample.search.route}|${sample.search.city}`;
      const pending = this.#pendingSearches.get(id) ?? this.#pendingSearches.get(OTHER_SEARCHES);
      if (pending) pending.count += 1;
      else if (this.#pendingSearches.size < ROLLUP_MAP_LIMIT)
        this.#pendingSearches.set(id, { ...sample.search, count: 1 });
      else
        this.#pendingSearches.set(OTHER_SEARCHES, {
          kind: sample.search.kind,
          route: OTHER,
          city: OTHER,
          count: 1,
        });
    }
    if (sample.offerPriced) this.#pendingPriced += 1;
  }

  /** Counts one event from the bus; a redelivered event (same id) is counted once. */
  recordEvent(event: CloudEvent): void {
    if (this.#seen.has(event.id)) return;
    this.#seen.add(event.id);
    if (this.#seen.size > SEEN_EVENTS) this.#seen.delete(this.#seen.values().next().value as string);
    const rollup = this.#current(this.#options.clock.now());
    switch (event.type) {
      case 'search.performed':
        countSearches(rollup, event.data as SearchPerformedData);
        break;
      case 'offer.priced':
        rollup.offersPriced += Math.max(0, Number((event.data as OfferPricedData).count) || 0);
        break;
      case 'booking.created': {
        rollup.bookings += 1;
        const price = (event.data as { price?: { total?: string; currency?: string } }).price;
        const minor = price?.total && price.currency ? parseAmount(price.total, price.currency) : undefined;
        if (price?.currency && minor !== undefined)
          rollup.revenue[price.currency] = (rollup.revenue[price.currency] ?? 0) + minor;
        break;
      }
      case 'booking.cancelled':
        rollup.cancellations += 1;
        break;
      case 'price.updated':
        rollup.priceUpdates += 1;
        break;
      default:
        break;
    }
  }

  /** This writer's minutes not yet written, or written but still growing, as records would store them. */
  liveRollups(): { id: string; bucket: number; rollup: Rollup }[] {
    return [...this.#minutes].map(([bucket, rollup]) => ({ id: this.#recordId(bucket), bucket, rollup }));
  }

  /** Starts flushing every `flushMs`. */
  start(): void {
    this.#timer ??= setInterval(() => void this.flush(), this.#options.flushMs);
    this.#timer.unref();
  }

  /** Publishes the pending search and pricing events, then writes the minutes in memory. Never rejects. */
  flush(): Promise<void> {
    this.#flushing ??= this.#flush().finally(() => {
      this.#flushing = undefined;
    });
    return this.#flushing;
  }

  /** Stops the timer and flushes what is left. Never rejects. */
  async close(): Promise<void> {
    clearInterval(this.#timer);
    this.#timer = undefined;
    await this.#flushing;
    await this.flush();
  }

  async #flush(): Promise<void> {
    await this.#publishPending();
    const now = this.#options.clock.now();
    const currentMinute = Math.floor(now / MINUTE_MS) * MINUTE_MS;
    const records: RollupRecord[] = [...this.#minutes].map(([bucket, rollup]) => ({
      id: this.#recordId(bucket),
      granularity: 'minute',
      bucket,
      payload: encodeRollup(rollup),
    }));
    if (records.length === 0) return;
    try {
      await this.#options.store.put(records);
      // Past minutes are complete once written; the current one keeps growing and is written again.
      for (const bucket of this.#minutes.keys()) if (bucket < currentMinute) this.#minutes.delete(bucket);
    } catch (error) {
      this.#options.onError(error);
      const buckets = [...this.#minutes.keys()].sort((a, b) => a - b);
      for (const bucket of buckets.slice(0, Math.max(0, buckets.length - MAX_UNFLUSHED_MINUTES)))
        this.#minutes.delete(bucket);
    }
  }

  async #publishPending(): Promise<void> {
    const searches = [...this.#pendingSearches.values()];
    const priced = this.#pendingPriced;
    this.#pendingSearches.clear();
    this.#pendingPriced = 0;
    const events: CloudEvent[] = searches.map((data) => this.#options.createEvent('search.performed', data));
    if (priced > 0) events.push(this.#options.createEvent('offer.priced', { count: priced }));
    if (events.length === 0) return;
    try {
      await this.#options.bus.publish(events);
    } catch (error) {
      // Counted here instead, so a bus outage loses the events for other consumers, not the numbers.
      this.#options.onError(error);
      for (const event of events) this.recordEvent(event);
    }
  }

  #current(now: number): Rollup {
    const bucket = Math.floor(now / MINUTE_MS) * MINUTE_MS;
    let rollup = this.#minutes.get(bucket);
    if (rollup === undefined) {
      rollup = emptyRollup();
      this.#minutes.set(bucket, rollup);
      // Unflushed minutes (a store refusing writes, or no flushing at all) never pile up.
      if (this.#minutes.size > MAX_UNFLUSHED_MINUTES)
        this.#minutes.delete(this.#minutes.keys().next().value as number);
    }
    return rollup;
  }

  #recordId(bucket: number): string {
    return `m:${bucket}:${this.#options.writerId}`;
  }
}

function countSearches(rollup: Rollup, data: SearchPerformedData): void {
  const count = Math.max(0, Number(data.count) || 0);
  rollup.searches += count;
  addCount(rollup.routes, `${data.kind}:${data.route}`, count);
  if (data.city) addCount(rollup.cities, data.city, count);
}
