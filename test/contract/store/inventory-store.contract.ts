import { describe, expect, it } from 'vitest';
import { buildTimetable } from '../../../src/core/flights/timetable/timetable-builder.js';
import { TimetableIndex } from '../../../src/core/flights/timetable/timetable-index.js';
import type { FlightRecord } from '../../../src/ports/store.js';
import { cabin, DAY, flight, hotel, night, normalised, T0 } from './fixtures.js';
import { type StoreBackendTarget, useFreshBackend } from './target.js';

const HOUR = 3_600_000;

/** InventoryStore (ports/store.ts): reads and writes of flights, hotels, room nights and settings. */
export function describeInventoryStoreContract(target: StoreBackendTarget): void {
  describe(`InventoryStore contract: ${target.name}`, () => {
    const backend = useFreshBackend(target);
    const store = () => backend().inventory;

    it('getFlights returns flights with their cabins as written; unknown ids are left out', async () => {
      const f1 = flight('F1', { cabins: [cabin('economy', 5), cabin('business', 2, 90_000)] });
      const f2 = flight('F2', { flightNumber: 200, departureUtc: T0 + 12 * HOUR });
      await store().putFlights([f1, f2]);
      const found = await store().getFlights(['F2', 'nope', 'F1']);
      expect(found.map(normalised).sort((a, b) => a.id.localeCompare(b.id))).toEqual([
        normalised(f1),
        normalised(f2),
      ]);
      expect(await store().getFlights([])).toEqual([]);
    });

    it('flights keep their fare source, through-flight leg, codeshares and cancellation as written', async () => {
      const leg1 = flight('TF-1', {
        fareSource: 'estimated',
        throughFlight: { id: 'TF', legSequence: 1 },
        codeshares: [{ carrier: 'QR', flightNumber: 5911 }],
      });
      const leg2 = flight('TF-2', {
        fareSource: 'filed',
        throughFlight: { id: 'TF', legSequence: 2 },
        cancelled: true,
      });
      const plain = flight('PLAIN');
      await store().putFlights([leg1, leg2, plain]);
      const found = new Map(
        (await store().getFlights(['TF-1', 'TF-2', 'PLAIN'])).map((f) => [f.id, normalised(f)]),
      );
      expect(found.get('TF-1')).toEqual(normalised(leg1));
      expect(found.get('TF-2')).toEqual(normalised(leg2));
      // Absent attributes stay absent (an inventory flight reads back exactly as written).
      expect(found.get('PLAIN')).toEqual(normalised(plain));
    });

    it('getFlights answers a few hundred ids at once', async () => {
      const many = Array.from({ length: 300 }, (_, i) =>
        flight(`M${String(i).padStart(3, '0')}`, { flightNumber: i, departureUtc: T0 + i * 60_000 }),
      );
      await store().putFlights(many);
      const found = await store().getFlights(many.map((f) => f.id));
      expect(found.map((f) => f.id).sort()).toEqual(many.map((f) => f.id));
    });

    it('findFlights: one direction of one route, departures in [departFrom, departTo), ordered by departure', async () => {
      await store().putFlights([
        flight('LATE', { departureUtc: T0 + 20 * HOUR }),
        flight('EARLY', { departureUtc: T0 + 6 * HOUR }),
        flight('AT-START', { departureUtc: T0 }),
        flight('AT-END', { departureUtc: T0 + DAY }),
        flight('BACK', { origin: 'JFK', destination: 'LHR', departureUtc: T0 + 8 * HOUR }),
        flight('OTHER', { destination: 'CDG', departureUtc: T0 + 8 * HOUR }),
      ]);
      const found = await store().findFlights({
        origin: 'LHR',
        destination: 'JFK',
        departFrom: T0,
        departTo: T0 + DAY,
      });
      expect(found.map((f) => f.id)).toEqual(['AT-START', 'EARLY', 'LATE']);
      expect(found[0]?.cabins).toHaveLength(1);
      expect(
        await store().findFlights({ origin: 'LHR', destination: 'SYD', departFrom: T0, departTo: T0 + DAY }),
      ).toEqual([]);
    });

    it('findFlightsOnLegs answers one list per query, in query order, each as findFlights would', async () => {
      await store().putFlights([
        flight('A1', { departureUtc: T0 + 9 * HOUR }),
        flight('A2', { departureUtc: T0 + 7 * HOUR }),
        flight('B1', { origin: 'JFK', destination: 'LAX', departureUtc: T0 + 20 * HOUR }),
        flight('B2', { origin: 'JFK', destination: 'LAX', departureUtc: T0 + 2 * DAY }),
      ]);
      const legs = [
        { origin: 'JFK', destination: 'LAX', departFrom: T0, departTo: T0 + DAY },
        { origin: 'LHR', destination: 'SYD', departFrom: T0, departTo: T0 + DAY },
        { origin: 'LHR', destination: 'JFK', departFrom: T0, departTo: T0 + DAY },
        { origin: 'JFK', destination: 'LAX', departFrom: T0, departTo: T0 + 3 * DAY },
      ];
      const lists = await store().findFlightsOnLegs(legs);
      expect(lists.map((list) => list.map((f) => f.id))).toEqual([['B1'], [], ['A2', 'A1'], ['B1', 'B2']]);
      for (const [index, leg] of legs.entries()) {
        expect(lists[index]?.map(normalised)).toEqual((await store().findFlights(leg)).map(normalised));
      }
      expect(await store().findFlightsOnLegs([])).toEqual([]);
    });

    it('builds the timetable index: the index answers findFlightsOnLegs exactly as the store does', async () => {
      await store().putFlights([
        flight('X1', {
          departureUtc: T0 + 9 * HOUR,
          cabins: [cabin('economy', 5), cabin('first', 1, 250_000)],
        }),
        flight('X2', { departureUtc: T0 + 7 * HOUR, flightNumber: 7 }),
        flight('X3', { departureUtc: T0 + DAY + 7 * HOUR, carrier: 'ZZ', aircraft: '789' }),
        flight('Y1', { destination: 'CDG', departureUtc: T0 + 8 * HOUR, distanceKm: 344, currency: 'EUR' }),
        flight('OUTSIDE', { departureUtc: T0 + 40 * DAY }),
      ]);
      const index = new TimetableIndex(
        await buildTimetable(store(), { from: T0 - DAY, to: T0 + 3 * DAY }),
        () => undefined,
      );
      const queries = [
        { origin: 'LHR', destination: 'JFK', departFrom: T0, departTo: T0 + 2 * DAY },
        { origin: 'LHR', destination: 'JFK', departFrom: T0 + 8 * HOUR, departTo: T0 + 9 * HOUR + 1 },
        { origin: 'LHR', destination: 'CDG', departFrom: T0 - DAY, departTo: T0 + 3 * DAY },
        { origin: 'JFK', destination: 'LHR', departFrom: T0, departTo: T0 + DAY },
      ];
      const everything = { departsAfter: 0, cabin: 'economy' as const, seats: 0 };
      const fromIndex = index.legsOnRoutes(queries, everything).map((list) => list.map(normalised));
      const fromStore = (await store().findFlightsOnLegs(queries)).map((list) => list.map(normalised));
      expect(fromIndex).toEqual(fromStore);
      expect(fromIndex[0]?.map((f) => f.id)).toEqual(['X2', 'X1', 'X3']);
      expect(
        index
          .routes()
          .map((r) => `${r.origin}-${r.destination}`)
          .sort(),
      ).toEqual(['LHR-CDG', 'LHR-JFK']);
    });

    it('putFlights replaces a flight with the same id and the cabins it lists', async () => {
      await store().putFlights([flight('F1', { cabins: [cabin('economy', 5, 10_000)] })]);
      const replaced = flight('F1', { aircraft: '320', cabins: [cabin('economy', 1, 12_000)] });
      await store().putFlights([replaced]);
      const [found] = await store().getFlights(['F1']);
      expect(found?.aircraft).toBe('320');
      expect(found?.cabins.find((c) => c.cabin === 'economy')).toEqual(cabin('economy', 1, 12_000));
      expect((await store().stats()).flights).toBe(1);
    });

    it('putFlights replaces the cabins of a flight put again: cabins its new version leaves out are gone', async () => {
      await store().putFlights([
        flight('F1', {
          cabins: [cabin('economy', 5, 10_000), cabin('business', 2, 90_000), cabin('first', 1)],
        }),
        flight('F2', {
          flightNumber: 2,
          cabins: [cabin('economy', 5, 10_000), cabin('business', 2, 90_000)],
        }),
      ]);
      await store().putFlights([flight('F1', { cabins: [cabin('business', 1, 95_000)] })]);
      const found = new Map((await store().getFlights(['F1', 'F2'])).map((f) => [f.id, f]));
      expect(found.get('F1')?.cabins).toEqual([cabin('business', 1, 95_000)]);
      expect(
        found
          .get('F2')
          ?.cabins.map((c) => c.cabin)
          .sort(),
      ).toEqual(['business', 'economy']);
      const [onLeg] = await store().findFlightsOnLegs([
        { origin: 'LHR', destination: 'JFK', departFrom: T0, departTo: T0 + DAY },
      ]);
      expect(onLeg?.find((f) => f.id === 'F1')?.cabins).toEqual([cabin('business', 1, 95_000)]);
    });

    it('putFlights of new and existing flights at once adds the new ones and replaces the others', async () => {
      await store().putFlights([
        flight('F2', { cabins: [cabin('economy', 5, 10_000), cabin('business', 2, 90_000)] }),
        flight('F4', { flightNumber: 4 }),
      ]);
      const batch = [
        flight('F1', { flightNumber: 1 }),
        flight('F3', { flightNumber: 3, cabins: [cabin('economy', 5, 10_000)] }),
        flight('F2', { aircraft: '320', cabins: [cabin('business', 1, 95_000)] }),
        flight('F3', { flightNumber: 3, aircraft: '777', cabins: [cabin('first', 1, 300_000)] }),
        flight('F5', { flightNumber: 5 }),
      ];
      await store().putFlights(batch);
      const found = new Map((await store().getFlights(['F1', 'F2', 'F3', 'F4', 'F5'])).map((f) => [f.id, f]));
      expect([...found.keys()].sort()).toEqual(['F1', 'F2', 'F3', 'F4', 'F5']);
      expect(found.get('F2')?.aircraft).toBe('320');
      expect(found.get('F2')?.cabins).toEqual([cabin('business', 1, 95_000)]);
      // A flight listed twice in one call is stored as its last version.
      expect(normalised(found.get('F3') as FlightRecord)).toEqual(normalised(batch[3] as FlightRecord));
      expect((await store().stats()).flights).toBe(5);
    });

    it('putFlights and putRoomNights keep text exactly, tabs, newlines and backslashes included', async () => {
      const odd = 'A\\tB\t\\n\nC\r\\D é 😀';
      await store().putFlights([flight('ODD', { aircraft: odd })]);
      expect((await store().getFlights(['ODD']))[0]?.aircraft).toBe(odd);
      await store().putHotels([hotel('H1')]);
      await store().putRoomNights([{ ...night('H1', '2030-01-01'), roomType: odd }]);
      expect((await store().findRoomNights(['H1'], '2030-01-01', '2030-01-02'))[0]?.roomType).toBe(odd);
    });

    it('listRoutes lists each direction that has flights, with the carriers flying it', async () => {
      await store().putFlights([
        flight('F1', { carrier: 'BA' }),
        flight('F2', { carrier: 'AA', flightNumber: 2 }),
        flight('F3', { carrier: 'BA', flightNumber: 3, origin: 'JFK', destination: 'LHR' }),
      ]);
      const routes = (await store().listRoutes())
        .map((r) => ({ ...r, carriers: [...r.carriers].sort() }))
        .sort((a, b) => `${a.origin}${a.destination}`.localeCompare(`${b.origin}${b.destination}`));
      expect(routes).toEqual([
        { origin: 'JFK', destination: 'LHR', carriers: ['BA'] },
        { origin: 'LHR', destination: 'JFK', carriers: ['AA', 'BA'] },
      ]);
    });

    it('listAirlines returns all airlines or those asked for, replacing by code', async () => {
      await store().putAirlines([
        { iata: 'BA', name: 'British Airways', country: 'GB' },
        { iata: 'AA', name: 'American', country: 'US' },
      ]);
      await store().putAirlines([{ iata: 'AA', name: 'American Airlines', country: 'US' }]);
      const all = (await store().listAirlines()).sort((a, b) => a.iata.localeCompare(b.iata));
      expect(all).toEqual([
        { iata: 'AA', name: 'American Airlines', country: 'US' },
        { iata: 'BA', name: 'British Airways', country: 'GB' },
      ]);
      expect(await store().listAirlines(['BA', 'ZZ'])).toEqual([
        { iata: 'BA', name: 'British Airways', country: 'GB' },
      ]);
      expect(await store().listAirlines([])).toEqual([]);
    });

    it('findHotels by city, and within a radius of a point (great-circle distance)', async () => {
      const central = hotel('H1');
      const near = hotel('H2', { latitude: 51.5074 + 0.045 }); // ~5 km north
      const far = hotel('H3', { latitude: 51.5074 + 0.45 }); // ~50 km north
      const paris = hotel('H4', { cityCode: 'PAR', latitude: 48.8566, longitude: 2.3522 });
      await store().putHotels([central, near, far, paris]);
      const inLondon = await store().findHotels({ cityCode: 'LON' });
      expect(inLondon.map((h) => h.id).sort()).toEqual(['H1', 'H2', 'H3']);
      const around = await store().findHotels({ latitude: 51.5074, longitude: -0.1278, radiusKm: 10 });
      expect(around.map((h) => h.id).sort()).toEqual(['H1', 'H2']);
      expect(await store().findHotels({ cityCode: 'SYD' })).toEqual([]);
      expect(await store().findHotels({ latitude: 0, longitude: 0, radiusKm: 50 })).toEqual([]);
    });

    it('getHotels returns hotels as written (room types, amenities), replacing by id', async () => {
      await store().putHotels([hotel('H1'), hotel('H2')]);
      const renamed = hotel('H1', { name: 'Renamed', amenities: ['spa'], stars: 5 });
      await store().putHotels([renamed]);
      const found = (await store().getHotels(['H2', 'H1', 'nope'])).sort((a, b) => a.id.localeCompare(b.id));
      expect(found).toEqual([renamed, hotel('H2')]);
      expect(await store().getHotels([])).toEqual([]);
    });

    it('findRoomNights returns the nights in [checkIn, checkOut) of the hotels asked for', async () => {
      await store().putHotels([hotel('H1'), hotel('H2')]);
      await store().putRoomNights([
        night('H1', '2030-01-01'),
        night('H1', '2030-01-02'),
        night('H1', '2030-01-03'),
        night('H2', '2030-01-01'),
      ]);
      // New and existing nights at once; a night listed twice is stored as its last version.
      await store().putRoomNights([
        night('H2', '2030-01-02', 1, 30_000),
        night('H1', '2030-01-02', 0, 19_000),
        night('H2', '2030-01-02', 2, 31_000),
        night('H1', '2030-01-02', 0, 20_000),
      ]);
      const found = await store().findRoomNights(['H1'], '2030-01-01', '2030-01-03');
      expect(found.sort((a, b) => a.date.localeCompare(b.date))).toEqual([
        night('H1', '2030-01-01'),
        night('H1', '2030-01-02', 0, 20_000),
      ]);
      expect(await store().findRoomNights(['H2'], '2030-01-02', '2030-01-03')).toEqual([
        night('H2', '2030-01-02', 2, 31_000),
      ]);
      expect(await store().findRoomNights(['H3'], '2030-01-01', '2030-01-03')).toEqual([]);
      expect(await store().findRoomNights([], '2030-01-01', '2030-01-03')).toEqual([]);
    });

    it('stats counts what is stored; clearInventory deletes all inventory and keeps settings', async () => {
      await store().putAirlines([{ iata: 'TP', name: 'Test Air', country: 'GB' }]);
      await store().putFlights([
        flight('F1'),
        flight('F2', { flightNumber: 2 }),
        flight('F3', { origin: 'JFK', destination: 'LHR', flightNumber: 3 }),
      ]);
      await store().putHotels([hotel('H1')]);
      await store().putRoomNights([night('H1', '2030-01-01'), night('H1', '2030-01-02')]);
      await store().setSetting('kept', 'yes');
      expect(await store().stats()).toEqual({ airlines: 1, flights: 3, routes: 2, hotels: 1, roomNights: 2 });

      await store().clearInventory();
      expect(await store().stats()).toEqual({ airlines: 0, flights: 0, routes: 0, hotels: 0, roomNights: 0 });
      expect(await store().getFlights(['F1'])).toEqual([]);
      expect(await store().listRoutes()).toEqual([]);
      expect(await store().getSetting('kept')).toBe('yes');
    });

    it('replaceInventory: the old inventory goes, what the fill writes is read back as put would store it', async () => {
      await store().putAirlines([{ iata: 'OL', name: 'Old Air', country: 'GB' }]);
      await store().putFlights([flight('OLD1'), flight('OLD2', { origin: 'JFK', destination: 'LHR' })]);
      await store().putHotels([hotel('HOLD')]);
      await store().setSetting('kept', 'yes');
      const next = [
        flight('N1', { carrier: 'TP' }),
        flight('N2', { carrier: 'XX', flightNumber: 2 }),
        flight('N3', { origin: 'CDG', destination: 'JFK', flightNumber: 3 }),
      ];
      await store().replaceInventory(async (writer) => {
        await writer.putAirlines([{ iata: 'TP', name: 'Test Air', country: 'GB' }]);
        await writer.putFlights(next.slice(0, 2));
        await writer.putFlights(next.slice(2));
        await writer.putHotels([hotel('H1')]);
        await writer.putRoomNights([night('H1', '2030-01-01')]);
      });
      expect(await store().stats()).toEqual({ airlines: 1, flights: 3, routes: 2, hotels: 1, roomNights: 1 });
      expect(await store().getFlights(['OLD1', 'OLD2'])).toEqual([]);
      const byId = (a: { id: string }, b: { id: string }) => a.id.localeCompare(b.id);
      expect((await store().getFlights(['N1', 'N2', 'N3'])).map(normalised).sort(byId)).toEqual(
        next.map(normalised).sort(byId),
      );
      const routes = (await store().listRoutes()).map(
        (r) => `${r.origin}-${r.destination}:${[...r.carriers].sort()}`,
      );
      expect(routes.sort()).toEqual(['CDG-JFK:TP', 'LHR-JFK:TP,XX']);
      // The route's window query (the search's read) finds them, on the indexes the load rebuilt.
      const [first] = next;
      const found = await store().findFlights({
        origin: first?.origin as string,
        destination: first?.destination as string,
        departFrom: 0,
        departTo: Number.MAX_SAFE_INTEGER,
      });
      expect(found.map((f) => f.id).sort()).toEqual(['N1', 'N2']);
      expect(await store().getSetting('kept')).toBe('yes');
    });

    it('settings: undefined until set, then the last value written', async () => {
      expect(await store().getSetting('missing')).toBeUndefined();
      await store().setSetting('name', 'one');
      await store().setSetting('name', 'two');
      expect(await store().getSetting('name')).toBe('two');
    });

    it('setSettingIfAbsent: the first value stored wins, and every caller is answered with it', async () => {
      const answers = await Promise.all(
        Array.from({ length: 8 }, (_, i) => store().setSettingIfAbsent('secret', `value-${i}`)),
      );
      const stored = await store().getSetting('secret');
      expect(answers[0]).toMatch(/^value-\d$/);
      expect(answers).toEqual(answers.map(() => stored));
      expect(await store().setSettingIfAbsent('secret', 'later')).toBe(stored);
      await store().setSetting('secret', 'rotated');
      expect(await store().setSettingIfAbsent('secret', 'later')).toBe('rotated');
    });
  });
}
