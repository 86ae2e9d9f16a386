import { getHeapStatistics } from 'node:v8';
import { describe, expect, it } from 'vitest';
import { localTierBudget } from '../../src/adapters/cache/local-tier.js';
import { loadConfig } from '../../src/config.js';
import { configProblems } from '../helpers/config-problems.js';

describe('memory settings', () => {
  const heapLimit = getHeapStatistics().heap_size_limit;

  it('default to a cache budget of 40% of the heap limit and shedding at 90% of it', () => {
    const config = loadConfig({});
    expect(config.cacheMaxBytes).toBe(0);
    expect(localTierBudget(config.cacheMaxBytes)).toBe(Math.floor(heapLimit * 0.4));
    expect(config.maxHeapUsedBytes).toBe(Math.floor(heapLimit * 0.9));
  });

  it('take bytes as given, a percentage of the heap limit, or 0 to disable shedding', () => {
    expect(localTierBudget(loadConfig({ CACHE_MAX_BYTES: '2048' }).cacheMaxBytes)).toBe(2048);
    expect(loadConfig({ MAX_HEAP_USED_BYTES: '750000000' }).maxHeapUsedBytes).toBe(750_000_000);
    expect(loadConfig({ MAX_HEAP_USED_BYTES: '50%' }).maxHeapUsedBytes).toBe(Math.floor(heapLimit * 0.5));
    expect(loadConfig({ MAX_HEAP_USED_BYTES: '0' }).maxHeapUsedBytes).toBe(0);
  });

  it('name each bad value in one line', () => {
    expect(configProblems({ CACHE_MAX_BYTES: '512', MAX_HEAP_USED_BYTES: '150%' })).toEqual([
      'CACHE_MAX_BYTES="512" is invalid: expected 0 or an integer from 1024 to 1099511627776',
      'MAX_HEAP_USED_BYTES="150%" is invalid: expected bytes, or a percentage of the heap limit from 1% to 100%',
    ]);
    expect(configProblems({ MAX_HEAP_USED_BYTES: 'lots' })).toEqual([
      'MAX_HEAP_USED_BYTES="lots" is invalid: expected bytes (an integer, 0 disables), or a percentage of the heap limit like 90%',
    ]);
  });
});
