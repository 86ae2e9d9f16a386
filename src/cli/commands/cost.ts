import { parseArgs } from 'node:util';
import type { Config } from '../../config.js';
import {
  type CostEstimate,
  DEFAULT_ASSUMPTIONS,
  estimateMonthlyCost,
  trafficFromSearches,
} from '../../core/cost/cost-model.js';
import { PRICES } from '../../core/cost/price-table.js';
import { numericFlag, UsageError } from '../flags.js';

export interface CostDeps {
  config: Pick<Config, 'costTarget' | 'costLambdaMemoryMb' | 'costMachineHourUsd' | 'costMachines'>;
  stdout: (line: string) => void;
  stderr: (line: string) => void;
}

/** Cost per request the project aims below at 100,000 searches a day on AWS. */
export const GOAL_PER_REQUEST_USD = 0.0001;

export const usage = [
  'usage: travel-platform cost --searches-per-day N [--hit-ratio 0.9] [--target aws|self-hosted]',
  '         [--look-to-book 100] [--pricings-per-search 0.05] [--hit-ms 5] [--miss-ms 60]',
  '         [--lambda-memory-mb MB] [--machines N] [--machine-hour-usd USD] [--json]',
].join('\n');

/**
 * A monthly estimate for what-if traffic, line by line, with the cost per request and what
 * dominates. Pure arithmetic on the price table: no store, no network. Returns the exit code.
 */
export function run(args: readonly string[], deps: CostDeps): number {
  let estimate: CostEstimate;
  let json: boolean;
  let searchesPerDay: number;
  try {
    const { values } = parseArgs({
      args: [...args],
      options: {
        'searches-per-day': { type: 'string' },
        'hit-ratio': { type: 'string' },
        target: { type: 'string' },
        'look-to-book': { type: 'string' },
        'pricings-per-search': { type: 'string' },
        'hit-ms': { type: 'string' },
        'miss-ms': { type: 'string' },
        'lambda-memory-mb': { type: 'string' },
        machines: { type: 'string' },
        'machine-hour-usd': { type: 'string' },
        json: { type: 'boolean', default: false },
      },
      strict: true,
    });
    if (values['searches-per-day'] === undefined) throw new UsageError('--searches-per-day is required');
    const target = values.target ?? deps.config.costTarget;
    if (target !== 'aws' && target !== 'self-hosted')
      throw new UsageError(`--target=${JSON.stringify(target)} is invalid: expected aws or self-hosted`);
    searchesPerDay = numericFlag(values['searches-per-day'], 'searches-per-day', {
      fallback: 0,
      min: 1,
      max: 1e10,
    });
    const traffic = trafficFromSearches({
      searchesPerDay,
      hitRatio: numericFlag(values['hit-ratio'], 'hit-ratio', { fallback: 0.9, min: 0, max: 1 }),
      lookToBook: numericFlag(values['look-to-book'], 'look-to-book', { fallback: 100, min: 1, max: 1e6 }),
      pricingsPerSearch: numericFlag(values['pricings-per-search'], 'pricings-per-search', {
        fallback: 0.05,
        min: 0,
        max: 100,
      }),
      hitDurationMs: numericFlag(values['hit-ms'], 'hit-ms', { fallback: 5, min: 1, max: 900_000 }),
      missDurationMs: numericFlag(values['miss-ms'], 'miss-ms', { fallback: 60, min: 1, max: 900_000 }),
    });
    const machineHourUsd = numericFlag(values['machine-hour-usd'], 'machine-hour-usd', {
      fallback: deps.config.costMachineHourUsd,
      min: 0,
      max: 1000,
    });
    estimate = estimateMonthlyCost(
      traffic,
      {
        ...DEFAULT_ASSUMPTIONS,
        target,
        lambdaMemoryMb: numericFlag(values['lambda-memory-mb'], 'lambda-memory-mb', {
          fallback: deps.config.costLambdaMemoryMb,
          min: 128,
          max: 10240,
        }),
        machines: numericFlag(values.machines, 'machines', {
          fallback: deps.config.costMachines,
          min: 1,
          max: 10_000,
        }),
      },
      { ...PRICES, machineHour: { ...PRICES.machineHour, usd: machineHourUsd } },
    );
    json = values.json === true;
  } catch (error) {
    deps.stderr(error instanceof Error ? error.message : String(error));
    deps.stderr(usage);
    return 2;
  }
  if (json) deps.stdout(JSON.stringify(estimate, null, 2));
  else for (const line of describeEstimate(estimate, searchesPerDay)) deps.stdout(line);
  return 0;
}

const count = (n: number): string => Math.round(n).toLocaleString('en-US');
const usd = (n: number, digits = 2): string => `$${n.toFixed(digits)}`;
const quantity = (n: number): string => (n >= 100 ? count(n) : String(Math.round(n * 100) / 100));
const plural = (unit: string, n: number): string => (n === 1 || unit === 'GB' ? unit : `${unit}s`);
/** Per-request prices read best per million, as the price pages list them. */
const unitPrice = (n: number): string => (n < 0.000005 ? `$${(n * 1e6).toFixed(3)}/M` : `$${n}`);

/** The estimate as docs/analytics.md shows it: one line per item, the total, the cost per request and what dominates. */
export function describeEstimate(estimate: CostEstimate, searchesPerDay: number): string[] {
  const { traffic } = estimate;
  const rows = estimate.lines.map((line) => [
    line.name,
    `${quantity(line.quantity)} ${plural(line.unit, line.quantity)}`,
    unitPrice(line.unitUsd),
    usd(line.monthlyUsd),
  ]);
  const widths = [0, 1, 2].map((i) => Math.max(...rows.map((r) => (r[i] ?? '').length), 4));
  const dominant = estimate.lines.find((l) => l.name === estimate.dominant);
  const share = (n: number): string => `${Math.round((n / estimate.monthlyUsd) * 100)}%`;
  return [
    `Monthly estimate (${estimate.target}): ${count(searchesPerDay)} searches/day at a ${Math.round(traffic.hitRatio * 100)}% hit ratio`,
    `= ${count(traffic.searches)} searches, ${count(traffic.requests)} requests a month`,
    '',
    ...rows.map(
      ([name, quantity, unit, monthly]) =>
        `  ${(name ?? '').padEnd(widths[0] ?? 0)}  ${(quantity ?? '').padStart(widths[1] ?? 0)}  × ${(unit ?? '').padStart(widths[2] ?? 0)}  = ${(monthly ?? '').padStart(9)}`,
    ),
    `  ${'total'.padEnd((widths[0] ?? 0) + (widths[1] ?? 0) + (widths[2] ?? 0) + 6)}  = ${usd(estimate.monthlyUsd).padStart(9)}`,
    '',
    `cost per request: $${estimate.perRequestUsd.toFixed(7)} (goal < $${GOAL_PER_REQUEST_USD}: ${estimate.perRequestUsd < GOAL_PER_REQUEST_USD ? 'met' : 'missed'})`,
    `dominated by ${estimate.dominant} (${usd(dominant?.monthlyUsd ?? 0)}, ${share(dominant?.monthlyUsd ?? 0)}); fixed lines are ${Math.round(estimate.fixedShare * 100)}% of the total`,
  ];
}
