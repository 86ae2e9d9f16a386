/**
 * What the outbox relay function is made of: the store's outbox and the bus it publishes to, nothing
 * more. The API function builds the whole platform (composition/platform.ts); the other functions build only
 * their own few parts and write nothing at cold start — no API keys, issuer keys or signing secret
 * (and the stack grants them no write on those items either, infra/lib/table-access.ts).
 */
import { createEventBus } from '../adapters/events/create-event-bus.js';
import type { EventBus } from '../ports/events.js';
import type { Outbox } from '../ports/outbox.js';
import { lambdaConfig, openLambdaStore } from './lambda-config.js';
import { perSandbox } from './per-sandbox.js';

export interface RelayParts {
  outbox: Outbox;
  bus: EventBus;
}

const parts = perSandbox(
  async () => {
    const config = await lambdaConfig();
    const backend = await openLambdaStore(config);
    const bus = await createEventBus(config);
    return { backend, bus };
  },
  async ({ backend, bus }) => {
    await bus.close();
    await backend.close();
  },
);

/** This sandbox's relay parts, built on the first invocation. */
export async function relayParts(): Promise<RelayParts> {
  const { backend, bus } = await parts.get();
  return { outbox: backend.outbox, bus };
}

/** Closes them (tests). */
export const closeRelayParts = parts.close;
