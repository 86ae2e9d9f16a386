import type { EventBus } from '../../ports/events.js';
import { InProcessEventBus } from './in-process.js';

/** The slice of Config that chooses and tunes the bus. */
export interface EventBusSettings {
  eventBus: 'in-process' | 'redis' | 'eventbridge';
  redisUrl: string;
  eventStreamKey: string;
  eventClaimIdleMs: number;
  eventBusName: string;
}

/**
 * The configured EventBus. The Redis and EventBridge adapters (and ioredis, the AWS SDK) are imported
 * only when selected, so the embedded default never loads them. Rejects with EventBusUnavailableError
 * when Redis is unreachable.
 */
export async function createEventBus(
  settings: EventBusSettings,
  onError?: (error: Error) => void,
): Promise<EventBus> {
  switch (settings.eventBus) {
    case 'in-process':
      return new InProcessEventBus(onError ? { onError } : {});
    case 'eventbridge': {
      const { EventBridgeEventBus } = await import('./eventbridge.js');
      return new EventBridgeEventBus({ busName: settings.eventBusName });
    }
    case 'redis': {
      const { createRedisStreamsEventBus } = await import('./redis-streams.js');
      return createRedisStreamsEventBus({
        url: settings.redisUrl,
        streamKey: settings.eventStreamKey,
        claimIdleMs: settings.eventClaimIdleMs,
        ...(onError ? { onError } : {}),
      });
    }
  }
}
