import { RedisRateLimiter } from '../../src/adapters/rate-limiter/redis.js';
import { describeRateLimiterContract } from '../contract/rate-limiter.contract.js';
import { REDIS_URL } from '../helpers/redis.js';

// Each limiter opens its own connection, as separate API processes would.
describeRateLimiterContract('redis', {
  create: async (clock, shared) =>
    new RedisRateLimiter({ url: REDIS_URL, keyPrefix: `test:${shared}:`, clock }),
  sharesState: true,
});
