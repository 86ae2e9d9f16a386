import { RedisRateLimiter } from '../../src/adapters/rate-limiter/redis.js';
import { describeRateLimiterContract } from '../contract/rate-limiter.contract.js';
import { redisUrl } from '../helpers/redis.js';

// Each limiter opens its own connection, as separate API processes would.
describeRateLimiterContract('redis', {
  create: async (clock, shared) =>
    new RedisRateLimiter({ url: redisUrl, keyPrefix: `test:${shared}:`, clock }),
  sharesState: true,
});
