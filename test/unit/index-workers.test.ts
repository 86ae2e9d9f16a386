import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { workersForIndex } from '../../src/cli/commands/cluster.js';
import { progressLines } from '../../src/cli/commands/seed.js';
import { ConfigError } from '../../src/config.js';

const MB = 1_048_576;
const index = (mb: number) => ({ legs: mb * 10_000, bytes: mb * MB, from: 'snapshot' as const });

describe('workersForIndex: one copy of a large timetable index per server', () => {
  it('keeps the workers asked for while the index is small, unknown or there is one worker', () => {
    expect(workersForIndex({ configured: 0, count: 2 }, index(100), 512)).toEqual({ count: 2 });
    expect(workersForIndex({ configured: 4, count: 4 }, undefined, 512)).toEqual({ count: 4 });
    expect(workersForIndex({ configured: 1, count: 1 }, index(4000), 512)).toEqual({ count: 1 });
  });

  it('WORKERS=0 (one per core) becomes one process above the limit, and says why', () => {
    const decided = workersForIndex({ configured: 0, count: 2 }, index(1900), 512);
    expect(decided.count).toBe(1);
    expect(decided.note).toMatch(/1900 MB .*SEARCH_INDEX_SHARED_MAX_MB=512/);
  });

  it('an explicit WORKERS above 1 is a configuration error naming the sizes and the ways out', () => {
    expect(() => workersForIndex({ configured: 2, count: 2 }, index(1900), 512)).toThrow(ConfigError);
    expect(() => workersForIndex({ configured: 2, count: 2 }, index(1900), 512)).toThrow(
      /WORKERS=2 would hold 2 copies .*1900 MB .*set WORKERS=1/,
    );
  });
});

describe('seed progress lines', () => {
  const lines = (terminal: boolean, calls: [number, number][]) => {
    const out = new PassThrough();
    let text = '';
    out.on('data', (chunk) => {
      text += String(chunk);
    });
    const report = progressLines(out, performance.now(), terminal);
    for (const [done, total] of calls) report('flights', done, total);
    return text.trim().split('\n');
  };

  it('off a terminal: one line per tenth of a phase (365 days: 11 lines, not 365)', () => {
    const printed = lines(
      false,
      Array.from({ length: 365 }, (_, day) => [day + 1, 365]),
    );
    expect(printed).toHaveLength(11);
    expect(printed.at(-1)).toMatch(/flights: 365\/365 \(100%/);
  });
});
