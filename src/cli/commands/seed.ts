import type { Writable } from 'node:stream';
import {
  type DemoInventorySummary,
  generateDemoInventory,
  type ProgressListener,
} from '../../core/demo-inventory/generate.js';
import type { AirportDirectory } from '../../ports/airports.js';
import type { InventoryStore } from '../../ports/store.js';
import { formatRealismReport } from './seed-report.js';
import { threadedWorldBatches } from './seed-thread.js';

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
  // Generated on a thread of its own while this one writes (seed-thread.ts): the same batches.
  const batches = threadedWorldBatches(airports.all(), options);
  const summary = await generateDemoInventory(
    airports.all(),
    store,
    options,
    progressLines(out, started, (out as Partial<NodeJS.WriteStream>).isTTY === true),
    batches,
  ).finally(() => batches.close());
  const seconds = Math.round((performance.now() - started) / 100) / 10;
  out.write(
    `seeded in ${seconds} s: ${summary.airports} airports, ${summary.carriers} carriers, ${summary.routes} routes, ` +
      `${summary.flights} flights, ${summary.hotels} hotels, ${summary.roomNights} room nights\n`,
  );
  if (summary.report) out.write(formatRealismReport(summary.report));
  return { ...summary, seconds };
}

/**
 * Progress as lines: on a terminal at most one a second; otherwise (a log, CI) one per tenth of
 * each phase, so a long seed (3,000 airports × 365 days) shows it is moving without flooding a log.
 */
export function progressLines(out: Writable, started: number, terminal: boolean): ProgressListener {
  let lastLine = 0;
  let lastTenth = { phase: '', tenth: -1 };
  const elapsed = (): string => `${Math.round((performance.now() - started) / 1000)} s`;
  return (phase, done, total) => {
    if (phase === 'finishing') {
      out.write(done < total ? `  finishing: building indexes, committing… (${elapsed()})\n` : '');
      return;
    }
    const now = performance.now();
    const tenth = Math.floor((done * 10) / total);
    const report = terminal
      ? done === total || now - lastLine > 1000
      : phase !== lastTenth.phase || tenth > lastTenth.tenth;
    if (!report) return;
    lastLine = now;
    lastTenth = { phase, tenth };
    out.write(`  ${phase}: ${done}/${total} (${Math.floor((done * 100) / total)}%, ${elapsed()})\n`);
  };
}
