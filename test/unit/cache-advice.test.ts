import { describe, expect, it } from 'vitest';
import { cacheReport } from '../../src/core/analytics/cache-advice.js';
import type { KeyAccess } from '../../src/core/analytics/key-stream.js';

const access = (key: string, atSeconds: number, outcome: KeyAccess['outcome']): KeyAccess => ({
  type: 'flights',
  key,
  route: `flights:${key}`,
  at: atSeconds * 1000,
  outcome,
});

describe('cache-efficiency advice', () => {
  it('advises a longer TTL when replaying the key stream with a doubled TTL turns misses into hits, naming its rule', () => {
    // Each key comes back every 400 s: a 300 s TTL always misses; with 600 s every other access hits
    // (a hit does not extend the entry), with 1200 s too (the fourth access is exactly one TTL late).
    const stream = ['A', 'B'].flatMap((key) => [0, 400, 800, 1200].map((t) => access(key, t, 'miss')));
    const report = cacheReport(stream, { flights: 300 });
    expect(report.byType).toEqual([
      {
        dataType: 'flights',
        accesses: 8,
        hitRatio: 0,
        replayed: [
          { ttlSeconds: 300, hitRatio: 0 },
          { ttlSeconds: 600, hitRatio: 0.5 },
          { ttlSeconds: 1200, hitRatio: 0.5 },
        ],
      },
    ]);
    const longer = report.advice.find((a) => a.rule.startsWith('longer-ttl'));
    expect(longer?.advice).toContain('from 300 s to 600 s');
    expect(report.missingRoutes[0]).toEqual({ route: 'flights:A', accesses: 4, misses: 4 });
  });

  it('gives no TTL advice when the keys repeat within the TTL already, and flags routes that mostly miss', () => {
    const stream = [
      ...[0, 10, 20, 30, 40, 50].map((t) => access('HOT', t, t === 0 ? 'miss' : 'hit')),
      ...[0, 1, 2, 3, 4].map((t) => access(`COLD-${t}`, t, 'miss')),
      ...[5, 6, 7, 8, 9].map((t) => ({ ...access(`COLD-${t}`, t, 'miss'), route: 'flights:COLD' })),
    ];
    const report = cacheReport(stream, { flights: 300 });
    expect(report.advice.filter((a) => a.rule.startsWith('longer-ttl'))).toEqual([]);
    expect(report.advice.map((a) => a.rule.split(':')[0])).toContain('cold-route');
  });

  it('an empty stream gives an empty report', () => {
    expect(cacheReport([], {})).toEqual({ accesses: 0, byType: [], missingRoutes: [], advice: [] });
  });
});
