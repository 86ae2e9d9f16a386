import type { Logger } from 'pino';
import { HttpWebhookTransport } from '../adapters/webhooks/http-transport.js';
import type { Config } from '../config.js';
import { WebhookDispatcher } from '../core/webhooks/webhook-dispatcher.js';
import { WebhookEndpoints } from '../core/webhooks/webhook-endpoints.js';
import { WebhookIntake } from '../core/webhooks/webhook-intake.js';
import type { BookingStore } from '../ports/bookings.js';
import type { Clock } from '../ports/clock.js';
import type { StoreBackend } from '../ports/store-backend.js';
import type { WebhookTransport } from '../ports/webhook-transport.js';

/** Webhooks of one instance (docs/webhooks.md). */
export interface WebhookComponents {
  /** Turns relayed events into deliveries; the relay's bus runs it before publishing. */
  intake: WebhookIntake;
  /** Sends due deliveries; started with the platform unless WEBHOOKS=off. */
  dispatcher: WebhookDispatcher;
  /** The endpoints API. */
  endpoints: WebhookEndpoints;
}

/** The webhook parts wired from configuration; `transport` replaces the HTTP one (tests). */
export function createWebhookComponents(
  config: Config,
  dependencies: {
    backend: StoreBackend;
    bookings: BookingStore;
    clock: Clock;
    log: Logger;
    eventSource: string;
    transport?: WebhookTransport;
  },
): WebhookComponents {
  const { backend, clock, log, eventSource } = dependencies;
  const transport =
    dependencies.transport ??
    new HttpWebhookTransport({ allowLoopback: config.webhookAllowLoopback === 'on' });
  const dispatcher = new WebhookDispatcher({
    deliveries: backend.webhookDeliveries,
    endpoints: backend.webhookEndpoints,
    transport,
    clock,
    retry: {
      maxAttempts: config.webhookMaxAttempts,
      baseMs: config.webhookRetryBaseMs,
      maxMs: config.webhookRetryMaxMs,
      disableAfterFailures: config.webhookDisableAfterFailures,
    },
    timeoutMs: config.webhookTimeoutMs,
    concurrency: config.webhookConcurrency,
    endpointConcurrency: config.webhookEndpointConcurrency,
    pollMs: config.webhookPollMs,
    onEndpointDisabled: (endpoint) =>
      log.error(
        { webhookEndpoint: endpoint.id, apiKeyId: endpoint.apiKeyId, reason: endpoint.disabledReason },
        'webhook endpoint disabled after repeated failures',
      ),
    onError: (error) => log.warn({ err: error }, 'webhook delivery round failed; retrying'),
  });
  const nudge = () => dispatcher.nudge();
  return {
    dispatcher,
    intake: new WebhookIntake({
      endpoints: backend.webhookEndpoints,
      deliveries: backend.webhookDeliveries,
      bookings: dependencies.bookings,
      clock,
      source: eventSource,
      onEnqueued: nudge,
      onSkipped: (event, error) =>
        log.error(
          { err: error, eventId: event.id, type: event.type },
          'no webhooks for an event that cannot be read',
        ),
    }),
    endpoints: new WebhookEndpoints({
      endpoints: backend.webhookEndpoints,
      deliveries: backend.webhookDeliveries,
      clock,
      source: eventSource,
      requireHttps: config.webhookRequireHttps === 'on',
      secretOverlapMs: config.webhookSecretOverlapSeconds * 1000,
      onEnqueued: nudge,
    }),
  };
}
