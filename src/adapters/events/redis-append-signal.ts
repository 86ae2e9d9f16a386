import { Redis } from 'ioredis';
import type { Outbox } from '../../ports/outbox.js';

/**
 * Tells every process sharing the outbox, through Redis pub/sub, when this one appends to it, and
 * nudges `relay` when another does: whichever process holds the outbox lease drains at once
 * instead of at its next poll, so delivery between processes no longer waits on the poll interval.
 * Only this process's own appends are published: one message per append, whatever the number of
 * processes. With PostgreSQL the others also hear the append by NOTIFY; whichever comes first wakes
 * the relay (a notification can be held back by slow committers elsewhere in the database).
 * Best effort: a lost message only means the next poll delivers, as before.
 */
export async function shareOutboxAppendsOverRedis(
  url: string,
  channel: string,
  outbox: Pick<Outbox, 'onAppend'>,
  relay: { nudge(): void },
): Promise<() => Promise<void>> {
  const publisher = new Redis(url, { enableOfflineQueue: false, maxRetriesPerRequest: 0 });
  const subscriber = new Redis(url, { maxRetriesPerRequest: null });
  // Outages show in the bus's health; unheard, ioredis prints every reconnect failure.
  publisher.on('error', () => {});
  subscriber.on('error', () => {});
  subscriber.on('message', (from: string) => {
    if (from === channel) relay.nudge();
  });
  await subscriber.subscribe(channel).catch(() => undefined);
  const unsubscribe = outbox.onAppend((origin) => {
    if (origin === 'this-process') publisher.publish(channel, '1').catch(() => undefined);
  });
  return async () => {
    unsubscribe();
    subscriber.disconnect();
    publisher.disconnect();
  };
}
