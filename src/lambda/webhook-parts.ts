/**
 * What the webhook delivery function is made of: the store (endpoints, deliveries, dead letters and
 * the bookings payloads describe) and the intake and dispatcher every server runs — no gateway, no
 * cache, nothing written at cold start (see relay-parts.ts).
 */
import { pino } from 'pino';
import { EVENT_SOURCE } from '../composition/event-source.js';
import { createWebhookComponents, type WebhookComponents } from '../composition/webhooks.js';
import type { Config } from '../config.js';
import { systemClock } from '../ports/clock.js';
import { lambdaConfig, openLambdaStore } from './lambda-config.js';
import { perSandbox } from './per-sandbox.js';

export interface WebhookParts {
  config: Config;
  intake: WebhookComponents['intake'];
  dispatcher: WebhookComponents['dispatcher'];
}

const parts = perSandbox(
  async () => {
    const config = await lambdaConfig();
    const backend = await openLambdaStore(config);
    const webhooks = createWebhookComponents(config, {
      backend,
      bookings: backend.bookings,
      clock: systemClock,
      log: pino({ level: config.logLevel, name: 'travel-platform-webhooks' }),
      eventSource: EVENT_SOURCE,
    });
    return { config, backend, webhooks };
  },
  async ({ backend }) => {
    await backend.close();
  },
);

/** This sandbox's webhook parts, built on the first invocation. */
export async function webhookParts(): Promise<WebhookParts> {
  const { config, webhooks } = await parts.get();
  return { config, intake: webhooks.intake, dispatcher: webhooks.dispatcher };
}

/** Closes them (tests). */
export const closeWebhookParts = parts.close;
