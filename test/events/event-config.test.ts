import { describe, expect, it } from 'vitest';
import { createEventBus } from '../../src/adapters/events/create-event-bus.js';
import { InProcessEventBus } from '../../src/adapters/events/in-process.js';
import { ConfigError, loadConfig } from '../../src/config.js';

describe('event configuration', () => {
  it('defaults to the in-process bus with the documented tuning', async () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      eventBus: 'in-process',
      redisUrl: 'redis://127.0.0.1:6379',
      eventStreamKey: 'travel-platform:events',
      eventClaimIdleMs: 30_000,
      eventMaxAttempts: 5,
      eventRetryBaseMs: 200,
      outboxPollMs: 250,
    });
    const bus = await createEventBus(config);
    expect(bus).toBeInstanceOf(InProcessEventBus);
    await bus.close();
  });

  it('names each bad event option in one line', () => {
    const env = {
      EVENT_BUS: 'kafka',
      REDIS_URL: 'localhost:6379',
      EVENT_MAX_ATTEMPTS: '0',
      OUTBOX_POLL_MS: 'soon',
    };
    let error: unknown;
    try {
      loadConfig(env);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems).toEqual([
      'REDIS_URL="localhost:6379" is invalid: expected a redis:// or rediss:// URL',
      'EVENT_BUS="kafka" is invalid: expected one of in-process, redis, eventbridge',
      'EVENT_MAX_ATTEMPTS="0" is invalid: expected an integer from 1 to 100',
      'OUTBOX_POLL_MS="soon" is invalid: expected an integer from 10 to 60000',
    ]);
  });
});
