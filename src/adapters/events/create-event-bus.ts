import type { EventBus } from '../../ports/events.js';
import { InProcessEventBus } from './in-process.js';

/** The slice of Config that chooses and tunes the bus. */
export interface EventBusSettings {
  eventBus: 'in-process' | 'redis';
  redisUrl: string;
  eventStreamKey: string;
  eventClaimIdleMs: number;
}

/**
 * The configured EventBus. The Redis adapter (and ioredis) is imported only when selected, so the
 * embedded default never loads it. Rejects with EventBusUnavailableError when Redis is unreachable.
 */
export async function createEventBus(
  settings: EventBusSettings,
  onError?: (error: Error) => void,
): Promise<EventBus> {
  if (settings.eventBus === 'in-process') return new InProcessEventBus(onError ? { onError } : {});
  const { createRedisStreamsEventBus } = await import('./redis-streams.js');
  return createRedisStreamsEventBus({
    url: settings.redisUrl,
    streamKey: settings.eventStreamKey,
    claimIdleMs: settings.eventClaimIdleMs,
    ...(onError ? { onError } : {}),
  });
}
