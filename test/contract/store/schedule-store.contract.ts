import { describe, expect, it } from 'vitest';
import { touchedPeriodDates, touchedPeriodsOf } from '../../../src/core/events/inventory-events.js';
import type { StagedLeg } from '../../../src/ports/schedules.js';
import type { FlightRecord } from '../../../src/ports/store.js';
import { event, flight, seatBooking } from './fixtures.js';
import { pendingEvents, type StoreBackendTarget, useFreshBackend } from './target.js';

const HOUR = 3_600_000;
const at = (date: string, hour: number): number => Date.parse(`${date}T00:00:00Z`) + hour * HOUR;

/** A dated leg of carrier XX on `date` as a schedule import stages it. */
function dated(date: string, number: number, hour = 9, overrides: Partial<FlightRecord> = {}): FlightRecord {
  return flight(`${date}-XX${number}`, {
    carrier: 'XX',
    flightNumber: number,
    origin: 'LHR',
    destination: 'CDG',
    departureUtc: at(date, hour),
    arrivalUtc: at(date, hour + 1),
    fareSource: 'estimated',
    ...overrides,
  });
}

const staged = (f: FlightRecord, line = 1): StagedLeg => ({
  flight: f,
  line,
  signature: JSON.stringify([f.departureUtc, f.arrivalUtc, f.aircraft, f.cabins]),
});

const scope = { carrier: 'XX', firstDate: '2030-01-01', lastDate: '2030-01-31' };

/** ScheduleStore (ports/schedules.ts): staging, comparison and the atomic switch of a carrier's flights. */
export function describeScheduleStoreContract(target: StoreBackendTarget): void {
  describe(`ScheduleStore contract: ${target.name}`, () => {
    const backend = useFreshBackend(target);
    const schedules = () => backend().schedules;
    const ids = async (): Promise<string[]> =>
      (await schedules().listFlights(undefined, 1_000)).map((f) => f.id).sort();

    it('stage refuses an id the import staged already, naming both lines', async () => {
      expect(await schedules().stage('i1', [staged(dated('2030-01-02', 1), 3)])).toEqual([]);
      expect(
        await schedules().stage('i1', [staged(dated('2030-01-02', 1), 7), staged(dated('2030-01-02', 2), 8)]),
      ).toEqual([{ id: '2030-01-02-XX1', line: 7, previousLine: 3 }]);
      // Another import stages its own copy.
      expect(await schedules().stage('i2', [staged(dated('2030-01-02', 1), 1)])).toEqual([]);
    });

    it('switchTo replaces the carrier flights of the scope only; the rest stays', async () => {
      const other = flight('2030-01-02-YY1', { carrier: 'YY' });
      const outside = dated('2030-02-02', 1);
      await backend().inventory.putFlights([dated('2030-01-02', 1), dated('2030-01-03', 1), other, outside]);
      await schedules().stage('i', [staged(dated('2030-01-02', 1, 10)), staged(dated('2030-01-04', 1))]);
      const comparison = await schedules().compare('i', [scope]);
      expect(comparison).toMatchObject({ created: 1, changed: 1, unchanged: 0, removed: 1 });
      expect(comparison.moves.map((m) => [m.before.id, m.after?.departureUtc ?? null]).sort()).toEqual([
        ['2030-01-02-XX1', at('2030-01-02', 10)],
        ['2030-01-03-XX1', null],
      ]);
      // Compare writes nothing.
      expect(await ids()).toEqual(['2030-01-02-XX1', '2030-01-02-YY1', '2030-01-03-XX1', '2030-02-02-XX1']);
      const result = await schedules().switchTo(
        'i',
        [scope],
        [],
        [event('schedule.changed', {}, 'b1')],
        (touched, periods) => [event('schedule.changed', { flights: touched, periods, hotelNights: [] })],
      );
      expect(await ids()).toEqual(['2030-01-02-XX1', '2030-01-02-YY1', '2030-01-04-XX1', '2030-02-02-XX1']);
      expect((await backend().inventory.getFlights(['2030-01-02-XX1']))[0]?.departureUtc).toBe(
        at('2030-01-02', 10),
      );
      const appended = await pendingEvents(backend().outbox);
      expect(appended.map((e) => e.id).sort()).toEqual(result.events.map((e) => e.id).sort());
      // Dated flights by their date, periods (a store keeping periods) by each date they fly.
      const dates = result.events.flatMap((e) => [
        ...((e.data as { flights?: { departureDate: string }[] }).flights ?? []).map((f) => f.departureDate),
        ...touchedPeriodsOf(e).flatMap(touchedPeriodDates),
      ]);
      expect(new Set(dates)).toEqual(new Set(['2030-01-02', '2030-01-03', '2030-01-04']));
      // The staging area is gone: switching again changes nothing.
      expect(await schedules().compare('i', [scope])).toMatchObject({ created: 0, removed: 2 });
    });

    it('a flight to cancel is kept, marked cancelled, with the seats it sold; routes follow the flights', async () => {
      const booked = dated('2030-01-02', 1);
      await backend().inventory.putFlights([booked]);
      const b = seatBooking([booked.id], 2);
      const claim = await backend().bookings.claimKey('k', 'k', 'h', {
        now: 1,
        leaseMs: 60_000,
        retentionMs: 60_000,
      });
      if (claim.state !== 'acquired') throw new Error('not acquired');
      await backend().bookings.create(b, { scope: 'k', key: 'k', token: claim.token }, []);
      await schedules().stage('i', [staged(dated('2030-01-03', 5, 9, { destination: 'AMS' }))]);
      await schedules().switchTo('i', [scope], [booked.id], [], () => []);
      const [kept] = await backend().inventory.getFlights([booked.id]);
      expect(kept).toMatchObject({ cancelled: true });
      expect(kept?.cabins[0]?.seatsLeft).toBe(3);
      const routes = await backend().inventory.listRoutes();
      expect(routes.filter((r) => r.carriers.includes('XX')).map((r) => r.destination)).toEqual(['AMS']);
    });

    it('a flight written again keeps the seats its bookings hold', async () => {
      await backend().inventory.putFlights([dated('2030-01-02', 1)]);
      const b = seatBooking(['2030-01-02-XX1'], 2);
      const claim = await backend().bookings.claimKey('k', 'k', 'h', {
        now: 1,
        leaseMs: 60_000,
        retentionMs: 60_000,
      });
      if (claim.state !== 'acquired') throw new Error('not acquired');
      await backend().bookings.create(b, { scope: 'k', key: 'k', token: claim.token }, []);
      await schedules().stage('i', [staged(dated('2030-01-02', 1, 11))]);
      await schedules().switchTo('i', [scope], [], [], () => []);
      const [rewritten] = await backend().inventory.getFlights(['2030-01-02-XX1']);
      // The fixture's cabin had sold 195 of 200 before the booking took 2.
      expect(rewritten?.cabins[0]).toMatchObject({ capacity: 200, seatsLeft: 3 });
    });

    it('discard drops what an import staged; listFlights pages in id order', async () => {
      await schedules().stage('i', [staged(dated('2030-01-02', 1))]);
      await schedules().discard('i');
      expect(await schedules().compare('i', [scope])).toMatchObject({ created: 0 });
      await backend().inventory.putFlights([
        dated('2030-01-02', 1),
        dated('2030-01-02', 2),
        dated('2030-01-03', 1),
      ]);
      const first = await schedules().listFlights(undefined, 2);
      expect(first.map((f) => f.id)).toEqual(['2030-01-02-XX1', '2030-01-02-XX2']);
      expect((await schedules().listFlights('2030-01-02-XX2', 2)).map((f) => f.id)).toEqual([
        '2030-01-03-XX1',
      ]);
    });
  });
}
