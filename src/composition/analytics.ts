import { hostname } from 'node:os';
import type { Logger } from 'pino';
import type { Config } from '../config.js';
import { AnalyticsCollector } from '../core/analytics/analytics-collector.js';
import { compactAndExpire } from '../core/analytics/analytics-maintenance.js';
import { AnalyticsQueries } from '../core/analytics/analytics-queries.js';
import { AnalyticsService } from '../core/analytics/analytics-service.js';
import { BudgetWatch } from '../core/cost/budget-watch.js';
import { DEFAULT_ASSUMPTIONS } from '../core/cost/cost-model.js';
import { PRICES } from '../core/cost/price-table.js';
import { eventFactory } from '../core/events/create-event.js';
import type { Clock } from '../ports/clock.js';
import type { EventBus, Subscription } from '../ports/events.js';
import type { InventoryStore } from '../ports/store.js';
import type { StoreBackend } from '../ports/store-backend.js';

/** Analytics of a running instance: the collector fed by requests and events, and its queries. */
export interface AnalyticsComponents {
  service: AnalyticsService;
  collector: AnalyticsCollector;
  /** Subscribes to the bus and starts flushing, compacting and watching the budget. */
  start(): Promise<void>;
  /**
   * One round of the maintenance `start` repeats: compacts minute rollups into hours and drops those
   * past the retention. A scheduled job calls it where nothing runs between requests (Lambda).
   */
  compactAndExpire(): Promise<void>;
  /** One budget check (publishes budget.threshold-crossed once per crossed threshold); a no-op without a budget. */
  checkBudget(): Promise<void>;
  /** Stops, flushing what is left. Never rejects. */
  close(): Promise<void>;
}

export interface AnalyticsDependencies {
  backend: StoreBackend;
  /** Where crossed budget thresholds are remembered (store settings). */
  settings: InventoryStore;
  bus: EventBus;
  clock: Clock;
  log: Logger;
  eventSource: string;
  consumerName: string;
}

/** Consumer group of analytics: one for the whole cluster, so each event is counted once. */
export const ANALYTICS_GROUP = 'analytics';
const MAINTENANCE_EVERY_MS = 10 * 60_000;
const BUDGET_EVERY_MS = 60_000;
const COUNTED_EVENTS = new Set([
  'search.performed',
  'offer.priced',
  'booking.created',
  'booking.cancelled',
  'price.updated',
]);

/** Wires analytics from configuration; undefined when ANALYTICS=off. */
export function createAnalyticsComponents(
  config: Config,
  deps: AnalyticsDependencies,
): AnalyticsComponents | undefined {
  if (config.analytics === 'off') return undefined;
  const { backend, bus, clock, log } = deps;
  const createEvent = eventFactory({ source: deps.eventSource, clock });
  const collector = new AnalyticsCollector({
    store: backend.analytics,
    bus,
    clock,
    writerId: `${config.instanceId || hostname()}-${process.pid}-${clock.now().toString(36)}`,
    createEvent,
    flushMs: config.analyticsFlushMs,
    keyStreamCapacity: config.analyticsKeyStreamSize,
    onError: (error) => log.warn({ err: error }, 'analytics flush failed; rollups kept in memory'),
  });
  const retention = {
    minuteRetentionMs: config.analyticsMinuteRetentionHours * 3_600_000,
    retentionMs: config.analyticsRetentionDays * 86_400_000,
  };
  const service = new AnalyticsService({
    queries: new AnalyticsQueries({ store: backend.analytics, live: () => collector.liveRollups() }),
    collector,
    clock,
    ...retention,
    prices: { ...PRICES, machineHour: { ...PRICES.machineHour, usd: config.costMachineHourUsd } },
    assumptions: {
      ...DEFAULT_ASSUMPTIONS,
      target: config.costTarget,
      lambdaMemoryMb: config.costLambdaMemoryMb,
      machines: config.costMachines,
    },
    budget: new BudgetWatch(
      config.costMonthlyBudgetUsd,
      deps.settings,
      async (alert) => {
        log.warn(alert, 'monthly budget threshold crossed');
        await bus.publish([createEvent('budget.threshold-crossed', alert)]);
      },
      clock,
    ),
    ttlSeconds: {
      flights: config.cacheTtlFlightSearchSeconds,
      hotels: config.cacheTtlHotelSearchSeconds,
      locations: config.cacheTtlLocationsSeconds,
    },
  });
  let subscription: Subscription | undefined;
  const timers: NodeJS.Timeout[] = [];
  const every = (ms: number, work: () => Promise<unknown>, what: string): void => {
    const run = (): void => {
      work().catch((error: unknown) => log.warn({ err: error }, `${what} failed`));
    };
    const timer = setInterval(run, ms);
    timer.unref();
    timers.push(timer);
    run();
  };
  const maintain = () => compactAndExpire(backend.analytics, retention, clock.now());
  const checkBudget = async () => {
    if (config.costMonthlyBudgetUsd > 0) await service.month();
  };
  return {
    service,
    collector,
    compactAndExpire: maintain,
    checkBudget,
    async start() {
      subscription = await bus.subscribe(
        ANALYTICS_GROUP,
        async (event) => {
          if (COUNTED_EVENTS.has(event.type)) collector.recordEvent(event);
        },
        { consumer: deps.consumerName },
      );
      collector.start();
      every(MAINTENANCE_EVERY_MS, maintain, 'analytics compaction');
      if (config.costMonthlyBudgetUsd > 0) every(BUDGET_EVERY_MS, checkBudget, 'budget check');
    },
    async close() {
      for (const timer of timers) clearInterval(timer);
      await subscription?.close();
      await collector.close();
    },
  };
}
