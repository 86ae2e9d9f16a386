import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InProcessEventBus } from '../../src/adapters/events/in-process.js';
import { openSqliteStore, type SqliteStore } from '../../src/adapters/store/sqlite/index.js';
import { AnalyticsCollector } from '../../src/core/analytics/analytics-collector.js';
import { compactAndExpire } from '../../src/core/analytics/analytics-maintenance.js';
import { AnalyticsQueries } from '../../src/core/analytics/analytics-queries.js';
import type { RequestSample } from '../../src/core/analytics/request-sample.js';
import { decodeRollup, ROLLUP_MAP_LIMIT } from '../../src/core/analytics/rollup.js';
import { BudgetWatch } from '../../src/core/cost/budget-watch.js';
import { eventFactory } from '../../src/core/events/create-event.js';
import type { AnalyticsStore } from '../../src/ports/analytics-store.js';
import type { CloudEvent, EventBus } from '../../src/ports/events.js';
import { StoreUnavailableError } from '../../src/ports/store.js';
import { ManualClock } from '../helpers/manual-clock.js';
import { tempSqliteFile } from '../helpers/temp-sqlite.js';
import { waitFor } from '../helpers/wait-for.js';

const T0 = Date.UTC(2030, 0, 1, 12);
const MINUTE = 60_000;
const HOUR = 3_600_000;

let temp: ReturnType<typeof tempSqliteFile>;
let store: SqliteStore;
let bus: InProcessEventBus;
let clock: ManualClock;
let errors: unknown[];

beforeEach(async () => {
  temp = tempSqliteFile();
  store = await openSqliteStore({ sqliteFile: temp.file });
  bus = new InProcessEventBus();
  clock = new ManualClock(T0);
  errors = [];
});
afterEach(async () => {
  await bus.close();
  await store.close();
  temp.cleanup();
});

function collector(options: { store?: AnalyticsStore; bus?: EventBus } = {}): AnalyticsCollector {
  const createEvent = eventFactory({ source: '/test', clock });
  return new AnalyticsCollector({
    store: options.store ?? store.analytics,
    bus: options.bus ?? bus,
    clock,
    writerId: 'w1',
    createEvent,
    flushMs: 60_000,
    keyStreamCapacity: 3,
    onError: (error) => errors.push(error),
  });
}

const search = (route: string, outcome: 'hit' | 'miss'): RequestSample => ({
  routeGroup: 'flights.search',
  status: 200,
  durationMs: outcome === 'hit' ? 1 : 40,
  apiKey: { id: 'k1', plan: 'free' },
  cache: { type: 'flights', outcome, key: `/v1/flights/search?${route}` },
  search: { kind: 'flights', route, city: route.slice(4) },
});

describe('AnalyticsCollector', () => {
  it('searches reach the rollups through their batched search.performed events, one per route', async () => {
    const c = collector();
    const published: CloudEvent[] = [];
    await bus.subscribe('analytics', async (event) => {
      published.push(event);
      c.recordEvent(event);
    });
    for (let i = 0; i < 50; i++) c.recordRequest(search('LHR-JFK', i === 0 ? 'miss' : 'hit'));
    c.recordRequest(search('CDG-FRA', 'miss'));
    await c.flush();
    await waitFor('the events', () => published.length === 2);
    expect(published.map((e) => [e.type, (e.data as { route: string; count: number }).count])).toEqual([
      ['search.performed', 50],
      ['search.performed', 1],
    ]);
    // Redelivery of the same event is not counted twice.
    c.recordEvent(published[0]!);
    await c.flush();
    const total = await new AnalyticsQueries({ store: store.analytics, live: () => [] }).total(
      T0 - HOUR,
      T0 + HOUR,
    );
    expect(total.searches).toBe(51);
    expect(total.routes).toEqual({ 'flights:LHR-JFK': 50, 'flights:CDG-FRA': 1 });
    expect(total.cache.flights).toEqual({ hit: 49, miss: 2, stale: 0 });
    expect(total.keys.k1?.requests).toBe(51);
    expect(total.latency['flights.search']?.count).toBe(51);
  });

  it('when the bus refuses the batch, the searches are counted here instead', async () => {
    const broken: EventBus = {
      publish: async () => {
        throw new Error('bus down');
      },
      subscribe: bus.subscribe.bind(bus),
      health: bus.health.bind(bus),
      close: bus.close.bind(bus),
    };
    const c = collector({ bus: broken });
    c.recordRequest(search('LHR-JFK', 'miss'));
    await c.flush();
    expect(errors).toHaveLength(1);
    expect(c.liveRollups()[0]?.rollup.searches).toBe(1);
  });

  it('when the store refuses writes, requests are still recorded and at most ten minutes wait in memory', async () => {
    const down: AnalyticsStore = {
      put: async () => {
        throw new StoreUnavailableError('down');
      },
      list: async () => [],
      remove: async () => undefined,
      removeRange: async () => 0,
    };
    const c = collector({ store: down });
    for (let minute = 0; minute < 30; minute++) {
      c.recordRequest({ routeGroup: 'bookings', status: 500, durationMs: 3 });
      await c.flush();
      clock.advance(MINUTE);
    }
    expect(c.liveRollups().length).toBeLessThanOrEqual(10);
    expect(errors.length).toBe(30);
  });

  it('never flushed (no timer, as in a Lambda sandbox nobody started), memory stays bounded all the same', () => {
    const c = collector();
    for (let minute = 0; minute < 60; minute++) {
      for (let route = 0; route < 20; route++) c.recordRequest(search(`LHR-${minute}-${route}`, 'miss'));
      clock.advance(MINUTE);
    }
    expect(c.liveRollups().length).toBeLessThanOrEqual(10);
  });

  it('keeps at most ROLLUP_MAP_LIMIT routes per minute; the rest are counted under (other)', () => {
    const c = collector();
    for (let i = 0; i < ROLLUP_MAP_LIMIT + 20; i++)
      c.recordEvent(
        eventFactory({ source: '/t', clock })('search.performed', {
          kind: 'flights',
          route: `R${i}`,
          city: 'X',
          count: 1,
        }),
      );
    const routes = c.liveRollups()[0]!.rollup.routes;
    expect(Object.keys(routes)).toHaveLength(ROLLUP_MAP_LIMIT + 1);
    expect(routes['(other)']).toBe(20);
  });

  it('counts bookings, cancellations and revenue by currency from booking events', () => {
    const c = collector();
    const event = eventFactory({ source: '/t', clock });
    c.recordEvent(event('booking.created', { price: { total: '412.30', currency: 'EUR' } }));
    c.recordEvent(event('booking.created', { price: { total: '100', currency: 'EUR' } }));
    c.recordEvent(event('booking.cancelled', { price: { total: '100', currency: 'EUR' } }));
    const rollup = c.liveRollups()[0]!.rollup;
    expect([rollup.bookings, rollup.cancellations, rollup.revenue]).toEqual([2, 1, { EUR: 51_230 }]);
  });

  it('the key stream is a bounded ring of the latest accesses', () => {
    const c = collector();
    for (const route of ['A', 'B', 'C', 'D']) c.recordRequest(search(`LHR-${route}`, 'miss'));
    expect(c.keyStream.snapshot().map((a) => a.route)).toEqual([
      'flights:LHR-B',
      'flights:LHR-C',
      'flights:LHR-D',
    ]);
  });
});

describe('compaction and retention', () => {
  it('merges minutes older than the minute retention into one hour, exactly, and drops what is past retention', async () => {
    const c = collector();
    const old = T0 - 3 * 86_400_000;
    clock.set(old);
    for (const ms of [1, 2, 3, 400])
      c.recordRequest({ routeGroup: 'flights.search', status: 200, durationMs: ms });
    await c.flush();
    clock.set(old + 10 * MINUTE);
    c.recordRequest({ routeGroup: 'flights.search', status: 502, durationMs: 1000 });
    await c.flush();
    clock.set(T0 - 92 * 86_400_000);
    c.recordRequest({ routeGroup: 'other', status: 200, durationMs: 1 });
    await c.flush();

    const queries = new AnalyticsQueries({ store: store.analytics, live: () => [] });
    const before = await queries.total(old - HOUR, old + HOUR);
    await compactAndExpire(
      store.analytics,
      { minuteRetentionMs: 48 * HOUR, retentionMs: 90 * 86_400_000 },
      T0,
    );
    expect(await store.analytics.list('minute', T0 - 100 * 86_400_000, T0)).toEqual([]);
    const hours = await store.analytics.list('hour', T0 - 100 * 86_400_000, T0);
    expect(hours).toHaveLength(1);
    const hour = decodeRollup(hours[0]!.payload);
    expect([hour.requests, hour.serverErrors]).toEqual([5, 1]);
    expect(hour.latency['flights.search']?.percentileMs(99)).toBe(
      before.latency['flights.search']?.percentileMs(99),
    );
    // Compacting again changes nothing.
    await compactAndExpire(
      store.analytics,
      { minuteRetentionMs: 48 * HOUR, retentionMs: 90 * 86_400_000 },
      T0,
    );
    expect(await store.analytics.list('hour', T0 - 100 * 86_400_000, T0)).toEqual(hours);
  });
});

describe('BudgetWatch', () => {
  it('announces 80% and 100% of the monthly budget once each per month, across restarts', async () => {
    const alerts: number[] = [];
    const watch = () =>
      new BudgetWatch(100, store.inventory, async (alert) => void alerts.push(alert.thresholdPercent));
    await watch().check('2030-01', 50);
    await watch().check('2030-01', 85);
    await watch().check('2030-01', 90);
    await watch().check('2030-01', 120);
    await watch().check('2030-01', 130);
    await watch().check('2030-02', 99);
    expect(alerts).toEqual([80, 100, 80]);
    expect(watch().crossed(85)).toEqual([80]);
    expect(new BudgetWatch(0, store.inventory, async () => undefined).crossed(1e9)).toEqual([]);
  });
});
