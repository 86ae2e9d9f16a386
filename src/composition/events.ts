import cluster from 'node:cluster';
import { hostname } from 'node:os';
import type { Logger } from 'pino';
import { ClusterRelayedEventBus, shareOutboxAppends } from '../adapters/events/cluster-relayed.js';
import { createEventBus } from '../adapters/events/create-event-bus.js';
import type { Config } from '../config.js';
import { OutboxRelay } from '../core/events/outbox-relay.js';
import { withWebhookIntake } from '../core/webhooks/webhook-intake.js';
import type { EventBus } from '../ports/events.js';
import type { LifecyclePart } from './lifecycle.js';
import type { Wiring } from './ports.js';
import type { WebhookComponents } from './webhooks.js';

/** The configured bus; workers of one cluster (WORKERS) without a Redis bus pass events over IPC. */
export async function createBus(config: Config, log: Logger): Promise<EventBus> {
  const bus = await createEventBus(config, (error) => log.warn({ err: error }, 'event bus error'));
  return cluster.isWorker && config.eventBus === 'in-process'
    ? new ClusterRelayedEventBus(bus, (error) => log.warn({ err: error }, 'cluster event relay error'))
    : bus;
}

/** Consumer group (and processed-marks name) of this instance's cache invalidation. */
export function invalidationGroupOf(config: Config): string {
  return `cache-invalidation.${config.instanceId || `${hostname()}-${process.pid}`}`;
}

/** The relay from the outbox to the bus, and what wakes it when another process appends. */
export interface Relay {
  relay: OutboxRelay;
  /** Polls the outbox while started. */
  running: LifecyclePart;
  /** Wakes this relay on appends by the workers of this cluster and, with a Redis bus, any process. */
  wakeUps: LifecyclePart;
}

export function createRelay(w: Wiring, webhooks: WebhookComponents): Relay {
  const { config, log } = w;
  const { outbox } = w.backend;
  const relay = new OutboxRelay({
    outbox,
    // Deliveries are stored before the relay marks rows published (core/webhooks/webhook-intake.ts).
    bus: withWebhookIntake(w.bus, webhooks.intake),
    pollMs: config.outboxPollMs,
    clock: w.clock,
    onError: (error) => log.warn({ err: error }, 'outbox relay round failed; retrying'),
  });
  let stopSharingAppends: (() => void) | undefined;
  let stopSignalling: (() => Promise<void>) | undefined;
  return {
    relay,
    running: { start: () => relay.start(), close: () => relay.stop() },
    wakeUps: {
      async start() {
        stopSharingAppends = shareOutboxAppends(outbox, relay);
        // Processes sharing a Redis bus (and the store) wake each other's relay the same way.
        if (config.eventBus === 'redis') {
          const { shareOutboxAppendsOverRedis } = await import('../adapters/events/redis-append-signal.js');
          stopSignalling = await shareOutboxAppendsOverRedis(
            config.redisUrl,
            `${config.eventStreamKey}:appended`,
            outbox,
            relay,
          );
        }
      },
      async close() {
        stopSharingAppends?.();
        await stopSignalling?.();
      },
    },
  };
}
