import { Redis } from 'ioredis';

/**
 * Tells every process sharing the outbox, through Redis pub/sub, when this one appends to it, and
 * nudges `relay` when another does: whichever process holds the outbox lease drains at once
 * instead of at its next poll, so delivery between processes no longer waits on the poll interval.
 * Best effort: a lost message only means the next poll delivers, as before.
 */
export async function shareOutboxAppendsOverRedis(
  url: string,
  channel: string,
  outbox: { onAppend(listener: () => void): () => void },
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
  const unsubscribe = outbox.onAppend(() => {
    publisher.publish(channel, '1').catch(() => undefined);
  });
  return async () => {
    unsubscribe();
    subscriber.disconnect();
    publisher.disconnect();
  };
}
