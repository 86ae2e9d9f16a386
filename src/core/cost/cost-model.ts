import type { PriceLine, PriceTable } from './price-table.js';

/** Hours in an average month (365.25 × 24 / 12). */
export const HOURS_PER_MONTH = 730.5;
export const DAYS_PER_MONTH = HOURS_PER_MONTH / 24;

/** A month of traffic: what was (or would be) served. */
export interface MonthlyTraffic {
  /** Every API request, searches included. */
  requests: number;
  searches: number;
  /** Share of searches answered from the cache (0–1). */
  hitRatio: number;
  offersPriced: number;
  bookings: number;
  /** Mean time a request spends in the function, ms (measured, or assumed for what-ifs). */
  meanDurationMs: number;
}

/** How the deployment turns traffic into billable units; defaults in DEFAULT_ASSUMPTIONS. */
export interface CostAssumptions {
  target: 'aws' | 'self-hosted';
  /** Memory of the API function, MB. */
  lambdaMemoryMb: number;
  /** Read request units of one uncached search (a few whole hop-level queries). */
  readUnitsPerMiss: number;
  readUnitsPerPricing: number;
  /** Write request units of one booking: a transaction (2 units per item) over booking, seats, key and outbox. */
  writeUnitsPerBooking: number;
  /** Events per booking (booking.created, availability.changed) plus search and pricing batches. */
  eventsPerBooking: number;
  /** search.performed is batched per route per flush: events per search. */
  eventsPerSearch: number;
  cacheNodes: number;
  customMetrics: number;
  logBytesPerRequest: number;
  responseBytesPerRequest: number;
  /** Machines running the platform when self-hosted. */
  machines: number;
}

export const DEFAULT_ASSUMPTIONS: CostAssumptions = {
  target: 'aws',
  lambdaMemoryMb: 1024,
  readUnitsPerMiss: 8,
  readUnitsPerPricing: 2,
  writeUnitsPerBooking: 10,
  eventsPerBooking: 2,
  eventsPerSearch: 0.01,
  cacheNodes: 2,
  customMetrics: 20,
  logBytesPerRequest: 400,
  responseBytesPerRequest: 6_000,
  machines: 1,
};

/** One priced line of a monthly estimate. */
export interface CostLineItem {
  name: string;
  quantity: number;
  unit: string;
  unitUsd: number;
  monthlyUsd: number;
  price: PriceLine;
}

export interface CostEstimate {
  target: 'aws' | 'self-hosted';
  traffic: MonthlyTraffic;
  lines: CostLineItem[];
  monthlyUsd: number;
  /** Monthly total over requests; 0 without requests. */
  perRequestUsd: number;
  /** The line costing the most. */
  dominant: string;
  /** Share of the total the fixed lines (nodes, machines, metrics) make. */
  fixedShare: number;
}

const GB = 1e9;

/**
 * Prices a month of traffic: a pure function of the traffic, the assumptions and the price table,
 * so the live API, the CLI and the AWS stack's documentation compute the same figures.
 */
export function estimateMonthlyCost(
  traffic: MonthlyTraffic,
  assumptions: CostAssumptions,
  prices: PriceTable,
): CostEstimate {
  const misses = traffic.searches * (1 - traffic.hitRatio);
  const transferGb = (traffic.requests * assumptions.responseBytesPerRequest) / GB;
  const line = (name: string, price: PriceLine, quantity: number): CostLineItem => ({
    name,
    quantity,
    unit: price.unit,
    unitUsd: price.usd,
    monthlyUsd: quantity * price.usd,
    price,
  });
  const fixedNames = new Set(['ElastiCache nodes', 'CloudWatch metrics', 'Machines']);
  const lines =
    assumptions.target === 'aws'
      ? [
          line('API Gateway requests', prices.apiGatewayRestRequest, traffic.requests),
          line('Lambda requests', prices.lambdaRequest, traffic.requests),
          line(
            'Lambda duration',
            prices.lambdaGbSecond,
            traffic.requests *
              (Math.ceil(traffic.meanDurationMs) / 1000) *
              (assumptions.lambdaMemoryMb / 1024),
          ),
          line(
            'DynamoDB reads',
            prices.dynamoDbReadUnit,
            misses * assumptions.readUnitsPerMiss + traffic.offersPriced * assumptions.readUnitsPerPricing,
          ),
          line(
            'DynamoDB writes',
            prices.dynamoDbWriteUnit,
            traffic.bookings * assumptions.writeUnitsPerBooking,
          ),
          line('ElastiCache nodes', prices.elastiCacheNodeHour, assumptions.cacheNodes * HOURS_PER_MONTH),
          line(
            'EventBridge events',
            prices.eventBridgeEvent,
            traffic.bookings * assumptions.eventsPerBooking + traffic.searches * assumptions.eventsPerSearch,
          ),
          line('CloudWatch metrics', prices.cloudWatchMetricMonth, assumptions.customMetrics),
          line(
            'CloudWatch logs',
            prices.cloudWatchLogsGb,
            (traffic.requests * assumptions.logBytesPerRequest) / GB,
          ),
          line('Data transfer out', prices.dataTransferOutGb, transferGb),
        ]
      : [
          line('Machines', prices.machineHour, assumptions.machines * HOURS_PER_MONTH),
          line('Data transfer out', prices.dataTransferOutGb, transferGb),
        ];
  const monthlyUsd = lines.reduce((sum, l) => sum + l.monthlyUsd, 0);
  const fixedUsd = lines.filter((l) => fixedNames.has(l.name)).reduce((sum, l) => sum + l.monthlyUsd, 0);
  const dominant = lines.reduce(
    (most, l) => (l.monthlyUsd > most.monthlyUsd ? l : most),
    lines[0] as CostLineItem,
  );
  return {
    target: assumptions.target,
    traffic,
    lines,
    monthlyUsd,
    perRequestUsd: traffic.requests === 0 ? 0 : monthlyUsd / traffic.requests,
    dominant: dominant.name,
    fixedShare: monthlyUsd === 0 ? 0 : fixedUsd / monthlyUsd,
  };
}

/** What-if traffic from a daily search volume: pricing and booking rates per search are assumptions too. */
export function trafficFromSearches(options: {
  searchesPerDay: number;
  hitRatio: number;
  /** Searches per booking (look-to-book). */
  lookToBook: number;
  /** Price confirmations per search. */
  pricingsPerSearch: number;
  hitDurationMs: number;
  missDurationMs: number;
}): MonthlyTraffic {
  const searches = options.searchesPerDay * DAYS_PER_MONTH;
  const offersPriced = searches * options.pricingsPerSearch;
  const bookings = searches / options.lookToBook;
  const requests = searches + offersPriced + bookings;
  const searchMs = options.hitRatio * options.hitDurationMs + (1 - options.hitRatio) * options.missDurationMs;
  return {
    requests,
    searches,
    hitRatio: options.hitRatio,
    offersPriced,
    bookings,
    meanDurationMs: (searches * searchMs + (offersPriced + bookings) * options.missDurationMs) / requests,
  };
}
