import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { configProblems as problemsOf } from '../helpers/config-problems.js';

describe('cached-search front, cache tier and Lambda flush settings', () => {
  it('default to the front on, a local cache tier and a 10 s Lambda flush interval', () => {
    expect(loadConfig({})).toMatchObject({
      searchFront: 'on',
      cacheLocalTier: 'on',
      lambdaFlushIntervalMs: 10_000,
    });
  });

  it('name each bad value in one line', () => {
    expect(
      problemsOf({ SEARCH_FRONT: 'fast', CACHE_LOCAL_TIER: 'no', LAMBDA_FLUSH_INTERVAL_MS: '-1' }),
    ).toEqual([
      'CACHE_LOCAL_TIER="no" is invalid: expected one of on, off',
      'SEARCH_FRONT="fast" is invalid: expected one of on, off',
      'LAMBDA_FLUSH_INTERVAL_MS="-1" is invalid: expected an integer from 0 to 300000',
    ]);
  });

  it('refuse CACHE_LOCAL_TIER=off without a shared tier to read instead', () => {
    expect(problemsOf({ CACHE_LOCAL_TIER: 'off' })).toEqual([
      'CACHE_LOCAL_TIER=off needs CACHE=redis: the memory cache has no other tier',
    ]);
    expect(problemsOf({ CACHE_LOCAL_TIER: 'off', CACHE: 'redis' })).toEqual([]);
  });
});
