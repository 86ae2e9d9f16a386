import type { FareComparison, FareFiling } from '../../ports/fare-filings.js';

/**
 * What the three backends share about stored fare filings: a filing is kept as its canonical body
 * (ports/fare-filings.ts `fareFilingBody`) beside its key columns, so comparing two versions is
 * comparing strings, and reading one back is parsing it.
 */
export function parseFareBody(body: string): FareFiling {
  const parsed = JSON.parse(body) as FareFiling;
  return parsed;
}

/** One group of a version comparison: how many filings of one route fell in one status. */
export interface ComparisonRow {
  origin: string;
  destination: string;
  status: 'created' | 'changed' | 'unchanged' | 'removed';
  count: number;
}

/** Sums comparison groups into the port's answer; routes listed once, in order. */
export function toFareComparison(rows: readonly ComparisonRow[]): FareComparison {
  const comparison: FareComparison = { created: 0, changed: 0, unchanged: 0, removed: 0, changedRoutes: [] };
  const routes = new Set<string>();
  for (const row of rows) {
    comparison[row.status] += Number(row.count);
    if (row.status !== 'unchanged') routes.add(`${row.origin}-${row.destination}`);
  }
  comparison.changedRoutes = [...routes].sort().map((route) => {
    const [origin = '', destination = ''] = route.split('-');
    return { origin, destination };
  });
  return comparison;
}
