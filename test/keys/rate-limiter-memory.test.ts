import { MemoryRateLimiter } from '../../src/adapters/rate-limiter/memory.js';
import { describeRateLimiterContract } from '../contract/rate-limiter.contract.js';

describeRateLimiterContract('memory', {
  create: async (clock) => new MemoryRateLimiter({ clock }),
  sharesState: false,
});
