import { describe, expect, it } from 'vitest';
import { run } from '../../src/cli/commands/cost.js';
import {
  DEFAULT_ASSUMPTIONS,
  estimateMonthlyCost,
  trafficFromSearches,
} from '../../src/core/cost/cost-model.js';
import { PRICES } from '../../src/core/cost/price-table.js';

const whatIf = (searchesPerDay: number, hitRatio = 0.9) =>
  trafficFromSearches({
    searchesPerDay,
    hitRatio,
    lookToBook: 100,
    pricingsPerSearch: 0.05,
    hitDurationMs: 5,
    missDurationMs: 60,
  });

describe('the cost model', () => {
  it('every price line names its public source and the date it applies from', () => {
    for (const line of Object.values(PRICES)) {
      expect(line.source).toMatch(/^https:\/\/aws\.amazon\.com\//);
      expect(line.asOf).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(line.usd).toBeGreaterThan(0);
    }
  });

  it('at 100,000 searches a day on AWS a request costs under $0.0001, and the fixed ElastiCache nodes dominate', () => {
    const estimate = estimateMonthlyCost(whatIf(100_000), DEFAULT_ASSUMPTIONS, PRICES);
    expect(estimate.perRequestUsd).toBeLessThan(0.0001);
    expect(estimate.dominant).toBe('ElastiCache nodes');
    expect(estimate.monthlyUsd).toBeCloseTo(
      estimate.lines.reduce((sum, line) => sum + line.quantity * line.unitUsd, 0),
      9,
    );
  });

  it('is a pure function of traffic: ten times the traffic costs less than ten times as much (fixed lines stay)', () => {
    const small = estimateMonthlyCost(whatIf(100_000), DEFAULT_ASSUMPTIONS, PRICES);
    const large = estimateMonthlyCost(whatIf(1_000_000), DEFAULT_ASSUMPTIONS, PRICES);
    expect(large.monthlyUsd).toBeLessThan(small.monthlyUsd * 10);
    expect(large.perRequestUsd).toBeLessThan(small.perRequestUsd);
    const nodes = (e: typeof small) => e.lines.find((l) => l.name === 'ElastiCache nodes')?.monthlyUsd;
    expect(nodes(large)).toBe(nodes(small));
  });

  it('a lower hit ratio costs more DynamoDB reads and Lambda time', () => {
    const warm = estimateMonthlyCost(whatIf(100_000, 0.95), DEFAULT_ASSUMPTIONS, PRICES);
    const cold = estimateMonthlyCost(whatIf(100_000, 0.2), DEFAULT_ASSUMPTIONS, PRICES);
    const line = (e: typeof warm, name: string) => e.lines.find((l) => l.name === name)?.monthlyUsd ?? 0;
    expect(line(cold, 'DynamoDB reads')).toBeGreaterThan(line(warm, 'DynamoDB reads') * 5);
    expect(line(cold, 'Lambda duration')).toBeGreaterThan(line(warm, 'Lambda duration'));
  });

  it('self-hosted prices machine-hours at the configured price', () => {
    const estimate = estimateMonthlyCost(
      whatIf(100_000),
      { ...DEFAULT_ASSUMPTIONS, target: 'self-hosted', machines: 2 },
      { ...PRICES, machineHour: { ...PRICES.machineHour, usd: 0.1 } },
    );
    expect(estimate.lines.map((l) => l.name)).toEqual(['Machines', 'Data transfer out']);
    expect(estimate.lines[0]?.monthlyUsd).toBeCloseTo(2 * 730.5 * 0.1, 6);
  });
});

describe('travel-platform cost', () => {
  const config = {
    costTarget: 'aws',
    costLambdaMemoryMb: 1024,
    costMachineHourUsd: 0.0416,
    costMachines: 1,
  } as const;
  const runCost = (args: string[]) => {
    const out: string[] = [];
    const err: string[] = [];
    const code = run(args, { config, stdout: (l) => out.push(l), stderr: (l) => err.push(l) });
    return { code, out: out.join('\n'), err: err.join('\n') };
  };

  it('prints each line item, the total, the cost per request and what dominates', () => {
    const { code, out } = runCost(['--searches-per-day', '100000', '--hit-ratio', '0.9']);
    expect(code).toBe(0);
    for (const item of [
      'API Gateway requests',
      'Lambda duration',
      'DynamoDB reads',
      'ElastiCache nodes',
      'total',
    ])
      expect(out).toContain(item);
    expect(out).toMatch(/cost per request: \$0\.0000\d+ \(goal < \$0\.0001: met\)/);
    expect(out).toContain('dominated by ElastiCache nodes');
  });

  it('--json prints the estimate as data', () => {
    const { code, out } = runCost(['--searches-per-day', '1000', '--json']);
    expect(code).toBe(0);
    expect(JSON.parse(out)).toMatchObject({ target: 'aws', lines: expect.any(Array) });
  });

  it.for([
    [['--hit-ratio', '0.9']],
    [['--searches-per-day', '100', '--hit-ratio', '2']],
    [['--searches-per-day', '1', '--target', 'gcp']],
  ])('refuses %j with exit code 2 and the usage', ([args]) => {
    const { code, err } = runCost(args as string[]);
    expect(code).toBe(2);
    expect(err).toContain('usage: travel-platform cost');
  });
});
