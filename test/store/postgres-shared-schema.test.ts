import { afterAll, describe, expect, it } from 'vitest';
import type { PostgresStore } from '../../src/adapters/store/postgres/index.js';
import { event, flight } from '../contract/store/fixtures.js';
import { dropSchema, openTestPostgresStore, uniqueSchema } from '../helpers/postgres.js';

/**
 * Two backends on one schema, each with its own pool and listener, stand for two API processes:
 * what one process does to the shared schema, the other must notice.
 */
describe('PostgreSQL: two processes on one schema', () => {
  const schema = uniqueSchema('shared');
  const opened: PostgresStore[] = [];
  const open = async (): Promise<PostgresStore> => {
    const store = await openTestPostgresStore(schema);
    opened.push(store);
    return store;
  };

  afterAll(async () => {
    for (const store of opened) await store.close();
    await dropSchema(schema);
  });

  it('migrating from two processes at once creates the schema once (advisory lock)', async () => {
    const [a, b] = [await open(), await open()];
    await Promise.all([a.migrate(), b.migrate(), a.migrate()]);
    await a.inventory.putFlights([flight('F1')]);
    expect((await b.inventory.getFlights(['F1'])).map((f) => f.id)).toEqual(['F1']);
  });

  it('findFlightsOnLegs takes fractional window bounds (the search computes them from durations)', async () => {
    const store = await open();
    await store.migrate();
    const departure = Date.UTC(2030, 0, 1, 10);
    await store.inventory.putFlights([flight('W1', { origin: 'CDG', departureUtc: departure })]);
    const window = (from: number, to: number) => ({
      origin: 'CDG',
      destination: 'JFK',
      departFrom: from,
      departTo: to,
    });
    const [inside, after, before] = await store.inventory.findFlightsOnLegs([
      window(departure - 0.5, departure + 0.5),
      window(departure + 0.25, departure + 60_000.75),
      window(departure - 60_000.5, departure - 0.25),
    ]);
    expect(inside?.map((f) => f.id)).toEqual(['W1']);
    expect(after).toEqual([]);
    expect(before).toEqual([]);
  });

  it("onAppend hears another process's append (NOTIFY), and the record is claimable then", async () => {
    const [listening, appending] = [await open(), await open()];
    await listening.migrate();
    let heard: () => void = () => {};
    const appendHeard = new Promise<void>((resolve) => {
      heard = resolve;
    });
    const origins: string[] = [];
    const unregister = listening.outbox.onAppend((origin) => {
      origins.push(origin);
      heard();
    });
    try {
      // The listener connects asynchronously and calls once when it is ready; wait for that first.
      await appendHeard;
      let heardAgain: () => void = () => {};
      const appendHeardAgain = new Promise<void>((resolve) => {
        heardAgain = resolve;
      });
      heard = heardAgain;
      await appending.inventory.putFlights([flight('N1')]);
      await appending.inventoryUpdates.apply(
        { fares: [{ flightId: 'N1', cabin: 'economy', fare: 12_345 }] },
        (touched) => [event('price.updated', { ...touched })],
      );
      await appendHeardAgain;
      const records = await listening.outbox.claim('relay-of-listening', 10, 60_000);
      expect(records.map((r) => r.event.type)).toEqual(['price.updated']);
      expect(origins.at(-1)).toBe('another-process');
    } finally {
      unregister();
    }
  });
});
