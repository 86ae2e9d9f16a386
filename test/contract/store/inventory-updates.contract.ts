import { describe, expect, it } from 'vitest';
import type { CloudEvent } from '../../../src/ports/events.js';
import {
  INVENTORY_UPDATE_CHUNK_SIZE,
  type SeatsUpdate,
  type TouchedInventory,
  UnknownInventoryError,
} from '../../../src/ports/inventory-updates.js';
import { cabin, event, flight, hotel, night, T0 } from './fixtures.js';
import { pendingEvents, type StoreBackendTarget, useFreshBackend } from './target.js';

const keysOf = (touched: TouchedInventory): string[] =>
  [
    ...touched.flights.map((f) => `${f.flightId}|${f.cabin}|${f.origin}-${f.destination}|${f.departureDate}`),
    ...touched.hotelNights.map((n) => `${n.hotelId}|${n.roomType}|${n.cityCode}|${n.date}`),
  ].sort();

const unique = (keys: string[]): string[] => [...new Set(keys)].sort();

/** An events callback that records what it was given and emits one availability.changed per call. */
function recordingEvents(): {
  calls: TouchedInventory[];
  events: (touched: TouchedInventory) => readonly CloudEvent[];
} {
  const calls: TouchedInventory[] = [];
  return {
    calls,
    events: (touched) => {
      calls.push(touched);
      return [event('availability.changed', { ...touched, reason: 'admin' })];
    },
  };
}

/** InventoryUpdates (ports/inventory-updates.ts): bulk changes with their events, all or nothing per chunk. */
export function describeInventoryUpdatesContract(target: StoreBackendTarget): void {
  describe(`InventoryUpdates contract: ${target.name}`, () => {
    const backend = useFreshBackend(target);
    const seed = async (): Promise<void> => {
      // Departs 23:30 UTC on 1 January: the touched date is the UTC one.
      await backend().inventory.putFlights([
        flight('F1', {
          departureUtc: T0 + 23.5 * 3_600_000,
          cabins: [cabin('economy', 5), cabin('business', 2)],
        }),
      ]);
      await backend().inventory.putHotels([hotel('H1', { cityCode: 'LON' })]);
      await backend().inventory.putRoomNights([night('H1', '2030-01-05', 3, 15_000)]);
    };

    it('applies fares, seats and nights, returns what was touched and appends the events with the change', async () => {
      await seed();
      const recorded = recordingEvents();
      const touched = await backend().inventoryUpdates.apply(
        {
          fares: [{ flightId: 'F1', cabin: 'economy', fare: 12_345 }],
          seats: [{ flightId: 'F1', cabin: 'business', seatsLeft: 0 }],
          nights: [{ hotelId: 'H1', roomType: 'standard-double', date: '2030-01-05', rate: 99_00 }],
        },
        recorded.events,
      );
      expect(keysOf(touched)).toEqual([
        'F1|business|LHR-JFK|2030-01-01',
        'F1|economy|LHR-JFK|2030-01-01',
        'H1|standard-double|LON|2030-01-05',
      ]);
      expect(unique(recorded.calls.flatMap(keysOf))).toEqual(keysOf(touched));

      const [f1] = await backend().inventory.getFlights(['F1']);
      const economy = f1?.cabins.find((c) => c.cabin === 'economy');
      expect(economy).toMatchObject({ fare: 12_345, taxes: 1_000, seatsLeft: 5 });
      expect(f1?.cabins.find((c) => c.cabin === 'business')?.seatsLeft).toBe(0);
      const [n] = await backend().inventory.findRoomNights(['H1'], '2030-01-05', '2030-01-06');
      expect(n).toMatchObject({ rate: 99_00, roomsLeft: 3 });

      const pending = await pendingEvents(backend().outbox);
      expect(pending.map((e) => e.type)).toEqual(recorded.calls.map(() => 'availability.changed'));
    });

    it('taxes and rooms left are kept when an update leaves them out; seats beyond capacity grow it', async () => {
      await seed();
      await backend().inventoryUpdates.apply(
        {
          fares: [{ flightId: 'F1', cabin: 'economy', fare: 1, taxes: 2 }],
          seats: [{ flightId: 'F1', cabin: 'business', seatsLeft: 500 }],
          nights: [{ hotelId: 'H1', roomType: 'standard-double', date: '2030-01-05', roomsLeft: 0 }],
        },
        () => [],
      );
      const [f1] = await backend().inventory.getFlights(['F1']);
      expect(f1?.cabins.find((c) => c.cabin === 'economy')).toMatchObject({ fare: 1, taxes: 2 });
      const business = f1?.cabins.find((c) => c.cabin === 'business');
      expect(business?.seatsLeft).toBe(500);
      expect(business?.capacity).toBeGreaterThanOrEqual(500);
      const [n] = await backend().inventory.findRoomNights(['H1'], '2030-01-05', '2030-01-06');
      expect(n).toMatchObject({ rate: 15_000, roomsLeft: 0 });
    });

    it('rejects UnknownInventoryError naming every unknown item, and writes nothing (no events either)', async () => {
      await seed();
      const error = await backend()
        .inventoryUpdates.apply(
          {
            fares: [
              { flightId: 'F1', cabin: 'economy', fare: 1 },
              { flightId: 'F1', cabin: 'first', fare: 1 },
            ],
            seats: [{ flightId: 'NOPE', cabin: 'economy', seatsLeft: 1 }],
            nights: [
              { hotelId: 'H1', roomType: 'standard-double', date: '2030-01-05', roomsLeft: 0 },
              { hotelId: 'H1', roomType: 'standard-double', date: '2031-01-05', roomsLeft: 0 },
            ],
          },
          (touched) => [event('price.updated', { ...touched })],
        )
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(UnknownInventoryError);
      const missing = [...(error as UnknownInventoryError).missing].sort((a, b) =>
        `${a.list}${a.index}`.localeCompare(`${b.list}${b.index}`),
      );
      expect(missing).toEqual([
        { list: 'fares', index: 1 },
        { list: 'nights', index: 1 },
        { list: 'seats', index: 0 },
      ]);
      const [f1] = await backend().inventory.getFlights(['F1']);
      expect(f1?.cabins.find((c) => c.cabin === 'economy')?.fare).toBe(10_000);
      const [n] = await backend().inventory.findRoomNights(['H1'], '2030-01-05', '2030-01-06');
      expect(n?.roomsLeft).toBe(3);
      expect(await pendingEvents(backend().outbox)).toEqual([]);
    });

    it(`applies an update larger than one chunk (${INVENTORY_UPDATE_CHUNK_SIZE} items) completely, with events for all of it`, async () => {
      const count = INVENTORY_UPDATE_CHUNK_SIZE * 2 + 7;
      const flights = Array.from({ length: count }, (_, i) =>
        flight(`C${String(i).padStart(3, '0')}`, { flightNumber: i, departureUtc: T0 + i * 60_000 }),
      );
      await backend().inventory.putFlights(flights);
      const seats: SeatsUpdate[] = flights.map((f) => ({ flightId: f.id, cabin: 'economy', seatsLeft: 1 }));
      const recorded = recordingEvents();
      const touched = await backend().inventoryUpdates.apply({ seats }, recorded.events);

      expect(touched.flights.map((f) => f.flightId).sort()).toEqual(flights.map((f) => f.id));
      expect(unique(recorded.calls.flatMap(keysOf))).toEqual(keysOf(touched));
      const after = await backend().inventory.getFlights(flights.map((f) => f.id));
      expect(after.every((f) => f.cabins[0]?.seatsLeft === 1)).toBe(true);
      expect(await pendingEvents(backend().outbox)).toHaveLength(recorded.calls.length);
    });

    it('checks every item of a large update before writing: an unknown last item means nothing was written', async () => {
      const count = INVENTORY_UPDATE_CHUNK_SIZE * 2;
      const flights = Array.from({ length: count }, (_, i) =>
        flight(`D${String(i).padStart(3, '0')}`, { flightNumber: i, departureUtc: T0 + i * 60_000 }),
      );
      await backend().inventory.putFlights(flights);
      const seats: SeatsUpdate[] = [
        ...flights.map((f) => ({ flightId: f.id, cabin: 'economy' as const, seatsLeft: 0 })),
        { flightId: 'UNKNOWN', cabin: 'economy', seatsLeft: 0 },
      ];
      const error = await backend()
        .inventoryUpdates.apply({ seats }, (touched) => [event('availability.changed', { ...touched })])
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(UnknownInventoryError);
      expect((error as UnknownInventoryError).missing).toEqual([{ list: 'seats', index: count }]);
      const after = await backend().inventory.getFlights(flights.map((f) => f.id));
      expect(after.every((f) => f.cabins[0]?.seatsLeft === 5)).toBe(true);
      expect(await pendingEvents(backend().outbox)).toEqual([]);
    });
  });
}
