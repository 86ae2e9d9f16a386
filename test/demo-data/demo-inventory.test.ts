import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadAirportDirectory } from '../../src/adapters/airports/openflights.js';
import { openSqliteDatabase } from '../../src/adapters/store/sqlite/database.js';
import { SqliteInventoryStore } from '../../src/adapters/store/sqlite/inventory-store.js';
import { generateDemoInventory } from '../../src/core/demo-inventory/generate.js';
import { distanceKm } from '../../src/kernel/great-circle.js';

const dir = mkdtempSync(join(tmpdir(), 'tp-seed-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** SHA-256 over every inventory row in key order: equal hashes mean byte-identical data. */
async function seedAndHash(file: string, seed: number): Promise<{ hash: string; summary: unknown }> {
  const db = openSqliteDatabase(join(dir, file));
  const store = new SqliteInventoryStore(db);
  const airports = await loadAirportDirectory();
  const summary = await generateDemoInventory(airports.all(), store, {
    airports: 25,
    days: 3,
    seed,
    startDate: '2026-12-01',
  });
  const hash = createHash('sha256');
  for (const [table, order] of [
    ['airlines', 'iata'],
    ['flights', 'id'],
    ['flight_cabins', 'flight_id, cabin'],
    ['routes', 'origin, destination'],
    ['hotels', 'id'],
    ['room_nights', 'hotel_id, date, room_type'],
  ]) {
    for (const row of db.prepare(`SELECT * FROM ${table} ORDER BY ${order}`).iterate()) {
      hash.update(JSON.stringify(row));
    }
  }
  await store.close();
  return { hash: hash.digest('hex'), summary };
}

describe('demo inventory', () => {
  it('is byte-identical for the same seed and differs for another seed', async () => {
    const a = await seedAndHash('a.db', 42);
    const b = await seedAndHash('b.db', 42);
    const c = await seedAndHash('c.db', 43);
    expect(a.hash).toBe(b.hash);
    expect(a.summary).toEqual(b.summary);
    expect(c.hash).not.toBe(a.hash);
  });

  it('builds a plausible network: real hubs, block times from distance, fares growing with distance', async () => {
    const db = openSqliteDatabase(join(dir, 'plausible.db'));
    const store = new SqliteInventoryStore(db);
    const airports = await loadAirportDirectory();
    const summary = await generateDemoInventory(airports.all(), store, {
      airports: 60,
      days: 2,
      seed: 1,
      startDate: '2026-12-01',
    });
    expect(summary.airports).toBe(60);
    const stats = await store.stats();
    expect(stats.flights).toBe(summary.flights);
    const routes = await store.listRoutes();
    expect(routes.some((r) => r.origin === 'LHR' && r.carriers.includes('BA'))).toBe(true);
    const flights = await store.findFlights({
      origin: 'LHR',
      destination: 'JFK',
      departFrom: Date.parse('2026-12-01T00:00:00Z'),
      departTo: Date.parse('2026-12-03T00:00:00Z'),
    });
    expect(flights.length).toBeGreaterThan(0);
    for (const flight of flights) {
      const block = (flight.arrivalUtc - flight.departureUtc) / 60_000;
      // LHR–JFK is about 5,540 km: 6–9 hours of block time.
      expect(block).toBeGreaterThan(360);
      expect(block).toBeLessThan(540);
      const lhr = airports.byIata('LHR')!;
      const jfk = airports.byIata('JFK')!;
      expect(Math.abs(flight.distanceKm - distanceKm(lhr, jfk))).toBeLessThan(5);
      const economy = flight.cabins.find((c) => c.cabin === 'economy')!;
      const business = flight.cabins.find((c) => c.cabin === 'business')!;
      expect(business.fare).toBeGreaterThan(economy.fare * 2);
      expect(economy.seatsLeft).toBeLessThanOrEqual(economy.capacity);
    }
    const hotels = await store.findHotels({ cityCode: 'LON' });
    expect(hotels.length).toBeGreaterThan(0);
    await store.close();
  });
});
