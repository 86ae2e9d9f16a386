/**
 * What the scheduled housekeeping function is made of: the store's expiring parts and the analytics
 * components whose maintenance and budget check a serving instance runs on timers — no gateway, no
 * search engine, nothing written at cold start (see relay-parts.ts).
 */
import { pino } from 'pino';
import { createEventBus } from '../adapters/events/create-event-bus.js';
import { type AnalyticsComponents, createAnalyticsComponents } from '../composition/analytics.js';
import { EVENT_SOURCE } from '../composition/event-source.js';
import { type Clock, systemClock } from '../ports/clock.js';
import type { Outbox } from '../ports/outbox.js';
import type { ProcessedEvents } from '../ports/processed-events.js';
import { lambdaConfig, openLambdaStore } from './lambda-config.js';
import { perSandbox } from './per-sandbox.js';

export interface HousekeepingParts {
  clock: Clock;
  outbox: Outbox;
  processed: ProcessedEvents;
  /** Undefined with ANALYTICS=off. */
  analytics: AnalyticsComponents | undefined;
}

const parts = perSandbox(
  async () => {
    const config = await lambdaConfig();
    const backend = await openLambdaStore(config);
    // The budget check announces a crossed threshold on the bus, as a serving instance's does.
    const bus = await createEventBus(config);
    const analytics = createAnalyticsComponents(config, {
      backend,
      settings: backend.inventory,
      bus,
      clock: systemClock,
      log: pino({ level: config.logLevel, name: 'travel-platform-housekeeping' }),
      eventSource: EVENT_SOURCE,
      consumerName: 'housekeeping.lambda',
    });
    return { backend, bus, analytics };
  },
  async ({ backend, bus }) => {
    await bus.close();
    await backend.close();
  },
);

/** This sandbox's housekeeping parts, built on the first invocation. */
export async function housekeepingParts(): Promise<HousekeepingParts> {
  const { backend, analytics } = await parts.get();
  return { clock: systemClock, outbox: backend.outbox, processed: backend.processedEvents, analytics };
}

/** Closes them (tests). */
export const closeHousekeepingParts = parts.close;
