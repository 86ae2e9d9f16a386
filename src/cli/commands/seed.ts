import type { Writable } from 'node:stream';
import { type DemoInventorySummary, generateDemoInventory } from '../../core/demo-inventory/generate.js';
import type { AirportDirectory } from '../../ports/airports.js';
import type { InventoryStore } from '../../ports/store.js';
import { formatRealismReport } from './seed-report.js';

export interface SeedOptions {
  airports: number;
  days: number;
  seed: number;
  startDate: string;
  /** Print the realism report after seeding. */
  report?: boolean;
}

/**
 * Replaces the store's inventory with demo data, printing progress and, at the end, what was made
 * and how long it took.
 */
export async function seedInventory(
  store: InventoryStore,
  airports: AirportDirectory,
  options: SeedOptions,
  out: Writable,
): Promise<DemoInventorySummary & { seconds: number }> {
  const started = performance.now();
  out.write(
    `seeding demo inventory: ${options.airports} airports × ${options.days} days from ${options.startDate}, seed ${options.seed}\n`,
  );
  let lastReport = 0;
  const summary = await generateDemoInventory(airports.all(), store, options, (phase, done, total) => {
    const now = performance.now();
    if (done === total || now - lastReport > 1000) {
      lastReport = now;
      out.write(`  ${phase}: ${done}/${total}\n`);
    }
  });
  const seconds = Math.round((performance.now() - started) / 100) / 10;
  out.write(
    `seeded in ${seconds} s: ${summary.airports} airports, ${summary.carriers} carriers, ${summary.routes} routes, ` +
      `${summary.flights} flights, ${summary.hotels} hotels, ${summary.roomNights} room nights\n`,
  );
  if (summary.report) out.write(formatRealismReport(summary.report));
  return { ...summary, seconds };
}
