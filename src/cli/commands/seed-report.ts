import type { RealismReport } from '../../core/demo-inventory/realism-report.js';

const CABIN_LABEL: Record<string, string> = {
  economy: 'economy',
  premium_economy: 'premium economy',
  business: 'business',
  first: 'first',
};

function marketLine({ market, distanceKm, carriers }: RealismReport['topMarkets'][number]): string {
  const flown = carriers.map((c) => `${c.carrier} ${c.aircraft} ${c.weekly}/wk`).join(', ');
  return `  ${market.padEnd(8)} ${String(distanceKm).padStart(6)} km  ${flown}`;
}

/** The realism report as the seed command prints it. */
export function formatRealismReport(report: RealismReport): string {
  const lines: string[] = [];
  lines.push('realism report');
  lines.push(
    `  ${report.airports} airports, ${report.carriers} carriers, ${report.markets} city pairs flown nonstop, ` +
      `${report.routes} carrier routes (each direction), ${report.flights} flights (${report.departuresPerDay} a day)`,
  );
  const byCount = Object.entries(report.marketsByCarrierCount)
    .map(([n, markets]) => `${n} carrier${n === '1' ? '' : 's'}: ${markets}`)
    .join(', ');
  lines.push(`  city pairs by carriers flying them: ${byCount}`);
  const byAircraft = Object.entries(report.routesByAircraft)
    .map(([category, n]) => `${category} ${n}`)
    .join(', ');
  lines.push(`  carrier routes by aircraft: ${byAircraft}`);
  const { listed, inNetwork, nonstop, missing } = report.busiestRoutes;
  lines.push(
    `busiest routes (OAG 2024 lists): ${nonstop}/${inNetwork} with both airports in the network have nonstop service ` +
      `(${inNetwork > 0 ? Math.round((100 * nonstop) / inNetwork) : 0}%); ${inNetwork}/${listed} listed routes have both airports in the network` +
      (missing.length > 0 ? `; not flown: ${missing.join(', ')}` : ''),
  );
  lines.push('top markets by demand (carrier, aircraft, departures a week each way):');
  for (const market of report.topMarkets) lines.push(marketLine(market));
  lines.push('markets a newcomer tries first:');
  for (const market of report.showcase) lines.push(marketLine(market));
  lines.push('one-way base fares, USD (p10 / median / p90, flights counted):');
  for (const row of report.fares) {
    lines.push(
      `  ${row.band.padEnd(15)} ${CABIN_LABEL[row.cabin]?.padEnd(16)} ${String(row.p10).padStart(6)} ${String(row.p50).padStart(6)} ${String(row.p90).padStart(6)}   (${row.count})`,
    );
  }
  return `${lines.join('\n')}\n`;
}
